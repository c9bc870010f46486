import { Module } from '@nestjs/common';
import { INGEST_SETTINGS, loadIngestSettings } from './ingest.settings';
import { ActionBatchRepository } from './repositories/action-batch.repository';
import { ClipRepository } from './repositories/clip.repository';
import { DriveReadRepository } from './repositories/drive-read.repository';
import { SegmentRepository } from './repositories/segment.repository';
import { SegmentAssembler } from './segments/segment-assembler';
import { ClipUploadsUseCase } from './use-cases/clip-uploads.usecase';
import { GetDriveUseCase, ListVehicleDrivesUseCase } from './use-cases/drive-queries.usecase';
import { PublishActionBatchesUseCase } from './use-cases/publish-action-batches.usecase';
import { RegisterClipUseCase } from './use-cases/register-clip.usecase';
import { StoreActionBatchesUseCase } from './use-cases/store-action-batches.usecase';

/** Ingest's use cases and repositories, without consumers: the ingest app and the HTTP API both import it. */
@Module({
  providers: [
    { provide: INGEST_SETTINGS, useFactory: () => loadIngestSettings() },
    ActionBatchRepository,
    SegmentRepository,
    ClipRepository,
    DriveReadRepository,
    SegmentAssembler,
    StoreActionBatchesUseCase,
    RegisterClipUseCase,
    PublishActionBatchesUseCase,
    ClipUploadsUseCase,
    GetDriveUseCase,
    ListVehicleDrivesUseCase,
  ],
  exports: [INGEST_SETTINGS, SegmentAssembler, StoreActionBatchesUseCase, RegisterClipUseCase, PublishActionBatchesUseCase, ClipUploadsUseCase, GetDriveUseCase, ListVehicleDrivesUseCase],
})
export class IngestCoreModule {}
