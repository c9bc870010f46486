import { Module } from '@nestjs/common';

/** Consumes the fleet topics: validation, dead-lettering, segment assembly, storage (issue: fleet ingest). */
@Module({})
export class IngestModule {}
