import { Controller, Get, Header, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@surprisal/auth';
import { EdgeCaseDetailDto, EdgeCasePageDto, SimilarPageDto } from './dtos/edge-case.dto';
import { ListEdgeCasesQuery, SimilarQuery } from './dtos/list-edge-cases.query';
import { EdgeCasesService, type JsonText } from './edge-cases.service';

@ApiTags('edge-cases')
@ApiBearerAuth()
@Roles('annotator', 'engineer')
@Controller('v1/edge-cases')
export class EdgeCasesController {
  constructor(@Inject(EdgeCasesService) private readonly edgeCases: EdgeCasesService) {}

  @Get()
  // The service returns the page as JSON text (PostgreSQL built it): sent as it is.
  @Header('Content-Type', 'application/json')
  @ApiOkResponse({ type: EdgeCasePageDto })
  @ApiBadRequestResponse({ description: 'A filter is malformed; the message names it.' })
  list(@Query() query: ListEdgeCasesQuery): Promise<JsonText<EdgeCasePageDto>> {
    return this.edgeCases.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: EdgeCaseDetailDto })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<EdgeCaseDetailDto> {
    return this.edgeCases.get(id);
  }

  @Get(':id/similar')
  @ApiOkResponse({ type: SimilarPageDto })
  @ApiNotFoundResponse()
  similar(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: SimilarQuery): Promise<SimilarPageDto> {
    return this.edgeCases.similar(id, query.limit);
  }
}
