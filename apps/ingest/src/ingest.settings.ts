import { EnvReader, type Env } from '@surprisal/config';
import { TOPICS } from '@surprisal/contracts';
import { type TimeBounds } from './validation/fleet-message.validation';

/** The ingest app's own settings, read once at boot (every problem named at once). */
export interface IngestSettings {
  /** Consumer group of the fleet topics (INGEST_CONSUMER_GROUP). */
  consumerGroup: string;
  /** Topics consumed; the contract topics unless a test or benchmark isolates itself (INGEST_ACTIONS_TOPIC, INGEST_CLIPS_TOPIC). */
  actionsTopic: string;
  clipsTopic: string;
  /** Messages per handler call (INGEST_MAX_BATCH_SIZE). */
  maxBatchSize: number;
  /** Partitions handled at once by this process (INGEST_CONCURRENCY). */
  concurrency: number;
  /** Segment length, ms; segments are aligned to the epoch (INGEST_SEGMENT_MS). */
  segmentMs: number;
  /** A drive without new data this long has its open segments flushed (INGEST_SEGMENT_IDLE_MS). */
  segmentIdleMs: number;
  /** How often the idle flush runs (INGEST_FLUSH_INTERVAL_MS). */
  flushIntervalMs: number;
  /**
   * Timestamps accepted: from minT (INGEST_MIN_SAMPLE_T; default 2000-01-01) to receive time plus
   * maxFutureSkewMs (INGEST_MAX_FUTURE_SKEW_MS); outside is a broken clock.
   */
  timeBounds: TimeBounds;
  /** Segment emissions running at once (INGEST_SEGMENT_CONCURRENCY). */
  segmentConcurrency: number;
  /** Segment emissions in flight before handlers wait (backpressure; INGEST_MAX_PENDING_SEGMENTS). */
  maxPendingSegments: number;
}

export const INGEST_SETTINGS = Symbol('INGEST_SETTINGS');

/** 2000-01-01T00:00:00Z: older samples are a broken clock, not history. */
const DEFAULT_MIN_SAMPLE_T = 946_684_800_000;
const DEFAULT_MAX_FUTURE_SKEW_MS = 24 * 3600 * 1000;

export function loadIngestSettings(env: Env = process.env): IngestSettings {
  const read = new EnvReader(env);
  const consumerGroup = read.str('INGEST_CONSUMER_GROUP') ?? 'surprisal-ingest';
  const settings: IngestSettings = {
    consumerGroup,
    actionsTopic: read.topic('INGEST_ACTIONS_TOPIC', TOPICS.fleetActions),
    clipsTopic: read.topic('INGEST_CLIPS_TOPIC', TOPICS.fleetClips),
    maxBatchSize: read.int('INGEST_MAX_BATCH_SIZE', 500, 1, 10_000),
    concurrency: read.int('INGEST_CONCURRENCY', 4, 1, 64),
    segmentMs: read.int('INGEST_SEGMENT_MS', 20_000, 1_000, 3_600_000),
    segmentIdleMs: read.int('INGEST_SEGMENT_IDLE_MS', 30_000, 0, 86_400_000),
    flushIntervalMs: read.int('INGEST_FLUSH_INTERVAL_MS', 5_000, 50, 3_600_000),
    timeBounds: {
      minT: read.int('INGEST_MIN_SAMPLE_T', DEFAULT_MIN_SAMPLE_T, 0, Number.MAX_SAFE_INTEGER),
      maxFutureSkewMs: read.int('INGEST_MAX_FUTURE_SKEW_MS', DEFAULT_MAX_FUTURE_SKEW_MS, 0, 365 * 86_400_000),
    },
    segmentConcurrency: read.int('INGEST_SEGMENT_CONCURRENCY', 4, 1, 64),
    maxPendingSegments: read.int('INGEST_MAX_PENDING_SEGMENTS', 256, 1, 100_000),
  };
  read.check();
  return settings;
}
