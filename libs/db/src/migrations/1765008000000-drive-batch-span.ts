import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Segment assembly reads the batches overlapping a segment. With only "starts before the segment's
 * end" to bound the index scan, it walked every earlier batch of the drive: linear in the drive's
 * length per segment, quadratic over a long drive. The drive's longest batch span gives the scan its
 * lower bound too (a batch overlapping [start, end) starts at or after start − span).
 */
export class DriveBatchSpan1765008000000 implements MigrationInterface {
  name = 'DriveBatchSpan1765008000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE drives ADD COLUMN max_batch_span_ms bigint NOT NULL DEFAULT 0`);
    await q.query(`UPDATE drives d SET max_batch_span_ms = s.span FROM (SELECT drive_id, max(last_t - first_t) AS span FROM action_batches GROUP BY drive_id) s WHERE s.drive_id = d.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE drives DROP COLUMN max_batch_span_ms`);
  }
}
