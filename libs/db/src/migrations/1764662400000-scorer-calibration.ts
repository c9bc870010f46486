import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The scorer's streaming calibration per model version (the fleet's recent component scores), so a
 * restarted or added scorer calibrates against what the fleet has already seen instead of starting
 * from nothing. One row per model version; `state` is the serialised reservoir.
 */
export class ScorerCalibration1764662400000 implements MigrationInterface {
  name = 'ScorerCalibration1764662400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE surprise_calibration (
        model_version_id uuid NOT NULL,
        state jsonb NOT NULL,
        windows_seen bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_surprise_calibration PRIMARY KEY (model_version_id),
        CONSTRAINT fk_surprise_calibration_model FOREIGN KEY (model_version_id) REFERENCES model_versions (id) ON DELETE CASCADE
      )`);
    // The miner's per-day budget counts today's tasks.
    await q.query(`CREATE INDEX ix_annotation_tasks_created ON annotation_tasks (created_at)`);
    // The miner looks up a case's cluster mates.
    await q.query(`CREATE INDEX ix_edge_cases_cluster ON edge_cases (cluster_id) WHERE cluster_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_edge_cases_cluster`);
    await q.query(`DROP INDEX IF EXISTS ix_annotation_tasks_created`);
    await q.query(`DROP TABLE IF EXISTS surprise_calibration`);
  }
}
