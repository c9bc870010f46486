import { Inject, Injectable } from '@nestjs/common';
import { BUS, deadLetter, type Bus, type BusMessage, type MessageBatch } from '@surprisal/bus';
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
    for (const message of batch.messages) {
      try {
        const clip = guarded(() => validateClip(parseJson(message.value), Date.now(), { minT: this.settings.minSampleT, maxFutureSkewMs: this.settings.maxFutureSkewMs }));
        const outcome = await this.registerClip.execute(clip);
        if (outcome.status === 'failed') await this.reject(message, outcome.error);
      } catch (err) {
        if (!(err instanceof IngestException)) throw err;
        await this.reject(message, err);
      }
    }
    ingestMetrics.batchSeconds.observe({ topic: batch.topic }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  private async reject(message: BusMessage, error: IngestException): Promise<void> {
    await deadLetter(this.bus, message, toDeadLetterReason(error), this.settings.consumerGroup);
    ingestMetrics.deadLettered.inc({ topic: message.topic, reason: error.code });
  }
}
