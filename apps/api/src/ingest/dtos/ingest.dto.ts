import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNumber, IsPositive, IsString, Matches, Min } from 'class-validator';
import { FLEET_ID } from '@surprisal/contracts';

const CAMERA = /^[a-z0-9_-]{1,32}$/;
export const CLIP_CONTENT_TYPES = ['video/mp4', 'video/quicktime', 'video/x-matroska', 'video/webm', 'video/mp2t'];

export class AcceptedBatchDto {
  @ApiProperty() vehicleId!: string;
  @ApiProperty() driveId!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() samples!: number;
}

export class AcceptedActionsDto {
  @ApiProperty({ description: 'Batches published to fleet.actions.v1 (stored once each, asynchronously).' }) accepted!: number;
  @ApiProperty({ type: [AcceptedBatchDto] }) batches!: AcceptedBatchDto[];
}

export class ClipUploadRequestDto {
  @ApiProperty({ pattern: FLEET_ID.source }) @IsString() @Matches(FLEET_ID) vehicleId!: string;
  @ApiProperty({ pattern: FLEET_ID.source }) @IsString() @Matches(FLEET_ID) driveId!: string;
  @ApiProperty({ pattern: FLEET_ID.source }) @IsString() @Matches(FLEET_ID) clipId!: string;
  @ApiProperty({ pattern: CAMERA.source, example: 'front' }) @IsString() @Matches(CAMERA) camera!: string;
  @ApiProperty({ enum: CLIP_CONTENT_TYPES }) @IsIn(CLIP_CONTENT_TYPES) contentType!: string;
}

export class ClipUploadGrantDto {
  @ApiProperty({ description: 'The URI to name in POST /v1/ingest/clips once uploaded.' }) uri!: string;
  @ApiProperty({ description: 'PUT the clip here, with the Content-Type below.' }) uploadUrl!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty() contentType!: string;
}

/** Query of a direct upload: the clip's metadata (the body is the video, sent with its Content-Type). */
export class DirectClipUploadQueryDto {
  @ApiProperty({ pattern: FLEET_ID.source }) @IsString() @Matches(FLEET_ID) vehicleId!: string;
  @ApiProperty({ pattern: FLEET_ID.source }) @IsString() @Matches(FLEET_ID) driveId!: string;
  @ApiProperty({ pattern: FLEET_ID.source }) @IsString() @Matches(FLEET_ID) clipId!: string;
  @ApiProperty({ pattern: CAMERA.source }) @IsString() @Matches(CAMERA) camera!: string;
  @ApiProperty({ description: 'Epoch ms' }) @Type(() => Number) @IsNumber() @Min(0) startT!: number;
  @ApiProperty({ description: 'Epoch ms' }) @Type(() => Number) @IsNumber() @Min(0) endT!: number;
  @ApiProperty() @Type(() => Number) @IsNumber() @IsPositive() fps!: number;
}

export class ClipAcceptedDto {
  @ApiProperty() vehicleId!: string;
  @ApiProperty() driveId!: string;
  @ApiProperty() clipId!: string;
  @ApiProperty() camera!: string;
  @ApiProperty() uri!: string;
  @ApiProperty() startT!: number;
  @ApiProperty() endT!: number;
  @ApiProperty() fps!: number;
  @ApiProperty() sha256!: string;
}

export class SegmentViewDto {
  @ApiProperty() segmentId!: string;
  @ApiProperty() index!: number;
  @ApiProperty() startT!: number;
  @ApiProperty() endT!: number;
  @ApiProperty() sampleCount!: number;
  @ApiProperty({ type: [String] }) signals!: string[];
  @ApiProperty({ enum: ['open', 'complete'] }) status!: string;
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) uri!: string | null;
}

export class ClipViewDto {
  @ApiProperty() clipId!: string;
  @ApiProperty() camera!: string;
  @ApiProperty() uri!: string;
  @ApiProperty() startT!: number;
  @ApiProperty() endT!: number;
  @ApiProperty() fps!: number;
  @ApiProperty({ enum: ['pending', 'ready', 'failed'] }) status!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) failureReason!: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'ffprobe: durationS, fps, width, height, codec, frames' })
  probe!: Record<string, unknown> | null;
}

export class DriveSummaryDto {
  @ApiProperty() driveId!: string;
  @ApiProperty() vehicleId!: string;
  @ApiProperty() sampleCount!: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) firstT!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) lastT!: number | null;
  @ApiProperty() batchCount!: number;
  @ApiProperty() updatedAt!: string;
}

export class DriveDetailDto extends DriveSummaryDto {
  @ApiProperty({ type: [SegmentViewDto] }) segments!: SegmentViewDto[];
  @ApiProperty({ type: [ClipViewDto] }) clips!: ClipViewDto[];
}

export class VehicleDrivesDto {
  @ApiProperty() vehicleId!: string;
  @ApiProperty({ type: [DriveSummaryDto] }) drives!: DriveSummaryDto[];
}
