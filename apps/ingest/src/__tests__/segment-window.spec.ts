import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionSample, type FleetActionsV1 } from '@surprisal/contracts';
import { Database } from '@surprisal/db';
import { ActionBatchRepository } from '../repositories/action-batch.repository';
import { SegmentRepository } from '../repositories/segment.repository';

const SEGMENT_MS = 20_000;
const T0 = 1_767_225_600_000; // a multiple of SEGMENT_MS

const samples = (from: number, to: number, step: number): ActionSample[] => {
  const out: ActionSample[] = [];
  for (let t = from; t <= to; t += step) out.push({ t: T0 + t, speed: t / 1000 });
  return out;
};

describe('segment windows read the batches that overlap them, however long a batch is', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.create({ kind: 'pglite', dir: '' }).open();
  });
  afterAll(async () => {
    await db.close();
  });

  it('finds a long batch that began segments earlier, and bounds the scan by the drive’s longest batch', async () => {
    const batches: FleetActionsV1[] = [
      // Sparse and long: 0–70 s, so segments 1, 2 and 3 hold samples of a batch that began in segment 0.
      { vehicleId: 'veh-w', driveId: 'drive-w', seq: 0, samples: samples(0, 70_000, 10_000) },
      { vehicleId: 'veh-w', driveId: 'drive-w', seq: 1, samples: samples(71_000, 90_000, 1_000) },
      { vehicleId: 'veh-w', driveId: 'drive-w', seq: 2, samples: samples(91_000, 125_000, 500) },
    ];
    const store = new ActionBatchRepository(db);
    // Two handler calls: the span only grows (a later, shorter batch does not shrink it).
    await store.store([{ batch: batches[0], source: 'test' }], SEGMENT_MS);
    await store.store(batches.slice(1).map((batch) => ({ batch, source: 'test' })), SEGMENT_MS);
    const [drive] = await db.query<{ max_batch_span_ms: string }>(`SELECT max_batch_span_ms FROM drives WHERE id = 'drive-w'`);
    expect(Number(drive.max_batch_span_ms)).toBe(70_000);

    const segments = new SegmentRepository(db);
    const rows = await db.query<{ id: string; segment_index: number }>(`SELECT id, segment_index FROM action_segments WHERE drive_id = 'drive-w' ORDER BY segment_index`);
    expect(rows).toHaveLength(7); // 0–140 s
    const all = batches.flatMap((b) => b.samples);
    // The drive's data ends at 125 s: segments ending by then are due by watermark; the last one is not yet.
    for (const row of rows.slice(0, 6)) {
      const start = T0 + (Number(row.segment_index) - Math.floor(T0 / SEGMENT_MS)) * SEGMENT_MS;
      const loaded = await segments.loadDue(row.id, 3_600_000);
      const expected = all.filter((s) => s.t >= start && s.t < start + SEGMENT_MS).map((s) => s.t);
      expect(loaded?.samples.map((s) => s.t), `segment at +${(start - T0) / 1000} s`).toEqual(expected);
    }
    expect(await segments.loadDue(rows[6].id, 3_600_000)).toBeUndefined();
  });
});
