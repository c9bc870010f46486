import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The frame strip the miner renders from an edge case's clip (a JPEG in object storage), as the
 * store's canonical URI; null while there is none (no clip, not rendered yet, or rendering failed).
 */
export class EdgeCaseThumbnails1764835200000 implements MigrationInterface {
  name = 'EdgeCaseThumbnails1764835200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE edge_cases ADD COLUMN thumbnail_uri text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE edge_cases DROP COLUMN IF EXISTS thumbnail_uri`);
  }
}
