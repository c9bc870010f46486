import { Module } from '@nestjs/common';

/** Simulated fleet and replay of recorded driving, streaming into the engine (issue: fleet simulator). */
@Module({})
export class FleetSimModule {}
