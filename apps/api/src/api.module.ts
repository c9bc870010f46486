import { Module } from '@nestjs/common';
import { BlobsModule } from './blobs/blobs.module';
import { KeysModule } from './keys/keys.module';

/** The public HTTP API under /v1. Later bounded contexts (edge cases, annotation, ingest, models) join here. */
@Module({ imports: [KeysModule, BlobsModule] })
export class ApiModule {}
