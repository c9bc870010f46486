import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { FLEET_ID } from '@surprisal/contracts';
import { EDGE_CASE_STATUSES, type EdgeCaseStatus } from '@surprisal/db';

const WORD = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_EPOCH_MS = 9_007_199_254_740_991;

export class ListEdgeCasesQuery {
  @ApiPropertyOptional({ description: 'Only edge cases starting at or after this time (epoch ms).' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_EPOCH_MS)
  from?: number;

  @ApiPropertyOptional({ description: 'Only edge cases starting before this time (epoch ms).' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_EPOCH_MS)
  to?: number;

  @ApiPropertyOptional() @IsOptional() @Matches(FLEET_ID, { message: 'vehicleId must be a fleet id' })
  vehicleId?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(FLEET_ID, { message: 'driveId must be a fleet id' })
  driveId?: string;

  @ApiPropertyOptional({ description: 'Minimum calibrated surprise.' })
  @IsOptional() @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-1e6) @Max(1e6)
  minScore?: number;

  @ApiPropertyOptional({ description: 'Maximum p-value (smaller is more surprising).' })
  @IsOptional() @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  maxPValue?: number;

  @ApiPropertyOptional({ enum: EDGE_CASE_STATUSES }) @IsOptional() @IsIn(EDGE_CASE_STATUSES)
  status?: EdgeCaseStatus;

  @ApiPropertyOptional({ description: 'Scenario label (schemas/scenario-taxonomy.v1.json).' })
  @IsOptional() @Matches(WORD, { message: 'scenario must be a taxonomy id' })
  scenario?: string;

  @ApiPropertyOptional({ description: 'Reason kind, e.g. action_nll, latent, disagreement, sensor, hard_brake.' })
  @IsOptional() @Matches(WORD, { message: 'reasonKind must be a lower-case word' })
  reasonKind?: string;

  @ApiPropertyOptional({ description: 'Rule trigger, e.g. hard_brake.' })
  @IsOptional() @Matches(WORD, { message: 'trigger must be a lower-case word' })
  trigger?: string;

  @ApiPropertyOptional({ description: 'Model version that scored it.' })
  @IsOptional() @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { message: 'modelVersion must be a version name' })
  modelVersion?: string;

  @ApiPropertyOptional({ enum: ['time', 'score'], default: 'time', description: 'Newest first, or most surprising first.' })
  @IsOptional() @IsIn(['time', 'score'])
  sort: 'time' | 'score' = 'time';

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,300}$/, { message: 'cursor is malformed' })
  cursor?: string;
}

export class SimilarQuery {
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit = 10;
}
