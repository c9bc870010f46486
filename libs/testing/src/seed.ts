import { randomUUID } from 'node:crypto';
import { type Database } from '@surprisal/db';

export interface SeededEdgeCase {
  id: string;
  vehicleId: string;
  startT: number;
  score: number;
  taskId: string | undefined;
}

export interface SeedOptions {
  count: number;
  vehicleIds?: string[];
  modelVersion?: string;
  /** Embedding dimension; each case gets a distinct direction so nearest neighbours are known. */
  embeddingDim?: number;
  withTasks?: boolean;
  queue?: 'annotation' | 'safety';
  startT?: number;
  /** Also store the scored windows around each edge case (with predicted/actual series). */
  withWindows?: boolean;
}

/**
 * Inserts vehicles, drives, segments, a model version and edge cases (optionally with annotation
 * tasks and scored windows) straight into the database: the API's tests need data the scorer and
 * miner would make, without running them.
 */
export async function seedEdgeCases(db: Database, options: SeedOptions): Promise<{ modelVersionId: string; cases: SeededEdgeCase[] }> {
  const vehicleIds = options.vehicleIds ?? ['veh-a', 'veh-b'];
  const version = options.modelVersion ?? `seed-${randomUUID().slice(0, 8)}`;
  const t0 = options.startT ?? Math.floor(Date.now() / 1000) * 1000 - 86_400_000; // yesterday: inside any recent-days window
  const dim = options.embeddingDim ?? 8;
  const [model] = await db.query<{ id: string }>(
    `INSERT INTO model_versions (version, artifact_uri, io_contract) VALUES ($1, 'file:///models/seed', 'model-io.v1') RETURNING id`,
    [version],
  );
  const segments = new Map<string, string>();
  for (const vehicleId of vehicleIds) {
    const driveId = `${vehicleId}-drive-${version}`;
    await db.query(`INSERT INTO vehicles (id) VALUES ($1) ON CONFLICT DO NOTHING`, [vehicleId]);
    await db.query(`INSERT INTO drives (id, vehicle_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [driveId, vehicleId]);
    const [segment] = await db.query<{ id: string }>(
      `INSERT INTO action_segments (vehicle_id, drive_id, segment_index, start_t, end_t, sample_count, status)
       VALUES ($1, $2, 0, $3, $4, 400, 'complete') RETURNING id`,
      [vehicleId, driveId, t0, t0 + 10_000_000],
    );
    segments.set(vehicleId, segment.id);
  }
  const cases: SeededEdgeCase[] = [];
  for (let i = 0; i < options.count; i++) {
    const vehicleId = vehicleIds[i % vehicleIds.length];
    const driveId = `${vehicleId}-drive-${version}`;
    const startT = t0 + i * 1000;
    const score = Number((((i * 7919) % 1000) / 100).toFixed(2)); // spread, with ties
    const embedding = `(${Array.from({ length: dim }, (_, d) => (d === i % dim ? 1 : 0) + i / 1000).join(',')})`;
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO edge_cases (vehicle_id, drive_id, segment_id, model_version_id, start_t, end_t, peak_t, score, p_value, status, queue,
         reason_kinds, reasons, triggers, embedding)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10, $11, $12, $13, $14::cube) RETURNING id`,
      [
        vehicleId, driveId, segments.get(vehicleId), model.id, startT, startT + 2000, startT + 1000, score, 1 / (1 + score),
        options.queue ?? 'annotation', i % 2 ? ['action_nll'] : ['latent', 'disagreement'],
        JSON.stringify([{ kind: 'action_nll', text: `predicted steering +${i}°, actual −${i}°` }]), i % 3 === 0 ? ['hard_brake'] : [], embedding,
      ],
    );
    let taskId: string | undefined;
    if (options.withTasks) {
      const [task] = await db.query<{ id: string }>(
        `INSERT INTO annotation_tasks (edge_case_id, queue, priority) VALUES ($1, $2, $3) RETURNING id`,
        [row.id, options.queue ?? 'annotation', score],
      );
      taskId = task.id;
    }
    if (options.withWindows) {
      await db.query(
        `INSERT INTO window_scores (segment_id, model_version_id, vehicle_id, drive_id, start_t, end_t, components, total, p_value, triggers, series)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '{}', $10)`,
        [
          segments.get(vehicleId), model.id, vehicleId, driveId, startT, startT + 2000,
          JSON.stringify({ nllLateral: score / 2, nllLongitudinal: score / 4, latent: 0.1, disagreement: 0.2 }), score, 1 / (1 + score),
          JSON.stringify({ t: [0, 500, 1000], actual: { steering: [0, -10, -20] }, predicted: { steering: { mean: [0, 6, 12], std: [1, 2, 3] } } }),
        ],
      );
    }
    cases.push({ id: row.id, vehicleId, startT, score, taskId });
  }
  return { modelVersionId: model.id, cases };
}
