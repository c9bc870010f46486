import { Module } from '@nestjs/common';
import { MinerCoreModule } from '../../miner/src/miner-core.module';
import { ModelProvider } from './models/model-provider';
import { ModelRegistryRepository } from './models/model-registry.repository';
import { CalibrationRepository } from './repositories/calibration.repository';
import { SegmentDataRepository } from './repositories/segment-data.repository';
import { WindowScoreRepository } from './repositories/window-score.repository';
import { loadScorerSettings, SCORER_SETTINGS } from './scorer.settings';
import { ScoreSegmentsUseCase } from './use-cases/score-segments.usecase';

/** The scorer's use case, model provider and repositories, without consumers (tests, tools and benchmarks import it). */
@Module({
  imports: [MinerCoreModule],
  providers: [
    { provide: SCORER_SETTINGS, useFactory: () => loadScorerSettings() },
    ModelRegistryRepository,
    ModelProvider,
    SegmentDataRepository,
    CalibrationRepository,
    WindowScoreRepository,
    ScoreSegmentsUseCase,
  ],
  exports: [SCORER_SETTINGS, ModelProvider, ScoreSegmentsUseCase],
})
export class ScorerCoreModule {}
