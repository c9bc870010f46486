import { Module } from '@nestjs/common';
import { AnnotationModule } from './annotation/annotation.module';
import { BlobsModule } from './blobs/blobs.module';
import { EdgeCasesModule } from './edge-cases/edge-cases.module';
import { IngestApiModule } from './ingest/ingest-api.module';
import { KeysModule } from './keys/keys.module';
import { StatsModule } from './stats/stats.module';

/** The public HTTP API under /v1, one module per bounded context. */
@Module({ imports: [KeysModule, BlobsModule, EdgeCasesModule, AnnotationModule, StatsModule, IngestApiModule] })
export class ApiModule {}
