import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_MAIN as MAIN, freePort, killProcess, realServicesEnv, requireServiceEnv, startEngineProcess as start, waitForHealth, type StartedProcess as Started } from '@surprisal/testing';

describe('the engine process', () => {
  let running: Started | undefined;
  const dirs: string[] = [];

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does).`);
  });

  afterEach(async () => {
    await killProcess(running);
    running = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('stops at boot on bad settings, naming each problem, and never listens', async () => {
    running = start({ PORT: 'http', KAFKA_BROKERS: 'localhost', S3_ENDPOINT: 'http://127.0.0.1:9000', SURPRISAL_ADMIN_KEY: 'too-short' });
    expect(await running.exited).toBe(78);
    const out = running.output();
    expect(out).toContain('cannot start');
    expect(out).toMatch(/PORT: must be an integer/);
    expect(out).toMatch(/KAFKA_BROKERS/);
    expect(out).toMatch(/S3_BUCKET: required/);
    expect(out).toMatch(/SURPRISAL_ADMIN_KEY: must be at least 24 characters/);
    expect(out).not.toContain('too-short');
  });

  it('runs with the embedded defaults: health, docs, a first admin key in a private file, graceful SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'surprisal-engine-'));
    dirs.push(dataDir);
    const port = await freePort();
    running = start({ PORT: String(port), SURPRISAL_DATA_DIR: dataDir });
    const health = await waitForHealth(port, running);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', checks: { database: { backend: 'pglite' }, bus: { backend: 'memory' }, storage: { backend: 'local' } } });
    expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);

    const keyFile = join(dataDir, 'admin.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(running.output()).not.toContain(key);
    const me = await fetch(`http://127.0.0.1:${port}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toMatchObject({ role: 'admin' });

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('runs against the real PostgreSQL, Kafka and S3 from their settings', async () => {
    const port = await freePort();
    const adminKey = 'int-test-admin-key-0123456789';
    running = start({
      PORT: String(port),
      ...realServicesEnv(),
      LOG_LEVEL: 'log',
      SURPRISAL_ADMIN_KEY: adminKey,
    });
    const health = await waitForHealth(port, running);
    expect(await health.json()).toMatchObject({ status: 'ok', checks: { database: { backend: 'postgres' }, bus: { backend: 'kafka' }, storage: { backend: 's3' } } });
    const me = await fetch(`http://127.0.0.1:${port}/v1/whoami`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(await me.json()).toMatchObject({ role: 'admin', name: 'SURPRISAL_ADMIN_KEY' });
    expect(running.output()).not.toContain(adminKey);
    expect(running.output()).not.toContain(requireServiceEnv('S3_SECRET_ACCESS_KEY'));
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('serves an api-only process from several workers on one port, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const adminKey = 'workers-test-admin-key-0123456789';
    running = start({
      PORT: String(port),
      DATABASE_URL: requireServiceEnv('DATABASE_URL'),
      SURPRISAL_ROLES: 'api',
      SURPRISAL_API_WORKERS: '2',
      SURPRISAL_ADMIN_KEY: adminKey,
    });
    expect((await waitForHealth(port, running)).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${port}/v1/whoami`, { headers: { authorization: `Bearer ${adminKey}` } }).then((r) => r.status)),
    );
    expect(answers.every((s) => s === 200)).toBe(true);
    expect(running.output()).toContain('Serving from 2 API workers');
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });
});
