export * from './bus';
export { BusModule, createBus } from './bus.module';
export { deadLetter, deadLetterAll, DLQ_REASON_HEADER, type DeadLetterReason, type DeadLetterRecord } from './dead-letter';
export { KafkaBus, type KafkaBusOptions, type KafkaConsumerTiming } from './kafka-bus';
export { DEFAULT_PARTITIONS, MemoryBus, type MemoryBusOptions } from './memory-bus';
export { DEFAULT_RETRY_BACKOFF, type RetryBackoff } from './redelivery.util';
