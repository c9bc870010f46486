import { Module } from '@nestjs/common';
import { IngestCoreModule } from '../../../ingest/src/ingest-core.module';
import { DrivesController } from './drives.controller';
import { IngestController } from './ingest.controller';

/** HTTP ingest (actions, clip uploads) and the drives read side, on top of ingest's use cases. */
@Module({ imports: [IngestCoreModule], controllers: [IngestController, DrivesController] })
export class IngestApiModule {}
