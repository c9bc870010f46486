import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Type } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@surprisal/config';
import { API_ROLES, ApiKeyRepository, Database, type ApiRole } from '@surprisal/db';
import { createHttpApp } from '@surprisal/platform';
import { createTestDatabase } from './postgres';

export interface TestResponse {
  status: number;
  body: unknown;
  headers: Record<string, unknown>;
}

export interface TestApp {
  app: NestFastifyApplication;
  db: Database;
  /** A key per role (admin included). */
  keys: Record<ApiRole, string>;
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key?: string, payload?: unknown): Promise<TestResponse>;
  close(): Promise<void>;
}

/**
 * The HTTP app with the given modules on embedded PGlite or on a throwaway database of the real
 * PostgreSQL server; blobs in a temporary folder, the in-process bus. Requests go through fastify's
 * inject: the whole HTTP pipeline (guard, validation, serialisation) without a socket.
 */
export async function startTestApp(modules: Type[], backend: 'pglite' | 'postgres', env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'surprisal-test-'));
  const testDb = backend === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({ SURPRISAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(testDb ? { DATABASE_URL: testDb.url } : {}), ...env });
  const app = await createHttpApp(config, modules);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = app.get(Database);
  const repo = app.get(ApiKeyRepository);
  const keys = {} as Record<ApiRole, string>;
  for (const role of API_ROLES) keys[role] = (await repo.create(`test-${role}`, role)).key;
  return {
    app,
    db,
    keys,
    async call(method, url, key, payload) {
      const res = await app.inject({
        method,
        url,
        payload: payload as string | object | undefined,
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
      const type = String(res.headers['content-type'] ?? '');
      return { status: res.statusCode, body: type.includes('json') && res.body ? (JSON.parse(res.body) as unknown) : res.body, headers: res.headers };
    },
    async close() {
      await app.close();
      await testDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
