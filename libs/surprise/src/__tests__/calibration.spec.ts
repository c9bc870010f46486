import { describe, expect, it } from 'vitest';
import { EVIDENCE_KIND, normalTail, pooledEvidence, RecentValues, SurpriseCalibrator, windowEvidence, type CalibrationState } from '../calibration';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('RecentValues', () => {
  it('gives conformal p-values and keeps only the most recent values', () => {
    const r = new RecentValues(4);
    for (const v of [1, 2, 3, 4]) r.add(v);
    expect(r.pValue(4)).toBeCloseTo(2 / 5); // 1 + #{≥4} = 2 over 5
    expect(r.pValue(5)).toBeCloseTo(1 / 5);
    expect(r.pValue(0)).toBeCloseTo(1);
    r.add(100); // replaces the oldest (1)
    expect(r.size).toBe(4);
    expect(r.quantile(0)).toBe(2);
    const restored = new RecentValues(4, r.toJSON());
    expect(restored.pValue(100)).toBeCloseTo(r.pValue(100));
  });
});

describe('normalTail', () => {
  it('matches the standard normal', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 6);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 5);
    expect(normalTail(3)).toBeCloseTo(0.0013499, 6);
    expect(normalTail(-1)).toBeCloseTo(0.8413447, 6);
  });
});

describe('SurpriseCalibrator', () => {
  const rand = lcg(7);
  const reference = Array.from({ length: 2000 }, () => ({ nllLateral: rand() * 2, nllLongitudinal: rand() * 2, disagreement: rand() * 0.1 }));

  it('is monotone: a larger component never gets a smaller total or a larger p-value', () => {
    const cal = new SurpriseCalibrator(4096);
    cal.calibrateBatch(reference);
    let last = { total: Number.NEGATIVE_INFINITY, pValue: 2 };
    for (let x = 0; x <= 10; x += 0.25) {
      const s = cal.score({ nllLateral: x, nllLongitudinal: 1, disagreement: 0.05 });
      expect(s.total).toBeGreaterThanOrEqual(last.total);
      expect(s.pValue).toBeLessThanOrEqual(last.pValue);
      last = s;
    }
    expect(last.pValue).toBeLessThan(0.001);
  });

  it('means the same across model versions whose raw scales differ', () => {
    const a = new SurpriseCalibrator(4096);
    const b = new SurpriseCalibrator(4096);
    a.calibrateBatch(reference);
    b.calibrateBatch(reference.map((w) => ({ nllLateral: w.nllLateral * 10 + 5, nllLongitudinal: w.nllLongitudinal * 10 + 5, disagreement: w.disagreement * 10 })));
    const sa = a.score({ nllLateral: 3, nllLongitudinal: 1, disagreement: 0.05 });
    const sb = b.score({ nllLateral: 35, nllLongitudinal: 15, disagreement: 0.5 });
    expect(sb.total).toBeCloseTo(sa.total, 1);
    expect(sb.pValue).toBeCloseTo(sa.pValue, 2);
  });

  it('survives a restart through its state, and a cold batch calibrates on itself', () => {
    const cal = new SurpriseCalibrator(512);
    cal.calibrateBatch(reference);
    const again = new SurpriseCalibrator(512, JSON.parse(JSON.stringify(cal.toState())) as CalibrationState);
    expect(again.seen).toBe(2000);
    expect(again.score({ nllLateral: 5 }).total).toBeCloseTo(cal.score({ nllLateral: 5 }).total, 3);
    const cold = new SurpriseCalibrator(512, undefined, 256).calibrateBatch([{ nllLateral: 1 }, { nllLateral: 1.1 }, { nllLateral: 0.9 }, { nllLateral: 9 }]);
    expect(cold[3].total).toBeGreaterThan(cold[0].total);
    expect(cold[3].pValue).toBeLessThan(cold[0].pValue);
  });
});

describe('windowEvidence', () => {
  it('adds ln(1 + z) over the components that are above their centre (hand-computed)', () => {
    expect(windowEvidence({ nllLateral: 3, nllLongitudinal: -1, latent: 1 })).toBeCloseTo(Math.log(4) + Math.log(2), 12);
    expect(windowEvidence({})).toBe(0);
    // One channel counts whole whatever the others say.
    expect(windowEvidence({ nllLateral: 20, disagreement: -2 })).toBeCloseTo(Math.log(21), 12);
  });
});

describe('pooledEvidence', () => {
  const at = (group: string, ...ts: number[]) => ts.map((t) => ({ group, t }));

  it('is the mean evidence of the same group within ±half-width (hand-computed)', () => {
    const out = pooledEvidence([0, 3, 0, 1], at('s1', 0, 500, 1000, 1500), 500);
    expect(out).toEqual([1.5, 1, 4 / 3, 0.5]);
  });

  it('never pools across groups, and does not depend on the order windows come in', () => {
    const places = [...at('a', 0, 500, 1000), ...at('b', 0, 500, 1000)];
    const values = [9, 0, 0, 0, 0, 0];
    const out = pooledEvidence(values, places, 2000);
    expect(out).toEqual([3, 3, 3, 0, 0, 0]);
    const order = [4, 1, 5, 0, 3, 2];
    const shuffled = pooledEvidence(order.map((i) => values[i]), order.map((i) => places[i]), 2000);
    order.forEach((i, k) => expect(shuffled[k]).toBe(out[i]));
    expect(() => pooledEvidence([1], [])).toThrow(/1 values for 0 places/);
  });

  it('ranks a deviation sustained over seconds above a lone spike of a larger z', () => {
    const ts = Array.from({ length: 9 }, (_, i) => i * 500);
    const ev = (zs: number[]) => zs.map((z) => windowEvidence({ nllLateral: z }));
    const spike = pooledEvidence(ev([0, 0, 0, 0, 30, 0, 0, 0, 0]), at('s', ...ts), 2000);
    const sustained = pooledEvidence(ev([0, 0, 3, 3, 3, 3, 3, 0, 0]), at('s', ...ts), 2000);
    expect(sustained[4]).toBeGreaterThan(spike[4]);
    // …and a window alone is its own neighbourhood.
    expect(pooledEvidence([2.5], at('s', 0))).toEqual([2.5]);
  });
});

describe('SurpriseCalibrator with places', () => {
  const rand = lcg(11);
  const drive = Array.from({ length: 400 }, (_, i) => ({ group: `seg${Math.floor(i / 40)}`, t: i * 500 }));
  const quiet = () => ({ nllLateral: rand() * 2, nllLongitudinal: rand() * 2 });

  it('lifts a sustained event above the noise and calibrates the pooled evidence', () => {
    const batch = drive.map((_, i) => (i >= 200 && i < 208 ? { nllLateral: 12, nllLongitudinal: rand() * 2 } : quiet()));
    const cal = new SurpriseCalibrator(4096);
    const scores = cal.calibrateBatch(batch, drive);
    const event = scores.slice(200, 208).map((s) => s.total);
    const rest = scores.filter((_, i) => i < 195 || i >= 213).map((s) => s.total);
    expect(Math.min(...event)).toBeGreaterThan(Math.max(...rest));
    expect(Math.min(...event)).toBeGreaterThan(3);
    expect(scores[204].pValue).toBeLessThan(0.02);
    // raw, what total calibrates, is the mean evidence (from each window's z) of the neighbourhood.
    const neighbours = scores.slice(200, 209);
    expect(scores[204].raw).toBeCloseTo(neighbours.reduce((a, s) => a + windowEvidence(s.z), 0) / neighbours.length, 12);
  });

  it('drops a persisted reference of another evidence kind rather than mixing scales', () => {
    const cal = new SurpriseCalibrator(512);
    cal.calibrateBatch(drive.map(quiet), drive);
    const state = cal.toState();
    expect(state.evidence).toBe(EVIDENCE_KIND);
    const old: CalibrationState = { ...state, evidence: undefined, total: { values: [500, 600, 700], next: 0 } };
    const fromOld = new SurpriseCalibrator(512, old);
    // With no reference left, total is the evidence itself; the components' reference is kept.
    expect(fromOld.score({ nllLateral: 1 }).total).toBeCloseTo(fromOld.score({ nllLateral: 1 }).raw, 12);
    expect(fromOld.typical('nllLateral')).toBeCloseTo(cal.typical('nllLateral'), 4);
    expect(new SurpriseCalibrator(512, state).score({ nllLateral: 5 }).total).toBeCloseTo(cal.score({ nllLateral: 5 }).total, 3);
  });
});
