import { cpus } from 'node:os';
import { ConfigError } from '@surprisal/config';
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

type Env = Record<string, string | undefined>;

export function loadScorerSettings(env: Env = process.env): ScorerSettings {
  const problems: string[] = [];
  const str = (name: string, fallback: string): string => env[name]?.trim() || fallback;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name}: must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const topic = (name: string, fallback: string): string => {
    const v = str(name, fallback);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(v)) problems.push(`${name}: not a valid Kafka topic name (got "${v}")`);
    return v;
  };
  let devices: Device[] = ['cpu'];
  try {
    devices = parseDevices(env.SCORER_DEVICES);
  } catch (err) {
    problems.push((err as Error).message);
  }
  const startAt = str('SCORER_START_AT', 'earliest');
  if (startAt !== 'earliest' && startAt !== 'latest') problems.push(`SCORER_START_AT: must be earliest or latest (got "${startAt}")`);
  const settings: ScorerSettings = {
    devices,
    startAt: startAt === 'latest' ? 'latest' : 'earliest',
    consumerGroup: str('SCORER_CONSUMER_GROUP', 'surprisal-scorer'),
    segmentsTopic: topic('SCORER_SEGMENTS_TOPIC', TOPICS.engineSegments),
    modelsTopic: topic('SCORER_MODELS_TOPIC', TOPICS.engineModels),
    maxBatchSegments: int('SCORER_MAX_BATCH_SEGMENTS', 16, 1, 1000),
    maxBatchWindows: int('SCORER_MAX_BATCH_WINDOWS', 512, 1, 65_536),
    threads: int('SCORER_THREADS', 0, 0, 256),
    decodeConcurrency: int('SCORER_DECODE_CONCURRENCY', Math.max(1, cpus().length), 1, 256),
    calibrationWindows: int('SCORER_CALIBRATION_WINDOWS', 4096, 64, 1_000_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
