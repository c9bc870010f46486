import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * GET /v1/edge-cases?scenario=…: labelled cases are a small share of all, so walking the time index
 * and filtering read hundreds of rows per page; this index reads just the page.
 */
export class EdgeCaseScenarioIndex1764921600000 implements MigrationInterface {
  name = 'EdgeCaseScenarioIndex1764921600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_edge_cases_scenario_start ON edge_cases (scenario_label, start_t DESC, id DESC) WHERE scenario_label IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_edge_cases_scenario_start`);
  }
}
