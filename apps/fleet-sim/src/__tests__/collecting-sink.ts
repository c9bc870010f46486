import { type FleetActionsV1 } from '@surprisal/contracts';
import { type ClipMeta, type DriveInfo, type FleetSink } from '../outputs/sink';

/** A sink that keeps everything in memory, for tests. */
export class CollectingSink implements FleetSink {
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
}
