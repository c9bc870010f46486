import { type ActionSample, type FleetActionsV1 } from '@surprisal/contracts';
import { type ClipMeta, type DriveInfo, type FleetSink } from './sink';

/** Keeps everything the fleet sends in memory: for tests, benchmarks and evaluations that replay it. */
export class MemorySink implements FleetSink {
  readonly batches: FleetActionsV1[] = [];
  readonly clips: { meta: ClipMeta; body: Buffer }[] = [];
  readonly drives: DriveInfo[] = [];

  actions(batches: readonly FleetActionsV1[]): Promise<void> {
    this.batches.push(...batches);
    return Promise.resolve();
  }

  clip(meta: ClipMeta, body: Buffer): Promise<void> {
    this.clips.push({ meta, body });
    return Promise.resolve();
  }

  driveDone(info: DriveInfo): Promise<void> {
    this.drives.push(info);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Every drive's samples in arrival order, with its vehicle. */
  samplesByDrive(): Map<string, { vehicleId: string; samples: ActionSample[] }> {
    const drives = new Map<string, { vehicleId: string; samples: ActionSample[] }>();
    for (const b of this.batches) {
      const d = drives.get(b.driveId) ?? { vehicleId: b.vehicleId, samples: [] };
      d.samples.push(...b.samples);
      drives.set(b.driveId, d);
    }
    return drives;
  }
}
