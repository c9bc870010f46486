import { ConfigError } from '@surprisal/config';

/** The miner's settings, read once at boot. */
export interface MinerSettings {
  /** A window is surprising at p ≤ this (MINER_MAX_P_VALUE)… */
  maxPValue: number;
  /** …and a calibrated total ≥ this, in robust standard deviations (MINER_MIN_SCORE). */
  minScore: number;
  /** Surprising windows closer than this merge into one edge case (MINER_MERGE_GAP_MS). */
  mergeGapMs: number;
  /** Edge cases closer than this (unit embeddings, Euclidean) are one situation (MINER_DEDUP_RADIUS). */
  dedupRadius: number;
  /** Annotation tasks created per UTC day across both queues (MINER_DAILY_BUDGET). */
  dailyBudget: number;
  /** At most this many tasks per cluster of near-duplicates (MINER_MAX_PER_CLUSTER). */
  maxPerCluster: number;
}

export const MINER_SETTINGS = Symbol('MINER_SETTINGS');

export function loadMinerSettings(env: Record<string, string | undefined> = process.env): MinerSettings {
  const problems: string[] = [];
  const num = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${name}: must be a number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const settings: MinerSettings = {
    maxPValue: num('MINER_MAX_P_VALUE', 0.02, 0, 1),
    minScore: num('MINER_MIN_SCORE', 3, -1000, 1000),
    mergeGapMs: num('MINER_MERGE_GAP_MS', 0, 0, 600_000),
    dedupRadius: num('MINER_DEDUP_RADIUS', 0.35, 0, 10),
    dailyBudget: Math.floor(num('MINER_DAILY_BUDGET', 200, 0, 10_000_000)),
    maxPerCluster: Math.floor(num('MINER_MAX_PER_CLUSTER', 3, 1, 1_000_000)),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
