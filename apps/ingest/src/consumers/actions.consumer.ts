import { Inject, Injectable } from '@nestjs/common';
import { BUS, deadLetterAll, type Bus, type MessageBatch } from '@surprisal/bus';
import { IngestException, toDeadLetterReason } from '../ingest.exception';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.settings';
import { ingestMetrics } from '../metrics/ingest.metrics';
import { type AcceptedBatch } from '../repositories/action-batch.repository';
import { StoreActionBatchesUseCase } from '../use-cases/store-action-batches.usecase';
import { guarded, parseJson, validateActionBatch } from '../validation/fleet-message.validation';

/**
 * fleet.actions.v1 → validated batches → StoreActionBatchesUseCase. Bad messages are dead-lettered
 * with their reason and never block the partition; the handler resolves (and the bus commits) only
 * after the good ones are durable. A storage outage throws, so the same messages come again.
 */
@Injectable()
export class ActionsConsumer {
  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(StoreActionBatchesUseCase) private readonly storeBatches: StoreActionBatchesUseCase,
  ) {}

  async handle(batch: MessageBatch): Promise<void> {
    const started = process.hrtime.bigint();
    const receivedAt = Date.now();
    const accepted: AcceptedBatch[] = [];
    const rejected: { message: (typeof batch.messages)[number]; error: IngestException }[] = [];
    for (const message of batch.messages) {
      try {
        accepted.push({ batch: guarded(() => validateActionBatch(parseJson(message.value), receivedAt, this.settings.timeBounds)), source: `kafka:${message.topic}/${message.partition}/${message.offset}` });
      } catch (err) {
        if (!(err instanceof IngestException)) throw err;
        rejected.push({ message, error: err });
      }
    }
    ingestMetrics.consumed.inc({ topic: batch.topic }, batch.messages.length);
    await this.storeBatches.execute(accepted);
    // One produce request for all of this call's rejects (a bad producer can send thousands).
    await deadLetterAll(this.bus, rejected.map(({ message, error }) => ({ message, reason: toDeadLetterReason(error) })), this.settings.consumerGroup);
    for (const { error } of rejected) ingestMetrics.deadLettered.inc({ topic: batch.topic, reason: error.code });
    const last = batch.messages[batch.messages.length - 1];
    if (last) ingestMetrics.lagSeconds.set({ topic: batch.topic, partition: String(batch.partition) }, Math.max(0, (receivedAt - last.timestamp) / 1000));
    ingestMetrics.batchSeconds.observe({ topic: batch.topic }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}
