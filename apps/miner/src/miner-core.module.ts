import { Module } from '@nestjs/common';
import { loadMinerSettings, MINER_SETTINGS } from './miner.settings';
import { EdgeCaseThumbnailRepository } from './repositories/edge-case-thumbnail.repository';
import { EdgeCaseWriteRepository } from './repositories/edge-case-write.repository';
import { EdgeCaseThumbnailJob } from './thumbnails/edge-case-thumbnail.job';
import { MineEdgeCasesUseCase } from './use-cases/mine-edge-cases.usecase';

/** The miner's use case, thumbnail job and repositories, without any consumer: the scorer hands it each batch's windows. */
@Module({
  providers: [
    { provide: MINER_SETTINGS, useFactory: () => loadMinerSettings() },
    EdgeCaseWriteRepository,
    EdgeCaseThumbnailRepository,
    EdgeCaseThumbnailJob,
    MineEdgeCasesUseCase,
  ],
  exports: [MineEdgeCasesUseCase, EdgeCaseThumbnailJob, MINER_SETTINGS],
})
export class MinerCoreModule {}
