/**
 * The surprise components kept apart so a reviewer sees why (window_scores.components): the model's
 * (action NLL, latent error, ensemble disagreement) and the data's own (speedFlatline: a frozen signal).
 */
export const COMPONENTS = ['nllLateral', 'nllLongitudinal', 'latent', 'disagreement', 'speedFlatline'] as const;
export type Component = (typeof COMPONENTS)[number];
export type ComponentValues = Partial<Record<Component, number>>;

/**
 * The least robust scale of a component, in its own units. A share that is 0 in most windows has a MAD of
 * 0, and without a floor its first small non-zero value would be a z in the thousands; a fifth of the
 * horizon is the least difference that means another situation (a live signal repeats for a step or two).
 */
const MIN_SCALE: ComponentValues = { speedFlatline: 0.2 };

/**
 * The most recent `capacity` values of one score (a ring buffer): the fleet's recent distribution
 * for one model version. Answers conformal p-values (share of recent values at least as large) and
 * robust z-scores ((x − median) / (1.4826 · MAD)).
 */
export class RecentValues {
  private values: number[];
  private next: number;
  private sortedCache: number[] | undefined;

  constructor(
    readonly capacity: number,
    state?: { values: number[]; next: number },
  ) {
    this.values = state ? state.values.slice(-capacity) : [];
    this.next = state ? state.next % capacity : 0;
  }

  get size(): number {
    return this.values.length;
  }

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    if (this.values.length < this.capacity) this.values.push(x);
    else this.values[this.next] = x;
    this.next = (this.next + 1) % this.capacity;
    this.sortedCache = undefined;
  }

  private sorted(): number[] {
    this.sortedCache ??= [...this.values].sort((a, b) => a - b);
    return this.sortedCache;
  }

  /** (1 + #{v ≥ x}) / (1 + n): a conformal p-value, 1 when nothing is known. */
  pValue(x: number): number {
    const s = this.sorted();
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return (1 + s.length - lo) / (1 + s.length);
  }

  quantile(q: number): number {
    const s = this.sorted();
    if (s.length === 0) return Number.NaN;
    const pos = q * (s.length - 1);
    const i = Math.floor(pos);
    return i + 1 < s.length ? s[i] + (s[i + 1] - s[i]) * (pos - i) : s[i];
  }

  /** Median and robust scale (1.4826 · MAD, floored so a constant history does not divide by zero). */
  centre(): { median: number; scale: number } {
    const median = this.quantile(0.5);
    const dev = this.sorted().map((v) => Math.abs(v - median)).sort((a, b) => a - b);
    const mad = dev.length ? dev[Math.floor((dev.length - 1) / 2)] : Number.NaN;
    return { median, scale: Math.max(1.4826 * mad, 1e-6, Math.abs(median) * 1e-3) };
  }

  toJSON(): { values: number[]; next: number } {
    return { values: this.values.map((v) => Math.round(v * 1e5) / 1e5), next: this.next };
  }
}

/** Upper tail of the standard normal, P(Z ≥ z) (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * How the combined evidence of a window is formed; a persisted reference of another kind (an older
 * engine's raw scores, on another scale) is dropped on load rather than mixed in.
 */
export const EVIDENCE_KIND = 'pooled-log-evidence-v1';

/** Half-width of the neighbourhood whose evidence a window's total pools, ms (±2 s: the horizon). */
export const EVIDENCE_HALF_WIDTH_MS = 2000;

export interface CalibrationState {
  components: Partial<Record<Component, { values: number[]; next: number }>>;
  total: { values: number[]; next: number } | undefined;
  seen: number;
  /** EVIDENCE_KIND of `total`'s values (absent in states written before it existed). */
  evidence?: string;
}

/** Where a window sits: its evidence pools with that of the windows of the same group (segment) near it in time. */
export interface WindowPlace {
  group: string;
  /** The window's start (its 'now'), epoch ms. */
  t: number;
}

export interface CalibratedScore {
  /** Robust z of each present component against its recent distribution. */
  z: ComponentValues;
  /** The combined evidence: the mean windowEvidence of the window's neighbourhood (pooledEvidence). */
  raw: number;
  /** The calibrated total: robust z of raw against the recent raws of this model version. */
  total: number;
  /** Conformal p-value of raw among the recent raws (small = rare). */
  pValue: number;
}

/**
 * A window's own evidence: Σ over its components of ln(1 + max(0, z)). A channel's surprise counts
 * whole whatever the others say, channels that agree add up, and the logarithm tames the tail so that
 * one extreme window (z in the hundreds is common for a hard brake under a narrow prediction) cannot
 * outweigh the neighbours it is pooled with.
 */
export function windowEvidence(z: ComponentValues): number {
  let e = 0;
  for (const c of COMPONENTS) {
    const v = z[c];
    if (v !== undefined && v > 0) e += Math.log1p(v);
  }
  return e;
}

/**
 * Each window's combined evidence: the mean evidence of the windows of its group (its segment) starting
 * within ±halfWidthMs of it. One 2 s window is a noisy witness and a real event lasts seconds, so pooling
 * neighbours lets a sustained deviation (a swerve, a stop for a pedestrian, a lane shift) outrank the
 * isolated spikes of ordinary driving. Groups are segments so a stored score never changes when a later
 * segment arrives; a window without neighbours is its own neighbourhood.
 */
export function pooledEvidence(evidence: readonly number[], places: readonly WindowPlace[], halfWidthMs = EVIDENCE_HALF_WIDTH_MS): number[] {
  if (evidence.length !== places.length) throw new Error(`pooledEvidence: ${evidence.length} values for ${places.length} places`);
  const groups = new Map<string, number[]>();
  places.forEach((p, i) => {
    const g = groups.get(p.group);
    if (g) g.push(i);
    else groups.set(p.group, [i]);
  });
  const out = new Array<number>(evidence.length);
  for (const idx of groups.values()) {
    idx.sort((a, b) => places[a].t - places[b].t);
    // A sliding window over the time-sorted group: [lo, hi) holds the neighbours of position k.
    let lo = 0;
    let hi = 0;
    let sum = 0;
    for (let k = 0; k < idx.length; k++) {
      const t = places[idx[k]].t;
      while (hi < idx.length && places[idx[hi]].t <= t + halfWidthMs) sum += evidence[idx[hi++]];
      while (places[idx[lo]].t < t - halfWidthMs) sum -= evidence[idx[lo++]];
      out[idx[k]] = sum / (hi - lo);
    }
  }
  return out;
}

/** Robust z of each present component against its centre. */
function zScores(w: ComponentValues, centres: Partial<Record<Component, { median: number; scale: number }>>): ComponentValues {
  const z: ComponentValues = {};
  for (const c of COMPONENTS) {
    const v = w[c];
    const centre = centres[c];
    if (v === undefined || !Number.isFinite(v) || !centre) continue;
    z[c] = (v - centre.median) / centre.scale;
  }
  return z;
}

/**
 * Streaming calibration for one model version: each component and the combined evidence are compared
 * with the most recent values the fleet produced under the same model, so a threshold on `pValue` (or
 * on `total`, in robust standard deviations) means the same across vehicles and model versions. A batch
 * joins the reference before it is scored (conformal style), so a cold start calibrates on itself.
 */
export class SurpriseCalibrator {
  private readonly components: Record<Component, RecentValues>;
  private readonly totals: RecentValues;
  private seenCount: number;

  /**
   * @param capacity recent values kept per score
   * @param minReference below this many recent windows (a new model version) the empirical p-value
   *   cannot be small enough yet, so the p-value is the normal tail of the robust z instead.
   */
  constructor(
    readonly capacity = 4096,
    state?: CalibrationState,
    readonly minReference = 256,
  ) {
    this.components = Object.fromEntries(COMPONENTS.map((c) => [c, new RecentValues(capacity, state?.components[c])])) as Record<Component, RecentValues>;
    this.totals = new RecentValues(capacity, state?.evidence === EVIDENCE_KIND ? state.total : undefined);
    this.seenCount = state?.seen ?? 0;
  }

  get seen(): number {
    return this.seenCount;
  }

  /**
   * Adds a batch of windows to the reference, then scores each of them. `places` (one per window) pools
   * each window's evidence with its neighbours' (pooledEvidence); without them each window stands alone.
   */
  calibrateBatch(batch: readonly ComponentValues[], places?: readonly WindowPlace[]): CalibratedScore[] {
    for (const w of batch) for (const c of COMPONENTS) if (w[c] !== undefined) this.components[c].add(w[c]);
    const centres = this.centres();
    const zs = batch.map((w) => zScores(w, centres));
    const evidence = zs.map(windowEvidence);
    const raws = places ? pooledEvidence(evidence, places) : evidence;
    for (const r of raws) this.totals.add(r);
    this.seenCount += batch.length;
    const t = this.totals.centre();
    return zs.map((z, i) => {
      const total = (raws[i] - t.median) / t.scale;
      return { z, raw: raws[i], total, pValue: this.pValueOf(raws[i], total) };
    });
  }

  /** Each component's recent centre; undefined for a component never seen (no z for it). */
  private centres(): Partial<Record<Component, { median: number; scale: number }>> {
    return Object.fromEntries(
      COMPONENTS.filter((c) => this.components[c].size > 0).map((c) => {
        const centre = this.components[c].centre();
        return [c, { median: centre.median, scale: Math.max(centre.scale, MIN_SCALE[c] ?? 0) }];
      }),
    );
  }

  /** Scores one window on its own, without learning (evaluation, explanations). */
  score(w: ComponentValues): CalibratedScore {
    const z = zScores(w, this.centres());
    const raw = windowEvidence(z);
    const t = this.totals.centre();
    const total = this.totals.size ? (raw - t.median) / t.scale : raw;
    return { z, raw, total, pValue: this.pValueOf(raw, total) };
  }

  private pValueOf(raw: number, total: number): number {
    return this.totals.size >= this.minReference ? this.totals.pValue(raw) : normalTail(total);
  }

  /** Typical (median) value of a component, for explanations ("3× the fleet's typical"). */
  typical(c: Component): number {
    return this.components[c].quantile(0.5);
  }

  toState(): CalibrationState {
    return {
      components: Object.fromEntries(COMPONENTS.filter((c) => this.components[c].size > 0).map((c) => [c, this.components[c].toJSON()])),
      total: this.totals.toJSON(),
      seen: this.seenCount,
      evidence: EVIDENCE_KIND,
    };
  }
}
