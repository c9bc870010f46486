/** A message as a consumer sees it. `offset` is a decimal string (Kafka offsets exceed 2^53). */
export interface BusMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Epoch ms the broker (or the in-process bus) stamped on the message. */
  timestamp: number;
}

export interface OutgoingMessage {
  /** Messages with the same key land on the same partition, in order (the vehicle id for fleet topics). */
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
}

/** The messages of one partition handed to a handler at once, in offset order. */
export interface MessageBatch {
  topic: string;
  partition: number;
  messages: BusMessage[];
}

/**
 * Handles one batch. Resolving means the batch's work is durable: the bus then commits the offsets.
 * Throwing leaves the offsets uncommitted and the batch is delivered again after a backoff
 * (the same consumer retries; another consumer of the group gets it after a crash or rebalance).
 * To reject one poison message without blocking its partition, publish it with `deadLetter`
 * and resolve.
 */
export type BatchHandler = (batch: MessageBatch) => Promise<void>;

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  /** Where a new group starts; default 'earliest' so nothing produced before the first start is missed. */
  fromBeginning?: boolean;
  /** Upper bound of messages per handler call (default DEFAULT_MAX_BATCH_SIZE). */
  maxBatchSize?: number;
  /**
   * How many partitions this subscription handles at once (default 1). Order within a partition is
   * kept whatever the value; the in-process bus handles one at a time regardless.
   */
  concurrency?: number;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;

export interface Subscription {
  /** Stops fetching, waits for the batch in hand to finish and commit, then leaves the group. */
  close(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

/** The message bus behind one interface: Apache Kafka, or an in-process bus with the same semantics. */
export interface Bus {
  readonly kind: 'kafka' | 'memory';
  /** Creates missing topics (existing ones are left as they are). */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Publishes and resolves once the messages are acknowledged (all in-sync replicas for Kafka). */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** The group's committed offset per partition (the next offset it will read), for lag and tests. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, string>>;
  /** Closes every subscription and the connections. */
  close(): Promise<void>;
}

export const BUS = Symbol('BUS');
