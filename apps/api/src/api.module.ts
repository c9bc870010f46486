import { Module } from '@nestjs/common';
import { AnnotationModule } from './annotation/annotation.module';
import { BlobsModule } from './blobs/blobs.module';
import { EdgeCasesModule } from './edge-cases/edge-cases.module';
import { KeysModule } from './keys/keys.module';

/** The public HTTP API under /v1. Later bounded contexts (edge cases, annotation, ingest, models) join here. */
@Module({ imports: [KeysModule, BlobsModule, EdgeCasesModule, AnnotationModule] })
export class ApiModule {}
