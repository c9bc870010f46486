import { Kafka, logLevel } from 'kafkajs';
import { type Type } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@surprisal/config';
import { TOPIC_PARTITIONS, type ActionSample, type FleetActionsV1, type TopicName } from '@surprisal/contracts';
import { createHttpApp } from '@surprisal/platform';
import { connectTestKafkaBus, requireServiceEnv, uniqueSuffix } from '@surprisal/testing';

export { createTestDatabase } from '@surprisal/testing';

/** An in-process app of `modules` on the real services; INGEST_* settings come from `ingestEnv` (set on process.env while it boots). */
export async function startApp(env: Record<string, string>, ingestEnv: Record<string, string>, modules: Type[]): Promise<NestFastifyApplication> {
  Object.assign(process.env, ingestEnv);
  const app = await createHttpApp(loadConfig(env), modules);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export interface TailedMessage {
  key: string | null;
  value: Buffer;
  partition: number;
  offset: string;
}

/** Everything published to `topic` from now on (the current end of each partition), read with a throwaway group. */
export async function tailTopic(topic: TopicName): Promise<{ messages: TailedMessage[]; close: () => Promise<void> }> {
  // On a fresh broker the contract topic may not exist yet (the app under test creates it when it starts).
  const bus = await connectTestKafkaBus();
  try {
    await bus.ensureTopics([{ name: topic, partitions: TOPIC_PARTITIONS[topic] }]);
  } finally {
    await bus.close();
  }
  const kafka = new Kafka({ brokers: requireServiceEnv('KAFKA_BROKERS').split(','), clientId: `tail-${uniqueSuffix()}`, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `tail-${uniqueSuffix()}`, sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  const messages: TailedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      messages.push({ key: message.key?.toString() ?? null, value: message.value ?? Buffer.alloc(0), partition, offset: message.offset });
      return Promise.resolve();
    },
  });
  for (const end of ends) consumer.seek({ topic, partition: end.partition, offset: end.offset });
  return { messages, close: () => consumer.disconnect() };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` with the last state. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Batches of one drive: `count` batches of `perBatch` samples at 20 Hz from `startT`, seq from 0. */
export function driveBatches(vehicleId: string, driveId: string, startT: number, count: number, perBatch = 20): FleetActionsV1[] {
  return Array.from({ length: count }, (_, seq) => ({
    vehicleId,
    driveId,
    seq,
    samples: Array.from({ length: perBatch }, (_, i): ActionSample => {
      const t = startT + (seq * perBatch + i) * 50;
      return { t, speed: 10 + Math.sin(t / 1000), steering: Math.cos(t / 700) * 20, brake: 0, turnSignal: 0 };
    }),
  }));
}

/** A deterministic shuffle (seeded), so a failing order can be replayed. */
export function shuffle<T>(items: T[], seed = 42): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * `count` malformed fleet.actions.v1 values, deterministic for a seed: random bytes, truncated JSON,
 * wrong types, NaN/Infinity spelled as JSON can carry them, huge arrays, missing fields, clock skew,
 * time running backwards, hostile nesting. Every one must be rejected.
 */
export function malformedActionMessages(count: number, vehicleId: string, now: number, seed = 1): Buffer[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(rand() * n);
  const t0 = now - 60_000;
  const ok = (seq: number) => ({ vehicleId, driveId: `fuzz-${vehicleId}`, seq, samples: [{ t: t0, speed: 1 }, { t: t0 + 50, speed: 2 }] });
  const kinds: ((i: number) => string | Buffer)[] = [
    () => Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256))),
    (i) => JSON.stringify(ok(i)).slice(0, 1 + int(40)),
    (i) => JSON.stringify({ ...ok(i), seq: ['x', -1, 1.5, null, {}, [], true][int(7)] }),
    (i) => JSON.stringify({ ...ok(i), samples: [{ t: t0, speed: ['fast', null, -3, 500, {}][int(5)] }] }),
    (i) => JSON.stringify(ok(i)).replace('"speed":1', `"speed":${['1e999', '-1e999'][int(2)]}`),
    (i) => JSON.stringify(ok(i)).replace('"speed":2', '"speed":2,"steering":1e400'),
    (i) => JSON.stringify({ ...ok(i), samples: Array.from({ length: 10_001 }, (_, k) => ({ t: t0 + k, speed: 1 })) }),
    (i) => {
      const m: Record<string, unknown> = ok(i);
      delete m[['vehicleId', 'driveId', 'seq', 'samples'][int(4)]];
      return JSON.stringify(m);
    },
    (i) => JSON.stringify({ ...ok(i), samples: [{ t: now + (2 + int(1000)) * 86_400_000, speed: 1 }] }),
    (i) => JSON.stringify({ ...ok(i), samples: [{ t: int(946_684_800_000), speed: 1 }] }),
    (i) => JSON.stringify({ ...ok(i), samples: [{ t: t0 + 50, speed: 1 }, { t: t0, speed: 1 }] }),
    () => '['.repeat(5_000 + int(50_000)) + ']'.repeat(int(2)),
    () => ['null', '42', '"text"', '[]', '{}', 'true'][int(6)],
    (i) => JSON.stringify({ ...ok(i), vehicleId: ['', ' bad id', 'x'.repeat(200), '../etc'][int(4)] }),
    (i) => JSON.stringify({ ...ok(i), samples: [] }),
  ];
  return Array.from({ length: count }, (_, i) => {
    const v = kinds[i % kinds.length](1_000_000 + i);
    return Buffer.isBuffer(v) ? v : Buffer.from(v);
  });
}
