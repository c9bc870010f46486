import { Module } from '@nestjs/common';
import { MinerCoreModule } from './miner-core.module';

/**
 * Turns surprise peaks into de-duplicated edge cases and annotation tasks. Mining runs inside the
 * scorer's batch (the scorer imports MinerCoreModule), so a segment's windows and its edge cases are
 * committed before its offset; this role module validates the miner's settings at boot wherever it is hosted.
 */
@Module({ imports: [MinerCoreModule] })
export class MinerModule {}
