import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS, type Bus } from '@surprisal/bus';
import { TOPICS } from '@surprisal/contracts';
import { startTestApp, type TestApp } from '@surprisal/testing';
import { MinerModule } from '../miner.module';
import { MineEdgeCasesUseCase, type MinableWindow } from '../use-cases/mine-edge-cases.usecase';

const T0 = 1_800_000_000_000;

/** A surprising window of `drive` at `startT`, whose embedding points along axis `axis` (same axis = same situation). */
function window(segmentId: string, modelVersionId: string, drive: string, startT: number, axis: number, total = 6): MinableWindow {
  const embedding = Array.from({ length: 20 }, (_, i) => (i === axis ? 1 : 0));
  return {
    segmentId, vehicleId: 'veh-m', driveId: drive, modelVersionId, modelVersion: 'm1', startT, endT: startT + 2000, total, pValue: 0.001,
    z: { nllLateral: total, disagreement: 1 }, components: { nllLateral: 5, disagreement: 0.1 }, typical: { nllLateral: 1, disagreement: 0.1 },
    triggers: [],
    series: { t: [100, 200], actual: { steering: [2, -20] }, predicted: { steering: { mean: [2, 12], std: [2, 2] } } },
    embedding,
  };
}

/**
 * The miner on PostgreSQL and PGlite: edge cases with reasons, near-duplicates clustered by embedding
 * (cube), tasks within the daily budget and the per-cluster cap, one event per new case.
 */
describe.each(['postgres', 'pglite'] as const)('miner (%s)', (backend) => {
  let t: TestApp;
  let miner: MineEdgeCasesUseCase;
  let modelVersionId: string;
  let segmentId: string;
  const events: string[] = [];

  beforeAll(async () => {
    Object.assign(process.env, { MINER_DAILY_BUDGET: '3', MINER_MAX_PER_CLUSTER: '2', MINER_DEDUP_RADIUS: '0.3' });
    t = await startTestApp([MinerModule], backend);
    miner = t.app.get(MineEdgeCasesUseCase);
    await t.app.get<Bus>(BUS).subscribe({
      groupId: 'test-miner-events',
      topics: [TOPICS.engineEdgeCases],
      handler: (b) => {
        for (const m of b.messages) events.push((JSON.parse(m.value.toString()) as { edgeCaseId: string }).edgeCaseId);
        return Promise.resolve();
      },
    });
    [{ id: modelVersionId }] = await t.db.query<{ id: string }>(`INSERT INTO model_versions (version, artifact_uri, io_contract) VALUES ('m1', 'file:///m1', 'model-io.v1') RETURNING id`) as [{ id: string }];
    await t.db.query(`INSERT INTO vehicles (id) VALUES ('veh-m')`);
    await t.db.query(`INSERT INTO drives (id, vehicle_id) VALUES ('dm', 'veh-m')`);
    [{ id: segmentId }] = await t.db.query<{ id: string }>(
      `INSERT INTO action_segments (vehicle_id, drive_id, segment_index, start_t, end_t, sample_count) VALUES ('veh-m', 'dm', 0, $1, $2, 1) RETURNING id`,
      [T0, T0 + 600_000],
    ) as [{ id: string }];
  });
  afterAll(async () => {
    delete process.env.MINER_DAILY_BUDGET;
    delete process.env.MINER_MAX_PER_CLUSTER;
    delete process.env.MINER_DEDUP_RADIUS;
    await t?.close();
  });

  it('merges overlapping windows, clusters near-duplicates and queues within the budget, preferring new situations', async () => {
    const ws = [
      // One event over three overlapping windows, peak in the middle.
      window(segmentId, modelVersionId, 'dm', T0, 0, 5),
      window(segmentId, modelVersionId, 'dm', T0 + 500, 0, 9),
      window(segmentId, modelVersionId, 'dm', T0 + 1000, 0, 6),
      // Three more of the same situation (axis 0), and two new ones.
      window(segmentId, modelVersionId, 'dm', T0 + 10_000, 0, 8.5),
      window(segmentId, modelVersionId, 'dm', T0 + 20_000, 0, 8),
      window(segmentId, modelVersionId, 'dm', T0 + 30_000, 0, 7.5),
      window(segmentId, modelVersionId, 'dm', T0 + 40_000, 1, 4),
      window(segmentId, modelVersionId, 'dm', T0 + 50_000, 2, 3.5),
      // Not surprising enough.
      { ...window(segmentId, modelVersionId, 'dm', T0 + 60_000, 3, 2), pValue: 0.5 },
    ];
    const out = await miner.execute(ws);
    expect(out).toEqual({ created: 6, clustered: 3, queued: 3 });

    const cases = await t.db.query<{ id: string; start_t: string; end_t: string; peak_t: string; cluster_id: string; status: string; reasons: { kind: string; text: string }[] }>(
      `SELECT id, start_t, end_t, peak_t, cluster_id, status, reasons FROM edge_cases ORDER BY start_t`,
    );
    expect(cases).toHaveLength(6);
    expect(cases[0]).toMatchObject({ start_t: String(T0), end_t: String(T0 + 3000), peak_t: String(T0 + 500) });
    expect(cases[0].reasons[0].text).toBe('predicted steering +12°, actual \u221220° (0.2 s ahead)');
    // The four axis-0 cases are one cluster, founded by the strongest.
    const founder = cases[0];
    expect(cases.slice(0, 4).every((c) => c.cluster_id === founder.id)).toBe(true);
    expect(new Set(cases.map((c) => c.cluster_id)).size).toBe(3);
    // Budget 3: the best of the big cluster, then the two new situations (4 and 3.5) beat a second copy (8.5 / 2 = 4.25 beats 3.5, so: 9, 4.25, 4).
    const queued = cases.filter((c) => c.status === 'queued').map((c) => Number(c.start_t) - T0);
    expect(queued.sort((a, b) => a - b)).toEqual([0, 10_000, 40_000]);
    expect(Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM annotation_tasks`))[0].n)).toBe(3);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.sort()).toEqual(cases.map((c) => c.id).sort());
  });

  it("spends nothing more once the day's budget is used, and mining the same windows again changes nothing", async () => {
    const again = await miner.execute([window(segmentId, modelVersionId, 'dm', T0 + 500, 0, 9)]);
    expect(again).toEqual({ created: 0, clustered: 0, queued: 0 });
    const fresh = await miner.execute([window(segmentId, modelVersionId, 'dm', T0 + 100_000, 7, 9)]);
    expect(fresh).toEqual({ created: 1, clustered: 0, queued: 0 });
    expect(Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM edge_cases`))[0].n)).toBe(7);
  });
});
