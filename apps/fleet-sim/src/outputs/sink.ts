import { type FleetActionsV1, type FleetClipsV1 } from '@surprisal/contracts';

/** A clip as the simulator or an importer produces it: everything of fleet.clips.v1 but where it is stored. */
export type ClipMeta = Omit<FleetClipsV1, 'uri' | 'sha256'>;

/** One drive, announced when it ends (dataset outputs write their per-drive files then). */
export interface DriveInfo {
  vehicleId: string;
  driveId: string;
  startT: number;
  endT: number;
  /** What the drive looked like (lighting, weather…); never scenario truth. */
  conditions?: Record<string, string | number>;
}

/** Where fleet data goes: a dataset on disk, Kafka + object storage, or the engine's HTTP ingest. */
export interface FleetSink {
  /** Batches of fleet.actions.v1 (one second of one vehicle each), in time order per vehicle. */
  actions(batches: readonly FleetActionsV1[]): Promise<void>;
  /** An encoded clip (MP4): stored, then announced. */
  clip(meta: ClipMeta, body: Buffer): Promise<void>;
  driveDone(info: DriveInfo): Promise<void>;
  close(): Promise<void>;
}

/** The object key of a clip, as every output names it. */
export const clipKey = (m: Pick<ClipMeta, 'vehicleId' | 'driveId' | 'clipId'>): string => `clips/${m.vehicleId}/${m.driveId}/${m.clipId}.mp4`;
