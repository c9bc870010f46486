import { Inject, Injectable, Logger } from '@nestjs/common';
import { BUS, deadLetterAll, type Bus, type BusMessage, type DeadLetterReason, type MessageBatch } from '@surprisal/bus';
import { CONTRACTS, type EngineSegmentsV1 } from '@surprisal/contracts';
import { SCORER_SETTINGS, type ScorerSettings } from '../scorer.settings';
import { ScoreSegmentsUseCase } from '../use-cases/score-segments.usecase';

/**
 * engine.segments.v1 → ScoreSegmentsUseCase, a partition batch at a time (its windows go to the device
 * together). Malformed messages and segments whose samples are gone are dead-lettered; anything else
 * that fails throws, so the batch is delivered again (re-scoring replaces, never duplicates).
 */
@Injectable()
export class SegmentsConsumer {
  private readonly logger = new Logger('SegmentsConsumer');

  constructor(
    @Inject(SCORER_SETTINGS) private readonly settings: ScorerSettings,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(ScoreSegmentsUseCase) private readonly score: ScoreSegmentsUseCase,
  ) {}

  async handle(batch: MessageBatch): Promise<void> {
    const events: EngineSegmentsV1[] = [];
    const messageOf = new Map<string, BusMessage>();
    // All of this call's rejects go to the DLQ together, in as few produce requests as fit.
    const rejects: { message: BusMessage; reason: DeadLetterReason }[] = [];
    for (const message of batch.messages) {
      let value: unknown;
      try {
        value = JSON.parse(message.value.toString('utf8'));
      } catch (err) {
        rejects.push({ message, reason: { code: 'invalid_json', detail: (err as Error).message } });
        continue;
      }
      const checked = CONTRACTS.engineSegments.validate(value);
      if (!checked.ok) {
        const first = checked.violations[0];
        rejects.push({ message, reason: { code: 'invalid_contract', detail: checked.violations.map((v) => `${v.pointer}: ${v.message}`).join('; '), pointer: first.pointer } });
        continue;
      }
      events.push(checked.value);
      messageOf.set(checked.value.segmentId, message);
    }
    if (events.length > 0) {
      const started = Date.now();
      const outcome = await this.score.execute(events);
      for (const u of outcome.unscorable) {
        this.logger.warn(`Segment ${u.segmentId} cannot be scored (${u.code}): ${u.detail}`);
        rejects.push({ message: messageOf.get(u.segmentId)!, reason: { code: u.code, detail: u.detail } });
      }
      this.logger.debug?.(`Scored ${outcome.segments} segment(s), ${outcome.windows} windows with ${outcome.modelVersion} in ${Date.now() - started} ms; ${outcome.edgeCases} new edge case(s)`);
    }
    await deadLetterAll(this.bus, rejects, this.settings.consumerGroup);
  }
}
