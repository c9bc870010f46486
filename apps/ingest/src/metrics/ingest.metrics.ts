import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics, served at /metrics. One registry per process (module scope), so
 * several Nest apps in one test process share it instead of registering a metric twice.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'surprisal_' });

export const ingestMetrics = {
  consumed: new Counter({
    name: 'surprisal_ingest_messages_consumed_total',
    help: 'Messages handed to the ingest consumers, by topic (redeliveries count again).',
    labelNames: ['topic'] as const,
    registers: [metricsRegistry],
  }),
  stored: new Counter({
    name: 'surprisal_ingest_batches_stored_total',
    help: 'Action batches stored for the first time.',
    registers: [metricsRegistry],
  }),
  duplicates: new Counter({
    name: 'surprisal_ingest_batches_duplicate_total',
    help: 'Action batches already stored (redelivered or sent twice), not stored again.',
    registers: [metricsRegistry],
  }),
  samplesStored: new Counter({
    name: 'surprisal_ingest_samples_stored_total',
    help: 'Action samples stored for the first time.',
    registers: [metricsRegistry],
  }),
  deadLettered: new Counter({
    name: 'surprisal_ingest_dead_lettered_total',
    help: 'Messages sent to fleet.dlq.v1, by reason.',
    labelNames: ['topic', 'reason'] as const,
    registers: [metricsRegistry],
  }),
  clips: new Counter({
    name: 'surprisal_ingest_clips_total',
    help: 'Clips checked, by outcome (ready or the failure reason).',
    labelNames: ['outcome'] as const,
    registers: [metricsRegistry],
  }),
  segmentsEmitted: new Counter({
    name: 'surprisal_ingest_segments_emitted_total',
    help: 'engine.segments.v1 events published (first versions and re-emissions).',
    labelNames: ['kind'] as const,
    registers: [metricsRegistry],
  }),
  lagSeconds: new Gauge({
    name: 'surprisal_ingest_consumer_lag_seconds',
    help: 'Receive time minus the broker timestamp of the last message handled, per topic and partition.',
    labelNames: ['topic', 'partition'] as const,
    registers: [metricsRegistry],
  }),
  batchSeconds: new Histogram({
    name: 'surprisal_ingest_batch_duration_seconds',
    help: 'Time to validate, store and dead-letter one handler call, by topic.',
    labelNames: ['topic'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metricsRegistry],
  }),
  pendingSegments: new Gauge({
    name: 'surprisal_ingest_pending_segment_emissions',
    help: 'Segment emissions queued or in flight (handlers wait above INGEST_MAX_PENDING_SEGMENTS).',
    registers: [metricsRegistry],
  }),
};
