import { describe, expect, it } from 'vitest';
import { findPeaks } from '../peaks';
import { chooseQueue, explainEdgeCase, explainWindow, signed } from '../reasons';
import { assignClusters, selectWithinBudget, unit } from '../selection';

describe('findPeaks', () => {
  const w = (startT: number, total: number, pValue = total > 3 ? 0.001 : 0.5) => ({ startT, endT: startT + 2000, total, pValue });

  it('merges overlapping surprising windows and keeps the highest as the peak', () => {
    const peaks = findPeaks([w(0, 1), w(500, 4), w(1000, 6), w(1500, 5), w(2000, 1), w(10_000, 7), w(20_000, 8, 0.5)], { maxPValue: 0.01, minTotal: 3, mergeGapMs: 0 });
    expect(peaks).toHaveLength(2);
    expect(peaks[0]).toMatchObject({ startT: 500, endT: 3500 });
    expect(peaks[0].peak.total).toBe(6);
    expect(peaks[0].windows).toHaveLength(3);
    expect(peaks[1].peak.startT).toBe(10_000);
  });
});

describe('assignClusters', () => {
  it('joins the nearest case within the radius, else founds a cluster', () => {
    const existing = [{ id: 'e1', clusterId: 'c1', embedding: [1, 0] }];
    const out = assignClusters(
      [
        { key: 'a', score: 9, embedding: [0.95, 0.05] },
        { key: 'b', score: 8, embedding: [0, 1] },
        { key: 'c', score: 7, embedding: [0.05, 0.98] },
      ],
      existing,
      0.2,
    );
    expect(out.find((x) => x.key === 'a')!.joins).toBe('c1');
    expect(out.find((x) => x.key === 'b')!.joins).toBeUndefined();
    expect(out.find((x) => x.key === 'c')!.joins).toBe('b');
  });

  it('unit-normalises embeddings', () => {
    expect(unit([3, 4])).toEqual([0.6, 0.8]);
    expect(unit([0, 0])).toEqual([0, 0]);
  });
});

describe('selectWithinBudget', () => {
  const cases = [
    { key: 'x1', score: 10, cluster: 'X' },
    { key: 'x2', score: 9.5, cluster: 'X' },
    { key: 'x3', score: 9, cluster: 'X' },
    { key: 'y1', score: 6, cluster: 'Y' },
    { key: 'z1', score: 4, cluster: 'Z' },
  ];

  it('respects the budget and prefers diversity over copies of one situation', () => {
    const chosen = selectWithinBudget(cases, { budgetLeft: 3, clusterTasks: new Map(), maxPerCluster: 10 }).map((c) => c.key);
    expect(chosen).toEqual(['x1', 'y1', 'x2']); // x2: 9.5/2 = 4.75 beats z1 (4)
    expect(selectWithinBudget(cases, { budgetLeft: 0, clusterTasks: new Map(), maxPerCluster: 10 })).toEqual([]);
  });

  it('caps tasks per cluster, counting those already queued', () => {
    const chosen = selectWithinBudget(cases, { budgetLeft: 10, clusterTasks: new Map([['X', 2]]), maxPerCluster: 3 }).map((c) => c.key);
    expect(chosen.filter((k) => k.startsWith('x'))).toHaveLength(1);
    expect(chosen).toEqual(expect.arrayContaining(['y1', 'z1']));
  });
});

describe('reasons', () => {
  const base = {
    components: { nllLateral: 8, latent: 0.3, disagreement: 0.4 },
    typical: { nllLateral: 1, latent: 0.1, disagreement: 0.1 },
    t: [100, 200],
    actual: { steering: [2, -20], speed: [10, 10] },
    predicted: { steering: { mean: [2, 12], std: [2, 2] }, speed: { mean: [10, 10], std: [1, 1] } },
    triggers: [{ trigger: 'steering_reversal' as const, value: 32, text: 'steering reversal (32° swing)' }],
  };

  it('says what was predicted and what happened, strongest first, then the triggers', () => {
    const reasons = explainWindow({ ...base, z: { nllLateral: 9, latent: 4, disagreement: 1 } });
    expect(reasons.map((r) => r.kind)).toEqual(['action_nll', 'latent', 'steering_reversal']);
    expect(reasons[0].text).toBe('predicted steering +12°, actual \u221220° (0.2 s ahead)');
    expect(reasons[1].text).toMatch(/^scene unlike anything seen \(latent prediction error 3\.0× the fleet's typical\)/);
    expect(signed(0.2, 0)).toBe('0');
  });

  it('sends an unsure model to annotation and a confident miss to safety', () => {
    expect(chooseQueue({ nllLateral: 2, disagreement: 6 })).toBe('annotation');
    expect(chooseQueue({ nllLateral: 8, disagreement: 1, latent: 2 })).toBe('safety');
    expect(explainWindow({ ...base, z: { disagreement: 5 } })[0].text).toMatch(/^model unsure: members disagree/);
  });

  it('gives an edge case its strongest component when none reaches the bar, and adds nothing when one does', () => {
    const modest = { ...base, z: { nllLateral: 1.5, latent: 2.2, disagreement: 0.4 } };
    expect(explainWindow(modest).map((r) => r.kind)).toEqual(['steering_reversal']);
    expect(explainEdgeCase(modest).map((r) => r.kind)).toEqual(['latent', 'steering_reversal']);
    const strong = { ...base, z: { nllLateral: 9, latent: 4, disagreement: 1 } };
    expect(explainEdgeCase(strong)).toEqual(explainWindow(strong));
  });
});
