import { Logger } from '@nestjs/common';
import { Kafka, logLevel, Partitioners, type Admin, type EachBatchPayload, type IHeaders, type KafkaMessage, type LogEntry, type Producer } from 'kafkajs';
import { DEFAULT_MAX_BATCH_SIZE, type BatchHandler, type Bus, type BusMessage, type OutgoingMessage, type SubscribeOptions, type Subscription, type TopicSpec } from './bus';
import { DEFAULT_RETRY_BACKOFF, deliverUntilHandled, nextOffset, type RetryBackoff } from './redelivery.util';

/** Consumer-group timing. Production keeps kafkajs's defaults; tests shrink them so rebalances take ~1 s. */
export interface KafkaConsumerTiming {
  /** Broker evicts a member silent this long (the broker's floor is group.min.session.timeout.ms, 6 s by default). */
  sessionTimeoutMs?: number;
  /** How long a rebalance waits for members to rejoin; also the longest a single handler call should take. */
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Long-poll wait of an idle fetch; close() can take this long. */
  maxWaitTimeMs?: number;
}

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  consumer?: KafkaConsumerTiming;
  backoff?: RetryBackoff;
  /** kafkajs client retries (connect, admin calls, commits); its default 5 waits about 10 s before connect gives up. */
  retries?: number;
}

/** How long ensureTopics waits for new topics to have leaders. */
/** Value bytes per produce request: under a broker's default message.max.bytes (1 MB) with room for headers and keys. */
const PRODUCE_REQUEST_BYTES = 512 * 1024;
const ENSURE_TOPICS_TIMEOUT_MS = 60_000;

const TIMING_DEFAULTS: Required<KafkaConsumerTiming> = { sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, heartbeatIntervalMs: 3_000, maxWaitTimeMs: 1_000 };

/** kafkajs logs through Nest's logger, WARN and above (its INFO is one line per join and fetch). */
function nestLogCreator(): (entry: LogEntry) => void {
  const logger = new Logger('KafkaJS');
  return ({ namespace, level, log }) => {
    const { message, stack, timestamp: _timestamp, logger: _logger, ...extra } = log;
    const text = `${namespace ? `${namespace}: ` : ''}${String(message)}${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`;
    // A connection reports every error response (a rebalance shows up as four heartbeat "errors") and every
    // refused dial; the layer that acts on them (runner, retrier, KafkaBus.connect) reports what matters.
    const effective = namespace !== 'Connection' || level > logLevel.ERROR ? level : String(message).startsWith('Response ') ? logLevel.DEBUG : logLevel.WARN;
    if (effective === logLevel.ERROR) logger.error(text, typeof stack === 'string' ? stack : undefined);
    else if (effective === logLevel.WARN) logger.warn(text);
    else logger.debug(text);
  };
}

/**
 * The Bus on Apache Kafka (kafkajs). One idempotent producer (acks=all, one request in flight so
 * retries cannot reorder a key's messages), one admin client, one consumer per subscription with
 * manual commits after the handler resolves. Create with `KafkaBus.connect`.
 */
export class KafkaBus implements Bus {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly subscriptions = new Set<Subscription>();
  private readonly timing: Required<KafkaConsumerTiming>;
  private readonly backoff: RetryBackoff;

  /** Connects the producer and admin client (kafkajs retries with backoff) or fails naming the brokers. */
  static async connect(options: KafkaBusOptions): Promise<KafkaBus> {
    const bus = new KafkaBus(options);
    try {
      await bus.admin.connect();
      await bus.producer.connect();
    } catch (err: unknown) {
      await bus.close().catch(() => undefined);
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Kafka is unreachable at ${options.brokers.join(', ')} (KAFKA_BROKERS; client id ${options.clientId}): ${reason}`, { cause: err });
    }
    return bus;
  }

  private constructor(options: KafkaBusOptions) {
    this.kafka = new Kafka({
      brokers: options.brokers,
      clientId: options.clientId,
      retry: options.retries === undefined ? undefined : { retries: options.retries },
      logLevel: logLevel.WARN,
      logCreator: nestLogCreator,
    });
    // DefaultPartitioner (murmur2, Java-compatible) keeps one key on one partition; naming it silences kafkajs's v2 notice.
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    this.admin = this.kafka.admin();
    this.timing = { ...TIMING_DEFAULTS, ...options.consumer };
    this.backoff = options.backoff ?? DEFAULT_RETRY_BACKOFF;
  }

  /**
   * Creates the missing topics and resolves once every partition of every topic has a serving leader. A fresh,
   * busy broker can take seconds for that (meanwhile it answers "does not host this topic-partition" or
   * "not the leader"), longer than kafkajs's own retries wait; so this keeps asking until a deadline.
   */
  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    if (topics.length === 0) return;
    const names = topics.map((t) => t.name);
    const deadline = Date.now() + ENSURE_TOPICS_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await this.admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.name));
        // A topic created meanwhile by another process is not an error: kafkajs then resolves false.
        if (missing.length > 0) await this.admin.createTopics({ waitForLeaders: false, topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions })) });
        // Ready once every partition's leader answers for its offsets: a leader merely named in the
        // metadata may not serve yet ("not the leader for that topic-partition").
        await Promise.all(names.map((topic) => this.admin.fetchTopicOffsets(topic)));
        return;
      } catch (err: unknown) {
        const reason = err instanceof Error ? err.message : String(err);
        if (Date.now() >= deadline) throw new Error(`Kafka topics ${names.join(', ')} not ready after ${ENSURE_TOPICS_TIMEOUT_MS} ms: ${reason}`, { cause: err });
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2_000)));
      }
    }
  }

  /**
   * Sends in produce requests of at most PRODUCE_REQUEST_BYTES of values, one after another so each key
   * keeps its order: a broker refuses a partition's record batch over message.max.bytes (~1 MB), and one
   * call may carry many large values under one key (an HTTP batch, a handler call's dead letters).
   */
  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    let chunk: OutgoingMessage[] = [];
    let bytes = 0;
    const send = () => this.producer.send({ topic, acks: -1, messages: chunk.map(({ key, value, headers }) => ({ key, value, headers })) });
    for (const m of messages) {
      const size = typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length;
      if (chunk.length > 0 && bytes + size > PRODUCE_REQUEST_BYTES) {
        await send();
        chunk = [];
        bytes = 0;
      }
      chunk.push(m);
      bytes += size;
    }
    if (chunk.length > 0) await send();
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: this.timing.sessionTimeoutMs,
      rebalanceTimeout: this.timing.rebalanceTimeoutMs,
      heartbeatInterval: this.timing.heartbeatIntervalMs,
      maxWaitTimeInMs: this.timing.maxWaitTimeMs,
      // Large fetches make large handler batches: fewer commits and database round trips per message.
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
    });
    const closing = new AbortController();
    const logger = new Logger(`KafkaBus:${options.groupId}`);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
      // Resolves once this member has joined the group and received its partitions.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: Math.max(1, options.concurrency ?? 1),
        eachBatch: (payload) => this.consumeBatch(payload, options, closing.signal, logger),
      });
    } catch (err: unknown) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    const subscription: Subscription = {
      close: async () => {
        closing.abort();
        try {
          // kafkajs's disconnect waits for the batch in hand (and its commit), then leaves the group.
          await consumer.disconnect();
        } finally {
          this.subscriptions.delete(subscription);
        }
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const [entry] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    // Kafka answers -1 for a partition the group never committed.
    return new Map((entry?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n).map((p) => [p.partition, p.offset]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /**
   * One fetched partition batch: hand it to the handler in chunks of ≤ maxBatchSize, committing each
   * chunk once the handler resolved. A throwing handler gets the same chunk again after backoff
   * until it succeeds; it stops, uncommitted, when the subscription closes or the consumer stops,
   * and a rebalance surfaces as a heartbeat error that kafkajs handles by rejoining — either way
   * the partition's next owner re-reads from the last commit.
   */
  private async consumeBatch(payload: EachBatchPayload, options: SubscribeOptions, closing: AbortSignal, logger: Logger): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const messages = batch.messages.map((m) => toBusMessage(topic, partition, m));
    const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const stillOwned = (): boolean => payload.isRunning() && !payload.isStale();
    const handler = keepingAlive(options.handler, heartbeat, this.timing.heartbeatIntervalMs);
    for (let i = 0; i < messages.length; i += maxBatchSize) {
      if (closing.aborted || !stillOwned()) return;
      const chunk = { topic, partition, messages: messages.slice(i, i + maxBatchSize) };
      const handled = await deliverUntilHandled(handler, chunk, { groupId: options.groupId, logger, backoff: this.backoff, closing, stillOwned, beforeRetry: heartbeat });
      if (!handled) return;
      const last = chunk.messages[chunk.messages.length - 1].offset;
      // Commit before resolving: if the commit fails, the chunk is fetched and delivered again.
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: nextOffset(last) }] }] });
      payload.resolveOffset(last);
      await heartbeat();
    }
  }
}

/**
 * Heartbeats while a (possibly slow) handler runs, so the member is not evicted after sessionTimeout.
 * Heartbeat errors are dropped here: a pending rebalance resurfaces on kafkajs's own heartbeat after the batch.
 */
function keepingAlive(handler: BatchHandler, heartbeat: () => Promise<void>, everyMs: number): BatchHandler {
  return async (batch) => {
    const timer = setInterval(() => void heartbeat().catch(() => undefined), everyMs);
    try {
      await handler(batch);
    } finally {
      clearInterval(timer);
    }
  };
}

function toBusMessage(topic: string, partition: number, m: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key?.toString('utf8') ?? null,
    // A null value (tombstone) reads as empty bytes.
    value: m.value ?? Buffer.alloc(0),
    headers: decodeHeaders(m.headers),
    timestamp: Number(m.timestamp),
  };
}

/** Kafka allows a header name to repeat; the map keeps its last value. */
function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}
