import { Module } from '@nestjs/common';

/** Scores segments with the promoted model: windows, surprise components, calibration (issue: scoring). */
@Module({})
export class ScorerModule {}
