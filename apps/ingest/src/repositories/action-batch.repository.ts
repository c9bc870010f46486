import { Inject, Injectable } from '@nestjs/common';
import { type FleetActionsV1 } from '@surprisal/contracts';
import { Database } from '@surprisal/db';

export interface AcceptedBatch {
  batch: FleetActionsV1;
  /** `kafka:<topic>/<partition>/<offset>` */
  source: string;
}

export interface StoreOutcome {
  /** Batches new to the store (the others were already there: redelivered or sent twice). */
  inserted: number;
  duplicates: number;
  samples: number;
  /** Drives that received new data (their segments may now be due). */
  drives: string[];
}

/**
 * Stores action batches exactly once per (vehicleId, driveId, seq): one statement per handler call
 * whatever its size, so the batch rows, the vehicle and drive rows and counters, and the dirty marks of
 * the segments they touch become durable together (or not at all).
 */
@Injectable()
export class ActionBatchRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async store(accepted: AcceptedBatch[], segmentMs: number): Promise<StoreOutcome> {
    // One row per idempotency key (a batch can repeat within one handler call too).
    const unique = new Map<string, AcceptedBatch>();
    for (const a of accepted) {
      const k = `${a.batch.vehicleId}\u0000${a.batch.driveId}\u0000${a.batch.seq}`;
      if (!unique.has(k)) unique.set(k, a);
    }
    if (unique.size === 0) return { inserted: 0, duplicates: accepted.length, samples: 0, drives: [] };
    const rows = [...unique.values()].map(({ batch, source }) => ({
      vehicle_id: batch.vehicleId,
      drive_id: batch.driveId,
      seq: batch.seq,
      first_t: batch.samples[0].t,
      last_t: batch.samples[batch.samples.length - 1].t,
      sample_count: batch.samples.length,
      samples: batch.samples,
      source,
    }));
    // One statement, so one round trip and its own transaction: every CTE commits together or not at all.
    // Foreign keys are checked at the end of the statement, so a new vehicle and drive may arrive with their first batch.
    const inserted = await this.db.query<{ drive_id: string; batches: string; samples: string }>(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS r(vehicle_id text, drive_id text, seq bigint, first_t bigint, last_t bigint, sample_count integer, samples jsonb, source text)
       ),
       v AS (
         INSERT INTO vehicles (id) SELECT DISTINCT vehicle_id FROM r ORDER BY vehicle_id
         -- last_seen_at moves at most once a minute: not one row version per vehicle per handler call.
         ON CONFLICT ON CONSTRAINT pk_vehicles DO UPDATE SET last_seen_at = now() WHERE vehicles.last_seen_at < now() - interval '1 minute'
       ),
       ins AS (
         INSERT INTO action_batches (vehicle_id, drive_id, seq, first_t, last_t, sample_count, samples, source)
         SELECT vehicle_id, drive_id, seq, first_t, last_t, sample_count, samples, source FROM r
         ON CONFLICT ON CONSTRAINT uq_action_batches_vehicle_drive_seq DO NOTHING
         RETURNING vehicle_id, drive_id, first_t, last_t, sample_count
       ),
       d AS (
         INSERT INTO drives (id, vehicle_id, first_t, last_t, sample_count)
         SELECT drive_id, min(vehicle_id), min(first_t), max(last_t), sum(sample_count) FROM ins GROUP BY drive_id ORDER BY drive_id
         ON CONFLICT ON CONSTRAINT pk_drives DO UPDATE
         SET first_t = LEAST(drives.first_t, EXCLUDED.first_t), last_t = GREATEST(drives.last_t, EXCLUDED.last_t),
             sample_count = drives.sample_count + EXCLUDED.sample_count, updated_at = now()
       ),
       dirty AS (
         -- New data makes a segment dirty: open, and its revision moves so a racing emission cannot mark it complete.
         INSERT INTO action_segments (vehicle_id, drive_id, segment_index, start_t, end_t, sample_count)
         SELECT DISTINCT ON (drive_id, idx) vehicle_id, drive_id, idx, idx * $2::bigint, (idx + 1) * $2::bigint, 0
         FROM ins, generate_series(ins.first_t / $2::bigint, ins.last_t / $2::bigint) AS idx
         ORDER BY drive_id, idx
         ON CONFLICT ON CONSTRAINT uq_action_segments_drive_index
         DO UPDATE SET status = 'open', data_revision = action_segments.data_revision + 1, updated_at = now()
       )
       SELECT drive_id, count(*) AS batches, sum(sample_count) AS samples FROM ins GROUP BY drive_id`,
      [JSON.stringify(rows), segmentMs],
    );
    const batches = inserted.reduce((n, d) => n + Number(d.batches), 0);
    return {
      inserted: batches,
      duplicates: accepted.length - batches,
      samples: inserted.reduce((n, d) => n + Number(d.samples), 0),
      drives: inserted.map((d) => d.drive_id),
    };
  }
}
