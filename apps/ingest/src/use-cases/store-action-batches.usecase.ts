import { Inject, Injectable } from '@nestjs/common';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.settings';
import { ingestMetrics } from '../metrics/ingest.metrics';
import { ActionBatchRepository, type AcceptedBatch, type StoreOutcome } from '../repositories/action-batch.repository';
import { SegmentAssembler } from '../segments/segment-assembler';

/**
 * Stores validated action batches exactly once (one transaction for the whole handler call), then
 * lets the segment assembler emit what became complete. Resolving means the batches are durable.
 */
@Injectable()
export class StoreActionBatchesUseCase {
  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(ActionBatchRepository) private readonly batches: ActionBatchRepository,
    @Inject(SegmentAssembler) private readonly assembler: SegmentAssembler,
  ) {}

  async execute(accepted: AcceptedBatch[]): Promise<StoreOutcome> {
    // Backpressure: do not take more data while segment emission lags far behind.
    await this.assembler.waitForCapacity();
    const outcome = await this.batches.store(accepted, this.settings.segmentMs);
    ingestMetrics.stored.inc(outcome.inserted);
    ingestMetrics.duplicates.inc(outcome.duplicates);
    ingestMetrics.samplesStored.inc(outcome.samples);
    this.assembler.schedule(outcome.drives);
    return outcome;
  }
}
