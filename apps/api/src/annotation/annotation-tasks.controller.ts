import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@surprisal/auth';
import { DomainExceptionFilter } from '../domain-exception.filter';
import { AnnotationTasksService } from './annotation-tasks.service';
import { AuditEntryDto, ClaimDto, ExportQuery, ImportResultDto, RenewDto, ReviewDto, SubmitLabelDto, SubmitResultDto, TaskDto } from './dtos/annotation.dto';
import { labelStudioConfig, type LabelStudioTask } from './label-studio.mapper';
import { LabelStudioService } from './label-studio.service';

@ApiTags('annotation')
@UseFilters(DomainExceptionFilter)
@ApiBearerAuth()
@Controller('v1/annotation-tasks')
export class AnnotationTasksController {
  constructor(
    @Inject(AnnotationTasksService) private readonly tasks: AnnotationTasksService,
    @Inject(LabelStudioService) private readonly labelStudio: LabelStudioService,
  ) {}

  @Post('claim')
  @Roles('annotator', 'engineer')
  @HttpCode(200)
  @ApiOkResponse({ type: TaskDto, description: 'The next task by priority, leased to you.' })
  @ApiNoContentResponse({ description: 'The queue is empty.' })
  async claim(@CurrentPrincipal() who: Principal, @Body() body: ClaimDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<TaskDto | undefined> {
    const task = await this.tasks.claim(who, body.queue, body.leaseSeconds);
    if (!task) reply.status(204);
    return task;
  }

  @Post(':id/renew')
  @Roles('annotator', 'engineer')
  @HttpCode(200)
  @ApiOkResponse({ type: TaskDto })
  @ApiConflictResponse({ description: 'You no longer hold the lease.' })
  renew(@CurrentPrincipal() who: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: RenewDto): Promise<TaskDto> {
    return this.tasks.renew(who, id, body.leaseSeconds);
  }

  @Post(':id/submit')
  @Roles('annotator', 'engineer')
  @HttpCode(200)
  @ApiOkResponse({ type: SubmitResultDto, description: 'Submitting the same label again changes nothing.' })
  @ApiConflictResponse({ description: 'Not your lease, or already reviewed.' })
  submit(@CurrentPrincipal() who: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: SubmitLabelDto): Promise<SubmitResultDto> {
    return this.tasks.submit(who, id, body);
  }

  @Post(':id/review')
  @Roles('engineer')
  @HttpCode(200)
  @ApiOkResponse({ type: TaskDto })
  @ApiConflictResponse({ description: 'The task has no submission to review.' })
  review(@CurrentPrincipal() who: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: ReviewDto): Promise<TaskDto> {
    return this.tasks.review(who, id, body.decision, body.notes);
  }

  @Get(':id/audit')
  @Roles('engineer')
  @ApiOkResponse({ type: [AuditEntryDto], description: 'Every label change: who, when, before, after.' })
  audit(@Param('id', new ParseUUIDPipe()) id: string): Promise<AuditEntryDto[]> {
    return this.tasks.auditTrail(id);
  }

  @Get('export/label-studio')
  @Roles('engineer')
  @ApiOkResponse({ description: 'Tasks in Label Studio JSON import format (video URL, action series as TimeSeries data).' })
  export(@Query() query: ExportQuery): Promise<LabelStudioTask[]> {
    return this.labelStudio.export(query);
  }

  @Get('export/label-studio/config')
  @Roles('engineer')
  @ApiProduces('application/xml')
  @ApiOkResponse({ description: 'The Label Studio labelling config matching the export.' })
  config(@Res({ passthrough: true }) reply: FastifyReply): string {
    reply.header('content-type', 'application/xml; charset=utf-8');
    return labelStudioConfig();
  }

  @Post('import/label-studio')
  @Roles('engineer')
  @HttpCode(200)
  @ApiBody({ description: "Label Studio's JSON export (an array of tasks with annotations).", schema: { type: 'array', items: { type: 'object' } } })
  @ApiOkResponse({ type: ImportResultDto })
  import(@CurrentPrincipal() who: Principal, @Body() body: unknown): Promise<ImportResultDto> {
    if (!Array.isArray(body) || body.length > 5000) throw new BadRequestException('Send Label Studio\'s JSON export: an array of at most 5000 tasks');
    return this.labelStudio.import(who, body);
  }
}
