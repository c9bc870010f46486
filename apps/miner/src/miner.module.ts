import { Module } from '@nestjs/common';

/** Turns surprise peaks into de-duplicated edge cases and annotation tasks (issue: mining). */
@Module({})
export class MinerModule {}
