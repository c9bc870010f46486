import { cpus } from 'node:os';
import { EnvReader, type Env } from '@surprisal/config';
import { TOPICS } from '@surprisal/contracts';
import { parseDevices, type Device } from '@surprisal/inference';

/** The scorer's own settings, read once at boot (every problem named at once). */
export interface ScorerSettings {
  /** Devices tried in order (SCORER_DEVICES, default cuda,cpu). */
  devices: Device[];
  /** Consumer group of engine.segments.v1 (SCORER_CONSUMER_GROUP). */
  consumerGroup: string;
  segmentsTopic: string;
  modelsTopic: string;
  /** Where a new consumer group starts on engine.segments.v1 (SCORER_START_AT: earliest | latest). */
  startAt: 'earliest' | 'latest';
  /** Segments per handler call (SCORER_MAX_BATCH_SEGMENTS): windows of all of them go to the device together. */
  maxBatchSegments: number;
  /** Rows per onnxruntime run (SCORER_MAX_BATCH_WINDOWS): bounds memory. */
  maxBatchWindows: number;
  /** CPU threads per session (SCORER_THREADS; 0: onnxruntime's default). */
  threads: number;
  /** Clips decoded at once (SCORER_DECODE_CONCURRENCY; default: the number of cores). */
  decodeConcurrency: number;
  /** Windows kept per model version for calibration (SCORER_CALIBRATION_WINDOWS). */
  calibrationWindows: number;
}

export const SCORER_SETTINGS = Symbol('SCORER_SETTINGS');

export function loadScorerSettings(env: Env = process.env): ScorerSettings {
  const read = new EnvReader(env);
  let devices: Device[] = ['cpu'];
  try {
    devices = parseDevices(env.SCORER_DEVICES);
  } catch (err) {
    read.problem((err as Error).message);
  }
  const startAt = read.str('SCORER_START_AT') ?? 'earliest';
  if (startAt !== 'earliest' && startAt !== 'latest') read.problem(`SCORER_START_AT: must be earliest or latest (got "${startAt}")`);
  const settings: ScorerSettings = {
    devices,
    startAt: startAt === 'latest' ? 'latest' : 'earliest',
    consumerGroup: read.str('SCORER_CONSUMER_GROUP') ?? 'surprisal-scorer',
    segmentsTopic: read.topic('SCORER_SEGMENTS_TOPIC', TOPICS.engineSegments),
    modelsTopic: read.topic('SCORER_MODELS_TOPIC', TOPICS.engineModels),
    maxBatchSegments: read.int('SCORER_MAX_BATCH_SEGMENTS', 16, 1, 1000),
    maxBatchWindows: read.int('SCORER_MAX_BATCH_WINDOWS', 512, 1, 65_536),
    threads: read.int('SCORER_THREADS', 0, 0, 256),
    decodeConcurrency: read.int('SCORER_DECODE_CONCURRENCY', Math.max(1, cpus().length), 1, 256),
    calibrationWindows: read.int('SCORER_CALIBRATION_WINDOWS', 4096, 64, 1_000_000),
  };
  read.check();
  return settings;
}
