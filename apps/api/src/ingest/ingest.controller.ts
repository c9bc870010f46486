import { type Readable } from 'node:stream';
import { Body, Controller, Headers, HttpCode, Inject, Post, Query, Req, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';
import { Roles } from '@surprisal/auth';
import fleetActionsSchema from '../../../../schemas/fleet.actions.v1.schema.json';
import fleetClipsSchema from '../../../../schemas/fleet.clips.v1.schema.json';
import { IngestErrorCode, IngestException } from '../../../ingest/src/ingest.exception';
import { ClipUploadsUseCase } from '../../../ingest/src/use-cases/clip-uploads.usecase';
import { PublishActionBatchesUseCase } from '../../../ingest/src/use-cases/publish-action-batches.usecase';
import { AcceptedActionsDto, ClipAcceptedDto, ClipUploadGrantDto, ClipUploadRequestDto, DirectClipUploadQueryDto } from './dtos/ingest.dto';
import { DomainExceptionFilter } from '../domain-exception.filter';

/** Largest JSON body of POST /v1/ingest/actions. */
const MAX_ACTIONS_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Ingest for fleets without Kafka. Everything is validated with the same compiled contracts as the
 * consumers, then published to the fleet topics: Kafka and HTTP share one storage path.
 */
@ApiTags('ingest')
@ApiBearerAuth()
@UseFilters(DomainExceptionFilter)
@Controller('v1/ingest')
export class IngestController {
  constructor(
    @Inject(PublishActionBatchesUseCase) private readonly publishActions: PublishActionBatchesUseCase,
    @Inject(ClipUploadsUseCase) private readonly clipUploads: ClipUploadsUseCase,
  ) {}

  @Post('actions')
  @Roles('ingest')
  @HttpCode(202)
  @ApiBody({ description: 'One fleet.actions.v1 batch, or { "batches": [ ≤ 100 of them ] } (≤ 100,000 samples, ≤ 8 MiB).', schema: { oneOf: [{ type: 'object', description: fleetActionsSchema.description }, { type: 'object', properties: { batches: { type: 'array', maxItems: 100 } } }] } })
  @ApiAcceptedResponse({ type: AcceptedActionsDto, description: 'Published to fleet.actions.v1; each batch is stored once.' })
  @ApiBadRequestResponse({ description: '{ error: <reason code>, message, pointer } (schema_violation, non_finite_value, timestamp_out_of_range, …)' })
  @ApiPayloadTooLargeResponse({ description: 'Too many batches or samples.' })
  actions(@Body() body: unknown, @Headers('content-length') length?: string): Promise<AcceptedActionsDto> {
    if (Number(length) > MAX_ACTIONS_BODY_BYTES) throw new IngestException(IngestErrorCode.PayloadTooLarge, `at most ${MAX_ACTIONS_BODY_BYTES} bytes per request`);
    return this.publishActions.execute(body);
  }

  @Post('clips/uploads')
  @Roles('ingest')
  @ApiCreatedResponse({ type: ClipUploadGrantDto, description: 'PUT the clip to uploadUrl, then POST /v1/ingest/clips naming uri.' })
  uploadGrant(@Body() body: ClipUploadRequestDto): Promise<ClipUploadGrantDto> {
    return this.clipUploads.grant(body);
  }

  @Post('clips')
  @Roles('ingest')
  @HttpCode(202)
  @ApiBody({ description: 'A fleet.clips.v1 message: the clip is already in object storage.', schema: { type: 'object', description: fleetClipsSchema.description } })
  @ApiAcceptedResponse({ type: ClipAcceptedDto, description: 'Published to fleet.clips.v1; the object is checked and probed asynchronously (see GET /v1/drives/:driveId).' })
  notifyClip(@Body() body: unknown): Promise<ClipAcceptedDto> {
    return this.clipUploads.notify(body);
  }

  @Post('clips/direct')
  @Roles('ingest')
  @HttpCode(202)
  @ApiBody({ description: 'The raw video bytes (≤ 16 MiB), with their Content-Type (video/mp4, …); the metadata is in the query.' })
  @ApiAcceptedResponse({ type: ClipAcceptedDto, description: 'Stored, and published to fleet.clips.v1 with its sha256.' })
  directUpload(@Query() query: DirectClipUploadQueryDto, @Req() req: FastifyRequest): Promise<ClipAcceptedDto> {
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
    return this.clipUploads.upload({ ...query, contentType }, (req.body as Readable | Buffer | undefined) ?? Buffer.alloc(0));
  }
}
