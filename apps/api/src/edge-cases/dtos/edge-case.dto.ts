import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EDGE_CASE_STATUSES, type EdgeCaseStatus, type ReviewQueue } from '@surprisal/db';

export class EdgeCaseSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() vehicleId!: string;
  @ApiProperty() driveId!: string;
  @ApiProperty() segmentId!: string;
  @ApiProperty() modelVersion!: string;
  @ApiProperty({ description: 'epoch ms' }) startT!: number;
  @ApiProperty({ description: 'epoch ms' }) endT!: number;
  @ApiProperty({ description: 'epoch ms of the most surprising window' }) peakT!: number;
  @ApiProperty({ description: 'calibrated surprise' }) score!: number;
  @ApiProperty({ nullable: true, type: Number }) pValue!: number | null;
  @ApiProperty({ enum: EDGE_CASE_STATUSES }) status!: EdgeCaseStatus;
  @ApiProperty({ enum: ['annotation', 'safety'] }) queue!: ReviewQueue;
  @ApiProperty({ type: [String] }) reasonKinds!: string[];
  @ApiProperty({ type: [String] }) triggers!: string[];
  @ApiProperty({ nullable: true, type: String }) scenarioLabel!: string | null;
  @ApiProperty({ description: 'RFC 3339, UTC' }) createdAt!: string;
}

export class EdgeCasePageDto {
  @ApiProperty({ type: [EdgeCaseSummaryDto] }) items!: EdgeCaseSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as ?cursor= for the next page; null on the last page.' })
  nextCursor!: string | null;
}

export class WindowDto {
  @ApiProperty() startT!: number;
  @ApiProperty() endT!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ nullable: true, type: Number }) pValue!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) components!: Record<string, number>;
  @ApiProperty({ type: [String] }) triggers!: string[];
}

export class ClipMediaDto {
  @ApiProperty() clipId!: string;
  @ApiProperty() camera!: string;
  @ApiProperty() startT!: number;
  @ApiProperty() endT!: number;
  @ApiProperty({ description: 'Short-lived presigned GET URL.' }) url!: string;
}

export class MediaDto {
  @ApiProperty({ type: [ClipMediaDto] }) clips!: ClipMediaDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: "Short-lived presigned GET URL of a JPEG frame strip: 4 frames spread over the edge case, left to right, from its primary camera's clip. Null when there is no clip (scored from actions only) or the strip is not made (yet).",
  })
  thumbnailUrl!: string | null;
  @ApiProperty({ description: 'Seconds the URLs stay valid.' }) expiresIn!: number;
}

export class LabelDto {
  @ApiProperty() taskId!: string;
  @ApiProperty() scenarioType!: string;
  @ApiProperty() validity!: string;
  @ApiProperty() notes!: string;
  @ApiProperty() authorKeyId!: string;
  @ApiProperty() updatedAt!: string;
}

export class EdgeCaseDetailDto extends EdgeCaseSummaryDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Why it was surprising, in words a reviewer understands.' })
  reasons!: Record<string, unknown>[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Score components of the peak window.' })
  components!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Predicted (mean ± spread) and actual action series of the peak window.' })
  series!: Record<string, unknown> | null;
  @ApiProperty({ type: [WindowDto], description: 'Scored windows around the edge case.' }) windows!: WindowDto[];
  @ApiProperty({ type: [LabelDto] }) labels!: LabelDto[];
  @ApiProperty({ type: MediaDto }) media!: MediaDto;
}

export class SimilarEdgeCaseDto extends EdgeCaseSummaryDto {
  @ApiProperty({ description: 'Euclidean distance between embeddings.' }) distance!: number;
}

export class SimilarPageDto {
  @ApiProperty({ type: [SimilarEdgeCaseDto] }) items!: SimilarEdgeCaseDto[];
  @ApiPropertyOptional({ description: 'Why the list is empty, when it is.' }) note?: string;
}
