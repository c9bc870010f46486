import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@surprisal/db';
import { type ScoredWindow } from '../scoring/scored-window';

/**
 * window_scores: a segment's windows under one model version replace what that version stored for the
 * segment before (upsert on (segment, model, start); windows that no longer exist are deleted), in one
 * transaction, so re-scoring never duplicates and a crash never leaves half a segment.
 */
@Injectable()
export class WindowScoreRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async replace(modelVersionId: string, segmentIds: readonly string[], windows: readonly ScoredWindow[]): Promise<void> {
    const rows = windows.map((w) => ({
      segment_id: w.segmentId,
      model_version_id: modelVersionId,
      vehicle_id: w.vehicleId,
      drive_id: w.driveId,
      start_t: w.startT,
      end_t: w.endT,
      components: w.storedComponents,
      total: w.total,
      p_value: w.pValue,
      triggers: w.triggers.map((t) => t.trigger),
      series: w.series,
    }));
    await this.db.sqlTransaction(async (tx) => {
      for (const segmentId of segmentIds) {
        const starts = windows.filter((w) => w.segmentId === segmentId).map((w) => String(w.startT));
        await tx.query(`DELETE FROM window_scores WHERE segment_id = $1 AND model_version_id = $2 AND NOT (start_t = ANY($3::bigint[]))`, [segmentId, modelVersionId, starts]);
      }
      if (rows.length === 0) return;
      await tx.query(
        `INSERT INTO window_scores (segment_id, model_version_id, vehicle_id, drive_id, start_t, end_t, components, total, p_value, triggers, series)
         SELECT x.segment_id, x.model_version_id, x.vehicle_id, x.drive_id, x.start_t, x.end_t, x.components, x.total, x.p_value, x.triggers, x.series
         FROM jsonb_to_recordset($1::jsonb) AS x(segment_id uuid, model_version_id uuid, vehicle_id text, drive_id text, start_t bigint, end_t bigint,
                                                  components jsonb, total double precision, p_value double precision, triggers text[], series jsonb)
         ON CONFLICT ON CONSTRAINT uq_window_scores_segment_model_start DO UPDATE SET
           end_t = EXCLUDED.end_t, components = EXCLUDED.components, total = EXCLUDED.total, p_value = EXCLUDED.p_value,
           triggers = EXCLUDED.triggers, series = EXCLUDED.series, created_at = now()`,
        [JSON.stringify(rows)],
      );
    });
  }
}
