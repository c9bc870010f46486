import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * GET /v1/edge-cases sends each case as JSON text that PostgreSQL built (EdgeCaseSummaryDto, fields
 * named as the DTO's). Building it on every read (row_to_json over 16 columns, the model version joined,
 * the timestamp rendered) was about 60% of the list query's cost; reads outnumber writes by far, so the
 * text is now kept on the row by a trigger whenever the row is written. The function renders in UTC
 * whatever the writing session's zone, so every row reads the same. A change of the summary's shape is a
 * new migration that replaces the function and rewrites the rows.
 */
export class EdgeCaseSummary1765094400000 implements MigrationInterface {
  name = 'EdgeCaseSummary1765094400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE edge_cases ADD COLUMN summary text`);
    await q.query(`
      CREATE FUNCTION edge_case_summary() RETURNS trigger LANGUAGE plpgsql SET "TimeZone" = 'UTC' AS $$
      BEGIN
        NEW.summary := (
          SELECT row_to_json(s)::text FROM (
            SELECT NEW.id AS id, NEW.vehicle_id AS "vehicleId", NEW.drive_id AS "driveId", NEW.segment_id AS "segmentId",
                   m.version AS "modelVersion", NEW.start_t AS "startT", NEW.end_t AS "endT", NEW.peak_t AS "peakT",
                   NEW.score AS score, NEW.p_value AS "pValue", NEW.status AS status, NEW.queue AS queue,
                   NEW.reason_kinds AS "reasonKinds", NEW.triggers AS triggers, NEW.scenario_label AS "scenarioLabel",
                   NEW.created_at AS "createdAt"
            FROM model_versions m WHERE m.id = NEW.model_version_id
          ) s
        );
        RETURN NEW;
      END
      $$`);
    // Rewritten only when a column it shows changes: a thumbnail, embedding, cluster or reasons written later do not render it again.
    await q.query(`
      CREATE TRIGGER tr_edge_cases_summary
      BEFORE INSERT OR UPDATE OF vehicle_id, drive_id, segment_id, model_version_id, start_t, end_t, peak_t, score, p_value,
                                 status, queue, reason_kinds, triggers, scenario_label, created_at
      ON edge_cases FOR EACH ROW EXECUTE FUNCTION edge_case_summary()`);
    await q.query(`UPDATE edge_cases SET status = status`); // the trigger fills it
    await q.query(`ALTER TABLE edge_cases ALTER COLUMN summary SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS tr_edge_cases_summary ON edge_cases`);
    await q.query(`DROP FUNCTION IF EXISTS edge_case_summary()`);
    await q.query(`ALTER TABLE edge_cases DROP COLUMN IF EXISTS summary`);
  }
}
