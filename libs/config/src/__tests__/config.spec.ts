import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { ConfigError } from '../env-reader';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the embedded engine on 127.0.0.1:3000 with every role', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
    expect([...c.roles]).toEqual(['api', 'ingest', 'scorer', 'miner', 'sim']);
    expect(c.db.kind).toBe('pglite');
    expect(c.bus).toEqual({ kind: 'memory' });
    expect(c.storage.kind).toBe('local');
  });

  it('selects the real services from their settings', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9092',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'surprisal',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      SURPRISAL_ROLES: 'ingest,scorer',
    });
    expect(c.db).toEqual({ kind: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/db', poolSize: 10 });
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: '4' }).db).toEqual({ kind: 'postgres', url: 'postgres://h/db', poolSize: 4 });
    expect(c.bus).toEqual({ kind: 'kafka', brokers: ['127.0.0.1:9092', 'kafka-2:9092'], clientId: 'surprisal' });
    expect(c.storage).toMatchObject({ kind: 's3', bucket: 'surprisal', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
    expect([...c.roles]).toEqual(['ingest', 'scorer']);
  });

  it('names every problem at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      KAFKA_BROKERS: 'no-port',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      SURPRISAL_ROLES: 'api,teleport',
      LOG_LEVEL: 'loud',
      DATABASE_POOL_SIZE: '0',
    });
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/DATABASE_POOL_SIZE/);
    expect(problems.join('\n')).toMatch(/PORT: must be an integer/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: must be a postgres/);
    expect(problems.join('\n')).toMatch(/KAFKA_BROKERS: .*no-port/);
    expect(problems.join('\n')).toMatch(/S3_BUCKET: required when S3_ENDPOINT is set/);
    expect(problems.join('\n')).toMatch(/SURPRISAL_ROLES: unknown role "teleport"/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
  });

  it('requires S3 credentials in pairs and never echoes a secret', () => {
    const problems = problemsOf({ S3_BUCKET: 'surprisal', S3_ACCESS_KEY_ID: 'id', SURPRISAL_ADMIN_KEY: 'short-secret' });
    expect(problems).toEqual([
      expect.stringMatching(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither/),
      'SURPRISAL_ADMIN_KEY: must be at least 24 characters',
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
  });

  it('hides a malformed URL that may hold a password', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://user:hunter2@[bad' });
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

describe('SURPRISAL_API_WORKERS', () => {
  it('allows several HTTP workers only for an api-only process on PostgreSQL', () => {
    expect(loadConfig({ SURPRISAL_API_WORKERS: '4', SURPRISAL_ROLES: 'api', DATABASE_URL: 'postgres://u:p@h/db' }).apiWorkers).toBe(4);
    expect(() => loadConfig({ SURPRISAL_API_WORKERS: '2' })).toThrow(/needs SURPRISAL_ROLES=api[\s\S]*needs DATABASE_URL/);
  });
});
