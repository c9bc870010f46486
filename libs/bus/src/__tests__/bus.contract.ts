import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { TOPICS, TOPIC_PARTITIONS } from '@surprisal/contracts';
import { uniqueSuffix } from '@surprisal/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage, MessageBatch, SubscribeOptions, Subscription } from '../bus';
import { deadLetter, DLQ_REASON_HEADER, type DeadLetterRecord } from '../dead-letter';

/** Every wait in the suite gives up after this long, so a broken bus fails fast instead of hitting the test timeout. */
const WAIT_MS = 20_000;

async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The Bus semantics every implementation must honour, run against MemoryBus (unit) and KafkaBus
 * (integration). Each test uses its own topic and group, so suites can share a broker.
 */
export function describeBusContract(name: string, makeBus: () => Promise<Bus>): void {
  describe(`${name} (Bus contract)`, () => {
    let bus: Bus;
    const opened: Subscription[] = [];

    beforeAll(async () => {
      bus = await makeBus();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      await bus?.close();
    });

    const freshTopic = async (partitions = 4): Promise<string> => {
      const topic = `test.bus-contract.${uniqueSuffix()}`;
      await bus.ensureTopics([{ name: topic, partitions }]);
      return topic;
    };
    const freshGroup = (): string => `test-bus-contract-${uniqueSuffix()}`;
    const subscribe = async (options: SubscribeOptions): Promise<Subscription> => {
      const subscription = await bus.subscribe(options);
      opened.push(subscription);
      return subscription;
    };
    /** Subscribes and records every message delivered to a handler that succeeds. */
    const collect = async (groupId: string, topic: string, extra: Partial<SubscribeOptions> = {}): Promise<BusMessage[]> => {
      const seen: BusMessage[] = [];
      await subscribe({ groupId, topics: [topic], handler: (b) => Promise.resolve(void seen.push(...b.messages)), ...extra });
      return seen;
    };
    const committedTotal = async (groupId: string, topic: string): Promise<number> =>
      [...(await bus.committedOffsets(groupId, topic)).values()].reduce((sum, o) => sum + Number(o), 0);

    it('round-trips keys, headers and bytes, keeping each key in order on one partition', async () => {
      const topic = await freshTopic();
      const keys = ['veh-a', 'veh-b', 'veh-c', 'veh-d', 'veh-e'];
      for (let round = 0; round < 4; round++) {
        await bus.publish(
          topic,
          Array.from({ length: 5 }, (_, i) => i).flatMap((i) =>
            keys.map((key) => ({ key, value: JSON.stringify({ key, seq: round * 5 + i }), headers: { 'x-trace': `${key}-${round * 5 + i}` } })),
          ),
        );
      }
      const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]);
      await bus.publish(topic, [{ key: null, value: binary }]);

      const seen = await collect(freshGroup(), topic, { maxBatchSize: 7 });
      await waitFor('101 messages', () => seen.length >= 101);

      for (const key of keys) {
        const mine = seen.filter((m) => m.key === key);
        expect(mine.map((m) => (JSON.parse(m.value.toString()) as { seq: number }).seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
        expect(mine.map((m) => m.headers['x-trace'])).toEqual(mine.map((_, i) => `${key}-${i}`));
      }
      const nullKeyed = seen.filter((m) => m.key === null);
      expect(nullKeyed).toHaveLength(1);
      expect(nullKeyed[0].value.equals(binary)).toBe(true);
      for (const m of seen) {
        expect(m.topic).toBe(topic);
        expect(m.offset).toMatch(/^\d+$/);
        expect(Math.abs(m.timestamp - Date.now())).toBeLessThan(5 * 60_000);
      }
      // Per partition, offsets arrive strictly increasing.
      for (const p of new Set(seen.map((m) => m.partition))) {
        const offsets = seen.filter((m) => m.partition === p).map((m) => Number(m.offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
        expect(new Set(offsets).size).toBe(offsets.length);
      }
    });

    it('takes one publish larger than a broker accepts in one batch (~1 MB), under one key, and keeps its order', async () => {
      const topic = await freshTopic(1);
      const big = (i: number) => ({ key: 'veh-big', value: `${i}:${'x'.repeat(300_000)}` });
      await bus.publish(topic, [0, 1, 2, 3, 4, 5].map(big));
      const seen = await collect(freshGroup(), topic);
      await waitFor('6 large messages', () => seen.length >= 6);
      expect(seen.map((m) => m.value.toString().split(':')[0])).toEqual(['0', '1', '2', '3', '4', '5']);
      expect(seen.every((m) => m.value.length === 300_002)).toBe(true);
    });

    it('splits partitions between two subscriptions of a group, each message seen exactly once', async () => {
      const topic = await freshTopic(4);
      const groupId = freshGroup();
      const a = await collect(groupId, topic);
      const b = await collect(groupId, topic);
      await bus.publish(topic, Array.from({ length: 40 }, (_, i) => ({ key: `veh-${i}`, value: String(i) })));

      await waitFor('40 commits', async () => (await committedTotal(groupId, topic)) === 40);
      const all = [...a, ...b].map((m) => m.value.toString());
      expect(all).toHaveLength(40);
      expect(new Set(all).size).toBe(40);
      const partitionsA = new Set(a.map((m) => m.partition));
      const partitionsB = new Set(b.map((m) => m.partition));
      expect(partitionsA.size).toBeGreaterThan(0);
      expect(partitionsB.size).toBeGreaterThan(0);
      expect([...partitionsA].filter((p) => partitionsB.has(p))).toEqual([]);
    });

    it('does not commit while the handler throws, redelivers the same batch, commits after success', async () => {
      const topic = await freshTopic(1);
      const groupId = freshGroup();
      await bus.publish(topic, [{ key: 'veh-1', value: 'poison-for-now' }]);
      const deliveries: MessageBatch[] = [];
      let failing = true;
      let handled = false;
      await subscribe({
        groupId,
        topics: [topic],
        handler: (batch) => {
          deliveries.push(batch);
          if (failing) return Promise.reject(new Error('transient failure (expected by the test)'));
          handled = true;
          return Promise.resolve();
        },
      });

      await waitFor('a redelivery while failing', () => deliveries.length >= 2);
      expect((await bus.committedOffsets(groupId, topic)).get(0) ?? '0').toBe('0');
      failing = false;
      await waitFor('the handler to succeed', () => handled);
      await waitFor('the commit', async () => (await bus.committedOffsets(groupId, topic)).get(0) === '1');
      for (const d of deliveries) {
        expect(d.messages.map((m) => [m.offset, m.value.toString()])).toEqual([['0', 'poison-for-now']]);
      }
    });

    it('hands a message whose handler kept throwing to the next subscription of the group after a close', async () => {
      const topic = await freshTopic(1);
      const groupId = freshGroup();
      await bus.publish(topic, [{ key: 'veh-1', value: 'never-handled-by-the-first' }]);
      let attempts = 0;
      const crashed = await subscribe({
        groupId,
        topics: [topic],
        handler: () => {
          attempts++;
          return Promise.reject(new Error('always failing (expected by the test)'));
        },
      });
      await waitFor('a failed attempt', () => attempts >= 1);
      await crashed.close();
      expect((await bus.committedOffsets(groupId, topic)).get(0) ?? '0').toBe('0');

      const seen = await collect(groupId, topic);
      await waitFor('redelivery to the next subscription', () => seen.length >= 1);
      expect(seen.map((m) => [m.offset, m.value.toString()])).toEqual([['0', 'never-handled-by-the-first']]);
      await waitFor('the commit', async () => (await bus.committedOffsets(groupId, topic)).get(0) === '1');
    });

    it('starts a new group at the beginning of the log', async () => {
      const topic = await freshTopic(2);
      await bus.publish(topic, ['one', 'two', 'three'].map((value) => ({ key: 'veh-1', value })));
      const seen = await collect(freshGroup(), topic);
      await waitFor('the earlier messages', () => seen.length >= 3);
      expect(seen.map((m) => m.value.toString())).toEqual(['one', 'two', 'three']);
    });

    it('close() waits for the batch in hand and commits it', async () => {
      const topic = await freshTopic(1);
      const groupId = freshGroup();
      await bus.publish(topic, [{ key: 'veh-1', value: 'slow' }]);
      let entered = false;
      let finished = false;
      let release = (): void => undefined;
      const subscription = await subscribe({
        groupId,
        topics: [topic],
        handler: async () => {
          entered = true;
          await new Promise<void>((r) => (release = r));
          finished = true;
        },
      });
      await waitFor('the handler to start', () => entered);

      let closed = false;
      const closing = subscription.close().then(() => (closed = true));
      await sleep(300);
      expect(closed).toBe(false);
      release();
      await closing;
      expect(finished).toBe(true);
      expect((await bus.committedOffsets(groupId, topic)).get(0)).toBe('1');
    });

    it('dead-letters a message with its bytes, source and reason, valid against fleet.dlq.v1', async () => {
      const topic = await freshTopic(1);
      const groupId = freshGroup();
      const key = `veh-${uniqueSuffix()}`;
      const original = Buffer.from([0x7b, 0xff, 0x00, 0x22, 0x0a]);
      await bus.ensureTopics([{ name: TOPICS.fleetDlq, partitions: TOPIC_PARTITIONS[TOPICS.fleetDlq] }]);
      await bus.publish(topic, [{ key, value: original }]);
      const rejected: BusMessage[] = [];
      await subscribe({
        groupId,
        topics: [topic],
        handler: async (batch) => {
          for (const m of batch.messages) {
            await deadLetter(bus, m, { code: 'invalid_action', detail: 'speed must be a number', pointer: '/speed' }, groupId);
            rejected.push(m);
          }
        },
      });
      await waitFor('the rejection', () => rejected.length === 1);

      // The DLQ topic is shared by every run on a broker: pick this run's record by its unique key.
      const dlq = await collect(freshGroup(), TOPICS.fleetDlq);
      await waitFor('the dead letter', () => dlq.some((m) => m.key === key));
      const letter = dlq.filter((m) => m.key === key);
      expect(letter).toHaveLength(1);
      expect(letter[0].headers[DLQ_REASON_HEADER]).toBe('invalid_action');

      const record = JSON.parse(letter[0].value.toString()) as DeadLetterRecord;
      const ajv = new Ajv2020({ strict: true, allErrors: true });
      addFormats(ajv);
      const validate = ajv.compile(JSON.parse(readFileSync(resolve(__dirname, '../../../../schemas/fleet.dlq.v1.schema.json'), 'utf8')) as object);
      expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
      expect(Buffer.from(record.originalBase64, 'base64').equals(original)).toBe(true);
      const source = rejected[0];
      expect(record).toMatchObject({
        reason: 'invalid_action',
        detail: 'speed must be a number',
        pointer: '/speed',
        consumerGroup: groupId,
        source: { topic, partition: source.partition, offset: source.offset, key, timestamp: source.timestamp },
      });
      expect(Math.abs(Date.parse(record.rejectedAt) - Date.now())).toBeLessThan(60_000);
      expect(validate({ ...record, source: { ...record.source, offset: 12 } })).toBe(false);
    });
  });
}
