import { Inject, Injectable } from '@nestjs/common';
import { unpackActionSamples } from '@surprisal/columnar';
import { type ActionSample, type SegmentClip } from '@surprisal/contracts';
import { Database } from '@surprisal/db';

/** An open segment whose data is due for (re-)emission. */
export interface DueSegment {
  id: string;
  vehicleId: string;
  driveId: string;
  index: number;
  startT: number;
  endT: number;
  /** The version already emitted (uri set) or reserved for the first emission (uri null). */
  version: number;
  uri: string | null;
  dataRevision: number;
}

export interface EmittedSegment {
  uri: string;
  sha256: string;
  version: number;
  sampleCount: number;
  signals: string[];
}

interface DueRow {
  id: string;
  vehicle_id: string;
  drive_id: string;
  segment_index: number;
  start_t: string;
  end_t: string;
  version: number;
  uri: string | null;
  data_revision: number;
}

function toDue(r: DueRow): DueSegment {
  return {
    id: r.id,
    vehicleId: r.vehicle_id,
    driveId: r.drive_id,
    index: Number(r.segment_index),
    startT: Number(r.start_t),
    endT: Number(r.end_t),
    version: Number(r.version),
    uri: r.uri,
    dataRevision: Number(r.data_revision),
  };
}

interface ClipRow {
  clip_id: string;
  camera: string;
  uri: string;
  start_t: string | number;
  end_t: string | number;
  fps: number;
}

const toClip = (r: ClipRow): SegmentClip => ({ clipId: r.clip_id, camera: r.camera, uri: r.uri, startT: Number(r.start_t), endT: Number(r.end_t), fps: Number(r.fps) });

/** Samples of batches (in seq order) inside [startT, endT), one per timestamp (the first batch wins), in time order. */
function inWindow(batches: ActionSample[][], startT: number, endT: number): ActionSample[] {
  const byT = new Map<number, ActionSample>();
  for (const samples of batches) for (const s of samples) if (s.t >= startT && s.t < endT && !byT.has(s.t)) byT.set(s.t, s);
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/** Segment assembly state, all of it in PostgreSQL so a restarted process carries on where the last one stopped. */
@Injectable()
export class SegmentRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /**
   * Open segments that are complete: data past their end has arrived (the drive's watermark), or the
   * drive has been idle for `idleMs`. Restricted to `driveIds` when given.
   */
  async due(idleMs: number, limit: number, driveIds?: string[]): Promise<DueSegment[]> {
    const rows = await this.db.query<DueRow>(
      `SELECT s.id, s.vehicle_id, s.drive_id, s.segment_index, s.start_t, s.end_t, s.version, s.uri, s.data_revision
       FROM action_segments s JOIN drives d ON d.id = s.drive_id
       WHERE s.status = 'open'
         AND ($3::text[] IS NULL OR s.drive_id = ANY($3::text[]))
         AND (d.last_t >= s.end_t OR d.updated_at <= now() - $1::integer * interval '1 millisecond')
       ORDER BY s.drive_id, s.segment_index
       LIMIT $2`,
      [idleMs, limit, driveIds ?? null],
    );
    return rows.map(toDue);
  }

  /**
   * In one round trip: the segment `id` if it is (still) open and due, with what an emission needs —
   * its samples (one per timestamp, the lowest seq wins, in time order) and the ready clips overlapping it.
   */
  async loadDue(id: string, idleMs: number): Promise<{ segment: DueSegment; samples: ActionSample[]; clips: SegmentClip[] } | undefined> {
    // The window's batches (packed bytes) come back concatenated in one bytea with their sizes: one
    // value to transfer and unhex, cut apart and unpacked here.
    const [row] = await this.db.query<DueRow & { samples: Buffer | null; sizes: number[] | null; clips: ClipRow[] | string }>(
      `SELECT s.id, s.vehicle_id, s.drive_id, s.segment_index, s.start_t, s.end_t, s.version, s.uri, s.data_revision, b.samples, b.sizes,
              (SELECT coalesce(jsonb_agg(jsonb_build_object('clip_id', c.clip_id, 'camera', c.camera, 'uri', c.uri, 'start_t', c.start_t, 'end_t', c.end_t, 'fps', c.fps)
                                         ORDER BY c.start_t, c.clip_id), '[]'::jsonb)
                 FROM clips c WHERE c.drive_id = s.drive_id AND c.status = 'ready' AND c.start_t < s.end_t AND c.end_t > s.start_t) AS clips
       FROM action_segments s JOIN drives d ON d.id = s.drive_id
       CROSS JOIN LATERAL (
         SELECT string_agg(b.samples, ''::bytea ORDER BY b.seq, b.id) AS samples, array_agg(length(b.samples) ORDER BY b.seq, b.id) AS sizes
         -- Both bounds on the (drive_id, first_t) index: no batch of this drive spans more than max_batch_span_ms.
         FROM action_batches b WHERE b.drive_id = s.drive_id AND b.first_t < s.end_t AND b.first_t >= s.start_t - d.max_batch_span_ms AND b.last_t >= s.start_t
       ) b
       WHERE s.id = $2 AND s.status = 'open' AND (d.last_t >= s.end_t OR d.updated_at <= now() - $1::integer * interval '1 millisecond')`,
      [idleMs, id],
    );
    if (!row) return undefined;
    const segment = toDue(row);
    const bytes = row.samples ?? Buffer.alloc(0);
    const batches: ActionSample[][] = [];
    let at = 0;
    for (const size of row.sizes ?? []) {
      batches.push(unpackActionSamples(bytes.subarray(at, at + size)));
      at += size;
    }
    const clips = typeof row.clips === 'string' ? (JSON.parse(row.clips) as ClipRow[]) : row.clips;
    return { segment, samples: inWindow(batches, segment.startT, segment.endT), clips: clips.map(toClip) };
  }

  /**
   * Records an emission. The segment becomes complete only if no data landed since it was read
   * (same data_revision); else it stays open with the new version recorded, so the next emission is version + 1.
   * Guarded by the version and uri read, so a concurrent emitter of the same segment changes nothing.
   */
  async recordEmitted(segment: DueSegment, emitted: EmittedSegment): Promise<boolean> {
    const rows = await this.db.query<{ status: string }>(
      `UPDATE action_segments
       SET uri = $2, sha256 = $3, version = $4, sample_count = $5, signals = $6::text[],
           status = CASE WHEN data_revision = $7 THEN 'complete' ELSE 'open' END, updated_at = now()
       WHERE id = $1 AND version = $8 AND uri IS NOT DISTINCT FROM $9
       RETURNING status`,
      [segment.id, emitted.uri, emitted.sha256, emitted.version, emitted.sampleCount, emitted.signals, segment.dataRevision, segment.version, segment.uri],
    );
    return rows[0]?.status === 'complete';
  }

  /** Marks the drive's segments overlapping [startT, endT) dirty (a clip became ready): they are emitted again with it. */
  async reopenOverlapping(driveId: string, startT: number, endT: number): Promise<number> {
    const rows = await this.db.query<{ id: string }>(
      // Rows locked in segment order, as the actions insert upserts them: two writers never wait on each other in a cycle.
      `WITH target AS (
         SELECT id FROM action_segments WHERE drive_id = $1 AND start_t < $3 AND end_t > $2 ORDER BY segment_index FOR UPDATE
       )
       UPDATE action_segments s SET status = 'open', data_revision = s.data_revision + 1, updated_at = now()
       FROM target WHERE s.id = target.id RETURNING s.id`,
      [driveId, startT, endT],
    );
    return rows.length;
  }
}
