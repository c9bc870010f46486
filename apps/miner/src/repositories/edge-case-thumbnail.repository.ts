import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@surprisal/db';

/** An edge case without a thumbnail and one ready clip overlapping it. */
export interface ThumbnailSource {
  edgeCaseId: string;
  startT: number;
  endT: number;
  peakT: number;
  camera: string;
  uri: string;
  clipStartT: number;
  clipEndT: number;
  fps: number;
}

/** What the thumbnail job reads and writes of edge cases and ingest's clips. */
@Injectable()
export class EdgeCaseThumbnailRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** For each of these edge cases that has no thumbnail yet, the ready clips overlapping it (the clips the API lists for it). */
  async sources(edgeCaseIds: readonly string[]): Promise<ThumbnailSource[]> {
    if (edgeCaseIds.length === 0) return [];
    const rows = await this.db.query<{ id: string; start_t: string; end_t: string; peak_t: string; camera: string; uri: string; clip_start_t: string; clip_end_t: string; fps: number }>(
      `SELECT e.id, e.start_t, e.end_t, e.peak_t, c.camera, c.uri, c.start_t AS clip_start_t, c.end_t AS clip_end_t, c.fps
       FROM edge_cases e JOIN clips c ON c.drive_id = e.drive_id AND c.status = 'ready' AND c.start_t < e.end_t AND c.end_t > e.start_t
       WHERE e.id = ANY($1::uuid[]) AND e.thumbnail_uri IS NULL AND c.fps > 0
       ORDER BY e.id, c.start_t, c.clip_id`,
      [edgeCaseIds],
    );
    return rows.map((r) => ({
      edgeCaseId: r.id,
      startT: Number(r.start_t),
      endT: Number(r.end_t),
      peakT: Number(r.peak_t),
      camera: r.camera,
      uri: r.uri,
      clipStartT: Number(r.clip_start_t),
      clipEndT: Number(r.clip_end_t),
      fps: Number(r.fps),
    }));
  }

  async setThumbnail(edgeCaseId: string, uri: string): Promise<void> {
    await this.db.query(`UPDATE edge_cases SET thumbnail_uri = $2 WHERE id = $1`, [edgeCaseId, uri]);
  }
}
