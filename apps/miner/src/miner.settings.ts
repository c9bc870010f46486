import { EnvReader, type Env } from '@surprisal/config';

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
  /** Frame strips rendered at once, after the edge cases are committed (MINER_THUMBNAIL_CONCURRENCY; 0: none are made). */
  thumbnailConcurrency: number;
}

export const MINER_SETTINGS = Symbol('MINER_SETTINGS');

export function loadMinerSettings(env: Env = process.env): MinerSettings {
  const read = new EnvReader(env);
  const settings: MinerSettings = {
    maxPValue: read.num('MINER_MAX_P_VALUE', 0.02, 0, 1),
    minScore: read.num('MINER_MIN_SCORE', 3, -1000, 1000),
    mergeGapMs: read.num('MINER_MERGE_GAP_MS', 0, 0, 600_000),
    dedupRadius: read.num('MINER_DEDUP_RADIUS', 0.35, 0, 10),
    dailyBudget: read.int('MINER_DAILY_BUDGET', 200, 0, 10_000_000),
    maxPerCluster: read.int('MINER_MAX_PER_CLUSTER', 3, 1, 1_000_000),
    thumbnailConcurrency: read.int('MINER_THUMBNAIL_CONCURRENCY', 1, 0, 64),
  };
  read.check();
  return settings;
}
