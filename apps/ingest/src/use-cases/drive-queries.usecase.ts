import { Inject, Injectable } from '@nestjs/common';
import { IngestErrorCode, IngestException } from '../ingest.exception';
import { DriveReadRepository, type ClipView, type DriveSummary, type SegmentView } from '../repositories/drive-read.repository';

export interface DriveDetail extends DriveSummary {
  segments: SegmentView[];
  clips: ClipView[];
}

/** One drive with its segments and clips (and their status). */
@Injectable()
export class GetDriveUseCase {
  constructor(@Inject(DriveReadRepository) private readonly drives: DriveReadRepository) {}

  async execute(driveId: string): Promise<DriveDetail> {
    const drive = await this.drives.drive(driveId);
    if (!drive) throw new IngestException(IngestErrorCode.UnknownDrive, `no drive ${driveId}`);
    const [segments, clips] = await Promise.all([this.drives.segments(driveId), this.drives.clips(driveId)]);
    return { ...drive, segments, clips };
  }
}

/** A vehicle's drives, newest first. */
@Injectable()
export class ListVehicleDrivesUseCase {
  constructor(@Inject(DriveReadRepository) private readonly drives: DriveReadRepository) {}

  async execute(vehicleId: string): Promise<{ vehicleId: string; drives: DriveSummary[] }> {
    const drives = await this.drives.drivesOfVehicle(vehicleId);
    if (!drives) throw new IngestException(IngestErrorCode.UnknownVehicle, `no vehicle ${vehicleId}`);
    return { vehicleId, drives };
  }
}
