import { Controller, Get, Inject, Param, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@surprisal/auth';
import { GetDriveUseCase, ListVehicleDrivesUseCase } from '../../../ingest/src/use-cases/drive-queries.usecase';
import { DriveDetailDto, VehicleDrivesDto } from './dtos/ingest.dto';
import { DomainExceptionFilter } from '../domain-exception.filter';

/** What ingest stored, per drive and per vehicle. Readable by the roles that work with the data. */
@ApiTags('drives')
@ApiBearerAuth()
@UseFilters(DomainExceptionFilter)
@Controller('v1')
export class DrivesController {
  constructor(
    @Inject(GetDriveUseCase) private readonly getDrive: GetDriveUseCase,
    @Inject(ListVehicleDrivesUseCase) private readonly listDrives: ListVehicleDrivesUseCase,
  ) {}

  @Get('drives/:driveId')
  @Roles('ingest', 'engineer', 'annotator')
  @ApiOkResponse({ type: DriveDetailDto, description: 'Vehicle, sample count, time span, segments and clips (with status).' })
  @ApiNotFoundResponse({ description: 'Unknown drive.' })
  drive(@Param('driveId') driveId: string): Promise<DriveDetailDto> {
    return this.getDrive.execute(driveId);
  }

  @Get('vehicles/:vehicleId/drives')
  @Roles('ingest', 'engineer', 'annotator')
  @ApiOkResponse({ type: VehicleDrivesDto })
  @ApiNotFoundResponse({ description: 'Unknown vehicle.' })
  drives(@Param('vehicleId') vehicleId: string): Promise<VehicleDrivesDto> {
    return this.listDrives.execute(vehicleId);
  }
}
