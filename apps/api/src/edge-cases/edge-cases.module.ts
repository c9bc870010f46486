import { Module } from '@nestjs/common';
import { EdgeCasesController } from './edge-cases.controller';
import { EdgeCasesRepository } from './edge-cases.repository';
import { EdgeCasesService } from './edge-cases.service';

@Module({ controllers: [EdgeCasesController], providers: [EdgeCasesService, EdgeCasesRepository] })
export class EdgeCasesModule {}
