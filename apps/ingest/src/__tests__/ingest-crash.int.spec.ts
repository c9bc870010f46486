import { existsSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBus } from '@surprisal/bus';
import { Database } from '@surprisal/db';
import { connectTestKafkaBus, ENGINE_MAIN, freePort, killProcess, requireServiceEnv, startEngineProcess, uniqueSuffix, waitForHealth, type StartedProcess, type TestDatabase } from '@surprisal/testing';
import { createTestDatabase, driveBatches,  shuffle, waitFor } from './ingest-harness';
import { realServicesEnv } from '@surprisal/testing';

/**
 * The crash drill: the real ingest process (`SURPRISAL_ROLES=ingest node dist/apps/engine/src/main.js`)
 * is SIGKILLed several times in the middle of a stream and restarted; what is stored in the end is
 * exactly what was produced. Each restart waits for the broker to evict the killed member (the
 * consumer's session timeout, 30 s), so this suite takes about two minutes.
 */
describe('ingest crash drill (kill -9 mid-stream, real services)', () => {
  const run = uniqueSuffix();
  const actionsTopic = `test.crash.actions.${run}`;
  const clipsTopic = `test.crash.clips.${run}`;
  const group = `test-crash-${run}`;
  let database: TestDatabase;
  let db: Database;
  let producer: KafkaBus;
  let proc: StartedProcess | undefined;

  const storedCount = async (): Promise<number> => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM action_batches WHERE vehicle_id LIKE $1`, [`crash-${run}-%`]))[0].n);

  beforeAll(async () => {
    if (!existsSync(ENGINE_MAIN)) throw new Error(`${ENGINE_MAIN} is missing: run \`npm run build\` first (npm test does).`);
    producer = await connectTestKafkaBus();
    await producer.ensureTopics([
      { name: actionsTopic, partitions: 3 },
      { name: clipsTopic, partitions: 1 },
    ]);
    database = await createTestDatabase();
    db = await Database.create({ kind: 'postgres', url: database.url }).open();
  });

  afterAll(async () => {
    await killProcess(proc);
    await db?.close();
    await producer?.close();
    await database?.drop();
  });

  it('stores exactly the produced batches after three SIGKILLs and restarts, then stops cleanly on SIGTERM with everything committed', async () => {
    const port = await freePort();
    const env = {
      ...realServicesEnv(database.url),
      SURPRISAL_ROLES: 'ingest',
      PORT: String(port),
      INGEST_ACTIONS_TOPIC: actionsTopic,
      INGEST_CLIPS_TOPIC: clipsTopic,
      INGEST_CONSUMER_GROUP: group,
      // Small handler calls, so a kill lands between commits often.
      INGEST_MAX_BATCH_SIZE: '25',
    };
    const startT = Math.floor(Date.now() / 20_000) * 20_000 - 7_200_000;
    // Enough batches that each restart still finds a backlog: a fast consumer stores hundreds between two polls.
    const perDrive = 600;
    const unique = [0, 1, 2, 3, 4, 5].flatMap((v) => driveBatches(`crash-${run}-${v}`, `crash-drive-${run}-${v}`, startT, perDrive));
    const sent = shuffle([...unique, ...unique.filter((_, i) => i % 5 === 0)], 11);

    // The fleet streams while the ingest process dies and comes back.
    let produced = 0;
    const streaming = (async () => {
      for (let i = 0; i < sent.length; i += 30) {
        await producer.publish(actionsTopic, sent.slice(i, i + 30).map((b) => ({ key: b.vehicleId, value: JSON.stringify(b) })));
        produced = Math.min(sent.length, i + 30);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();

    for (let kill = 1; kill <= 3; kill++) {
      proc = startEngineProcess(env);
      await waitForHealth(port, proc);
      const before = await storedCount();
      // Kill once this process has stored something and while the stream (or its backlog) is still going.
      await waitFor(`progress before kill ${kill}`, async () => (await storedCount()) >= before + 40, 90_000);
      expect(await storedCount()).toBeLessThan(unique.length);
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await streaming;
    expect(produced).toBe(sent.length);

    proc = startEngineProcess(env);
    await waitForHealth(port, proc);
    await waitFor('every unique batch stored', async () => (await storedCount()) >= unique.length, 120_000);

    const [totals] = await db.query<{ n: string; keys: string; samples: string }>(
      `SELECT count(*) AS n, count(DISTINCT (vehicle_id, drive_id, seq)) AS keys, sum(sample_count) AS samples FROM action_batches WHERE vehicle_id LIKE $1`,
      [`crash-${run}-%`],
    );
    expect(Number(totals.n)).toBe(unique.length);
    expect(Number(totals.keys)).toBe(unique.length);
    expect(Number(totals.samples)).toBe(unique.length * 20);
    const rows = await db.query<{ vehicle_id: string; drive_id: string; seq: string; first_t: string; last_t: string }>(
      `SELECT vehicle_id, drive_id, seq, first_t, last_t FROM action_batches WHERE vehicle_id LIKE $1`,
      [`crash-${run}-%`],
    );
    const storedKeys = new Set(rows.map((r) => `${r.drive_id}/${r.seq}/${r.first_t}/${r.last_t}`));
    for (const b of unique) expect(storedKeys.has(`${b.driveId}/${b.seq}/${b.samples[0].t}/${b.samples[19].t}`)).toBe(true);
    const drives = await db.query<{ sample_count: string }>(`SELECT sample_count FROM drives WHERE vehicle_id LIKE $1`, [`crash-${run}-%`]);
    expect(drives.map((d) => Number(d.sample_count))).toEqual(Array.from({ length: 6 }, () => perDrive * 20));

    // SIGTERM: finishes the batch in hand, commits, exits 0; the group's offsets reach the end of every partition.
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const kafka = new Kafka({ brokers: requireServiceEnv('KAFKA_BROKERS').split(','), clientId: `crash-${run}`, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(actionsTopic);
      const committed = await producer.committedOffsets(group, actionsTopic);
      for (const end of ends) expect(committed.get(end.partition) ?? '0').toBe(end.offset);
    } finally {
      await admin.disconnect();
    }
  }, 420_000);
});
