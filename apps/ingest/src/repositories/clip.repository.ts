import { Inject, Injectable } from '@nestjs/common';
import { type FleetClipsV1 } from '@surprisal/contracts';
import { Database } from '@surprisal/db';

export type ClipState = { status: 'pending' } | { status: 'ready' } | { status: 'failed'; reason: string; detail: string };

/** Clips named by fleet.clips.v1, unique on (vehicleId, clipId). */
@Injectable()
export class ClipRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** Registers the clip (and its vehicle and drive) as pending unless known; returns its current state. */
  async register(clip: FleetClipsV1): Promise<ClipState> {
    return this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO vehicles (id) VALUES ($1) ON CONFLICT ON CONSTRAINT pk_vehicles DO UPDATE SET last_seen_at = now()`, [clip.vehicleId]);
      await tx.query(`INSERT INTO drives (id, vehicle_id) VALUES ($1, $2) ON CONFLICT ON CONSTRAINT pk_drives DO NOTHING`, [clip.driveId, clip.vehicleId]);
      await tx.query(
        `INSERT INTO clips (vehicle_id, drive_id, clip_id, camera, uri, start_t, end_t, fps, sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT ON CONSTRAINT uq_clips_vehicle_clip DO NOTHING`,
        [clip.vehicleId, clip.driveId, clip.clipId, clip.camera, clip.uri, clip.startT, clip.endT, clip.fps, clip.sha256],
      );
      const [row] = await tx.query<{ status: 'pending' | 'ready' | 'failed'; failure_reason: string | null }[]>(
        `SELECT status, failure_reason FROM clips WHERE vehicle_id = $1 AND clip_id = $2`,
        [clip.vehicleId, clip.clipId],
      );
      if (row.status === 'failed') {
        const [reason, ...detail] = (row.failure_reason ?? 'invalid_message').split(': ');
        return { status: 'failed', reason, detail: detail.join(': ') };
      }
      return { status: row.status };
    });
  }

  async markReady(vehicleId: string, clipId: string, probe: Record<string, unknown>): Promise<void> {
    await this.db.query(`UPDATE clips SET status = 'ready', probe = $3::jsonb, failure_reason = NULL, updated_at = now() WHERE vehicle_id = $1 AND clip_id = $2`, [
      vehicleId,
      clipId,
      JSON.stringify(probe),
    ]);
  }

  /** `reason` is the machine-readable code; the row keeps `<code>: <detail>`. */
  async markFailed(vehicleId: string, clipId: string, reason: string, detail: string): Promise<void> {
    await this.db.query(`UPDATE clips SET status = 'failed', failure_reason = $3, updated_at = now() WHERE vehicle_id = $1 AND clip_id = $2`, [
      vehicleId,
      clipId,
      `${reason}: ${detail}`,
    ]);
  }
}
