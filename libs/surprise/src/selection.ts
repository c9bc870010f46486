/** Euclidean distance (cube's `<->`), over the shared dimensions plus the rest of the longer one. */
export function euclidean(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) s += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return Math.sqrt(s);
}

/** Scales a vector to unit length (zero stays zero), so one radius fits every embedding. */
export function unit(v: readonly number[]): number[] {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return n > 0 ? v.map((x) => x / n) : v.map(() => 0);
}

export interface ExistingCase {
  id: string;
  /** The cluster this case belongs to (its own id when it founded one). */
  clusterId: string;
  embedding: readonly number[];
}

export interface NewCase {
  key: string;
  score: number;
  embedding: readonly number[];
}

export interface ClusterAssignment {
  key: string;
  /** The existing or earlier new case whose cluster it joins; undefined: founds its own cluster. */
  joins: string | undefined;
  distance: number;
}

/**
 * De-duplication by embedding: in order of score, each new case joins the cluster of the nearest case
 * (existing, or new and already placed) within `radius`, else founds its own. Cluster ids are the
 * founders' ids/keys, so the caller maps keys to ids once they exist.
 */
export function assignClusters(cases: readonly NewCase[], existing: readonly ExistingCase[], radius: number): ClusterAssignment[] {
  const placed: { cluster: string; embedding: readonly number[] }[] = existing.map((e) => ({ cluster: e.clusterId, embedding: e.embedding }));
  const out: ClusterAssignment[] = [];
  for (const c of [...cases].sort((a, b) => b.score - a.score)) {
    let best: { cluster: string; d: number } | undefined;
    for (const p of placed) {
      const d = euclidean(c.embedding, p.embedding);
      if (d <= radius && (!best || d < best.d)) best = { cluster: p.cluster, d };
    }
    out.push({ key: c.key, joins: best?.cluster, distance: best?.d ?? Number.POSITIVE_INFINITY });
    placed.push({ cluster: best?.cluster ?? c.key, embedding: c.embedding });
  }
  return out;
}

export interface Queueable {
  key: string;
  score: number;
  cluster: string;
}

export interface BudgetOptions {
  /** Tasks still allowed today. */
  budgetLeft: number;
  /** Tasks each cluster already holds (today or open): a crowded cluster ranks lower. */
  clusterTasks: ReadonlyMap<string, number>;
  /** No more than this many tasks per cluster at all (the hundredth copy is not queued). */
  maxPerCluster: number;
}

/**
 * Which cases get an annotation task: greedily the highest `score / (1 + tasks already in its cluster)`,
 * so a new situation outranks one more copy of a known one and a cluster's best case comes first, yet
 * the most extreme case is not the only one taken; at most `budgetLeft` and `maxPerCluster` per cluster.
 * Returns keys with their priority, in the order chosen.
 */
export function selectWithinBudget(cases: readonly Queueable[], o: BudgetOptions): { key: string; priority: number }[] {
  const counts = new Map(o.clusterTasks);
  const left = new Set(cases.map((c) => c.key));
  const chosen: { key: string; priority: number }[] = [];
  while (chosen.length < o.budgetLeft && left.size > 0) {
    let best: { c: Queueable; p: number } | undefined;
    for (const c of cases) {
      if (!left.has(c.key)) continue;
      const n = counts.get(c.cluster) ?? 0;
      if (n >= o.maxPerCluster) continue;
      const p = c.score / (1 + n);
      if (!best || p > best.p) best = { c, p };
    }
    if (!best) break;
    left.delete(best.c.key);
    counts.set(best.c.cluster, (counts.get(best.c.cluster) ?? 0) + 1);
    chosen.push({ key: best.c.key, priority: best.p });
  }
  return chosen;
}
