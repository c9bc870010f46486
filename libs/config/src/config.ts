import { resolve } from 'node:path';

/** The roles one process can host; the embedded default hosts them all. */
export const ROLES = ['api', 'ingest', 'scorer', 'miner', 'sim'] as const;
export type Role = (typeof ROLES)[number];

export type DbConfig = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };
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

/** Thrown when settings are missing or malformed; names every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
const MIN_SECRET_LENGTH = 24;

/** Reads and validates the environment; throws ConfigError listing each problem. */
export function loadConfig(env: Env = process.env): EngineConfig {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name}: must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name}: must be true or false (got "${raw}")`);
    return fallback;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      problems.push(`${name}: must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL (got a malformed value)`);
      return undefined;
    }
  };
  const secret = (name: string): string | undefined => {
    const v = str(name);
    // Never echo a secret back, not even in an error.
    if (v !== undefined && v.length < MIN_SECRET_LENGTH) problems.push(`${name}: must be at least ${MIN_SECRET_LENGTH} characters`);
    return v;
  };

  const host = str('HOST') ?? '127.0.0.1';
  const port = int('PORT', 3000, 1, 65535);
  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const dataDir = resolve(str('SURPRISAL_DATA_DIR') ?? '.surprisal-data');

  const roles = new Set<Role>();
  for (const r of (str('SURPRISAL_ROLES') ?? ROLES.join(',')).split(',').map((s) => s.trim()).filter(Boolean)) {
    if ((ROLES as readonly string[]).includes(r)) roles.add(r as Role);
    else problems.push(`SURPRISAL_ROLES: unknown role "${r}" (known: ${ROLES.join(', ')})`);
  }

  const rawLevel = str('LOG_LEVEL') ?? 'log';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(rawLevel) ? (rawLevel as EngineConfig['logLevel']) : undefined;
  if (!logLevel) problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')} (got "${rawLevel}")`);

  const dbUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const db: DbConfig = dbUrl ? { kind: 'postgres', url: dbUrl } : { kind: 'pglite', dir: resolve(dataDir, 'pglite') };

  let bus: BusConfig = { kind: 'memory' };
  const brokers = str('KAFKA_BROKERS');
  if (brokers !== undefined) {
    const list = brokers.split(',').map((b) => b.trim()).filter(Boolean);
    const bad = list.filter((b) => !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(b));
    if (list.length === 0 || bad.length > 0) problems.push(`KAFKA_BROKERS: must be a comma-separated list of host:port (bad: ${bad.join(', ') || 'empty'})`);
    bus = { kind: 'kafka', brokers: list, clientId: str('KAFKA_CLIENT_ID') ?? 'surprisal' };
  }

  let storage: StorageConfig = { kind: 'local', dir: resolve(str('BLOB_DIR') ?? resolve(dataDir, 'blobs')) };
  const bucket = str('S3_BUCKET');
  const endpoint = url('S3_ENDPOINT', ['http:', 'https:']);
  const accessKeyId = str('S3_ACCESS_KEY_ID');
  const secretAccessKey = str('S3_SECRET_ACCESS_KEY');
  if (bucket !== undefined || str('S3_ENDPOINT') !== undefined) {
    if (bucket === undefined) problems.push('S3_BUCKET: required when S3_ENDPOINT is set');
    else if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`S3_BUCKET: not a valid bucket name (got "${bucket}")`);
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
      problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither (neither uses the AWS default credential chain)');
    }
    storage = {
      kind: 's3',
      bucket: bucket ?? '',
      endpoint,
      region: str('S3_REGION') ?? 'us-east-1',
      accessKeyId,
      secretAccessKey,
      forcePathStyle: bool('S3_FORCE_PATH_STYLE', endpoint !== undefined),
    };
  }

  const signingSecret = secret('SURPRISAL_SIGNING_SECRET');
  const adminKey = secret('SURPRISAL_ADMIN_KEY');

  const rateLimitPerKey = int('SURPRISAL_RATE_LIMIT', 100, 0, 1_000_000);
  const demoFleet = bool('SURPRISAL_DEMO_FLEET', true);
  const apiWorkers = int('SURPRISAL_API_WORKERS', 1, 1, 64);
  if (apiWorkers > 1 && (roles.size !== 1 || !roles.has('api'))) {
    problems.push('SURPRISAL_API_WORKERS: more than 1 worker needs SURPRISAL_ROLES=api (consumers and the demo fleet must not run twice)');
  }
  if (apiWorkers > 1 && db.kind !== 'postgres') problems.push('SURPRISAL_API_WORKERS: more than 1 worker needs DATABASE_URL (the embedded database is one process\'s)');

  if (problems.length > 0) throw new ConfigError(problems);
  return { host, port, publicUrl, roles, dataDir, logLevel: logLevel ?? 'log', db, bus, storage, signingSecret, adminKey, rateLimitPerKey, demoFleet, apiWorkers };
}
