import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BLOB_ROUTE_PREFIX, BLOB_STORE, type BlobStore, sha256Hex } from '@surprisal/storage';
import { requireServiceEnv, startTestApp, uniqueSuffix, type TestApp } from '@surprisal/testing';
import { ApiModule } from '../../../api/src/api.module';
import { MemorySink } from '../../../fleet-sim/src/outputs/memory.sink';
import { clipKey } from '../../../fleet-sim/src/outputs/sink';
import { parseScenarioPlan } from '../../../fleet-sim/src/scenarios/registry';
import { runFleet } from '../../../fleet-sim/src/sim/fleet-runner';
import { decodeFrames, ffprobePath, runFfmpeg } from '@surprisal/video';
import { MinerModule } from '../miner.module';
import { EdgeCaseThumbnailJob, thumbnailKey } from '../thumbnails/edge-case-thumbnail.job';
import { FRAME_STRIP } from '../thumbnails/frame-strip';
import { MineEdgeCasesUseCase, type MinableWindow } from '../use-cases/mine-edge-cases.usecase';

const T0 = 1_800_000_000_000;

/** A surprising 2 s window of a drive (embedding along `axis`). */
function window(segmentId: string, modelVersionId: string, vehicleId: string, driveId: string, startT: number, axis: number): MinableWindow {
  return {
    segmentId, vehicleId, driveId, modelVersionId, modelVersion: 'm1', startT, endT: startT + 2000, total: 7, pValue: 0.001,
    z: { nllLateral: 7, disagreement: 1 }, components: { nllLateral: 5, disagreement: 0.1 }, typical: { nllLateral: 1, disagreement: 0.1 },
    triggers: [],
    series: { t: [100, 200], actual: { steering: [2, -20] }, predicted: { steering: { mean: [2, 12], std: [2, 2] } } },
    embedding: Array.from({ length: 20 }, (_, i) => (i === axis ? 1 : 0)),
  };
}

interface DetailMedia {
  media: { clips: { url: string }[]; thumbnailUrl: string | null; expiresIn: number };
}

/**
 * Frame strips of edge cases on PostgreSQL with S3 and on PGlite with the local blob store: a case
 * whose drive has a real (simulator-rendered) clip gets a JPEG of 4 frames of its time span, stored
 * and served through a presigned URL in GET /v1/edge-cases/:id; a case scored from actions only has
 * none; a clip that will not decode costs the thumbnail (with a warning), never the edge case.
 */
describe.each(['postgres', 'pglite'] as const)('edge case thumbnails (%s)', (backend) => {
  const run = uniqueSuffix();
  let t: TestApp;
  let store: BlobStore;
  let miner: MineEdgeCasesUseCase;
  let job: EdgeCaseThumbnailJob;
  let modelVersionId: string;
  let clip: { driveId: string; vehicleId: string; startT: number; endT: number; fps: number; body: Buffer };
  const segments = new Map<string, string>();

  /** A vehicle, its drive and one segment covering the whole test time. */
  async function drive(vehicleId: string, driveId: string): Promise<string> {
    await t.db.query(`INSERT INTO vehicles (id) VALUES ($1) ON CONFLICT DO NOTHING`, [vehicleId]);
    await t.db.query(`INSERT INTO drives (id, vehicle_id) VALUES ($1, $2)`, [driveId, vehicleId]);
    const [row] = await t.db.query<{ id: string }>(
      `INSERT INTO action_segments (vehicle_id, drive_id, segment_index, start_t, end_t, sample_count) VALUES ($1, $2, 0, $3, $4, 1) RETURNING id`,
      [vehicleId, driveId, T0 - 60_000, T0 + 600_000],
    );
    segments.set(driveId, row.id);
    return row.id;
  }

  async function addClip(vehicleId: string, driveId: string, clipId: string, startT: number, endT: number, fps: number, body: Buffer): Promise<void> {
    const info = await store.put(`test-${run}/${clipKey({ vehicleId, driveId, clipId })}`, body);
    await t.db.query(
      `INSERT INTO clips (vehicle_id, drive_id, clip_id, camera, uri, start_t, end_t, fps, sha256, status) VALUES ($1, $2, $3, 'front', $4, $5, $6, $7, $8, 'ready')`,
      [vehicleId, driveId, clipId, store.uri(info.key), startT, endT, fps, sha256Hex(body)],
    );
  }

  /** GETs a presigned URL: S3's directly, the local store's through the engine's blob route. */
  async function download(url: string): Promise<{ status: number; body: Buffer }> {
    const u = new URL(url);
    if (u.pathname.startsWith(BLOB_ROUTE_PREFIX)) {
      const res = await t.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
      return { status: res.statusCode, body: res.rawPayload };
    }
    const res = await fetch(url);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }

  async function detail(id: string): Promise<DetailMedia> {
    const res = await t.call('GET', `/v1/edge-cases/${id}`, t.keys.annotator);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as DetailMedia;
  }

  const caseOf = async (driveId: string) =>
    (await t.db.query<{ id: string; start_t: string; end_t: string; thumbnail_uri: string | null }>(`SELECT id, start_t, end_t, thumbnail_uri FROM edge_cases WHERE drive_id = $1`, [driveId]))[0];

  beforeAll(async () => {
    const s3: Record<string, string> =
      backend === 'postgres'
        ? {
            S3_ENDPOINT: requireServiceEnv('S3_ENDPOINT'),
            S3_BUCKET: requireServiceEnv('S3_BUCKET'),
            S3_ACCESS_KEY_ID: requireServiceEnv('S3_ACCESS_KEY_ID'),
            S3_SECRET_ACCESS_KEY: requireServiceEnv('S3_SECRET_ACCESS_KEY'),
            S3_FORCE_PATH_STYLE: 'true',
          }
        : {};
    t = await startTestApp([MinerModule, ApiModule], backend, s3);
    store = t.app.get<BlobStore>(BLOB_STORE);
    expect(store.kind).toBe(backend === 'postgres' ? 's3' : 'local');
    miner = t.app.get(MineEdgeCasesUseCase);
    job = t.app.get(EdgeCaseThumbnailJob);
    [{ id: modelVersionId }] = (await t.db.query<{ id: string }>(
      `INSERT INTO model_versions (version, artifact_uri, io_contract) VALUES ('m1', 'file:///m1', 'model-io.v1') RETURNING id`,
    )) as [{ id: string }];

    // A real clip: the simulator renders 20 s of one vehicle and encodes 10 s H.264 MP4s.
    const sink = new MemorySink();
    await runFleet({ seed: 5, vehicles: 1, minutes: 20 / 60, startMs: T0, fleetId: `thumb${run}`, plan: parseScenarioPlan({ scenarios: 'none' }), video: { width: 96, height: 72 }, rate: 'max' }, sink);
    const first = sink.clips.find((c) => c.meta.startT === T0) ?? sink.clips[0];
    expect(first).toBeDefined();
    clip = { driveId: first.meta.driveId, vehicleId: first.meta.vehicleId, startT: first.meta.startT, endT: first.meta.endT, fps: first.meta.fps, body: first.body };
    await drive(clip.vehicleId, clip.driveId);
    await addClip(clip.vehicleId, clip.driveId, first.meta.clipId, clip.startT, clip.endT, clip.fps, clip.body);
    await drive('veh-actions', 'drive-actions');
    await drive('veh-broken', 'drive-broken');
    await addClip('veh-broken', 'drive-broken', 'broken-1', T0, T0 + 10_000, 10, Buffer.from('this is not an MP4 file'));
  });

  afterAll(async () => {
    await t?.close();
  });

  it('stores a JPEG frame strip of a case with a clip, showing its time span, and the API presigns it', async () => {
    const at = clip.startT + 4000;
    const out = await miner.execute([window(segments.get(clip.driveId)!, modelVersionId, clip.vehicleId, clip.driveId, at, 0)]);
    expect(out.created).toBe(1);
    await job.idle();
    const c = await caseOf(clip.driveId);
    expect(c.thumbnail_uri).toBe(store.uri(thumbnailKey(c.id)));

    const jpeg = await store.get(thumbnailKey(c.id));
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    expect([jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd9]);
    const dir = await mkdtemp(join(tmpdir(), 'surprisal-thumb-test-'));
    try {
      const path = join(dir, 'strip.jpg');
      await writeFile(path, jpeg);
      const { stdout } = await promisify(execFile)(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', path]);
      const [stream] = (JSON.parse(stdout) as { streams: { codec_name: string; width: number; height: number }[] }).streams;
      // 4 frames of 160 px; 96×72 frames scale to 160×120.
      expect(stream).toEqual({ codec_name: 'mjpeg', width: FRAME_STRIP.frames * FRAME_STRIP.frameWidth, height: 120 });

      // Each tile is the clip's frame at the middle of its quarter of the edge case, in time order.
      const tiles = (await runFfmpeg(['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'])).subarray(0, stream.width * stream.height * 3);
      const frames = await decodeFrames(await store.getStream(store.keyOf((await t.db.query<{ uri: string }>(`SELECT uri FROM clips WHERE drive_id = $1`, [clip.driveId]))[0].uri)), 160, 120);
      const span = (Number(c.end_t) - Number(c.start_t)) / 1000;
      const fromS = (Number(c.start_t) - clip.startT) / 1000;
      for (let k = 0; k < FRAME_STRIP.frames; k++) {
        const distance = (i: number) => {
          let sum = 0;
          for (let y = 0; y < 120; y++) {
            for (let x = 0; x < 160 * 3; x++) sum += Math.abs(tiles[y * stream.width * 3 + k * 160 * 3 + x] - frames.rgb[i * 160 * 120 * 3 + y * 160 * 3 + x]);
          }
          return sum;
        };
        const distances = Array.from({ length: frames.count }, (_, i) => distance(i));
        const best = distances.indexOf(Math.min(...distances));
        const expected = (fromS + ((k + 0.5) * span) / FRAME_STRIP.frames) * clip.fps;
        expect(Math.abs(best - expected), `tile ${k}: best frame ${best}, expected about ${expected}`).toBeLessThanOrEqual(0.5);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const body = await detail(c.id);
    expect(body.media.clips).toHaveLength(1);
    expect(body.media.thumbnailUrl).toEqual(expect.any(String));
    const got = await download(body.media.thumbnailUrl!);
    expect(got.status).toBe(200);
    expect(got.body.equals(jpeg)).toBe(true);
  });

  it('gives a case scored from actions only no thumbnail', async () => {
    expect((await miner.execute([window(segments.get('drive-actions')!, modelVersionId, 'veh-actions', 'drive-actions', T0 + 3000, 1)])).created).toBe(1);
    await job.idle();
    const c = await caseOf('drive-actions');
    expect(c.thumbnail_uri).toBeNull();
    expect(await store.head(thumbnailKey(c.id))).toBeUndefined();
    expect((await detail(c.id)).media).toMatchObject({ clips: [], thumbnailUrl: null });
  });

  it('keeps the edge case, with a warning and no thumbnail, when its clip will not decode', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    try {
      expect((await miner.execute([window(segments.get('drive-broken')!, modelVersionId, 'veh-broken', 'drive-broken', T0 + 3000, 2)])).created).toBe(1);
      await job.idle();
      const c = await caseOf('drive-broken');
      expect(c.thumbnail_uri).toBeNull();
      expect(warn.mock.calls.map((call) => String(call[0])).some((m) => m.includes(`Edge case ${c.id}: no thumbnail`) && m.includes('ffmpeg'))).toBe(true);
      const media = (await detail(c.id)).media;
      expect(media.clips).toHaveLength(1);
      expect(media.thumbnailUrl).toBeNull();
    } finally {
      warn.mockRestore();
    }
  });
});
