/**
 * bench:api — seeds 1,000,000 scored windows and 100,000 edge cases into a throwaway database on
 * the real PostgreSQL, starts the API as its own process (SURPRISAL_ROLES=api, as deployed), and
 * drives GET /v1/edge-cases with mixed filters through autocannon at 32 connections.
 * Last stdout line: {"p50Ms":…,"p99Ms":…,"rps":…}
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Database } from '@surprisal/db';
import { resolve } from 'node:path';
import { createTestDatabase, freePort, startEngineProcess } from '@surprisal/testing';
import { loadServiceEnv, log, printFigures } from './bench.util';

const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 1_000_000);
const EDGE_CASES = Number(process.env.BENCH_EDGE_CASES ?? 100_000);
const VEHICLES = 1000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
/** API worker processes (SURPRISAL_API_WORKERS), as an api-only deployment would run them on this machine's cores. */
const API_WORKERS = Number(process.env.BENCH_API_WORKERS ?? 1);
/**
 * PostgreSQL connections per worker (DATABASE_POOL_SIZE), as README advises for an api-only process: about
 * twice the cores. Measured here (2 cores, alternating runs): 4 gave a lower p99 than 10 at the same requests/s.
 */
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? Math.max(2, 2 * availableParallelism()));
const DAY = 86_400_000;
/** e.g. BENCH_API_NODE_OPTIONS="--require ./profiler.js" to profile the API process (it does not inherit this one's environment). */
const nodeOptions: Record<string, string> = process.env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS } : {};
/** The built engine, beside this file in dist/. */
const ENGINE_MAIN = resolve(__dirname, '../apps/engine/src/main.js');

async function seed(db: Database, t0: number): Promise<void> {
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const started = Date.now();
    await db.query(sql, params);
    log(`  ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  };
  await step(`${VEHICLES} vehicles, drives and segments`, `
    WITH v AS (INSERT INTO vehicles (id) SELECT 'veh-' || g FROM generate_series(1, ${VEHICLES}) g RETURNING id),
         d AS (INSERT INTO drives (id, vehicle_id) SELECT 'drive-' || substr(id, 5), id FROM v RETURNING id, vehicle_id)
    INSERT INTO action_segments (vehicle_id, drive_id, segment_index, start_t, end_t, sample_count, status)
    SELECT vehicle_id, id, 0, $1::bigint, $1::bigint + ${30 * DAY}, 400, 'complete' FROM d`, [t0]);
  await step('a model version', `INSERT INTO model_versions (version, artifact_uri, io_contract, status) VALUES ('bench-v1', 'file:///bench', 'model-io.v1', 'promoted')`);
  await step(`${WINDOWS.toLocaleString()} window scores`, `
    INSERT INTO window_scores (segment_id, model_version_id, vehicle_id, drive_id, start_t, end_t, components, total, p_value, triggers)
    SELECT s.id, m.id, s.vehicle_id, s.drive_id, $1::bigint + g * 500, $1::bigint + g * 500 + 2000,
           jsonb_build_object('nllLateral', r * 3, 'nllLongitudinal', r * 2, 'latent', r, 'disagreement', r / 2), r * 10, 1 - r,
           CASE WHEN g % 97 = 0 THEN ARRAY['hard_brake'] ELSE '{}'::text[] END
    FROM generate_series(1, ${WINDOWS}) g
    CROSS JOIN LATERAL (SELECT random() AS r) x
    JOIN action_segments s ON s.drive_id = 'drive-' || (1 + g % ${VEHICLES})
    CROSS JOIN (SELECT id FROM model_versions WHERE version = 'bench-v1') m`, [t0]);
  await step(`${EDGE_CASES.toLocaleString()} edge cases with 32-d embeddings`, `
    INSERT INTO edge_cases (vehicle_id, drive_id, segment_id, model_version_id, start_t, end_t, peak_t, score, p_value, status, queue,
                            reason_kinds, reasons, triggers, scenario_label, embedding)
    SELECT s.vehicle_id, s.drive_id, s.id, m.id, t, t + 2000, t + 1000, 10 * random(), random() / 100,
           (ARRAY['new','queued','in_annotation','labelled','dismissed'])[1 + g % 5], CASE WHEN g % 4 = 0 THEN 'safety' ELSE 'annotation' END,
           CASE WHEN g % 3 = 0 THEN ARRAY['action_nll'] WHEN g % 3 = 1 THEN ARRAY['latent'] ELSE ARRAY['disagreement','action_nll'] END,
           jsonb_build_array(jsonb_build_object('kind', 'action_nll', 'text', 'predicted steering +12°, actual −20°')),
           CASE WHEN g % 7 = 0 THEN ARRAY['hard_brake'] ELSE '{}'::text[] END,
           CASE WHEN g % 5 = 3 THEN (ARRAY['cut_in','pedestrian_crossing','animal'])[1 + g % 3] END,
           cube(ARRAY(SELECT random() FROM generate_series(1, 32) WHERE g > 0))
    FROM generate_series(1, ${EDGE_CASES}) g
    CROSS JOIN LATERAL (SELECT $1::bigint + (g::bigint * ${Math.floor((30 * DAY) / 100_000)}) AS t) tt
    JOIN action_segments s ON s.drive_id = 'drive-' || (1 + g % ${VEHICLES})
    CROSS JOIN (SELECT id FROM model_versions WHERE version = 'bench-v1') m`, [t0]);
  // As autovacuum leaves a live table: without this, its first pass over the freshly loaded rows runs
  // during the measurement (and every read meanwhile pays for setting hint bits).
  await step('VACUUM ANALYZE', 'VACUUM (ANALYZE)');
}

/** A mix of what people ask: newest first, most surprising, per vehicle, per status, by trigger, reason, scenario, time range. */
function randomQuery(t0: number): string {
  const r = Math.random();
  const vehicle = `veh-${1 + Math.floor(Math.random() * VEHICLES)}`;
  const from = t0 + Math.floor(Math.random() * 25) * DAY;
  const queries = [
    'sort=time&limit=50',
    'sort=score&limit=50',
    `vehicleId=${vehicle}&limit=50`,
    `status=queued&sort=time&limit=50`,
    `trigger=hard_brake&minScore=5&limit=50`,
    `reasonKind=latent&sort=score&limit=50`,
    `scenario=cut_in&limit=50`,
    `from=${from}&to=${from + DAY}&limit=100`,
    `driveId=drive-${1 + Math.floor(Math.random() * VEHICLES)}&sort=score&limit=20`,
    `maxPValue=0.001&sort=score&limit=50`,
  ];
  return `/v1/edge-cases?${queries[Math.floor(r * queries.length)]}`;
}

async function main(): Promise<void> {
  loadServiceEnv();
  const testDb = await createTestDatabase();
  const t0 = Date.now() - 31 * DAY;
  const adminKey = randomBytes(24).toString('base64url');
  let api: ReturnType<typeof startEngineProcess> | undefined;
  try {
    log(`Seeding ${testDb.url.replace(/:[^:@/]*@/, ':***@')}:`);
    const db = await Database.create({ kind: 'postgres', url: testDb.url }).open();
    await seed(db, t0);
    await db.close();

    const port = await freePort();
    api = startEngineProcess({ PORT: String(port), DATABASE_URL: testDb.url, SURPRISAL_ROLES: 'api', SURPRISAL_API_WORKERS: String(API_WORKERS), DATABASE_POOL_SIZE: String(POOL_SIZE), SURPRISAL_RATE_LIMIT: '0', SURPRISAL_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn', ...nodeOptions }, ENGINE_MAIN);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
      if (i > 240) throw new Error(`API did not start:\n${api.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const headers = { authorization: `Bearer ${adminKey}` };
    const warm = await fetch(`${base}${randomQuery(t0)}`, { headers });
    if (!warm.ok) throw new Error(`warm-up request failed: ${warm.status} ${await warm.text()}`);

    log(`autocannon: ${CONNECTIONS} connections, ${DURATION_S} s, mixed GET /v1/edge-cases filters, ${API_WORKERS} API worker(s) with ${POOL_SIZE} database connections each`);
    const result = await autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: DURATION_S,
      headers,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: randomQuery(t0) }) }],
    });
    const figures = {
      p50Ms: result.latency.p50,
      p90Ms: result.latency.p90,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      rps: Math.round(result.requests.average),
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      connections: CONNECTIONS,
      apiWorkers: API_WORKERS,
      poolSize: POOL_SIZE,
      windows: WINDOWS,
      edgeCases: EDGE_CASES,
    };
    log(`\n  p50 ${figures.p50Ms} ms   p90 ${figures.p90Ms} ms   p99 ${figures.p99Ms} ms   max ${figures.maxMs} ms`);
    log(`  ${figures.rps} requests/s   ${figures.requests} requests   ${figures.non2xx} non-2xx   ${figures.errors} errors   (goal: p99 ≤ 50 ms)`);
    printFigures(figures);
  } finally {
    if (api && api.child.exitCode === null) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    await testDb.drop();
  }
}

main().catch((err: unknown) => {
  log(`bench:api failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
