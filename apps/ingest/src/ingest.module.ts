import { Module } from '@nestjs/common';
import { ActionsConsumer } from './consumers/actions.consumer';
import { ClipsConsumer } from './consumers/clips.consumer';
import { FleetSubscription } from './consumers/fleet.subscription';
import { IngestCoreModule } from './ingest-core.module';
import { MetricsController } from './metrics/metrics.controller';

/**
 * The ingest role: consumes fleet.actions.v1 and fleet.clips.v1 (group surprisal-ingest), validates,
 * dead-letters, stores batches exactly once, assembles segments, checks clips; /metrics for Prometheus.
 */
@Module({
  imports: [IngestCoreModule],
  providers: [ActionsConsumer, ClipsConsumer, FleetSubscription],
  controllers: [MetricsController],
})
export class IngestModule {}
