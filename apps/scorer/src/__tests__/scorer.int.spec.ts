import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeActionSamples } from '@surprisal/columnar';
import { BUS, type Bus } from '@surprisal/bus';
import { CONTRACTS, TOPICS, type EngineEdgeCasesV1, type EngineSegmentsV1 } from '@surprisal/contracts';
import { defaultModelDir } from '@surprisal/inference';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { startTestApp, type TestApp } from '@surprisal/testing';
import { MinerModule } from '../../../miner/src/miner.module';
import { ScorerModule } from '../scorer.module';
import { syntheticDrive } from './synthetic-drive';

const MODEL_DIR = process.env.SURPRISAL_TEST_MODEL_DIR ?? defaultModelDir();
const T0 = 1_800_000_000_000;

async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The scorer and miner inside one app on the in-process bus: engine.segments.v1 in, window scores,
 * edge cases, tasks and engine.edge-cases.v1 out; re-scoring replaces; a promotion swaps the model.
 * Runs on PostgreSQL and on PGlite, since every query must work on both.
 */
describe.each(['postgres', 'pglite'] as const)('scorer + miner (%s)', (backend) => {
  let t: TestApp;
  let bus: Bus;
  let store: BlobStore;
  const published: EngineEdgeCasesV1[] = [];
  const env = { SCORER_DEVICES: 'cpu', SCORER_MODEL_DIR: MODEL_DIR, SCORER_THREADS: '1' };

  beforeAll(async () => {
    Object.assign(process.env, env);
    t = await startTestApp([ScorerModule, MinerModule], backend);
    bus = t.app.get(BUS);
    store = t.app.get(BLOB_STORE);
    await bus.subscribe({
      groupId: 'test-edge-cases',
      topics: [TOPICS.engineEdgeCases],
      handler: (batch) => {
        for (const m of batch.messages) {
          const v = CONTRACTS.engineEdgeCases.validate(JSON.parse(m.value.toString()));
          if (v.ok) published.push(v.value);
        }
        return Promise.resolve();
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function seedDrive(driveId: string, eventT: number | undefined): Promise<EngineSegmentsV1[]> {
    const samples = syntheticDrive(T0, 60, eventT);
    await t.db.query(`INSERT INTO vehicles (id) VALUES ('veh-1') ON CONFLICT DO NOTHING`);
    await t.db.query(`INSERT INTO drives (id, vehicle_id) VALUES ($1, 'veh-1')`, [driveId]);
    const events: EngineSegmentsV1[] = [];
    for (let index = 0; index < 3; index++) {
      const startT = T0 + index * 20_000;
      const body = await encodeActionSamples(samples.filter((s) => s.t >= startT && s.t < startT + 20_000));
      const info = await store.put(`test/${driveId}/${index}.parquet`, body);
      const [row] = await t.db.query<{ id: string }>(
        `INSERT INTO action_segments (vehicle_id, drive_id, segment_index, start_t, end_t, sample_count, uri, sha256, status)
         VALUES ('veh-1', $1, $2, $3, $4, 400, $5, $6, 'complete') RETURNING id`,
        [driveId, index, startT, startT + 20_000, store.uri(info.key), info.sha256],
      );
      events.push({
        segmentId: row.id, vehicleId: 'veh-1', driveId, segmentIndex: index, startT, endT: startT + 20_000, sampleCount: 400,
        signals: ['speed', 'steering', 'accel', 'yawRate', 'brake', 'gas'], uri: store.uri(info.key), sha256: info.sha256, version: 1, clips: [],
      });
    }
    return events;
  }

  const publish = (events: EngineSegmentsV1[]) => bus.publish(TOPICS.engineSegments, events.map((e) => ({ key: e.vehicleId, value: JSON.stringify(e) })));
  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query<{ n: string }>(sql, params))[0].n);

  it('registers and promotes the default model, scores every window and mines the injected event', async () => {
    // Calm drives first, so the calibration knows ordinary driving.
    for (let i = 0; i < 3; i++) await publish(await seedDrive(`calm-${i}`, undefined));
    const eventT = T0 + 20_000 + 11_000;
    const events = await seedDrive('event-drive', eventT);
    await publish(events);
    await waitFor('windows of the event drive', async () => (await count(`SELECT count(*) AS n FROM window_scores WHERE drive_id = 'event-drive'`)) >= 110);

    const [model] = await t.db.query<{ version: string; status: string }>(`SELECT version, status FROM model_versions`);
    expect(model).toMatchObject({ status: 'promoted' });
    expect(model.version).toMatch(/^default-[0-9a-f]{12}$/);

    const segIds = events.map((e) => e.segmentId);
    expect(await count(`SELECT count(*) AS n FROM window_scores WHERE segment_id = $1`, [segIds[1]])).toBe(40);
    const [w] = await t.db.query<{ components: Record<string, number>; series: { t: number[]; actual: Record<string, number[]>; predicted: Record<string, { mean: number[] }> } }>(
      `SELECT components, series FROM window_scores WHERE segment_id = $1 ORDER BY start_t LIMIT 1`,
      [segIds[1]],
    );
    expect(typeof w.components.nllLateral).toBe('number');
    expect(typeof w.components.nllLongitudinal).toBe('number');
    expect(typeof w.components.disagreement).toBe('number');
    expect(w.series.t).toHaveLength(20);
    expect(w.series.predicted.steering.mean).toHaveLength(20);

    const cases = await waitFor('an edge case for the injected event', async () => {
      const rows = await t.db.query<{ id: string; start_t: string; end_t: string; queue: string; reasons: { kind: string; text: string }[]; triggers: string[]; status: string }>(
        `SELECT id, start_t, end_t, queue, reasons, triggers, status FROM edge_cases WHERE drive_id = 'event-drive'`,
      );
      return rows.length > 0 ? rows : undefined;
    });
    const hit = cases.find((c) => Number(c.start_t) <= eventT + 2000 && Number(c.end_t) >= eventT);
    expect(hit).toBeDefined();
    expect(hit!.reasons.some((r) => r.kind === 'action_nll' && /^predicted \w/.test(r.text))).toBe(true);
    expect(hit!.triggers).toContain('hard_brake');
    expect(hit!.status).toBe('queued');
    expect(await count(`SELECT count(*) AS n FROM annotation_tasks WHERE edge_case_id = $1`, [hit!.id])).toBe(1);
    await waitFor('engine.edge-cases.v1', () => Promise.resolve(published.some((e) => e.edgeCaseId === hit!.id)));
    expect(await count(`SELECT count(*) AS n FROM surprise_calibration`)).toBe(1);
  });

  it('re-scoring a segment (a re-emitted version) replaces its windows and creates no new edge case', async () => {
    const before = {
      windows: await count(`SELECT count(*) AS n FROM window_scores`),
      cases: await count(`SELECT count(*) AS n FROM edge_cases`),
      tasks: await count(`SELECT count(*) AS n FROM annotation_tasks`),
      events: published.length,
    };
    const rows = await t.db.query<{ id: string; drive_id: string; segment_index: number; start_t: string; end_t: string; uri: string; sha256: string }>(
      `SELECT id, drive_id, segment_index, start_t, end_t, uri, sha256 FROM action_segments WHERE drive_id = 'event-drive' ORDER BY segment_index`,
    );
    const again: EngineSegmentsV1[] = rows.map((r) => ({
      segmentId: r.id, vehicleId: 'veh-1', driveId: r.drive_id, segmentIndex: r.segment_index, startT: Number(r.start_t), endT: Number(r.end_t),
      sampleCount: 400, signals: ['speed'], uri: r.uri, sha256: r.sha256, version: 2, clips: [],
    }));
    const marker = await t.db.query<{ max: string }>(`SELECT max(created_at)::text AS max FROM window_scores`);
    await publish(again);
    await waitFor('the re-scored windows', async () => (await count(`SELECT count(*) AS n FROM window_scores WHERE drive_id = 'event-drive' AND created_at > $1::timestamptz`, [marker[0].max])) >= 110);
    expect(await count(`SELECT count(*) AS n FROM window_scores`)).toBe(before.windows);
    expect(await count(`SELECT count(*) AS n FROM annotation_tasks`)).toBe(before.tasks);
    expect(published.length).toBe(before.events);
    // Peaks may shift by a window as the calibration learns, but the injected event stays one case.
    expect(await count(`SELECT count(*) AS n FROM edge_cases`)).toBe(before.cases);
  });

  it('swaps to a newly promoted model between batches and records its version on every score', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'surprisal-model-v2-'));
    try {
      await cp(MODEL_DIR, dir, { recursive: true });
      const [v2] = await t.db.query<{ id: string }>(`INSERT INTO model_versions (version, artifact_uri, io_contract) VALUES ('v2-test', $1, 'model-io.v1') RETURNING id`, [pathToFileURL(dir).href]);
      await t.db.query(`UPDATE model_versions SET status = 'retired' WHERE status = 'promoted'`);
      await t.db.query(`UPDATE model_versions SET status = 'promoted', promoted_at = now() WHERE id = $1`, [v2.id]);
      await bus.publish(TOPICS.engineModels, [{ key: null, value: JSON.stringify({ event: 'promoted', modelVersionId: v2.id, version: 'v2-test', artifactUri: pathToFileURL(dir).href, at: new Date().toISOString() }) }]);
      await new Promise((r) => setTimeout(r, 300));
      const events = await seedDrive('after-swap', undefined);
      await publish(events);
      await waitFor('windows scored by v2', async () => (await count(`SELECT count(*) AS n FROM window_scores WHERE drive_id = 'after-swap' AND model_version_id = $1`, [v2.id])) >= 110);
      expect(await count(`SELECT count(*) AS n FROM window_scores WHERE drive_id = 'after-swap' AND model_version_id <> $1`, [v2.id])).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
