import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@surprisal/auth';
import { EdgeCaseDetailDto, EdgeCasePageDto, SimilarPageDto } from './dtos/edge-case.dto';
import { ListEdgeCasesQuery, SimilarQuery } from './dtos/list-edge-cases.query';
import { EdgeCasesService } from './edge-cases.service';

@ApiTags('edge-cases')
@ApiBearerAuth()
@Roles('annotator', 'engineer')
@Controller('v1/edge-cases')
export class EdgeCasesController {
  constructor(@Inject(EdgeCasesService) private readonly edgeCases: EdgeCasesService) {}

  @Get()
  @ApiOkResponse({ type: EdgeCasePageDto })
  @ApiBadRequestResponse({ description: 'A filter is malformed; the message names it.' })
  list(@Query() query: ListEdgeCasesQuery): Promise<EdgeCasePageDto> {
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
