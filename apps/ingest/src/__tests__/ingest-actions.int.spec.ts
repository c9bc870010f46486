import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBus } from '@surprisal/bus';
import { decodeActionSamples } from '@surprisal/columnar';
import { TOPICS, type EngineSegmentsV1, type FleetDlqV1 } from '@surprisal/contracts';
import { Database } from '@surprisal/db';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { connectTestKafkaBus, uniqueSuffix } from '@surprisal/testing';
import { IngestModule } from '../ingest.module';
import { IngestErrorCode } from '../ingest.exception';
import { createTestDatabase, driveBatches, malformedActionMessages,  shuffle, startApp, tailTopic, waitFor } from './ingest-harness';
import { realServicesEnv } from '@surprisal/testing';
import { ffmpegPath } from '@surprisal/video';

/** Ingest on the real Kafka, PostgreSQL and S3: a private database, private source topics, the contract DLQ and segment topics. */
describe('fleet ingest (real Kafka, PostgreSQL, S3)', () => {
  const run = uniqueSuffix();
  const actionsTopic = `test.fleet.actions.${run}`;
  const clipsTopic = `test.fleet.clips.${run}`;
  let app: NestFastifyApplication;
  let db: Database;
  let store: BlobStore;
  let producer: KafkaBus;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dlq: Awaited<ReturnType<typeof tailTopic>>;
  let segments: Awaited<ReturnType<typeof tailTopic>>;

  const produce = (values: { key: string; value: string | Buffer }[]) => producer.publish(actionsTopic, values);
  const dlqRecords = (topic = actionsTopic) => dlq.messages.map((m) => JSON.parse(m.value.toString()) as FleetDlqV1).filter((r) => r.source.topic === topic);
  const segmentEvents = (vehicleId: string) => segments.messages.map((m) => JSON.parse(m.value.toString()) as EngineSegmentsV1).filter((e) => e.vehicleId === vehicleId);

  beforeAll(async () => {
    producer = await connectTestKafkaBus();
    await producer.ensureTopics([
      { name: actionsTopic, partitions: 3 },
      { name: clipsTopic, partitions: 1 },
    ]);
    database = await createTestDatabase();
    [dlq, segments] = await Promise.all([tailTopic(TOPICS.fleetDlq), tailTopic(TOPICS.engineSegments)]);
    app = await startApp(
      realServicesEnv(database.url),
      {
        INGEST_ACTIONS_TOPIC: actionsTopic,
        INGEST_CLIPS_TOPIC: clipsTopic,
        INGEST_CONSUMER_GROUP: `test-ingest-${run}`,
        INGEST_SEGMENT_IDLE_MS: '1500',
        INGEST_FLUSH_INTERVAL_MS: '250',
      },
      [IngestModule],
    );
    db = app.get(Database);
    store = app.get<BlobStore>(BLOB_STORE);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([dlq?.close(), segments?.close(), producer?.close()]);
    await database?.drop();
  });

  it('stores a simulated fleet with duplicates and reordering exactly once per (vehicle, drive, seq)', async () => {
    const startT = Math.floor(Date.now() / 20_000) * 20_000 - 3_600_000;
    const unique = [0, 1, 2, 3].flatMap((v) => [0, 1].flatMap((d) => driveBatches(`veh-${run}-${v}`, `drive-${run}-${v}-${d}`, startT + d * 600_000, 15)));
    // Every batch once, a third of them twice more, all shuffled across vehicles and within each drive.
    const sent = shuffle([...unique, ...unique.filter((_, i) => i % 3 === 0), ...unique.filter((_, i) => i % 3 === 0)], 7);
    await produce(sent.map((b) => ({ key: b.vehicleId, value: JSON.stringify(b) })));

    const expectedSamples = unique.reduce((n, b) => n + b.samples.length, 0);
    const stored = await waitFor('every unique batch stored', async () => {
      const [row] = await db.query<{ n: string; samples: string }>(
        `SELECT count(*) AS n, coalesce(sum(sample_count), 0) AS samples FROM action_batches WHERE vehicle_id LIKE $1`,
        [`veh-${run}-%`],
      );
      return Number(row.n) >= unique.length ? row : undefined;
    });
    // Give redelivered duplicates a moment to (not) land, then check exactly.
    await new Promise((r) => setTimeout(r, 500));
    const [again] = await db.query<{ n: string; distinct_keys: string; samples: string }>(
      `SELECT count(*) AS n, count(DISTINCT (vehicle_id, drive_id, seq)) AS distinct_keys, sum(sample_count) AS samples FROM action_batches WHERE vehicle_id LIKE $1`,
      [`veh-${run}-%`],
    );
    expect(Number(stored.n)).toBe(unique.length);
    expect(Number(again.n)).toBe(unique.length);
    expect(Number(again.distinct_keys)).toBe(unique.length);
    expect(Number(again.samples)).toBe(expectedSamples);
    const drives = await db.query<{ id: string; sample_count: string; first_t: string; last_t: string }>(`SELECT id, sample_count, first_t, last_t FROM drives WHERE vehicle_id LIKE $1`, [
      `veh-${run}-%`,
    ]);
    expect(drives).toHaveLength(8);
    for (const d of drives) {
      expect(Number(d.sample_count)).toBe(15 * 20);
      expect(Number(d.last_t) - Number(d.first_t)).toBe((15 * 20 - 1) * 50);
    }
  });

  it('dead-letters each kind of bad message with its reason and pointer, without blocking the partition', async () => {
    const vehicleId = `veh-${run}-dlq`;
    const good = driveBatches(vehicleId, `drive-${run}-dlq`, Date.now() - 60_000, 2);
    const base = good[0];
    const cases: { name: string; value: string | Buffer; reason: string; pointer?: string }[] = [
      { name: 'not json', value: '{"vehicleId": "x", ', reason: 'invalid_json' },
      { name: 'random bytes', value: Buffer.from([0xff, 0x00, 0x13, 0x37]), reason: 'invalid_json' },
      { name: 'missing speed', value: JSON.stringify({ ...base, seq: 100, samples: [{ t: base.samples[0].t }] }), reason: 'schema_violation', pointer: '/samples/0/speed' },
      { name: 'wrong type', value: JSON.stringify({ ...base, seq: 'one' }), reason: 'schema_violation', pointer: '/seq' },
      { name: 'infinity', value: `{"vehicleId":"${vehicleId}","driveId":"d","seq":101,"samples":[{"t":${base.samples[0].t},"speed":1e999}]}`, reason: 'non_finite_value', pointer: '/samples/0/speed' },
      { name: 'future', value: JSON.stringify({ ...base, seq: 102, samples: [{ t: Date.now() + 3 * 86_400_000, speed: 1 }] }), reason: 'timestamp_out_of_range', pointer: '/samples/0/t' },
      { name: 'before 2000', value: JSON.stringify({ ...base, seq: 103, samples: [{ t: 1000, speed: 1 }] }), reason: 'timestamp_out_of_range', pointer: '/samples/0/t' },
      { name: 'time goes back', value: JSON.stringify({ ...base, seq: 104, samples: [base.samples[1], base.samples[0]] }), reason: 'non_monotonic_time', pointer: '/samples/1/t' },
    ];
    // Bad messages between good ones, all on one key (one partition): the good ones behind them must still be stored.
    await produce([
      { key: vehicleId, value: JSON.stringify(good[0]) },
      ...cases.map((c) => ({ key: vehicleId, value: c.value })),
      { key: vehicleId, value: JSON.stringify(good[1]) },
    ]);
    const records = await waitFor('a DLQ record per bad message', () => {
      const mine = dlqRecords().filter((r) => r.source.key === vehicleId);
      return mine.length >= cases.length ? mine : undefined;
    });
    expect(records).toHaveLength(cases.length);
    for (const c of cases) {
      const original = Buffer.isBuffer(c.value) ? c.value : Buffer.from(c.value);
      const record = records.find((r) => Buffer.from(r.originalBase64, 'base64').equals(original));
      expect(record, c.name).toBeDefined();
      expect(record?.reason, c.name).toBe(c.reason);
      if (c.pointer !== undefined) expect(record?.pointer, c.name).toBe(c.pointer);
      expect(record?.source).toMatchObject({ topic: actionsTopic, key: vehicleId });
      expect(record?.consumerGroup).toBe(`test-ingest-${run}`);
    }
    const [stored] = await waitFor('the good batches behind the bad ones', async () => {
      const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM action_batches WHERE vehicle_id = $1`, [vehicleId]);
      return Number(rows[0].n) === 2 ? rows : undefined;
    });
    expect(Number(stored.n)).toBe(2);
  });

  it('assembles out-of-order batches into 20 s Parquet segments and re-emits a segment when late data completes it', async () => {
    const vehicleId = `veh-${run}-seg`;
    const driveId = `drive-${run}-seg`;
    const startT = Math.floor(Date.now() / 20_000) * 20_000 - 1_800_000;
    const index0 = startT / 20_000;
    // 45 one-second batches: segments index0, +1 full (400 samples), index0+2 partial (100), ended by idleness.
    const batches = driveBatches(vehicleId, driveId, startT, 45);
    const late = batches[5];
    await produce(shuffle(batches.filter((b) => b !== late), 3).map((b) => ({ key: vehicleId, value: JSON.stringify(b) })));

    const first = await waitFor('three segments emitted', () => {
      const events = segmentEvents(vehicleId);
      const indexes = new Set(events.map((e) => e.segmentIndex));
      return indexes.size === 3 ? events : undefined;
    });
    const latest = (index: number) =>
      segmentEvents(vehicleId)
        .filter((e) => e.segmentIndex === index)
        .sort((a, b) => b.version - a.version)[0];
    expect(new Set(first.map((e) => e.segmentIndex))).toEqual(new Set([index0, index0 + 1, index0 + 2]));
    await waitFor('segments carry all their samples', () => latest(index0).sampleCount === 380 && latest(index0 + 1).sampleCount === 400 && latest(index0 + 2).sampleCount === 100);
    const before = latest(index0);
    expect(before).toMatchObject({ driveId, startT, endT: startT + 20_000, clips: [] });
    expect(before.signals).toEqual(expect.arrayContaining(['speed', 'steering', 'brake', 'turnSignal']));
    const decoded = await decodeActionSamples(await store.get(store.keyOf(before.uri)));
    expect(decoded).toHaveLength(380);
    expect(decoded[0]).toMatchObject({ t: startT });

    // The missing second arrives late: segment index0 is re-emitted as a new version with it, under a new object.
    await produce([{ key: vehicleId, value: JSON.stringify(late) }]);
    const after = await waitFor('the late segment re-emitted', () => (latest(index0).version > before.version ? latest(index0) : undefined));
    expect(after.sampleCount).toBe(400);
    expect(after.segmentId).toBe(before.segmentId);
    expect(after.uri).not.toBe(before.uri);
    expect(after.uri).toMatch(new RegExp(`${index0}-v${after.version}\\.parquet$`));
    expect(await decodeActionSamples(await store.get(store.keyOf(after.uri)))).toHaveLength(400);
    const [row] = await db.query<{ status: string; version: number; sample_count: number }>(
      `SELECT status, version, sample_count FROM action_segments WHERE drive_id = $1 AND segment_index = $2`,
      [driveId, index0],
    );
    expect(row).toMatchObject({ status: 'complete', version: after.version, sample_count: 400 });
  });

  it('survives a fuzz stream: thousands of malformed messages, each dead-lettered with a known reason', async () => {
    const vehicleId = `veh-${run}-fuzz`;
    const bad = malformedActionMessages(2000, vehicleId, Date.now(), 5);
    // Produce requests stay under the broker's 1 MB limit (some values are 280 kB arrays).
    let chunk: Buffer[] = [];
    let bytes = 0;
    for (const value of [...bad, undefined]) {
      if (value === undefined || bytes + value.length > 700_000) {
        await produce(chunk.map((v) => ({ key: vehicleId, value: v })));
        chunk = [];
        bytes = 0;
      }
      if (value !== undefined) {
        chunk.push(value);
        bytes += value.length;
      }
    }
    const good = driveBatches(vehicleId, `fuzz-${vehicleId}`, Date.now() - 120_000, 1)[0];
    await produce([{ key: vehicleId, value: JSON.stringify(good) }]);

    const records = await waitFor('a DLQ record per malformed message', () => {
      const mine = dlqRecords().filter((r) => r.source.key === vehicleId);
      return mine.length >= bad.length ? mine : undefined;
    }, 90_000);
    expect(records).toHaveLength(bad.length);
    const known = new Set<string>(Object.values(IngestErrorCode));
    const reasons = new Map<string, number>();
    for (const r of records) {
      expect(known.has(r.reason), r.reason).toBe(true);
      reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    }
    for (const reason of ['invalid_json', 'schema_violation', 'non_finite_value', 'timestamp_out_of_range', 'non_monotonic_time']) expect(reasons.get(reason) ?? 0, reason).toBeGreaterThan(0);
    // Every original is in the DLQ byte for byte, and the consumer is alive: the valid batch behind them is stored.
    const originals = new Set(records.map((r) => r.originalBase64));
    expect(bad.every((b) => originals.has(b.toString('base64')))).toBe(true);
    await waitFor('the valid batch after the fuzz', async () => (await db.query(`SELECT 1 FROM action_batches WHERE vehicle_id = $1`, [vehicleId])).length === 1);
  }, 120_000);

  it('checks clips in S3: a good one becomes ready and joins its segment; missing, tampered and undecodable ones are dead-lettered', async () => {
    const vehicleId = `veh-${run}-clip`;
    const driveId = `drive-${run}-clip`;
    const startT = Math.floor(Date.now() / 20_000) * 20_000 - 900_000;
    const dir = mkdtempSync(join(tmpdir(), 'surprisal-clip-'));
    let video: Buffer;
    try {
      execFileSync(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=15', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', join(dir, 'c.mp4')]);
      video = readFileSync(join(dir, 'c.mp4'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const put = async (name: string, body: Buffer) => {
      const key = `clips/${vehicleId}/${driveId}/${name}.mp4`;
      await store.put(key, body, { contentType: 'video/mp4' });
      return store.uri(key);
    };
    const clip = (clipId: string, uri: string, sha256: string, extra: object = {}) => ({ vehicleId, driveId, clipId, camera: 'front', uri, startT, endT: startT + 1000, fps: 15, sha256, ...extra });
    await produce(driveBatches(vehicleId, driveId, startT, 2).map((b) => ({ key: vehicleId, value: JSON.stringify(b) })));
    const cases = [
      { value: clip('good', await put('good', video), sha(video)), reason: undefined },
      { value: clip('ghost', store.uri(`clips/${vehicleId}/nothing.mp4`), sha(video)), reason: 'unknown_clip_object' },
      { value: clip('tampered', await put('tampered', video), 'f'.repeat(64)), reason: 'checksum_mismatch' },
      { value: clip('cut', await put('cut', video.subarray(0, 300)), sha(video.subarray(0, 300))), reason: 'undecodable_video' },
      { value: clip('backwards', await put('backwards', video), sha(video), { endT: startT - 1 }), reason: 'invalid_time_range' },
    ];
    await producer.publish(clipsTopic, cases.map((c) => ({ key: vehicleId, value: JSON.stringify(c.value) })));

    const records = await waitFor('a DLQ record per bad clip', () => {
      const mine = dlqRecords(clipsTopic).filter((r) => r.source.key === vehicleId);
      return mine.length >= 4 ? mine : undefined;
    });
    for (const c of cases.filter((x) => x.reason !== undefined)) {
      const record = records.find((r) => (JSON.parse(Buffer.from(r.originalBase64, 'base64').toString()) as { clipId: string }).clipId === c.value.clipId);
      expect(record?.reason, c.value.clipId).toBe(c.reason);
    }
    const rows = await waitFor('clips recorded', async () => {
      const found = await db.query<{ clip_id: string; status: string; failure_reason: string | null; probe: { width: number; codec: string } | null }>(
        `SELECT clip_id, status, failure_reason, probe FROM clips WHERE vehicle_id = $1 ORDER BY clip_id`,
        [vehicleId],
      );
      return found.length === 4 && found.every((r) => r.status !== 'pending') ? found : undefined;
    });
    expect(rows.map((r) => [r.clip_id, r.status, r.failure_reason?.split(':')[0] ?? null])).toEqual([
      ['cut', 'failed', 'undecodable_video'],
      ['ghost', 'failed', 'unknown_clip_object'],
      ['good', 'ready', null],
      ['tampered', 'failed', 'checksum_mismatch'],
    ]);
    expect(rows.find((r) => r.clip_id === 'good')?.probe).toMatchObject({ width: 96, height: 64, codec: 'h264' });
    // The drive's actions were ingested regardless, and its segment carries the good clip only.
    const event = await waitFor('the segment with its clip', () => segmentEvents(vehicleId).find((e) => e.clips.length > 0));
    expect(event.clips.map((c) => c.clipId)).toEqual(['good']);
    expect(event.sampleCount).toBe(40);
  });
});
