import { Inject, Injectable } from '@nestjs/common';
import { BUS, type Bus } from '@surprisal/bus';
import { type FleetActionsV1 } from '@surprisal/contracts';
import { IngestErrorCode, IngestException } from '../ingest.exception';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.settings';
import { guarded, validateActionBatch } from '../validation/fleet-message.validation';

/** At most this many batches, and this many samples in all, per request. */
const MAX_BATCHES_PER_REQUEST = 100;
const MAX_SAMPLES_PER_REQUEST = 100_000;

export interface PublishedBatches {
  accepted: number;
  batches: { vehicleId: string; driveId: string; seq: number; samples: number }[];
}

/**
 * Action batches that arrived without Kafka (HTTP): checked with the same validator as the consumer,
 * then published to the actions topic, so there is one storage path. Resolves once the bus acknowledged.
 * The body is one FleetActionsV1 batch or `{ "batches": [...] }`.
 */
@Injectable()
export class PublishActionBatchesUseCase {
  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  async execute(body: unknown, receivedAt = Date.now()): Promise<PublishedBatches> {
    let batches: FleetActionsV1[];
    if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'batches' in body) {
      const list = body.batches;
      if (!Array.isArray(list) || list.length === 0) throw new IngestException(IngestErrorCode.SchemaViolation, 'batches must be a non-empty array', '/batches');
      if (list.length > MAX_BATCHES_PER_REQUEST) {
        throw new IngestException(IngestErrorCode.TooManySamples, `at most ${MAX_BATCHES_PER_REQUEST} batches per request (got ${list.length})`, '/batches');
      }
      batches = list.map((b: unknown, i) => guarded(() => validateActionBatch(b, receivedAt, this.settings.timeBounds, `/batches/${i}`)));
    } else {
      batches = [guarded(() => validateActionBatch(body, receivedAt, this.settings.timeBounds))];
    }
    const total = batches.reduce((n, b) => n + b.samples.length, 0);
    if (total > MAX_SAMPLES_PER_REQUEST) throw new IngestException(IngestErrorCode.TooManySamples, `at most ${MAX_SAMPLES_PER_REQUEST} samples per request (got ${total})`);
    await this.bus.publish(
      this.settings.actionsTopic,
      batches.map((b) => ({ key: b.vehicleId, value: JSON.stringify(b) })),
    );
    return { accepted: batches.length, batches: batches.map((b) => ({ vehicleId: b.vehicleId, driveId: b.driveId, seq: b.seq, samples: b.samples.length })) };
  }
}
