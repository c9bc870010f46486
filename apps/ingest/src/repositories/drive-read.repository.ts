import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@surprisal/db';

export interface DriveSummary {
  driveId: string;
  vehicleId: string;
  sampleCount: number;
  firstT: number | null;
  lastT: number | null;
  batchCount: number;
  updatedAt: string;
}

export interface SegmentView {
  segmentId: string;
  index: number;
  startT: number;
  endT: number;
  sampleCount: number;
  signals: string[];
  status: 'open' | 'complete';
  version: number;
  uri: string | null;
}

export interface ClipView {
  clipId: string;
  camera: string;
  uri: string;
  startT: number;
  endT: number;
  fps: number;
  status: 'pending' | 'ready' | 'failed';
  failureReason: string | null;
  probe: Record<string, unknown> | null;
}

interface DriveRow {
  id: string;
  vehicle_id: string;
  sample_count: string;
  first_t: string | null;
  last_t: string | null;
  batch_count: string;
  updated_at: Date | string;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));
const summary = (r: DriveRow): DriveSummary => ({
  driveId: r.id,
  vehicleId: r.vehicle_id,
  sampleCount: Number(r.sample_count),
  firstT: num(r.first_t),
  lastT: num(r.last_t),
  batchCount: Number(r.batch_count),
  updatedAt: new Date(r.updated_at).toISOString(),
});

const DRIVE_COLUMNS = `d.id, d.vehicle_id, d.sample_count, d.first_t, d.last_t, d.updated_at,
  (SELECT count(*) FROM action_batches b WHERE b.drive_id = d.id) AS batch_count`;

/** The read side of drives for the API. */
@Injectable()
export class DriveReadRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async drive(driveId: string): Promise<DriveSummary | undefined> {
    const [row] = await this.db.query<DriveRow>(`SELECT ${DRIVE_COLUMNS} FROM drives d WHERE d.id = $1`, [driveId]);
    return row && summary(row);
  }

  async segments(driveId: string): Promise<SegmentView[]> {
    const rows = await this.db.query<{
      id: string;
      segment_index: number;
      start_t: string;
      end_t: string;
      sample_count: number;
      signals: string[] | string;
      status: 'open' | 'complete';
      version: number;
      uri: string | null;
    }>(`SELECT id, segment_index, start_t, end_t, sample_count, signals, status, version, uri FROM action_segments WHERE drive_id = $1 ORDER BY segment_index`, [driveId]);
    return rows.map((r) => ({
      segmentId: r.id,
      index: Number(r.segment_index),
      startT: Number(r.start_t),
      endT: Number(r.end_t),
      sampleCount: Number(r.sample_count),
      signals: Array.isArray(r.signals) ? r.signals : parsePgTextArray(r.signals),
      status: r.status,
      version: Number(r.version),
      uri: r.uri,
    }));
  }

  async clips(driveId: string): Promise<ClipView[]> {
    const rows = await this.db.query<{
      clip_id: string;
      camera: string;
      uri: string;
      start_t: string;
      end_t: string;
      fps: number;
      status: ClipView['status'];
      failure_reason: string | null;
      probe: Record<string, unknown> | string | null;
    }>(`SELECT clip_id, camera, uri, start_t, end_t, fps, status, failure_reason, probe FROM clips WHERE drive_id = $1 ORDER BY start_t, clip_id`, [driveId]);
    return rows.map((r) => ({
      clipId: r.clip_id,
      camera: r.camera,
      uri: r.uri,
      startT: Number(r.start_t),
      endT: Number(r.end_t),
      fps: Number(r.fps),
      status: r.status,
      failureReason: r.failure_reason,
      probe: typeof r.probe === 'string' ? (JSON.parse(r.probe) as Record<string, unknown>) : r.probe,
    }));
  }

  /** The vehicle's drives, newest first; undefined when the vehicle is unknown. */
  async drivesOfVehicle(vehicleId: string): Promise<DriveSummary[] | undefined> {
    const [vehicle] = await this.db.query(`SELECT id FROM vehicles WHERE id = $1`, [vehicleId]);
    if (!vehicle) return undefined;
    const rows = await this.db.query<DriveRow>(`SELECT ${DRIVE_COLUMNS} FROM drives d WHERE d.vehicle_id = $1 ORDER BY d.first_t DESC NULLS LAST, d.id`, [vehicleId]);
    return rows.map(summary);
  }
}

/** A text[] that came back in its literal form (`{a,b}`): its elements (signal names never need quoting). */
function parsePgTextArray(literal: string): string[] {
  const inner = literal.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((s) => s.replace(/^"|"$/g, ''));
}
