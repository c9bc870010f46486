import { Module } from '@nestjs/common';
import { DemoFleetService } from './demo-fleet.service';

/**
 * Simulated fleet and replay of recorded driving (the `sim` role). In the engine it runs a small
 * demo fleet on the engine's bus and blob store unless SURPRISAL_DEMO_FLEET=off; the full
 * simulator and the importers are the CLI's `surprisal sim` and `surprisal import`.
 */
@Module({ providers: [DemoFleetService] })
export class FleetSimModule {}
