import { describe, expect, it } from 'vitest';
import { normalTail, RecentValues, SurpriseCalibrator, type CalibrationState } from '../calibration';

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
