import { Module } from '@nestjs/common';
import { ScorerSubscriptions } from './consumers/scorer.subscriptions';
import { SegmentsConsumer } from './consumers/segments.consumer';
import { ScorerCoreModule } from './scorer-core.module';

/**
 * The scorer role: consumes engine.segments.v1 (group surprisal-scorer), scores every window with the
 * promoted model through onnxruntime-node (SCORER_DEVICES, default cuda,cpu), stores calibrated
 * window scores and mines edge cases; swaps models on engine.models.v1 between batches.
 */
@Module({
  imports: [ScorerCoreModule],
  providers: [SegmentsConsumer, ScorerSubscriptions],
})
export class ScorerModule {}
