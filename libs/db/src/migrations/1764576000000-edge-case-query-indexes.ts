import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Indexes for GET /v1/edge-cases: newest-first keyset pages, and per-status listings. */
export class EdgeCaseQueryIndexes1764576000000 implements MigrationInterface {
  name = 'EdgeCaseQueryIndexes1764576000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_edge_cases_start ON edge_cases (start_t DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_edge_cases_status_start ON edge_cases (status, start_t DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_edge_cases_drive_start ON edge_cases (drive_id, start_t DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_edge_cases_drive_start`);
    await q.query(`DROP INDEX IF EXISTS ix_edge_cases_status_start`);
    await q.query(`DROP INDEX IF EXISTS ix_edge_cases_start`);
  }
}
