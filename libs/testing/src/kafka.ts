import { KafkaBus, type KafkaBusOptions, type KafkaConsumerTiming, type RetryBackoff } from '@surprisal/bus';
import { requireServiceEnv, uniqueSuffix } from './services';

/** Consumer timing for tests: joins, rebalances and close() take about a second instead of kafkajs's 30 s scale. */
export const TEST_KAFKA_TIMING: KafkaConsumerTiming = { sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 250 };

/** Redelivery backoff for tests, so a handler that throws once costs 50 ms, not 200. */
export const TEST_RETRY_BACKOFF: RetryBackoff = { initialMs: 50, maxMs: 500 };

/** A KafkaBus on the test broker (KAFKA_BROKERS, required) with test timing and a unique client id. */
export function connectTestKafkaBus(overrides: Partial<KafkaBusOptions> = {}): Promise<KafkaBus> {
  return KafkaBus.connect({
    brokers: requireServiceEnv('KAFKA_BROKERS').split(',').map((b) => b.trim()),
    clientId: `test-${uniqueSuffix()}`,
    consumer: TEST_KAFKA_TIMING,
    backoff: TEST_RETRY_BACKOFF,
    ...overrides,
  });
}
