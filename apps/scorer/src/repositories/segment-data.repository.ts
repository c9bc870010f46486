import { Inject, Injectable } from '@nestjs/common';
import { type SegmentClip } from '@surprisal/contracts';
import { Database } from '@surprisal/db';

/** What the scorer reads of ingest's tables: the previous segment (for history) and ready clips. */
@Injectable()
export class SegmentDataRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** Which of these segment ids this database holds. */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.query<{ id: string }>(`SELECT id FROM action_segments WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** The stored samples URI of segment `index` of a drive, if it has been written. */
  async segmentUri(driveId: string, index: number): Promise<string | undefined> {
    if (index < 0) return undefined;
    const [row] = await this.db.query<{ uri: string | null }>(`SELECT uri FROM action_segments WHERE drive_id = $1 AND segment_index = $2`, [driveId, index]);
    return row?.uri ?? undefined;
  }

  /** Ready clips of the drive overlapping [startT, endT). */
  async readyClips(driveId: string, startT: number, endT: number): Promise<SegmentClip[]> {
    const rows = await this.db.query<{ clip_id: string; camera: string; uri: string; start_t: string; end_t: string; fps: number }>(
      `SELECT clip_id, camera, uri, start_t, end_t, fps FROM clips
       WHERE drive_id = $1 AND status = 'ready' AND start_t < $3 AND end_t > $2 ORDER BY start_t, clip_id`,
      [driveId, startT, endT],
    );
    return rows.map((r) => ({ clipId: r.clip_id, camera: r.camera, uri: r.uri, startT: Number(r.start_t), endT: Number(r.end_t), fps: Number(r.fps) }));
  }
}
