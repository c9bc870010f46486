import { Module } from '@nestjs/common';
import { AnnotationTasksController } from './annotation-tasks.controller';
import { AnnotationTasksService } from './annotation-tasks.service';
import { LabelStudioService } from './label-studio.service';

@Module({ controllers: [AnnotationTasksController], providers: [AnnotationTasksService, LabelStudioService] })
export class AnnotationModule {}
