import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Segment assembly state lives in the database, so it survives a crash: `data_revision` moves each
 * time new samples land in a segment (an emission only marks the segment complete if the revision it
 * read is still current), and open segments are found through a partial index. Batch samples are
 * stored uncompressed (ingest throughput).
 */
export class IngestSegmentAssembly1764489600000 implements MigrationInterface {
  name = 'IngestSegmentAssembly1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE action_segments ADD COLUMN data_revision integer NOT NULL DEFAULT 0`);
    // A batch's samples (~10 kB of JSON) are written once and read whole when a segment is assembled:
    // storing them out of line uncompressed halves the insert cost (pglz was half of it), at some disk.
    await q.query(`ALTER TABLE action_batches ALTER COLUMN samples SET STORAGE EXTERNAL`);
    await q.query(`CREATE INDEX ix_action_segments_open ON action_segments (drive_id, segment_index) WHERE status = 'open'`);
    await q.query(`CREATE INDEX ix_action_segments_drive_time ON action_segments (drive_id, start_t)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE action_batches ALTER COLUMN samples SET STORAGE EXTENDED`);
    await q.query(`DROP INDEX IF EXISTS ix_action_segments_drive_time`);
    await q.query(`DROP INDEX IF EXISTS ix_action_segments_open`);
    await q.query(`ALTER TABLE action_segments DROP COLUMN IF EXISTS data_revision`);
  }
}
