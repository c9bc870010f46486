import { Module } from '@nestjs/common';
import { loadMinerSettings, MINER_SETTINGS } from './miner.settings';
import { EdgeCaseWriteRepository } from './repositories/edge-case-write.repository';
import { MineEdgeCasesUseCase } from './use-cases/mine-edge-cases.usecase';

/** The miner's use case and repository, without any consumer: the scorer hands it each batch's windows. */
@Module({
  providers: [{ provide: MINER_SETTINGS, useFactory: () => loadMinerSettings() }, EdgeCaseWriteRepository, MineEdgeCasesUseCase],
  exports: [MineEdgeCasesUseCase, MINER_SETTINGS],
})
export class MinerCoreModule {}
