import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@surprisal/config';
import { API_ROLES, type ApiRole } from '@surprisal/db';
import { createHttpApp } from '@surprisal/platform';
import { ApiModule } from '../api.module';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

interface OpenApi {
  paths: Record<string, Record<string, { security?: unknown[]; 'x-roles'?: ApiRole[]; 'x-auth'?: string }>>;
}

describe('API keys and roles (embedded engine, through HTTP)', () => {
  let app: NestFastifyApplication;
  let dataDir: string;
  const keys = {} as Record<ApiRole, string>;

  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, key?: string, payload?: object) => {
    const res = await app.inject({ method, url, payload, headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'surprisal-api-'));
    app = await createHttpApp(loadConfig({ SURPRISAL_DATA_DIR: dataDir, SURPRISAL_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'warn' }), [ApiModule]);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    for (const role of API_ROLES) {
      const res = await call('POST', '/v1/keys', ADMIN_KEY, { name: `test-${role}`, role });
      expect(res.status).toBe(201);
      keys[role] = res.body.key as string;
    }
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health and /docs without a key', async () => {
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', checks: { database: { status: 'up', backend: 'pglite' } } });
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/html/);
  });

  it('rejects a missing, malformed or unknown key with 401 and a wrong role with 403', async () => {
    expect((await call('GET', '/v1/keys')).status).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/keys', headers: { authorization: `Basic ${ADMIN_KEY}` } })).statusCode).toBe(401);
    expect((await call('GET', '/v1/keys', 'sk_not-a-real-key')).status).toBe(401);
    const forbidden = await call('GET', '/v1/keys', keys.annotator);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toMatch(/annotator/);
    expect((await call('GET', '/v1/keys', keys.admin)).status).toBe(200);
  });

  it('tells each key who it is', async () => {
    for (const role of API_ROLES) {
      const res = await call('GET', '/v1/whoami', keys[role]);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ role, name: `test-${role}` });
    }
  });

  it('validates input with 400 naming the field', async () => {
    const res = await call('POST', '/v1/keys', ADMIN_KEY, { name: 'x', role: 'superuser' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(/role/);
    expect((await call('POST', '/v1/keys', ADMIN_KEY, { name: 'x', role: 'admin', extra: 1 })).status).toBe(400);
  });

  it('stops a revoked key at once', async () => {
    const created = await call('POST', '/v1/keys', ADMIN_KEY, { name: 'short-lived', role: 'ingest' });
    expect((await call('GET', '/v1/whoami', created.body.key as string)).status).toBe(200);
    expect((await call('DELETE', `/v1/keys/${created.body.id as string}`, ADMIN_KEY)).status).toBe(204);
    expect((await call('GET', '/v1/whoami', created.body.key as string)).status).toBe(401);
    expect((await call('DELETE', `/v1/keys/${created.body.id as string}`, ADMIN_KEY)).status).toBe(404);
  });

  it('guards every /v1 route of the OpenAPI document: 401 without a key, 403 for a role it does not allow', async () => {
    const spec = JSON.parse((await app.inject({ method: 'GET', url: '/docs-json' })).body) as OpenApi;
    const routes = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    // Presigned blob URLs carry their own signature instead of a key (as S3's do): without one they are refused.
    const presigned = routes.filter((r) => r.op['x-auth'] === 'presigned-url');
    expect(presigned.map((r) => r.method).sort()).toEqual(['get', 'put']);
    for (const { path, method } of presigned) {
      const url = path.replace(/\{[^}]+\}/g, 'some/key');
      expect((await app.inject({ method: method.toUpperCase() as 'GET', url, headers: { authorization: `Bearer ${ADMIN_KEY}` } })).statusCode).toBe(403);
    }
    const v1 = routes.filter((r) => r.path.startsWith('/v1/') && !presigned.includes(r));
    expect(v1.length).toBeGreaterThanOrEqual(4);
    for (const { path, method, op } of v1) {
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const verb = method.toUpperCase() as 'GET' | 'POST' | 'DELETE';
      expect({ route: `${verb} ${path}`, status: (await call(verb, url)).status }).toEqual({ route: `${verb} ${path}`, status: 401 });
      expect(op.security, `${verb} ${path} is documented as needing a bearer key`).toBeDefined();
      const allowed = op['x-roles'] ?? ['admin'];
      const denied = API_ROLES.find((r) => !allowed.includes(r));
      if (denied) {
        expect({ route: `${verb} ${path}`, status: (await call(verb, url, keys[denied])).status }).toEqual({ route: `${verb} ${path}`, status: 403 });
      }
    }
  });
});
