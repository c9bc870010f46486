import { ActionBatchEntity } from './action-batch.entity';
import { ActionSegmentEntity } from './action-segment.entity';
import { AnnotationTaskEntity } from './annotation-task.entity';
import { ApiKeyEntity } from './api-key.entity';
import { ClipEntity } from './clip.entity';
import { DatasetEntity } from './dataset.entity';
import { DriveEntity } from './drive.entity';
import { EdgeCaseEntity } from './edge-case.entity';
import { LabelAuditEntity, LabelEntity } from './label.entity';
import { ModelVersionEntity } from './model-version.entity';
import { RetrainingJobEntity } from './retraining-job.entity';
import { VehicleEntity } from './vehicle.entity';
import { WindowScoreEntity } from './window-score.entity';

export * from './action-batch.entity';
export * from './action-segment.entity';
export * from './annotation-task.entity';
export * from './api-key.entity';
export * from './clip.entity';
export * from './dataset.entity';
export * from './drive.entity';
export * from './edge-case.entity';
export * from './label.entity';
export * from './model-version.entity';
export * from './retraining-job.entity';
export * from './vehicle.entity';
export * from './window-score.entity';

export const ENTITIES = [
  ApiKeyEntity, VehicleEntity, DriveEntity, ActionBatchEntity, ActionSegmentEntity, ClipEntity, ModelVersionEntity,
  WindowScoreEntity, EdgeCaseEntity, AnnotationTaskEntity, LabelEntity, LabelAuditEntity, DatasetEntity, RetrainingJobEntity,
];
