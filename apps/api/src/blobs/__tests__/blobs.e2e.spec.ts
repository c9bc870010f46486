import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@surprisal/config';
import { createHttpApp } from '@surprisal/platform';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { ApiModule } from '../../api.module';

/** The embedded store's presigned URLs work end to end through the engine's own HTTP server. */
describe('presigned blob URLs on the local store (through HTTP)', () => {
  let app: NestFastifyApplication;
  let store: BlobStore;
  let dataDir: string;
  const pathOf = (url: string) => url.slice(url.indexOf('/v1/blobs/'));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'surprisal-blobs-'));
    app = await createHttpApp(loadConfig({ SURPRISAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), [ApiModule]);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    store = app.get<BlobStore>(BLOB_STORE);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads with a presigned PUT and downloads with a presigned GET, sha256 recorded', async () => {
    const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const put = await store.presignPut('clips/veh-1/c 1.mp4', { contentType: 'video/mp4', expiresIn: 60 });
    expect(put.startsWith('http://127.0.0.1:3000/v1/blobs/')).toBe(true);
    const up = await app.inject({ method: 'PUT', url: pathOf(put), payload: body, headers: { 'content-type': 'video/mp4' } });
    expect(up.statusCode).toBe(200);
    const sha = createHash('sha256').update(body).digest('hex');
    expect(JSON.parse(up.body)).toMatchObject({ key: 'clips/veh-1/c 1.mp4', size: body.length, sha256: sha });

    const down = await app.inject({ method: 'GET', url: pathOf(await store.presignGet('clips/veh-1/c 1.mp4', 60)) });
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('video/mp4');
    expect(down.rawPayload.equals(body)).toBe(true);
    expect((await store.get('clips/veh-1/c 1.mp4')).equals(body)).toBe(true);
  });

  it('refuses a tampered, re-purposed or wrongly typed URL with 403, and stores nothing', async () => {
    const put = pathOf(await store.presignPut('clips/x.mp4', { contentType: 'video/mp4' }));
    const other = put.replace('clips/x.mp4', 'clips/y.mp4');
    expect((await app.inject({ method: 'PUT', url: other, payload: 'x', headers: { 'content-type': 'video/mp4' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: put })).statusCode).toBe(403);
    expect((await app.inject({ method: 'PUT', url: put, payload: 'x', headers: { 'content-type': 'text/plain' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/blobs/clips/x.mp4' })).statusCode).toBe(403);
    expect(await store.head('clips/y.mp4')).toBeUndefined();
    expect(await store.head('clips/x.mp4')).toBeUndefined();
  });

  it('answers 404 for a validly signed URL to a missing object', async () => {
    expect((await app.inject({ method: 'GET', url: pathOf(await store.presignGet('nothing/here')) })).statusCode).toBe(404);
  });
});
