import { Module } from '@nestjs/common';
import { KeysModule } from './keys/keys.module';

/** The public HTTP API under /v1. Later bounded contexts (edge cases, annotation, ingest, models) join here. */
@Module({ imports: [KeysModule] })
export class ApiModule {}
