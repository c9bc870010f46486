import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BUS, type Bus, type Subscription } from '@surprisal/bus';
import { ModelProvider } from '../models/model-provider';
import { SCORER_SETTINGS, type ScorerSettings } from '../scorer.settings';
import { SegmentsConsumer } from './segments.consumer';

/**
 * The scorer's memberships: engine.segments.v1 in the shared group (segments are spread over scorers
 * by partition), and engine.models.v1 in a group of its own (every scorer hears every promotion and
 * swaps between batches).
 */
@Injectable()
export class ScorerSubscriptions implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ScorerSubscriptions');
  private subscriptions: Subscription[] = [];

  constructor(
    @Inject(SCORER_SETTINGS) private readonly settings: ScorerSettings,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(SegmentsConsumer) private readonly segments: SegmentsConsumer,
    @Inject(ModelProvider) private readonly models: ModelProvider,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { segmentsTopic, modelsTopic, consumerGroup, maxBatchSegments, startAt } = this.settings;
    this.subscriptions.push(
      await this.bus.subscribe({
        groupId: `${consumerGroup}-models-${randomUUID()}`,
        topics: [modelsTopic],
        fromBeginning: false,
        handler: () => {
          this.models.markStale();
          return Promise.resolve();
        },
      }),
    );
    this.subscriptions.push(await this.bus.subscribe({ groupId: consumerGroup, topics: [segmentsTopic], fromBeginning: startAt === 'earliest', maxBatchSize: maxBatchSegments, handler: (batch) => this.segments.handle(batch) }));
    this.logger.log(`Consuming ${segmentsTopic} as group ${consumerGroup}; model promotions from ${modelsTopic}`);
  }

  async onModuleDestroy(): Promise<void> {
    const subs = this.subscriptions;
    this.subscriptions = [];
    for (const s of subs) await s.close();
  }
}
