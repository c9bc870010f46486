import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBus } from '@surprisal/bus';
import { Database } from '@surprisal/db';
import { connectTestKafkaBus, uniqueSuffix, type TestDatabase } from '@surprisal/testing';
import { IngestModule } from '../ingest.module';
import { createTestDatabase, driveBatches,  startApp, waitFor } from './ingest-harness';
import { realServicesEnv } from '@surprisal/testing';

const SERVICES = resolve(__dirname, '../../../../infra/local/services.sh');

/**
 * PostgreSQL restarts in the middle of a stream (this restarts the SHARED test server, for a few
 * seconds): the handler's writes fail, the bus redelivers with backoff, and once the server is back
 * every batch is stored, once.
 */
describe('ingest across a PostgreSQL restart (real services)', () => {
  const run = uniqueSuffix();
  const actionsTopic = `test.pgrestart.actions.${run}`;
  const clipsTopic = `test.pgrestart.clips.${run}`;
  let app: NestFastifyApplication;
  let producer: KafkaBus;
  let database: TestDatabase;
  let reader: Database;

  beforeAll(async () => {
    producer = await connectTestKafkaBus();
    await producer.ensureTopics([
      { name: actionsTopic, partitions: 3 },
      { name: clipsTopic, partitions: 1 },
    ]);
    database = await createTestDatabase();
    app = await startApp(realServicesEnv(database.url), { INGEST_ACTIONS_TOPIC: actionsTopic, INGEST_CLIPS_TOPIC: clipsTopic, INGEST_CONSUMER_GROUP: `test-pgrestart-${run}` }, [IngestModule]);
    reader = app.get(Database);
  });

  afterAll(async () => {
    await app?.close();
    await producer?.close();
    await database?.drop();
  });

  it('loses nothing and doubles nothing: ingest waits and retries', async () => {
    const startT = Math.floor(Date.now() / 20_000) * 20_000 - 3_600_000;
    const batches = [0, 1, 2].flatMap((v) => driveBatches(`pgr-${run}-${v}`, `pgr-drive-${run}-${v}`, startT, 80));
    const count = async () => Number((await reader.query<{ n: string }>(`SELECT count(*) AS n FROM action_batches`))[0].n);
    const send = (from: number, to: number) => producer.publish(actionsTopic, batches.slice(from, to).map((b) => ({ key: b.vehicleId, value: JSON.stringify(b) })));

    await send(0, 60);
    await waitFor('the first batches stored', async () => (await count()) > 0);
    const restarting = promisify(execFile)('bash', [SERVICES, 'restart', 'postgres'], { timeout: 120_000 });
    // The fleet keeps sending while the database is down.
    for (let i = 60; i < batches.length; i += 30) {
      await send(i, i + 30);
      await new Promise((r) => setTimeout(r, 100));
    }
    await restarting;
    await waitFor('every batch stored after the restart', async () => (await count().catch(() => 0)) >= batches.length, 90_000);
    const [totals] = await reader.query<{ n: string; keys: string; samples: string }>(
      `SELECT count(*) AS n, count(DISTINCT (vehicle_id, drive_id, seq)) AS keys, sum(sample_count) AS samples FROM action_batches`,
    );
    expect(Number(totals.n)).toBe(batches.length);
    expect(Number(totals.keys)).toBe(batches.length);
    expect(Number(totals.samples)).toBe(batches.length * 20);
  }, 180_000);
});
