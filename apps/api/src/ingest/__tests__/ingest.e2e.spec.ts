import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS, type Bus, type Subscription } from '@surprisal/bus';
import { loadConfig } from '@surprisal/config';
import { TOPICS, type EngineSegmentsV1, type FleetActionsV1, type FleetDlqV1 } from '@surprisal/contracts';
import { createHttpApp } from '@surprisal/platform';
import { IngestModule } from '../../../../ingest/src/ingest.module';
import { ApiModule } from '../../api.module';
import { ffmpegPath } from '@surprisal/video';

const ADMIN_KEY = 'test-admin-key-ingest-0123456789';

function batch(vehicleId: string, driveId: string, seq: number, startT: number, n = 20): FleetActionsV1 {
  return { vehicleId, driveId, seq, samples: Array.from({ length: n }, (_, i) => ({ t: startT + (seq * n + i) * 50, speed: 12.5, yawRate: 0.01 })) };
}

/** HTTP ingest through the embedded engine (PGlite, in-process bus, local blobs) with the ingest consumers in the same process. */
describe('HTTP ingest and the drives read side (embedded engine)', () => {
  let app: NestFastifyApplication;
  let dataDir: string;
  let bus: Bus;
  let dlqSub: Subscription;
  const dlq: FleetDlqV1[] = [];
  const segmentEvents: EngineSegmentsV1[] = [];
  const keys: Record<'ingest' | 'annotator' | 'engineer', string> = { ingest: '', annotator: '', engineer: '' };
  const startT = Math.floor(Date.now() / 20_000) * 20_000 - 600_000;
  let video: Buffer;

  const call = async (method: 'GET' | 'POST', url: string, key: string | undefined, payload?: object) => {
    const res = await app.inject({ method, url, payload, headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
  };
  const drive = async (driveId: string) => call('GET', `/v1/drives/${driveId}`, keys.engineer);
  const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'surprisal-ingest-e2e-'));
    const file = join(dataDir, 'clip.mp4');
    execFileSync(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', file]);
    video = readFileSync(file);
    Object.assign(process.env, { INGEST_SEGMENT_IDLE_MS: '500', INGEST_FLUSH_INTERVAL_MS: '200' });
    app = await createHttpApp(loadConfig({ SURPRISAL_DATA_DIR: dataDir, SURPRISAL_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'error' }), [ApiModule, IngestModule]);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    for (const role of ['ingest', 'annotator', 'engineer'] as const) {
      keys[role] = (await call('POST', '/v1/keys', ADMIN_KEY, { name: `e2e-${role}`, role })).body.key as string;
    }
    bus = app.get<Bus>(BUS);
    dlqSub = await bus.subscribe({
      groupId: 'e2e-dlq-reader',
      topics: [TOPICS.fleetDlq, TOPICS.engineSegments],
      handler: (b) => {
        for (const m of b.messages) {
          if (b.topic === TOPICS.fleetDlq) dlq.push(JSON.parse(m.value.toString()) as FleetDlqV1);
          else segmentEvents.push(JSON.parse(m.value.toString()) as EngineSegmentsV1);
        }
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await dlqSub?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts one batch or { batches } with role ingest, stores each once, and serves the drive', async () => {
    const single = await call('POST', '/v1/ingest/actions', keys.ingest, batch('veh-http-1', 'drive-http-1', 0, startT));
    expect(single.status).toBe(202);
    expect(single.body).toMatchObject({ accepted: 1, batches: [{ vehicleId: 'veh-http-1', driveId: 'drive-http-1', seq: 0, samples: 20 }] });
    const many = await call('POST', '/v1/ingest/actions', keys.ingest, {
      // seq 0 again: a retried request is stored once.
      batches: [0, 1, 2, 3].map((seq) => batch('veh-http-1', 'drive-http-1', seq, startT)),
    });
    expect(many.status).toBe(202);
    expect(many.body.accepted).toBe(4);

    const stored = await waitFor('the drive with 80 samples', async () => {
      const res = await drive('drive-http-1');
      return res.status === 200 && res.body.sampleCount === 80 && (res.body.segments as unknown[]).length > 0 ? res.body : undefined;
    });
    expect(stored).toMatchObject({ driveId: 'drive-http-1', vehicleId: 'veh-http-1', sampleCount: 80, batchCount: 4, firstT: startT, lastT: startT + 79 * 50, clips: [] });
    // 4 s of driving fit one 20 s segment; the drive goes idle and the segment is emitted.
    const segment = await waitFor('the segment complete', async () => {
      const res = await drive('drive-http-1');
      const [s] = res.body.segments as { status: string; sampleCount: number; uri: string | null; version: number }[];
      return s?.status === 'complete' ? s : undefined;
    });
    expect(segment).toMatchObject({ sampleCount: 80, version: 1, signals: ['speed', 'yawRate'] });
    expect(segment.uri).toMatch(/segments\/veh-http-1\/drive-http-1\/\d+-v1\.parquet$/);

    const list = await call('GET', '/v1/vehicles/veh-http-1/drives', keys.annotator);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ vehicleId: 'veh-http-1', drives: [{ driveId: 'drive-http-1', sampleCount: 80 }] });
  });

  it('answers 4xx with the reason code and JSON pointer, and checks roles', async () => {
    const good = batch('veh-http-2', 'drive-http-2', 0, startT);
    const missing = await call('POST', '/v1/ingest/actions', keys.ingest, { ...good, samples: [{ t: startT }] });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'schema_violation', pointer: '/samples/0/speed' });
    const wrapped = await call('POST', '/v1/ingest/actions', keys.ingest, { batches: [good, { ...good, seq: 1, samples: [{ t: Date.now() + 5 * 86_400_000, speed: 1 }] }] });
    expect(wrapped.status).toBe(400);
    expect(wrapped.body).toMatchObject({ error: 'timestamp_out_of_range', pointer: '/batches/1/samples/0/t' });
    const infinite = await app.inject({
      method: 'POST',
      url: '/v1/ingest/actions',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      payload: `{"vehicleId":"v","driveId":"d","seq":0,"samples":[{"t":${startT},"speed":1,"steering":-1e999}]}`,
    });
    expect(infinite.statusCode).toBe(400);
    expect(JSON.parse(infinite.body)).toMatchObject({ error: 'non_finite_value', pointer: '/samples/0/steering' });
    const tooMany = await call('POST', '/v1/ingest/actions', keys.ingest, { batches: Array.from({ length: 101 }, (_, seq) => ({ ...good, seq })) });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toBe('too_many_samples');
    expect((await call('POST', '/v1/ingest/actions', keys.annotator, good)).status).toBe(403);
    expect((await call('POST', '/v1/ingest/actions', undefined, good)).status).toBe(401);
    expect((await drive('no-such-drive')).status).toBe(404);
    expect((await call('GET', '/v1/vehicles/no-such-vehicle/drives', keys.ingest)).status).toBe(404);
  });

  it('takes a clip by presigned PUT then notification, probes it and links it to the drive', async () => {
    await call('POST', '/v1/ingest/actions', keys.ingest, batch('veh-http-3', 'drive-http-3', 0, startT));
    const grant = await call('POST', '/v1/ingest/clips/uploads', keys.ingest, { vehicleId: 'veh-http-3', driveId: 'drive-http-3', clipId: 'clip-1', camera: 'front', contentType: 'video/mp4' });
    expect(grant.status).toBe(201);
    const uploadUrl = grant.body.uploadUrl as string;
    const put = await app.inject({ method: 'PUT', url: uploadUrl.slice(uploadUrl.indexOf('/v1/blobs/')), payload: video, headers: { 'content-type': 'video/mp4' } });
    expect(put.statusCode).toBe(200);
    const sha256 = createHash('sha256').update(video).digest('hex');
    const notified = await call('POST', '/v1/ingest/clips', keys.ingest, {
      vehicleId: 'veh-http-3', driveId: 'drive-http-3', clipId: 'clip-1', camera: 'front', uri: grant.body.uri, startT, endT: startT + 2000, fps: 10, sha256,
    });
    expect(notified.status).toBe(202);
    const clip = await waitFor('the clip ready', async () => {
      const res = await drive('drive-http-3');
      const [c] = (res.body.clips ?? []) as { status: string; probe: Record<string, unknown> }[];
      return c?.status === 'ready' ? c : undefined;
    });
    expect(clip.probe).toMatchObject({ width: 64, height: 48, codec: 'h264', fps: 10 });
    expect(clip.probe.durationS).toBeCloseTo(2, 0);
    // The segment it overlaps is (re-)emitted with the clip.
    const linked = await waitFor('a segment event carrying the clip', () =>
      Promise.resolve(segmentEvents.find((e) => e.driveId === 'drive-http-3' && e.clips.some((c) => c.clipId === 'clip-1'))),
    );
    expect(linked.clips).toEqual([{ clipId: 'clip-1', camera: 'front', uri: grant.body.uri, startT, endT: startT + 2000, fps: 10 }]);
    expect(linked).toMatchObject({ startT, sampleCount: 20 });
  });

  it('takes a small clip as a direct upload, and records a truncated one as failed and dead-letters it', async () => {
    const query = (clipId: string) => `vehicleId=veh-http-4&driveId=drive-http-4&clipId=${clipId}&camera=front&startT=${startT}&endT=${startT + 2000}&fps=10`;
    const ok = await app.inject({ method: 'POST', url: `/v1/ingest/clips/direct?${query('ok')}`, payload: video, headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'video/mp4' } });
    expect(ok.statusCode).toBe(202);
    expect(JSON.parse(ok.body)).toMatchObject({ clipId: 'ok', sha256: createHash('sha256').update(video).digest('hex') });
    const broken = video.subarray(0, 400);
    const bad = await app.inject({ method: 'POST', url: `/v1/ingest/clips/direct?${query('broken')}`, payload: broken, headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'video/mp4' } });
    expect(bad.statusCode).toBe(202);
    const clips = await waitFor('both clips checked', async () => {
      const res = await drive('drive-http-4');
      const list = (res.body.clips ?? []) as { clipId: string; status: string; failureReason: string | null }[];
      return list.length === 2 && list.every((c) => c.status !== 'pending') ? list : undefined;
    });
    expect(clips.find((c) => c.clipId === 'ok')?.status).toBe('ready');
    expect(clips.find((c) => c.clipId === 'broken')).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/^undecodable_video: /) as unknown });
    const record = await waitFor('the DLQ record', () => Promise.resolve(dlq.find((r) => r.source.topic === TOPICS.fleetClips && r.reason === 'undecodable_video')));
    expect(JSON.parse(Buffer.from(record.originalBase64, 'base64').toString())).toMatchObject({ clipId: 'broken' });

    const unknown = await call('POST', '/v1/ingest/clips', keys.ingest, {
      vehicleId: 'veh-http-4', driveId: 'drive-http-4', clipId: 'ghost', camera: 'front', uri: 'file:///nowhere/ghost.mp4', startT, endT: startT + 1000, fps: 10, sha256: '0'.repeat(64),
    });
    expect(unknown.status).toBe(202);
    const ghost = await waitFor('the unknown object dead-lettered', () => Promise.resolve(dlq.find((r) => r.reason === 'unknown_clip_object')));
    expect(ghost.pointer).toBe('/uri');
  });

  it('serves Prometheus metrics without a key', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/surprisal_ingest_messages_consumed_total\{topic="fleet.actions.v1"\} \d+/);
    expect(res.body).toMatch(/surprisal_ingest_dead_lettered_total\{topic="fleet.clips.v1",reason="undecodable_video"\} 1/);
    expect(res.body).toContain('surprisal_ingest_batch_duration_seconds_bucket');
    expect(res.body).toContain('surprisal_ingest_consumer_lag_seconds');
  });
});
