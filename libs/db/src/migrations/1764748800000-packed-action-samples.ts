import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A batch's samples become bytes in the packed columnar form of libs/columnar (packActionSamples):
 * PostgreSQL no longer parses and rebuilds ~10 kB of jsonb per batch on insert nor prints it again for
 * segment assembly, which was most of the ingest's CPU. Existing rows keep their JSON as UTF-8 text,
 * which unpackActionSamples still reads (JSON starts with '[', packed rows with a tag byte).
 */
export class PackedActionSamples1764748800000 implements MigrationInterface {
  name = 'PackedActionSamples1764748800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE action_batches ALTER COLUMN samples TYPE bytea USING convert_to(samples::text, 'UTF8')`);
    // Written once, read whole: out of line and uncompressed, as before (the type change resets it).
    await q.query(`ALTER TABLE action_batches ALTER COLUMN samples SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Only JSON text converts back: packed rows have no SQL decoder.
    const packed = (await q.query(`SELECT count(*) AS n FROM action_batches WHERE get_byte(samples, 0) <> 91`)) as { n: string }[];
    if (Number(packed[0].n) > 0) {
      throw new Error(`Cannot revert PackedActionSamples: ${packed[0].n} action batches are stored packed, which only libs/columnar can read`);
    }
    await q.query(`ALTER TABLE action_batches ALTER COLUMN samples TYPE jsonb USING convert_from(samples, 'UTF8')::jsonb`);
    await q.query(`ALTER TABLE action_batches ALTER COLUMN samples SET STORAGE EXTERNAL`);
  }
}
