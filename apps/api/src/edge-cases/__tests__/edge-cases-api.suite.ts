import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEdgeCases, startTestApp, type SeededEdgeCase, type TestApp } from '@surprisal/testing';
import { ApiModule } from '../../api.module';

interface Page {
  items: { id: string; score: number; startT: number; vehicleId: string; triggers: string[]; reasonKinds: string[] }[];
  nextCursor: string | null;
}

/** The edge-case queries through HTTP; run on embedded PGlite and on real PostgreSQL alike. */
export function describeEdgeCasesApi(backend: 'pglite' | 'postgres'): void {
  describe(`GET /v1/edge-cases (${backend})`, () => {
    let t: TestApp;
    let cases: SeededEdgeCase[];
    let version: string;

    beforeAll(async () => {
      t = await startTestApp([ApiModule], backend);
      version = `v-${backend}`;
      ({ cases } = await seedEdgeCases(t.db, { count: 60, modelVersion: version, withWindows: true, embeddingDim: 8 }));
    });
    afterAll(async () => t?.close());

    const list = async (query: string, key = t.keys.annotator) => {
      const res = await t.call('GET', `/v1/edge-cases?${query}`, key);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Page;
    };

    it('filters by vehicle, score, trigger, reason kind and time range', async () => {
      const byVehicle = await list('vehicleId=veh-a&limit=500');
      expect(byVehicle.items).toHaveLength(30);
      expect(byVehicle.items.every((i) => i.vehicleId === 'veh-a')).toBe(true);
      const high = await list('minScore=5&limit=500');
      expect(high.items.map((i) => i.id).sort()).toEqual(cases.filter((c) => c.score >= 5).map((c) => c.id).sort());
      const braking = await list('trigger=hard_brake&limit=500');
      expect(braking.items).toHaveLength(20);
      expect(braking.items.every((i) => i.triggers.includes('hard_brake'))).toBe(true);
      const latent = await list('reasonKind=latent&limit=500');
      expect(latent.items).toHaveLength(30);
      const window = await list(`from=${cases[10].startT}&to=${cases[20].startT}&limit=500`);
      expect(window.items.map((i) => i.startT).sort()).toEqual(cases.slice(10, 20).map((c) => c.startT));
      expect((await list(`modelVersion=${version}&limit=500`)).items).toHaveLength(60);
      expect((await list('modelVersion=unknown-version')).items).toHaveLength(0);
    });

    it('sorts by score or time and pages with a cursor that skips and repeats nothing while new cases arrive', async () => {
      for (const sort of ['score', 'time'] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let inserted = false;
        do {
          const page: Page = await list(`sort=${sort}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
          const keys = page.items.map((i) => (sort === 'score' ? i.score : i.startT));
          expect([...keys].sort((a, b) => b - a)).toEqual(keys);
          seen.push(...page.items.map((i) => i.id));
          cursor = page.nextCursor;
          if (!inserted) {
            // New edge cases arrive between pages: at the top (newest, most surprising) and in the middle.
            await seedEdgeCases(t.db, { count: 3, vehicleIds: ['veh-new'], startT: cases[30].startT + 500, modelVersion: `${version}-${sort}-late` });
            inserted = true;
          }
        } while (cursor);
        expect(new Set(seen).size).toBe(seen.length);
        for (const c of cases) expect(seen).toContain(c.id);
      }
    });

    it('answers 400 naming the field for malformed, huge or hostile query values — never 500', async () => {
      const hostile = [
        "vehicleId=' OR 1=1 --",
        'minScore=1e400',
        'limit=100000',
        'from=-5',
        'sort=random',
        'status=deleted',
        `driveId=${'x'.repeat(5000)}`,
        'trigger=%F0%9F%9A%97',
        'cursor=not*a*cursor',
        `cursor=${Buffer.from('["time",1,"x"]').toString('base64url')}`,
        'unknownFilter=1',
      ];
      for (const q of hostile) {
        const res = await t.call('GET', `/v1/edge-cases?${q}`, t.keys.engineer);
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
      }
      const res = await t.call('GET', '/v1/edge-cases?minScore=abc', t.keys.engineer);
      expect(JSON.stringify(res.body)).toMatch(/minScore/);
    });

    it('returns one edge case with its components, predicted vs actual series, windows and reasons', async () => {
      const target = cases[4];
      const res = await t.call('GET', `/v1/edge-cases/${target.id}`, t.keys.annotator);
      expect(res.status).toBe(200);
      const body = res.body as Record<string, unknown>;
      expect(body).toMatchObject({ id: target.id, score: target.score, modelVersion: version, labels: [], media: { clips: [], thumbnailUrl: null } });
      expect(body.components).toMatchObject({ nllLateral: target.score / 2 });
      expect(body.series).toMatchObject({ actual: { steering: [0, -10, -20] }, predicted: { steering: { mean: [0, 6, 12] } } });
      expect((body.windows as unknown[]).length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(body.reasons)).toContain('predicted steering');
      expect((await t.call('GET', '/v1/edge-cases/00000000-0000-4000-8000-000000000000', t.keys.annotator)).status).toBe(404);
      expect((await t.call('GET', '/v1/edge-cases/not-a-uuid', t.keys.annotator)).status).toBe(400);
    });

    it('lists each edge case with the same typed summary its detail shows (PostgreSQL builds the list JSON)', async () => {
      const target = cases[7];
      const page = await list(`vehicleId=${target.vehicleId}&limit=500`);
      const item = page.items.find((i) => i.id === target.id) as unknown as Record<string, unknown>;
      const detail = (await t.call('GET', `/v1/edge-cases/${target.id}`, t.keys.annotator)).body as Record<string, unknown>;
      expect(Object.keys(item).sort()).toEqual(
        ['createdAt', 'driveId', 'endT', 'id', 'modelVersion', 'peakT', 'pValue', 'queue', 'reasonKinds', 'scenarioLabel', 'score', 'segmentId', 'startT', 'status', 'triggers', 'vehicleId'].sort(),
      );
      for (const [k, v] of Object.entries(item)) expect({ k, v }).toEqual({ k, v: detail[k] });
      expect(item).toMatchObject({ startT: target.startT, score: target.score, vehicleId: target.vehicleId });
      expect(typeof item.endT).toBe('number');
      expect(item.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|\+00:00)$/);
      expect(Math.abs(Date.parse(item.createdAt as string) - Date.now())).toBeLessThan(3_600_000);
    });

    it('finds similar edge cases by embedding, nearest first, through the database index', async () => {
      const target = cases[0];
      const res = await t.call('GET', `/v1/edge-cases/${target.id}/similar?limit=5`, t.keys.engineer);
      expect(res.status).toBe(200);
      const items = (res.body as { items: { id: string; distance: number }[] }).items;
      expect(items).toHaveLength(5);
      // The answer must be the true 5 nearest: computed here from every stored embedding.
      const all = await t.db.query<{ id: string; e: string }>(`SELECT id, embedding::text AS e FROM edge_cases WHERE embedding IS NOT NULL`);
      const vec = (text: string) => text.replace(/[()\s]/g, '').split(',').map(Number);
      const origin = vec(all.find((r) => r.id === target.id)!.e);
      const truth = new Map(all.filter((r) => r.id !== target.id).map((r) => [r.id, Math.hypot(...vec(r.e).map((x, d) => x - origin[d]))]));
      const nearest = [...truth.values()].sort((a, b) => a - b).slice(0, 5);
      items.forEach((item, k) => {
        expect(item.distance).toBeCloseTo(nearest[k], 9);
        expect(truth.get(item.id)).toBeCloseTo(item.distance, 9);
      });
      expect(items.map((i) => i.id)).not.toContain(target.id);
    });

    it('counts edge cases per day by scenario and reason, and the surprise distribution per model', async () => {
      const res = await t.call('GET', '/v1/stats?days=7', t.keys.engineer);
      expect(res.status).toBe(200);
      const body = res.body as { perDay: { day: string; reasonKind: string; count: number }[]; surpriseByModel: { modelVersion: string; windows: number; p50: number; p99: number }[] };
      const latent = body.perDay.filter((d) => d.reasonKind === 'latent').reduce((n, d) => n + d.count, 0);
      expect(latent).toBeGreaterThanOrEqual(30);
      expect(body.perDay[0].day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const model = body.surpriseByModel.find((m) => m.modelVersion === version)!;
      expect(model.windows).toBe(60);
      expect(model.p50).toBeLessThanOrEqual(model.p99);
      expect((await t.call('GET', '/v1/stats?days=0', t.keys.engineer)).status).toBe(400);
    });

    it('keeps the queries to annotators and engineers', async () => {
      expect((await t.call('GET', '/v1/edge-cases', t.keys.ingest)).status).toBe(403);
      expect((await t.call('GET', '/v1/edge-cases')).status).toBe(401);
    });
  });
}
