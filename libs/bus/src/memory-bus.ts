import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { TOPIC_PARTITIONS } from '@surprisal/contracts';
import { DEFAULT_MAX_BATCH_SIZE, type Bus, type BusMessage, type MessageBatch, type OutgoingMessage, type SubscribeOptions, type Subscription, type TopicSpec } from './bus';
import { DEFAULT_RETRY_BACKOFF, deliverUntilHandled, nextOffset, type RetryBackoff } from './redelivery.util';

/** Partitions of a topic first seen by publish/subscribe and absent from TOPIC_PARTITIONS (a Kafka broker's `num.partitions`). */
export const DEFAULT_PARTITIONS = 3;
const KNOWN_PARTITIONS: Partial<Record<string, number>> = TOPIC_PARTITIONS;

export interface MemoryBusOptions {
  backoff?: RetryBackoff;
}

interface Group {
  /** Committed (next-to-read) offset per `topic|partition`; absent until the first commit. */
  committed: Map<string, number>;
  /** Members in join order; partitions are dealt round-robin among those subscribed to a topic. */
  members: MemorySubscription[];
  /** Partitions whose batch is in a handler now: never two in flight, even across a rebalance. */
  inFlight: Set<string>;
}

const tpKey = (topic: string, partition: number): string => `${topic}|${partition}`;

/**
 * Kafka's semantics in one process, for the embedded default and unit tests: per-partition
 * append-only logs, consumer groups that split partitions and commit after the handler resolves,
 * redelivery with backoff on throw. Nothing is persisted and memory is not bounded.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory';
  private readonly logs = new Map<string, BusMessage[][]>();
  private readonly roundRobin = new Map<string, number>();
  private readonly groups = new Map<string, Group>();
  private readonly subscriptions = new Set<MemorySubscription>();
  private readonly waiters = new Set<() => void>();
  readonly backoff: RetryBackoff;

  constructor(options: MemoryBusOptions = {}) {
    this.backoff = options.backoff ?? DEFAULT_RETRY_BACKOFF;
  }

  ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    for (const { name, partitions } of topics) this.partitionsOf(name, partitions);
    return Promise.resolve();
  }

  publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    const log = this.partitionsOf(topic);
    const timestamp = Date.now();
    for (const m of messages) {
      const partition = this.partitionFor(topic, m.key, log.length);
      log[partition].push({
        topic,
        partition,
        offset: String(log[partition].length),
        key: m.key,
        // Copy, so a caller reusing its buffer cannot rewrite the log.
        value: Buffer.from(m.value),
        headers: { ...m.headers },
        timestamp,
      });
    }
    this.wake();
    return Promise.resolve();
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    for (const topic of options.topics) this.partitionsOf(topic);
    const group = this.groupOf(options.groupId);
    const subscription = new MemorySubscription(this, group, options);
    group.members.push(subscription);
    this.subscriptions.add(subscription);
    this.wake();
    subscription.start();
    return Promise.resolve(subscription);
  }

  committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const result = new Map<number, string>();
    const committed = this.groups.get(groupId)?.committed;
    const partitions = this.logs.get(topic)?.length ?? 0;
    for (let p = 0; p < partitions; p++) {
      const offset = committed?.get(tpKey(topic, p));
      if (offset !== undefined) result.set(p, String(offset));
    }
    return Promise.resolve(result);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  /** @internal The partition logs of `topic`, created on first use. */
  partitionsOf(topic: string, partitions?: number): BusMessage[][] {
    let log = this.logs.get(topic);
    if (!log) {
      const count = partitions ?? KNOWN_PARTITIONS[topic] ?? DEFAULT_PARTITIONS;
      log = Array.from({ length: count }, () => []);
      this.logs.set(topic, log);
    }
    return log;
  }

  /** @internal Resolves on the next publish, commit or membership change (or at once if `signal` aborts). */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** @internal */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** @internal */
  leave(subscription: MemorySubscription, group: Group): void {
    group.members = group.members.filter((m) => m !== subscription);
    this.subscriptions.delete(subscription);
    this.wake();
  }

  private groupOf(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { committed: new Map(), members: [], inFlight: new Set() };
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Same key, same partition (a stable hash, not Kafka's murmur2); no key: round-robin. */
  private partitionFor(topic: string, key: string | null, partitions: number): number {
    if (key === null) {
      const next = this.roundRobin.get(topic) ?? 0;
      this.roundRobin.set(topic, next + 1);
      return next % partitions;
    }
    return createHash('md5').update(key).digest().readUInt32BE(0) % partitions;
  }
}

class MemorySubscription implements Subscription {
  private readonly logger: Logger;
  private readonly closing = new AbortController();
  /** Where this member starts on a partition the group never committed (fromBeginning: 0, else the end then). */
  private readonly resetOffsets = new Map<string, number>();
  private loop: Promise<void> = Promise.resolve();
  /** Rotates the partition scan so one busy partition cannot starve the others. */
  private cursor = 0;

  constructor(
    private readonly bus: MemoryBus,
    private readonly group: Group,
    private readonly options: SubscribeOptions,
  ) {
    this.logger = new Logger(`MemoryBus:${options.groupId}`);
  }

  start(): void {
    // Deliver from the next turn of the event loop: no handler runs inside subscribe().
    this.loop = new Promise((r) => setImmediate(r)).then(() => this.run());
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    try {
      while (!this.closing.signal.aborted) {
        const batch = this.nextBatch();
        if (batch) await this.process(batch);
        else await this.bus.changed(this.closing.signal);
      }
    } finally {
      this.bus.leave(this, this.group);
    }
  }

  /** Partition `p` of `topic` is this member's when it is the (p mod n)-th of the n members subscribed to `topic`. */
  private owns(topic: string, partition: number): boolean {
    const members = this.group.members.filter((m) => m.options.topics.includes(topic));
    return members[partition % members.length] === this;
  }

  private nextBatch(): MessageBatch | undefined {
    const candidates = this.options.topics.flatMap((topic) => this.bus.partitionsOf(topic).map((log, partition) => ({ topic, partition, log })));
    for (let i = 0; i < candidates.length; i++) {
      const { topic, partition, log } = candidates[(this.cursor + i) % candidates.length];
      const key = tpKey(topic, partition);
      if (!this.owns(topic, partition) || this.group.inFlight.has(key)) continue;
      const from = this.position(key, log.length);
      if (from >= log.length) continue;
      this.cursor = (this.cursor + i + 1) % candidates.length;
      return { topic, partition, messages: log.slice(from, from + (this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE)) };
    }
    return undefined;
  }

  private position(key: string, logEnd: number): number {
    const committed = this.group.committed.get(key);
    if (committed !== undefined) return committed;
    let reset = this.resetOffsets.get(key);
    if (reset === undefined) {
      reset = this.options.fromBeginning === false ? logEnd : 0;
      this.resetOffsets.set(key, reset);
    }
    return reset;
  }

  private async process(batch: MessageBatch): Promise<void> {
    const key = tpKey(batch.topic, batch.partition);
    this.group.inFlight.add(key);
    try {
      const handled = await deliverUntilHandled(this.options.handler, batch, {
        groupId: this.options.groupId,
        logger: this.logger,
        backoff: this.bus.backoff,
        closing: this.closing.signal,
        stillOwned: () => this.owns(batch.topic, batch.partition),
      });
      if (handled) {
        const next = Number(nextOffset(batch.messages[batch.messages.length - 1].offset));
        this.group.committed.set(key, Math.max(next, this.group.committed.get(key) ?? 0));
      }
    } finally {
      this.group.inFlight.delete(key);
      this.bus.wake();
    }
  }
}
