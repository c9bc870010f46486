import { describe, expect, it } from 'vitest';
import { gaussianNll, latentError, scoreActions, type EnsembleOutput } from '../nll';

describe('gaussianNll', () => {
  it('matches hand-computed values', () => {
    // 0.5 * ln(2π) = 0.918938533…
    expect(gaussianNll(0, 0, 1)).toBeCloseTo(0.9189385332, 9);
    // x − mu = 2, var = 1: 0.9189 + 2 = 2.9189385
    expect(gaussianNll(2, 0, 1)).toBeCloseTo(2.9189385332, 9);
    // var = 4, x − mu = 2: 0.5 (ln 2π + ln 4 + 1) = 0.9189385 + 0.6931472 + 0.5
    expect(gaussianNll(3, 1, 4)).toBeCloseTo(2.1120857137, 9);
  });
});

/** One window, two steps, one channel, members given in physical units. */
function output(means: number[][], logVars: number[][]): EnsembleOutput {
  const M = means.length;
  const S = means[0].length;
  return { members: M, batch: 1, steps: S, channels: 1, mean: Float32Array.from(means.flat()), logVar: Float32Array.from(logVars.flat()) };
}

describe('scoreActions', () => {
  const norm = [{ mean: 10, std: 2 }];
  const groups = { lateral: [0], longitudinal: [] };

  it('normalises, moment-matches the members and averages NLL over present steps', () => {
    // Members predict 10 and 14 (z 0 and 2) with variance 4 (z variance 1): mixture mu 1, var 1 + (0 + 4)/2 − 1 = 2.
    const ln4 = Math.log(4);
    const out = output([[10, 10], [14, 14]], [[ln4, ln4], [ln4, ln4]]);
    // Actual 12 (z 1) at step 0; step 1 absent.
    const s = scoreActions(out, 0, [12, 999], [1, 0], norm, groups);
    const expected = 0.5 * (Math.log(2 * Math.PI) + Math.log(2) + 0);
    expect(s.nll).toBeCloseTo(expected, 6);
    expect(s.nllLateral).toBeCloseTo(expected, 6);
    expect(Number.isNaN(s.nllLongitudinal)).toBe(true);
    // Variance of members' normalised means {0, 2} = 1.
    expect(s.disagreement).toBeCloseTo(1, 6);
    // Mixture in physical units: mean 12, std sqrt(2) * 2.
    expect(s.prediction.mean[0]).toBeCloseTo(12, 5);
    expect(s.prediction.std[0]).toBeCloseTo(Math.SQRT2 * 2, 5);
  });

  it('grows with the miss and is NaN when nothing is present', () => {
    const out = output([[10, 10]], [[0, 0]]);
    const near = scoreActions(out, 0, [10.5, 10.5], [1, 1], norm, groups).nll;
    const far = scoreActions(out, 0, [20, 20], [1, 1], norm, groups).nll;
    expect(far).toBeGreaterThan(near);
    expect(Number.isNaN(scoreActions(out, 0, [0, 0], [0, 0], norm, groups).nll)).toBe(true);
  });
});

describe('latentError', () => {
  it('is the mean squared difference', () => {
    expect(latentError([1, 2, 3], [1, 0, 0])).toBeCloseTo((0 + 4 + 9) / 3, 9);
    expect(() => latentError([1], [1, 2])).toThrow(/lengths differ/);
  });
});
