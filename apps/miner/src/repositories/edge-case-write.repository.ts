import { Inject, Injectable } from '@nestjs/common';
import { Database, type SqlTx } from '@surprisal/db';

export interface NewEdgeCaseRow {
  id: string;
  vehicleId: string;
  driveId: string;
  segmentId: string;
  modelVersionId: string;
  startT: number;
  endT: number;
  peakT: number;
  score: number;
  pValue: number;
  queue: 'annotation' | 'safety';
  reasonKinds: string[];
  reasons: Record<string, unknown>[];
  triggers: string[];
  embedding: number[];
  clusterId: string;
}

export interface NearCase {
  id: string;
  clusterId: string;
  embedding: number[];
}

/** Parses cube's text form "(0.1, 0.2, …)" (or a point written as a box "(…),(…)": the first corner). */
export function parseCube(text: string): number[] {
  const first = text.split('),')[0].replace(/[()\s]/g, '');
  return first ? first.split(',').map(Number) : [];
}

/** The miner's writes: edge cases (idempotent on drive, model, start), their tasks, and the lookups dedup and budget need. */
@Injectable()
export class EdgeCaseWriteRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.db.sqlTransaction(work);
  }

  /** The `k` stored edge cases nearest to an embedding (cube GiST index, Euclidean). */
  async nearest(tx: SqlTx, embedding: readonly number[], k: number): Promise<NearCase[]> {
    const rows = await tx.query<{ id: string; cluster_id: string | null; embedding: string }>(
      `SELECT id, cluster_id, embedding::text AS embedding FROM edge_cases WHERE embedding IS NOT NULL
       ORDER BY embedding <-> cube($1::float8[]) LIMIT $2`,
      [embedding, k],
    );
    return rows.map((r) => ({ id: r.id, clusterId: r.cluster_id ?? r.id, embedding: parseCube(r.embedding) }));
  }

  /** An edge case of the same drive and model overlapping [startT, endT] (a re-scored segment's, or the start of an event crossing a segment boundary). */
  async overlapping(tx: SqlTx, driveId: string, modelVersionId: string, startT: number, endT: number): Promise<{ id: string; startT: number } | undefined> {
    const [row] = await tx.query<{ id: string; start_t: string }>(
      `SELECT id, start_t FROM edge_cases WHERE drive_id = $1 AND model_version_id = $2 AND start_t <= $4 AND end_t >= $3 ORDER BY start_t LIMIT 1`,
      [driveId, modelVersionId, startT, endT],
    );
    return row && { id: row.id, startT: Number(row.start_t) };
  }

  /**
   * Inserts edge cases; one that exists (a re-scored segment, or the rest of an event that crossed a
   * segment boundary) is refreshed in place, keeping its strongest peak, and not reported as new.
   */
  async upsert(tx: SqlTx, rows: readonly NewEdgeCaseRow[]): Promise<{ id: string; inserted: boolean; startT: number; driveId: string }[]> {
    if (rows.length === 0) return [];
    const json = rows.map((r) => ({
      id: r.id,
      vehicle_id: r.vehicleId,
      drive_id: r.driveId,
      segment_id: r.segmentId,
      model_version_id: r.modelVersionId,
      start_t: r.startT,
      end_t: r.endT,
      peak_t: r.peakT,
      score: r.score,
      p_value: r.pValue,
      queue: r.queue,
      reason_kinds: r.reasonKinds,
      reasons: r.reasons,
      triggers: r.triggers,
      embedding: r.embedding,
      cluster_id: r.clusterId,
    }));
    const out = await tx.query<{ id: string; inserted: boolean; start_t: string; drive_id: string }>(
      `INSERT INTO edge_cases (id, vehicle_id, drive_id, segment_id, model_version_id, start_t, end_t, peak_t, score, p_value, queue,
                               reason_kinds, reasons, triggers, embedding, cluster_id)
       SELECT x.id, x.vehicle_id, x.drive_id, x.segment_id, x.model_version_id, x.start_t, x.end_t, x.peak_t, x.score, x.p_value, x.queue,
              x.reason_kinds, x.reasons, x.triggers, cube(x.embedding), x.cluster_id
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, vehicle_id text, drive_id text, segment_id uuid, model_version_id uuid, start_t bigint,
            end_t bigint, peak_t bigint, score double precision, p_value double precision, queue text, reason_kinds text[], reasons jsonb,
            triggers text[], embedding float8[], cluster_id uuid)
       ON CONFLICT ON CONSTRAINT uq_edge_cases_drive_model_start DO UPDATE SET
         end_t = GREATEST(edge_cases.end_t, EXCLUDED.end_t),
         peak_t = CASE WHEN EXCLUDED.score >= edge_cases.score THEN EXCLUDED.peak_t ELSE edge_cases.peak_t END,
         p_value = CASE WHEN EXCLUDED.score >= edge_cases.score THEN EXCLUDED.p_value ELSE edge_cases.p_value END,
         reason_kinds = CASE WHEN EXCLUDED.score >= edge_cases.score THEN EXCLUDED.reason_kinds ELSE edge_cases.reason_kinds END,
         reasons = CASE WHEN EXCLUDED.score >= edge_cases.score THEN EXCLUDED.reasons ELSE edge_cases.reasons END,
         triggers = ARRAY(SELECT DISTINCT unnest(edge_cases.triggers || EXCLUDED.triggers)),
         score = GREATEST(edge_cases.score, EXCLUDED.score),
         updated_at = now()
       RETURNING id, (xmax = 0) AS inserted, start_t, drive_id`,
      [JSON.stringify(json)],
    );
    return out.map((r) => ({ id: r.id, inserted: r.inserted === true || String(r.inserted) === 'true', startT: Number(r.start_t), driveId: r.drive_id }));
  }

  /** Tasks created since the start of the current UTC day (the budget's spend). */
  async tasksToday(tx: SqlTx): Promise<number> {
    const [row] = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM annotation_tasks WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`);
    return Number(row?.n ?? 0);
  }

  /** Tasks already held by each of these clusters. */
  async clusterTaskCounts(tx: SqlTx, clusterIds: readonly string[]): Promise<Map<string, number>> {
    if (clusterIds.length === 0) return new Map();
    const rows = await tx.query<{ cluster: string; n: string }>(
      `SELECT COALESCE(e.cluster_id, e.id) AS cluster, count(*) AS n FROM annotation_tasks t JOIN edge_cases e ON e.id = t.edge_case_id
       WHERE COALESCE(e.cluster_id, e.id) = ANY($1::uuid[]) GROUP BY 1`,
      [clusterIds],
    );
    return new Map(rows.map((r) => [r.cluster, Number(r.n)]));
  }

  async createTasks(tx: SqlTx, tasks: readonly { edgeCaseId: string; queue: string; priority: number }[]): Promise<void> {
    if (tasks.length === 0) return;
    await tx.query(
      `INSERT INTO annotation_tasks (edge_case_id, queue, priority)
       SELECT x.edge_case_id, x.queue, x.priority FROM jsonb_to_recordset($1::jsonb) AS x(edge_case_id uuid, queue text, priority double precision)
       ON CONFLICT ON CONSTRAINT uq_annotation_tasks_edge_case DO NOTHING`,
      [JSON.stringify(tasks.map((t) => ({ edge_case_id: t.edgeCaseId, queue: t.queue, priority: t.priority })))],
    );
    await tx.query(`UPDATE edge_cases SET status = 'queued', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'new'`, [tasks.map((t) => t.edgeCaseId)]);
  }
}
