import { resolve } from 'node:path';
import { EnvReader, type Env } from './env-reader';

/** The roles one process can host; the embedded default hosts them all. */
export const ROLES = ['api', 'ingest', 'scorer', 'miner', 'sim'] as const;
export type Role = (typeof ROLES)[number];

/** poolSize: connections per process (PostgreSQL); each API request runs one query, so about twice the cores suits an api-only process. */
export type DbConfig = { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'pglite'; dir: string };
export type BusConfig = { kind: 'kafka'; brokers: string[]; clientId: string } | { kind: 'memory' };
export type StorageConfig =
  | {
      kind: 's3';
      bucket: string;
      endpoint: string | undefined;
      region: string;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      forcePathStyle: boolean;
    }
  | { kind: 'local'; dir: string };

/** Typed settings, read once at boot from the environment. */
export interface EngineConfig {
  host: string;
  port: number;
  /** Base URL clients reach this engine at; local presigned URLs point here. */
  publicUrl: string;
  roles: ReadonlySet<Role>;
  dataDir: string;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  db: DbConfig;
  bus: BusConfig;
  storage: StorageConfig;
  /** Secret for locally signed blob URLs; random per process when unset. */
  signingSecret: string | undefined;
  adminKey: string | undefined;
  /** Requests per second allowed per API key (bursts up to twice that); 0 turns the limit off. */
  rateLimitPerKey: number;
  /** Whether the `sim` role runs its small demo fleet (SURPRISAL_DEMO_FLEET, on by default). */
  demoFleet: boolean;
  /** HTTP worker processes sharing the port (SURPRISAL_API_WORKERS); more than 1 only for an api-only process. */
  apiWorkers: number;
}

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
const MIN_SECRET_LENGTH = 24;
/** PostgreSQL connections per process: the ingest handlers and segment emissions (4 + 4 by default) share them. */
export const DEFAULT_POOL_SIZE = 10;

/** Reads and validates the environment; throws ConfigError listing each problem. */
export function loadConfig(env: Env = process.env): EngineConfig {
  const read = new EnvReader(env);

  const host = read.str('HOST') ?? '127.0.0.1';
  const port = read.int('PORT', 3000, 1, 65535);
  const publicUrl = read.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const dataDir = resolve(read.str('SURPRISAL_DATA_DIR') ?? '.surprisal-data');

  const roles = new Set<Role>();
  for (const r of (read.str('SURPRISAL_ROLES') ?? ROLES.join(',')).split(',').map((s) => s.trim()).filter(Boolean)) {
    if ((ROLES as readonly string[]).includes(r)) roles.add(r as Role);
    else read.problem(`SURPRISAL_ROLES: unknown role "${r}" (known: ${ROLES.join(', ')})`);
  }

  const rawLevel = read.str('LOG_LEVEL') ?? 'log';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(rawLevel) ? (rawLevel as EngineConfig['logLevel']) : undefined;
  if (!logLevel) read.problem(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')} (got "${rawLevel}")`);

  const dbUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const poolSize = read.int('DATABASE_POOL_SIZE', DEFAULT_POOL_SIZE, 1, 1_000);
  const db: DbConfig = dbUrl ? { kind: 'postgres', url: dbUrl, poolSize } : { kind: 'pglite', dir: resolve(dataDir, 'pglite') };

  let bus: BusConfig = { kind: 'memory' };
  const brokers = read.str('KAFKA_BROKERS');
  if (brokers !== undefined) {
    const list = brokers.split(',').map((b) => b.trim()).filter(Boolean);
    const bad = list.filter((b) => !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(b));
    if (list.length === 0 || bad.length > 0) read.problem(`KAFKA_BROKERS: must be a comma-separated list of host:port (bad: ${bad.join(', ') || 'empty'})`);
    bus = { kind: 'kafka', brokers: list, clientId: read.str('KAFKA_CLIENT_ID') ?? 'surprisal' };
  }

  let storage: StorageConfig = { kind: 'local', dir: resolve(read.str('BLOB_DIR') ?? resolve(dataDir, 'blobs')) };
  const bucket = read.str('S3_BUCKET');
  const endpoint = read.url('S3_ENDPOINT', ['http:', 'https:']);
  const accessKeyId = read.str('S3_ACCESS_KEY_ID');
  const secretAccessKey = read.str('S3_SECRET_ACCESS_KEY');
  if (bucket !== undefined || read.str('S3_ENDPOINT') !== undefined) {
    if (bucket === undefined) read.problem('S3_BUCKET: required when S3_ENDPOINT is set');
    else if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) read.problem(`S3_BUCKET: not a valid bucket name (got "${bucket}")`);
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
      read.problem('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither (neither uses the AWS default credential chain)');
    }
    storage = {
      kind: 's3',
      bucket: bucket ?? '',
      endpoint,
      region: read.str('S3_REGION') ?? 'us-east-1',
      accessKeyId,
      secretAccessKey,
      forcePathStyle: read.bool('S3_FORCE_PATH_STYLE', endpoint !== undefined),
    };
  }

  const signingSecret = read.secret('SURPRISAL_SIGNING_SECRET', MIN_SECRET_LENGTH);
  const adminKey = read.secret('SURPRISAL_ADMIN_KEY', MIN_SECRET_LENGTH);

  const rateLimitPerKey = read.int('SURPRISAL_RATE_LIMIT', 100, 0, 1_000_000);
  const demoFleet = read.bool('SURPRISAL_DEMO_FLEET', true);
  const apiWorkers = read.int('SURPRISAL_API_WORKERS', 1, 1, 64);
  if (apiWorkers > 1 && (roles.size !== 1 || !roles.has('api'))) {
    read.problem('SURPRISAL_API_WORKERS: more than 1 worker needs SURPRISAL_ROLES=api (consumers and the demo fleet must not run twice)');
  }
  if (apiWorkers > 1 && db.kind !== 'postgres') read.problem('SURPRISAL_API_WORKERS: more than 1 worker needs DATABASE_URL (the embedded database is one process\'s)');

  read.check();
  return { host, port, publicUrl, roles, dataDir, logLevel: logLevel ?? 'log', db, bus, storage, signingSecret, adminKey, rateLimitPerKey, demoFleet, apiWorkers };
}
