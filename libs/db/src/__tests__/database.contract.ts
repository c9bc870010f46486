import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packActionSamples, unpackActionSamples } from '@surprisal/columnar';
import { type Database } from '../database';
import { ApiKeyEntity, DriveEntity, EdgeCaseEntity, ModelVersionEntity, VehicleEntity } from '../entities';
import { ApiKeyRepository } from '../repositories/api-key.repository';

const TABLES = [
  'action_batches', 'action_segments', 'annotation_tasks', 'api_keys', 'clips', 'datasets', 'drives', 'edge_cases',
  'label_audit', 'labels', 'model_versions', 'retraining_jobs', 'surprise_calibration', 'vehicles', 'window_scores',
];

/** One suite, run against embedded PGlite and against real PostgreSQL: both must behave the same. */
export function describeDatabaseContract(name: string, open: () => Promise<Database>, dispose: (db: Database) => Promise<void>): void {
  describe(`Database contract: ${name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(async () => {
      if (db) await dispose(db);
    });

    it('creates every table of the data model and is idempotent on a second migrate', async () => {
      const rows = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'migrations' ORDER BY table_name`,
      );
      expect(rows.map((r) => r.table_name)).toEqual(TABLES);
      expect(await db.migrate()).toEqual([]);
    });

    it('runs every session in UTC, whatever the zone of the server', async () => {
      // Two queries may run on two pooled connections: each must be in UTC.
      const [a, b] = await Promise.all([db.query<{ tz: string }>(`SELECT current_setting('TimeZone') AS tz`), db.query<{ day: string }>(`SELECT to_json('2026-01-01 23:30:00+00'::timestamptz)::text AS day`)]);
      expect(a[0].tz).toBe('UTC'); // the server here runs in Etc/UTC: only the session setting makes it 'UTC'
      expect(b[0].day).toMatch(/^"2026-01-01T23:30:00(\.0+)?\+00:00"$/);
    });

    it('answers a prepared query as a plain one, with other values on each call, and fails it the same way', async () => {
      const sql = `SELECT $1::int + 1 AS n, $2::text AS s`;
      for (const [n, s] of [[1, 'a'], [41, 'b'], [7, 'c']] as const) {
        expect(await db.query(sql, [n, s], { prepare: true })).toEqual(await db.query(sql, [n, s]));
        expect(await db.query<{ n: number; s: string }>(sql, [n, s], { prepare: true })).toEqual([{ n: n + 1, s }]);
      }
      const bad = `SELECT 1 / $1::int AS x`;
      const failure = (run: Promise<unknown>): Promise<Error & { code?: string }> => run.then(() => new Error('no error'), (e: unknown) => e as Error & { code?: string });
      const plain = await failure(db.query(bad, [0]));
      const prepared = await failure(db.query(bad, [0], { prepare: true }));
      expect(prepared).toBeInstanceOf(plain.constructor);
      expect([prepared.code, prepared.message]).toEqual([plain.code, plain.message]);
      expect(prepared.code).toBe('22012'); // division_by_zero
      if (db.config.kind === 'postgres') {
        // A named statement, kept on its connection (an unnamed one is not listed there).
        const mine = `SELECT statement FROM pg_prepared_statements WHERE statement LIKE $1`;
        expect(await db.query(mine, ['%pg_prepared_statements%'], { prepare: true })).toEqual([{ statement: mine }]);
      }
    });

    it('stores an action batch once however often it is delivered (unique constraint, not code)', async () => {
      await db.repository(VehicleEntity).save({ id: 'veh-1' });
      await db.repository(DriveEntity).save({ id: 'drive-1', vehicleId: 'veh-1' });
      const insert = () =>
        db.query(
          `INSERT INTO action_batches (vehicle_id, drive_id, seq, first_t, last_t, sample_count, samples, source)
           VALUES ('veh-1', 'drive-1', 7, 1700000000000, 1700000000950, 2, $1, 'test')
           ON CONFLICT ON CONSTRAINT uq_action_batches_vehicle_drive_seq DO NOTHING RETURNING id`,
          [packActionSamples([{ t: 1700000000000, speed: 3 }, { t: 1700000000950, speed: 3.1 }])],
        );
      expect(await insert()).toHaveLength(1);
      expect(await insert()).toHaveLength(0);
      await expect(
        db.query(`INSERT INTO action_batches (vehicle_id, drive_id, seq, first_t, last_t, sample_count, samples, source) VALUES ('veh-1', 'drive-1', 7, 1, 2, 0, '\\x01', 'x')`),
      ).rejects.toThrow(/uq_action_batches_vehicle_drive_seq/);
      const [row] = await db.query<{ n: string; first_t: string }>(`SELECT count(*) AS n, min(first_t) AS first_t FROM action_batches`);
      // int8 comes back as a string from raw SQL on both backends (as `pg` does), a number through entities.
      expect(row).toEqual({ n: '1', first_t: '1700000000000' });
      const drive = await db.repository(DriveEntity).findOneByOrFail({ id: 'drive-1' });
      expect(drive.sampleCount).toBe(0);
    });

    it('stores action samples as bytes: a binary parameter cut by offset, aggregated back as one Buffer', async () => {
      const a = packActionSamples([{ t: 1700000001000, speed: 4.5, steering: -2.25 }]);
      const b = packActionSamples([{ t: 1700000001050, speed: 4.75, turnSignal: 1 }]);
      await db.query(
        `INSERT INTO action_batches (vehicle_id, drive_id, seq, first_t, last_t, sample_count, samples, source)
         SELECT 'veh-1', 'drive-1', seq, 0, 0, 1, substring($1::bytea FROM start FOR size), 'test'
         FROM unnest($2::bigint[], $3::integer[], $4::integer[]) AS r(seq, start, size)`,
        [Buffer.concat([a, b]), [21, 20], [1, a.length + 1], [a.length, b.length]],
      );
      const [row] = await db.query<{ samples: Buffer; sizes: number[] }>(
        `SELECT string_agg(samples, ''::bytea ORDER BY seq) AS samples, array_agg(length(samples) ORDER BY seq) AS sizes FROM action_batches WHERE seq IN (20, 21)`,
      );
      expect(Buffer.isBuffer(row.samples)).toBe(true);
      expect(row.sizes).toEqual([b.length, a.length]);
      expect(unpackActionSamples(row.samples.subarray(0, b.length))).toEqual([{ t: 1700000001050, speed: 4.75, turnSignal: 1 }]);
      expect(unpackActionSamples(row.samples.subarray(b.length))).toEqual([{ t: 1700000001000, speed: 4.5, steering: -2.25 }]);
    });

    it('rolls back a failed transaction without touching a concurrent one', async () => {
      const failing = db.transaction(async (m) => {
        await m.save(VehicleEntity, { id: 'veh-rollback' });
        throw new Error('boom');
      });
      const succeeding = db.transaction(async (m) => {
        await m.save(VehicleEntity, { id: 'veh-commit' });
      });
      await expect(failing).rejects.toThrow('boom');
      await succeeding;
      const ids = (await db.repository(VehicleEntity).find()).map((v) => v.id);
      expect(ids).toContain('veh-commit');
      expect(ids).not.toContain('veh-rollback');
    });

    it('finds nearest edge cases by embedding through the cube GiST index', async () => {
      const model = await db.repository(ModelVersionEntity).save({ version: `v-${name}`, artifactUri: 'file:///m', ioContract: 'surprisal.models.v1' });
      await db.query(
        `INSERT INTO action_segments (id, vehicle_id, drive_id, segment_index, start_t, end_t, sample_count)
         VALUES ('00000000-0000-4000-8000-000000000001', 'veh-1', 'drive-1', 0, 0, 20000, 400)`,
      );
      const base = { vehicleId: 'veh-1', driveId: 'drive-1', segmentId: '00000000-0000-4000-8000-000000000001', modelVersionId: model.id, endT: 1, peakT: 0, score: 1, queue: 'annotation' as const };
      const dims = 64;
      const vec = (hot: number) => Array.from({ length: dims }, (_, i) => (i === hot ? 1 : 0));
      await db.repository(EdgeCaseEntity).save([
        { ...base, startT: 0, embedding: vec(0) },
        { ...base, startT: 1, embedding: vec(1) },
        { ...base, startT: 2, embedding: vec(0).map((x, i) => (i === 2 ? 0.1 : x)) },
      ]);
      const query = `(${vec(0).join(',')})`;
      const nearest = await db.query<{ start_t: string }>(`SELECT start_t FROM edge_cases ORDER BY embedding <-> $1::cube LIMIT 2`, [query]);
      expect(nearest.map((r) => r.start_t)).toEqual(['0', '2']);
      const loaded = await db.repository(EdgeCaseEntity).findOneByOrFail({ startT: 2 });
      expect(loaded.embedding).toHaveLength(dims);
      expect(loaded.embedding?.[2]).toBeCloseTo(0.1);
      const [index] = await db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_edge_cases_embedding'`);
      expect(index?.indexdef).toMatch(/USING gist/i);
    });

    it('keeps each edge case’s summary on its row, written on insert and update, rendered in UTC', async () => {
      const [c] = await db.query<{ id: string }>(`SELECT id FROM edge_cases WHERE start_t = 1`);
      const summaryOf = async () => JSON.parse((await db.query<{ summary: string }>(`SELECT summary FROM edge_cases WHERE id = $1`, [c.id]))[0].summary) as Record<string, unknown>;
      const [row] = await db.query<{ created: string }>(`SELECT to_json(created_at)::text AS created FROM edge_cases WHERE id = $1`, [c.id]);
      expect(await summaryOf()).toEqual({
        id: c.id, vehicleId: 'veh-1', driveId: 'drive-1', segmentId: '00000000-0000-4000-8000-000000000001', modelVersion: `v-${name}`,
        startT: 1, endT: 1, peakT: 0, score: 1, pValue: null, status: 'new', queue: 'annotation', reasonKinds: [], triggers: [], scenarioLabel: null,
        createdAt: JSON.parse(row.created) as string,
      });
      expect((await summaryOf()).createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
      // An update rewrites it, whatever the writing session's zone.
      await db.sqlTransaction(async (tx) => {
        await tx.query(`SET LOCAL TimeZone = 'America/New_York'`);
        await tx.query(`UPDATE edge_cases SET status = 'queued', scenario_label = 'cut_in', triggers = ARRAY['hard_brake'] WHERE id = $1`, [c.id]);
      });
      expect(await summaryOf()).toMatchObject({ status: 'queued', scenarioLabel: 'cut_in', triggers: ['hard_brake'], createdAt: JSON.parse(row.created) as string });
      // Only a column it shows renders it again: a thumbnail written later leaves it as it is.
      await db.query(`UPDATE edge_cases SET summary = '{"stale":true}' WHERE id = $1`, [c.id]);
      await db.query(`UPDATE edge_cases SET thumbnail_uri = 'file:///t.jpg' WHERE id = $1`, [c.id]);
      expect(await summaryOf()).toEqual({ stale: true });
      await db.query(`UPDATE edge_cases SET score = 2 WHERE id = $1`, [c.id]);
      expect(await summaryOf()).toMatchObject({ score: 2, status: 'queued' });
    });

    it('keeps only one promoted model at a time', async () => {
      const models = db.repository(ModelVersionEntity);
      await models.save({ version: `p1-${name}`, artifactUri: 'file:///a', ioContract: 'x', status: 'promoted' });
      await expect(models.save({ version: `p2-${name}`, artifactUri: 'file:///b', ioContract: 'x', status: 'promoted' })).rejects.toThrow(
        /uq_model_versions_promoted/,
      );
    });

    it('stores API keys hashed and finds, ensures and revokes them', async () => {
      const keys = new ApiKeyRepository(db);
      const created = await keys.create('ci', 'engineer');
      expect(created.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
      const stored = await db.repository(ApiKeyEntity).findOneByOrFail({ id: created.id });
      expect(stored.keyHash).not.toContain(created.key);
      expect((await keys.findActive(created.key))?.role).toBe('engineer');
      expect(await keys.findActive(created.key + 'x')).toBeUndefined();
      const admin = 'a-first-admin-key-of-enough-length';
      await keys.ensure(admin, 'env', 'admin');
      await keys.ensure(admin, 'env', 'admin');
      expect((await keys.list()).filter((k) => k.name === 'env')).toHaveLength(1);
      expect(await keys.revoke(created.id)).toBe(true);
      expect(await keys.revoke(created.id)).toBe(false);
      expect(await keys.findActive(created.key)).toBeUndefined();
    });
  });
}
