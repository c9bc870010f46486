/**
 * bench:ingest — sustained action samples/s from Kafka to durable storage (PostgreSQL commit) through
 * the real ingest consumer, beside the raw consume rate of the same messages through the bus with a
 * handler that does nothing (same broker, same run). Needs the real services (.env.services).
 * Segment assembly (Parquet to S3, engine.segments.v1) runs as in production, beside the handlers.
 * Sizes: BENCH_VEHICLES (100), BENCH_BATCHES per vehicle (50), BENCH_SAMPLES_PER_BATCH (100).
 * Also the CPU spent per 1000 samples over the same window, by this process (the ingest app) and by
 * PostgreSQL's backends serving the test database (read from /proc; absent where that is unreadable):
 * on a shared machine these move far less with other load than samples/s does.
 * A third pass parses and schema-validates each message and stores nothing: the least any conforming
 * consumer does, so its ratio to raw bounds the ingest ratio on this machine.
 * Last line: {"samplesPerSec":…,"rawConsumePerSec":…,"ratio":…}
 */
import { readFileSync } from 'node:fs';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { KafkaBus } from '@surprisal/bus';
import { loadConfig } from '@surprisal/config';
import { type ActionSample, type FleetActionsV1 } from '@surprisal/contracts';
import { Database } from '@surprisal/db';
import { createHttpApp } from '@surprisal/platform';
import { createTestDatabase, uniqueSuffix } from '@surprisal/testing';
import { IngestModule } from '../apps/ingest/src/ingest.module';
import { loadIngestSettings } from '../apps/ingest/src/ingest.settings';
import { ingestMetrics, metricsRegistry } from '../apps/ingest/src/metrics/ingest.metrics';
import { parseJson, validateActionBatch } from '../apps/ingest/src/validation/fleet-message.validation';
import { loadServiceEnv, log, printFigures } from './bench.util';

const VEHICLES = Number(process.env.BENCH_VEHICLES ?? 100);
const BATCHES_PER_VEHICLE = Number(process.env.BENCH_BATCHES ?? 50);
const SAMPLES_PER_BATCH = Number(process.env.BENCH_SAMPLES_PER_BATCH ?? 100);
const PARTITIONS = 12;

function fleet(run: string): FleetActionsV1[] {
  const t0 = Math.floor(Date.now() / 20_000) * 20_000 - 6 * 3_600_000;
  const out: FleetActionsV1[] = [];
  for (let seq = 0; seq < BATCHES_PER_VEHICLE; seq++) {
    for (let v = 0; v < VEHICLES; v++) {
      const samples = Array.from({ length: SAMPLES_PER_BATCH }, (_, i): ActionSample => {
        const t = t0 + (seq * SAMPLES_PER_BATCH + i) * 50;
        // Every signal moves as in real driving (pedals, yaw, position), except the turn signal: a batch
        // of constant signals would pack far smaller than a real log does.
        const accel = Math.cos(t / 900) / 900 * 1000;
        return {
          t, speed: 12 + Math.sin(t / 900), steering: 10 * Math.sin(t / 1300), accel,
          brake: Math.max(0, -accel) / 3, gas: Math.max(0, accel) / 3 + 0.1, yawRate: (12 + Math.sin(t / 900)) * Math.sin(t / 1300) / 250,
          turnSignal: 0, lat: 48.1 + (t - t0) * 1e-9 + v * 1e-4, lon: 11.5 + (t - t0) * 1.5e-9,
        };
      });
      out.push({ vehicleId: `bench-${run}-${v}`, driveId: `bench-${run}-${v}-d`, seq, samples });
    }
  }
  return out;
}

/** CPU ticks used so far by each PostgreSQL backend of this database (Linux /proc; empty if unreadable). */
async function backendTicks(db: Database): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  for (const { pid } of await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // Not on this machine, or exited meanwhile.
    }
  }
  return ticks;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Samples/s of a fresh consumer group reading every message of `topic` through the bus, `work` run on each value. */
async function consumeRate(bus: KafkaBus, topic: string, groupId: string, expected: number, work: (value: Buffer) => void): Promise<number> {
  let messages = 0;
  let first = 0;
  let firstCount = 0;
  let last = 0;
  const consumer = await bus.subscribe({
    groupId,
    topics: [topic],
    handler: (b) => {
      for (const m of b.messages) work(m.value);
      messages += b.messages.length;
      if (first === 0) {
        // Timed from the end of the first handler call, like the ingest figure.
        first = performance.now();
        firstCount = messages;
      }
      last = performance.now();
      return Promise.resolve();
    },
  });
  while (messages < expected) await wait(20);
  await consumer.close();
  log(`${groupId}: ${messages} messages in ${((last - first) / 1000).toFixed(2)} s`);
  return ((messages - firstCount) * SAMPLES_PER_BATCH) / ((last - first) / 1000);
}

async function main(): Promise<void> {
  loadServiceEnv();
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  const run = uniqueSuffix();
  const topic = `bench.fleet.actions.${run}`;
  const clipsTopic = `bench.fleet.clips.${run}`;
  const bus = await KafkaBus.connect({ brokers, clientId: `bench-${run}` });
  await bus.ensureTopics([
    { name: topic, partitions: PARTITIONS },
    { name: clipsTopic, partitions: 1 },
  ]);
  const batches = fleet(run);
  const totalSamples = batches.length * SAMPLES_PER_BATCH;
  log(`producing ${batches.length} batches (${totalSamples} samples, ${VEHICLES} vehicles) to ${topic}…`);
  for (let i = 0; i < batches.length; i += 100) {
    await bus.publish(topic, batches.slice(i, i + 100).map((b) => ({ key: b.vehicleId, value: JSON.stringify(b) })));
  }

  // 1. Raw: the same messages through the bus (kafkajs fetch + commit per chunk), handler does nothing.
  const rawConsumePerSec = await consumeRate(bus, topic, `bench-raw-${run}`, batches.length, () => undefined);
  // 1b. The least any conforming consumer does: parse and schema-validate each message, store nothing.
  // Its ratio to raw is the ceiling of the ingest ratio on this machine, before any storage.
  const bounds = loadIngestSettings(process.env).timeBounds;
  const validateOnlyPerSec = await consumeRate(bus, topic, `bench-validate-${run}`, batches.length, (value) => {
    validateActionBatch(parseJson(value), Date.now(), bounds);
  });
  log(`parse + validate only: ${Math.round(validateOnlyPerSec)} samples/s (ratio ${(validateOnlyPerSec / rawConsumePerSec).toFixed(3)})`);

  // 2. Ingest: the real consumer into a fresh database; measured from the first durable batch to the last.
  const database = await createTestDatabase();
  Object.assign(process.env, { INGEST_ACTIONS_TOPIC: topic, INGEST_CLIPS_TOPIC: clipsTopic, INGEST_CONSUMER_GROUP: `bench-ingest-${run}` });
  const db = await Database.create({ kind: 'postgres', url: database.url }).open();
  let app: NestFastifyApplication | undefined;
  try {
    app = await createHttpApp(loadConfig({ ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn', SURPRISAL_ROLES: 'ingest' }), [IngestModule]);
    await app.init();
    let first = 0;
    let firstCount = 0;
    let stored = 0;
    let cpuAtFirst = process.cpuUsage();
    let pgAtFirst = new Map<number, number>();
    // Progress from the consumer's own counter, in process: polling the table would load PostgreSQL and skew its CPU figure.
    for (;;) {
      stored = (await ingestMetrics.stored.get()).values[0]?.value ?? 0;
      if (stored > 0 && first === 0) {
        first = performance.now();
        firstCount = stored;
        cpuAtFirst = process.cpuUsage();
        pgAtFirst = await backendTicks(db);
      }
      if (stored >= batches.length) break;
      await wait(10);
    }
    const seconds = (performance.now() - first) / 1000;
    const cpu = process.cpuUsage(cpuAtFirst);
    const pgAtEnd = await backendTicks(db);
    // Clock ticks are 1/100 s on Linux.
    const pgSeconds = [...pgAtEnd].reduce((sum, [pid, t]) => sum + (t - (pgAtFirst.get(pid) ?? 0)) / 100, 0);
    const perThousand = (cpuSeconds: number) => Number(((cpuSeconds * 1000 * 1000) / ((stored - firstCount) * SAMPLES_PER_BATCH)).toFixed(2));
    const samplesPerSec = ((stored - firstCount) * SAMPLES_PER_BATCH) / seconds;
    log(`ingest: ${stored - firstCount} batches durable in ${seconds.toFixed(2)} s after the first`);
    const metrics = await metricsRegistry.getMetricsAsJSON();
    const pick = (name: string) => metrics.find((m) => m.name === name)?.values ?? [];
    const handler = pick('surprisal_ingest_batch_duration_seconds').filter((v) => JSON.stringify(v).includes('_sum') || JSON.stringify(v).includes('_count'));
    // [seconds in handlers, handler calls]; segment emissions run beside the handlers, sharing CPU and the database.
    log(`handler seconds/calls: ${JSON.stringify(handler.map((v) => v.value))}; segments emitted meanwhile: ${JSON.stringify(pick('surprisal_ingest_segments_emitted_total').map((v) => v.value))}`);
    const [check] = await db.query<{ samples: string }>(`SELECT sum(sample_count) AS samples FROM action_batches`);
    if (Number(check.samples) !== totalSamples) throw new Error(`stored ${check.samples} samples, expected ${totalSamples}`);
    const figures = {
      samplesPerSec: Math.round(samplesPerSec),
      rawConsumePerSec: Math.round(rawConsumePerSec),
      ratio: Number((samplesPerSec / rawConsumePerSec).toFixed(3)),
      validateOnlyPerSec: Math.round(validateOnlyPerSec),
      validateOnlyRatio: Number((validateOnlyPerSec / rawConsumePerSec).toFixed(3)),
      batches: batches.length,
      samples: totalSamples,
      samplesPerBatch: SAMPLES_PER_BATCH,
      ingestCpuMsPer1000Samples: perThousand((cpu.user + cpu.system) / 1e6),
      ...(pgAtEnd.size > 0 ? { postgresCpuMsPer1000Samples: perThousand(pgSeconds) } : {}),
      partitions: PARTITIONS,
    };
    log(`ingest ${figures.samplesPerSec} samples/s durable vs raw consume ${figures.rawConsumePerSec} samples/s (ratio ${figures.ratio})`);
    log(`CPU per 1000 samples: ingest process ${figures.ingestCpuMsPer1000Samples} ms, PostgreSQL ${figures.postgresCpuMsPer1000Samples ?? '?'} ms`);
    printFigures(figures);
  } finally {
    await app?.close();
    await db.close();
    await bus.close();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:ingest failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
