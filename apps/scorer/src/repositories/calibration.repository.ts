import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@surprisal/db';
import { type CalibrationState } from '@surprisal/surprise';

/** surprise_calibration: the recent-score reservoir of each model version, so a restart keeps calibrating. */
@Injectable()
export class CalibrationRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async load(modelVersionId: string): Promise<CalibrationState | undefined> {
    const [row] = await this.db.query<{ state: CalibrationState }>(`SELECT state FROM surprise_calibration WHERE model_version_id = $1`, [modelVersionId]);
    return row?.state;
  }

  async save(modelVersionId: string, state: CalibrationState): Promise<void> {
    await this.db.query(
      `INSERT INTO surprise_calibration (model_version_id, state, windows_seen) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT ON CONSTRAINT pk_surprise_calibration DO UPDATE SET state = EXCLUDED.state, windows_seen = EXCLUDED.windows_seen, updated_at = now()`,
      [modelVersionId, JSON.stringify(state), state.seen],
    );
  }
}
