import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { type AnnotationTaskStatus, type LabelValidity, type ReviewQueue } from '@surprisal/db';
import { SCENARIO_TYPES, VALIDITIES } from '../taxonomy';

export const TASK_STATUSES = ['open', 'claimed', 'submitted', 'accepted', 'sent_back'] as const;
export const QUEUES = ['annotation', 'safety'] as const;

export class ClaimDto {
  @ApiPropertyOptional({ enum: QUEUES, default: 'annotation', description: 'annotation: the model was unsure; safety: risky driving to review.' })
  @IsOptional() @IsIn(QUEUES)
  queue: ReviewQueue = 'annotation';

  @ApiPropertyOptional({ default: 900, minimum: 30, maximum: 3600, description: 'Lease length; renew before it runs out.' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(30) @Max(3600)
  leaseSeconds = 900;
}

export class RenewDto {
  @ApiPropertyOptional({ default: 900, minimum: 30, maximum: 3600 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(30) @Max(3600)
  leaseSeconds = 900;
}

export class SubmitLabelDto {
  @ApiProperty({ enum: SCENARIO_TYPES, description: 'From schemas/scenario-taxonomy.v1.json.' })
  @IsIn(SCENARIO_TYPES, { message: `scenarioType must be one of the taxonomy: ${SCENARIO_TYPES.join(', ')}` })
  scenarioType!: string;

  @ApiProperty({ enum: VALIDITIES })
  @IsIn(VALIDITIES)
  validity!: LabelValidity;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional() @IsString() @MaxLength(4000)
  notes = '';
}

export class ReviewDto {
  @ApiProperty({ enum: ['accept', 'send_back'] })
  @IsIn(['accept', 'send_back'])
  decision!: 'accept' | 'send_back';

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional() @IsString() @MaxLength(4000)
  notes = '';
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: TASK_STATUSES }) @IsOptional() @IsIn(TASK_STATUSES)
  status?: AnnotationTaskStatus;

  @ApiPropertyOptional({ enum: QUEUES }) @IsOptional() @IsIn(QUEUES)
  queue?: ReviewQueue;

  @ApiPropertyOptional({ default: 500, minimum: 1, maximum: 5000 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(5000)
  limit = 500;
}

export class TaskDto {
  @ApiProperty() id!: string;
  @ApiProperty() edgeCaseId!: string;
  @ApiProperty({ enum: QUEUES }) queue!: ReviewQueue;
  @ApiProperty() priority!: number;
  @ApiProperty({ enum: TASK_STATUSES }) status!: AnnotationTaskStatus;
  @ApiProperty({ nullable: true, type: String }) claimedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) leaseExpiresAt!: string | null;
}

export class LabelResultDto {
  @ApiProperty() scenarioType!: string;
  @ApiProperty({ enum: VALIDITIES }) validity!: LabelValidity;
  @ApiProperty() notes!: string;
  @ApiProperty() authorKeyId!: string;
}

export class SubmitResultDto {
  @ApiProperty({ type: TaskDto }) task!: TaskDto;
  @ApiProperty({ type: LabelResultDto }) label!: LabelResultDto;
  @ApiProperty({ description: 'false when the same label was already submitted (idempotent repeat).' }) changed!: boolean;
}

export class AuditEntryDto {
  @ApiProperty() action!: string;
  @ApiProperty() actorKeyId!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) before!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) after!: Record<string, unknown> | null;
}

export class ImportResultDto {
  @ApiProperty() imported!: number;
  @ApiProperty({ description: 'Already identical or without a usable annotation.' }) skipped!: number;
  @ApiProperty({ type: [String] }) errors!: string[];
}
