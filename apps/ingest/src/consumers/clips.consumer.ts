import { Inject, Injectable } from '@nestjs/common';
import { BUS, deadLetterAll, type Bus, type BusMessage, type MessageBatch } from '@surprisal/bus';
import { IngestException, toDeadLetterReason } from '../ingest.exception';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.settings';
import { ingestMetrics } from '../metrics/ingest.metrics';
import { RegisterClipUseCase } from '../use-cases/register-clip.usecase';
import { guarded, parseJson, validateClip } from '../validation/fleet-message.validation';

/** fleet.clips.v1 → validated clip → RegisterClipUseCase; invalid messages and failed clips are dead-lettered. */
@Injectable()
export class ClipsConsumer {
  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(RegisterClipUseCase) private readonly registerClip: RegisterClipUseCase,
  ) {}

  async handle(batch: MessageBatch): Promise<void> {
    const started = process.hrtime.bigint();
    ingestMetrics.consumed.inc({ topic: batch.topic }, batch.messages.length);
    const rejected: { message: BusMessage; error: IngestException }[] = [];
    for (const message of batch.messages) {
      try {
        const clip = guarded(() => validateClip(parseJson(message.value), Date.now(), this.settings.timeBounds));
        const outcome = await this.registerClip.execute(clip);
        if (outcome.status === 'failed') rejected.push({ message, error: outcome.error });
      } catch (err) {
        if (!(err instanceof IngestException)) throw err;
        rejected.push({ message, error: err });
      }
    }
    // One produce for the batch's rejects; the bus commits only after it, so none is lost.
    await deadLetterAll(this.bus, rejected.map(({ message, error }) => ({ message, reason: toDeadLetterReason(error) })), this.settings.consumerGroup);
    for (const { error } of rejected) ingestMetrics.deadLettered.inc({ topic: batch.topic, reason: error.code });
    ingestMetrics.batchSeconds.observe({ topic: batch.topic }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}
