import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BUS, type Bus, type MessageBatch, type Subscription } from '@surprisal/bus';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.settings';
import { SegmentAssembler } from '../segments/segment-assembler';
import { ActionsConsumer } from './actions.consumer';
import { ClipsConsumer } from './clips.consumer';

/**
 * The ingest group's one membership: both fleet topics in one subscription (group surprisal-ingest),
 * each partition batch routed to its topic's consumer. (Two subscriptions of one group with
 * different topics would let the group's assignor hand a member partitions it did not subscribe to.)
 */
@Injectable()
export class FleetSubscription implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('FleetSubscription');
  private subscription: Subscription | undefined;

  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(ActionsConsumer) private readonly actions: ActionsConsumer,
    @Inject(ClipsConsumer) private readonly clips: ClipsConsumer,
    @Inject(SegmentAssembler) private readonly assembler: SegmentAssembler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.assembler.start();
    const { actionsTopic, clipsTopic, consumerGroup, maxBatchSize, concurrency } = this.settings;
    this.subscription = await this.bus.subscribe({ groupId: consumerGroup, topics: [actionsTopic, clipsTopic], maxBatchSize, concurrency, handler: (batch) => this.route(batch) });
    this.logger.log(`Consuming ${actionsTopic} and ${clipsTopic} as group ${consumerGroup}`);
  }

  /** SIGTERM: the batch in hand finishes and commits, then the member leaves the group; queued segment emissions finish after. */
  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }

  private route(batch: MessageBatch): Promise<void> {
    if (batch.topic === this.settings.clipsTopic) return this.clips.handle(batch);
    return this.actions.handle(batch);
  }
}
