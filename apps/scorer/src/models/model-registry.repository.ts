import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@surprisal/db';

export interface ModelVersionRow {
  id: string;
  version: string;
  artifactUri: string;
}

/** model_versions as the scorer sees it: the promoted version, and registering the shipped default. */
@Injectable()
export class ModelRegistryRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async promoted(): Promise<ModelVersionRow | undefined> {
    const [row] = await this.db.query<{ id: string; version: string; artifact_uri: string }>(
      `SELECT id, version, artifact_uri FROM model_versions WHERE status = 'promoted' LIMIT 1`,
    );
    return row && { id: row.id, version: row.version, artifactUri: row.artifact_uri };
  }

  /**
   * Registers a model (idempotent on its version) and promotes it if nothing is promoted; returns
   * whether this call promoted it. Two scorers racing at boot: the partial unique index lets one win.
   */
  async registerAndPromoteIfNone(version: string, artifactUri: string, metrics: Record<string, unknown>): Promise<{ row: ModelVersionRow; promoted: boolean }> {
    await this.db.query(
      `INSERT INTO model_versions (version, artifact_uri, io_contract, metrics) VALUES ($1, $2, 'model-io.v1', $3::jsonb)
       ON CONFLICT ON CONSTRAINT uq_model_versions_version DO NOTHING`,
      [version, artifactUri, JSON.stringify(metrics)],
    );
    let promoted = false;
    try {
      const rows = await this.db.query(
        `UPDATE model_versions SET status = 'promoted', promoted_at = now()
         WHERE version = $1 AND NOT EXISTS (SELECT 1 FROM model_versions WHERE status = 'promoted') RETURNING id`,
        [version],
      );
      promoted = rows.length > 0;
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err; // another scorer promoted first
    }
    const [row] = await this.db.query<{ id: string; artifact_uri: string }>(`SELECT id, artifact_uri FROM model_versions WHERE version = $1`, [version]);
    return { row: { id: row.id, version, artifactUri: row.artifact_uri }, promoted };
  }
}
