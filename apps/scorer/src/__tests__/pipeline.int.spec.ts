import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS, type Bus } from '@surprisal/bus';
import { loadConfig } from '@surprisal/config';
import { TOPICS } from '@surprisal/contracts';
import { Database } from '@surprisal/db';
import { defaultModelDir } from '@surprisal/inference';
import { createHttpApp } from '@surprisal/platform';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { createTestDatabase, realServicesEnv, requireServiceEnv, uniqueSuffix, type TestDatabase } from '@surprisal/testing';
import { BusSink } from '../../../fleet-sim/src/outputs/bus.sink';
import { parseScenarioPlan } from '../../../fleet-sim/src/scenarios/registry';
import { runFleet } from '../../../fleet-sim/src/sim/fleet-runner';
import { IngestModule } from '../../../ingest/src/ingest.module';
import { MinerModule } from '../../../miner/src/miner.module';
import { ScorerModule } from '../scorer.module';

const MODEL_DIR = process.env.SURPRISAL_TEST_MODEL_DIR ?? defaultModelDir();

async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * End to end on the real Kafka, PostgreSQL and S3: a simulated fleet with an injected cut-in on every
 * vehicle streams into ingest (private source topics), ingest emits engine.segments.v1, the scorer scores
 * every window and the miner turns each cut-in into an edge case with a task and an event. A cut-in (the
 * driver brakes hard for a car that cuts in close) is unmistakable even in two vehicles' first minute,
 * when calibration starts cold; a replay of this fleet in process found both vehicles' cut-ins in 10 runs
 * of 10 (peak totals 5.8–11.7) but a debris swerve in only about half, so how well subtler events are found is
 * measured by eval:mining over a 50-minute fleet, not asserted here.
 */
describe('simulated fleet → ingest → scorer → miner (real Kafka, PostgreSQL, S3)', () => {
  const run = uniqueSuffix();
  const topics = { actions: `test.fleet.actions.${run}`, clips: `test.fleet.clips.${run}` };
  const scorerGroup = `test-scorer-${run}`;
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'surprisal-e2e-'));
    Object.assign(process.env, {
      INGEST_ACTIONS_TOPIC: topics.actions,
      INGEST_CLIPS_TOPIC: topics.clips,
      INGEST_CONSUMER_GROUP: `test-ingest-${run}`,
      INGEST_SEGMENT_IDLE_MS: '1500',
      INGEST_FLUSH_INTERVAL_MS: '250',
      SCORER_CONSUMER_GROUP: scorerGroup,
      // engine.segments.v1 is shared with other suites: this group starts at its end and skips segments of other databases.
      SCORER_START_AT: 'latest',
      SCORER_DEVICES: 'cpu',
      SCORER_MODEL_DIR: MODEL_DIR,
      SCORER_THREADS: '1',
    });
    const config = loadConfig({
      SURPRISAL_DATA_DIR: dataDir,
      ...realServicesEnv(database.url),
      SURPRISAL_DEMO_FLEET: 'off',
    });
    const bootstrap = await createHttpApp(config, [IngestModule, ScorerModule, MinerModule]);
    // Private source topics exist before ingest subscribes to them.
    await bootstrap.get<Bus>(BUS).ensureTopics([
      { name: topics.actions, partitions: 3 },
      { name: topics.clips, partitions: 3 },
    ]);
    await bootstrap.init();
    app = bootstrap;
    // The scorer's group must hold its partitions before the first segment is published (it starts at the end).
    const admin = new Kafka({ brokers: requireServiceEnv('KAFKA_BROKERS').split(','), clientId: `probe-${run}`, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await waitFor('the scorer group to be stable', async () => (await admin.describeGroups([scorerGroup])).groups[0]?.state === 'Stable', 60_000);
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns each injected cut-in into an edge case with reasons, a task and an engine.edge-cases.v1 event', async () => {
    const bus = app.get<Bus>(BUS);
    const store = app.get<BlobStore>(BLOB_STORE);
    const db = app.get(Database);
    const published: string[] = [];
    const tail = await bus.subscribe({
      groupId: `test-edge-cases-${run}`,
      topics: [TOPICS.engineEdgeCases],
      fromBeginning: false,
      handler: (batch) => {
        for (const m of batch.messages) published.push((JSON.parse(m.value.toString()) as { edgeCaseId: string }).edgeCaseId);
        return Promise.resolve();
      },
    });
    try {
      const startMs = Math.floor(Date.now() / 20_000) * 20_000 - 10 * 60_000;
      const fleet = await runFleet(
        {
          seed: 11,
          vehicles: 2,
          minutes: 1,
          startMs,
          fleetId: `e2e${run}`,
          plan: parseScenarioPlan({ scenarios: 'none' }),
          forced: [{ scenario: 'cut-in', atS: 20 }],
          video: { width: 96, height: 72 },
          rate: 'max',
        },
        new BusSink(bus, store, topics),
      );
      // Every vehicle's cut-in started (the scenario waits for a clear lane at speed).
      expect(fleet.truth.map((t) => t.scenario)).toEqual(['cut-in', 'cut-in']);

      await waitFor(
        'every segment of both drives scored',
        async () => Number((await db.query<{ n: string }>(`SELECT count(DISTINCT segment_id) AS n FROM window_scores`))[0].n) >= 6,
        240_000,
      );
      const video = await db.query<{ n: string }>(`SELECT count(*) AS n FROM window_scores WHERE series->>'predictor' = 'predictor'`);
      expect(Number(video[0].n)).toBeGreaterThan(0);

      const found: { id: string }[] = [];
      for (const truth of fleet.truth) {
        const cases = await waitFor(
          `an edge case overlapping the cut-in of ${truth.vehicleId}`,
          async () => {
            const rows = await db.query<{ id: string; reasons: { kind: string; text: string }[]; queue: string; status: string }>(
              `SELECT id, reasons, queue, status FROM edge_cases WHERE drive_id = $1 AND start_t <= $3 AND end_t >= $2`,
              [truth.driveId, truth.startT, truth.endT],
            );
            return rows.length > 0 ? rows : undefined;
          },
          60_000,
        ).catch(async (err: unknown) => {
          // Say what the engine made of the event: its windows' scores and the edge cases it did find.
          const windows = await db.query(
            `SELECT w.start_t, w.total, w.p_value, w.series->>'predictor' AS predictor, w.components FROM window_scores w
             WHERE w.drive_id = $1 AND w.start_t <= $3 AND w.end_t >= $2 ORDER BY w.start_t`,
            [truth.driveId, truth.startT, truth.endT],
          );
          const all = await db.query(`SELECT drive_id, start_t, end_t, score, p_value, status FROM edge_cases ORDER BY start_t`);
          throw new Error(`${(err as Error).message}\nevent ${JSON.stringify(truth)}\nits windows ${JSON.stringify(windows)}\nedge cases ${JSON.stringify(all)}`);
        });
        const c = cases[0];
        expect(c.reasons.length).toBeGreaterThan(0);
        expect(c.reasons.every((r) => r.text.length > 0)).toBe(true);
        expect(['annotation', 'safety']).toContain(c.queue);
        await waitFor('its engine.edge-cases.v1 event', () => Promise.resolve(published.includes(c.id)), 30_000);
        expect(Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM annotation_tasks WHERE edge_case_id = $1`, [c.id]))[0].n)).toBe(1);
        found.push(c);
      }
      const c = found[0];
      // The drive has video: the miner renders the case's frame strip once it is committed.
      const thumbnail = await waitFor(
        'its thumbnail',
        async () => (await db.query<{ thumbnail_uri: string | null }>(`SELECT thumbnail_uri FROM edge_cases WHERE id = $1`, [c.id]))[0]?.thumbnail_uri ?? undefined,
        60_000,
      );
      expect([...(await store.get(store.keyOf(thumbnail))).subarray(0, 2)]).toEqual([0xff, 0xd8]);
    } finally {
      await tail.close();
    }
    // As long as its waits add up to (scoring 240 s, case 60 s, event 30 s, thumbnail 60 s): on a loaded CI
    // machine the default 60 s cut it short with no word of which step was slow.
  }, 420_000);
});
