import { Inject, Injectable } from '@nestjs/common';
import { type FleetActionsV1 } from '@surprisal/contracts';
import { packActionSamples } from '@surprisal/columnar';
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
    // In key order, so two handlers that share batches (a redelivery) take their row locks in the same order.
    const rows = [...unique.values()].sort((a, b) => compareKeys(a.batch, b.batch));
    // Column arrays for unnest(); the samples of all batches go packed in one bytea, sent in binary and
    // cut apart by offset in SQL (a bytea[] would travel as hex text).
    const packed = rows.map(({ batch }) => packActionSamples(batch.samples));
    const offsets: number[] = [];
    let offset = 0;
    for (const p of packed) {
      offsets.push(offset + 1);
      offset += p.length;
    }
    // One statement, so one round trip and its own transaction: every CTE commits together or not at all.
    // Foreign keys are checked at the end of the statement, so a new vehicle and drive may arrive with their first batch.
    const inserted = await this.db.query<{ drive_id: string; batches: string; samples: string }>(
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::integer[], $7::integer[], $8::integer[], $9::text[])
           AS r(vehicle_id, drive_id, seq, first_t, last_t, sample_count, samples_from, samples_bytes, source)
       ),
       v AS (
         INSERT INTO vehicles (id) SELECT DISTINCT vehicle_id FROM r ORDER BY vehicle_id
         -- last_seen_at moves at most once a minute: not one row version per vehicle per handler call.
         ON CONFLICT ON CONSTRAINT pk_vehicles DO UPDATE SET last_seen_at = now() WHERE vehicles.last_seen_at < now() - interval '1 minute'
       ),
       ins AS (
         INSERT INTO action_batches (vehicle_id, drive_id, seq, first_t, last_t, sample_count, samples, source)
         SELECT vehicle_id, drive_id, seq, first_t, last_t, sample_count, substring($10::bytea FROM samples_from FOR samples_bytes), source FROM r
         ON CONFLICT ON CONSTRAINT uq_action_batches_vehicle_drive_seq DO NOTHING
         RETURNING vehicle_id, drive_id, first_t, last_t, sample_count
       ),
       d AS (
         INSERT INTO drives (id, vehicle_id, first_t, last_t, sample_count, max_batch_span_ms)
         SELECT drive_id, min(vehicle_id), min(first_t), max(last_t), sum(sample_count), max(last_t - first_t) FROM ins GROUP BY drive_id ORDER BY drive_id
         ON CONFLICT ON CONSTRAINT pk_drives DO UPDATE
         SET first_t = LEAST(drives.first_t, EXCLUDED.first_t), last_t = GREATEST(drives.last_t, EXCLUDED.last_t),
             sample_count = drives.sample_count + EXCLUDED.sample_count, updated_at = now(),
             max_batch_span_ms = GREATEST(drives.max_batch_span_ms, EXCLUDED.max_batch_span_ms)
       ),
       dirty AS (
         -- New data makes a segment dirty: open, and its revision moves so a racing emission cannot mark it complete.
         INSERT INTO action_segments (vehicle_id, drive_id, segment_index, start_t, end_t, sample_count)
         SELECT DISTINCT ON (drive_id, idx) vehicle_id, drive_id, idx, idx * $11::bigint, (idx + 1) * $11::bigint, 0
         FROM ins, generate_series(ins.first_t / $11::bigint, ins.last_t / $11::bigint) AS idx
         ORDER BY drive_id, idx
         ON CONFLICT ON CONSTRAINT uq_action_segments_drive_index
         DO UPDATE SET status = 'open', data_revision = action_segments.data_revision + 1, updated_at = now()
       )
       SELECT drive_id, count(*) AS batches, sum(sample_count) AS samples FROM ins GROUP BY drive_id`,
      [
        rows.map((r) => r.batch.vehicleId),
        rows.map((r) => r.batch.driveId),
        rows.map((r) => r.batch.seq),
        rows.map((r) => r.batch.samples[0].t),
        rows.map((r) => r.batch.samples[r.batch.samples.length - 1].t),
        rows.map((r) => r.batch.samples.length),
        offsets,
        packed.map((p) => p.length),
        rows.map((r) => r.source),
        Buffer.concat(packed, offset),
        segmentMs,
      ],
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

function compareKeys(a: FleetActionsV1, b: FleetActionsV1): number {
  if (a.vehicleId !== b.vehicleId) return a.vehicleId < b.vehicleId ? -1 : 1;
  if (a.driveId !== b.driveId) return a.driveId < b.driveId ? -1 : 1;
  return a.seq - b.seq;
}
