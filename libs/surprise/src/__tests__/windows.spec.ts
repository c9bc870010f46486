import { describe, expect, it } from 'vitest';
import { channelSeries, resampleToGrid } from '../grid';
import { planWindows } from '../windows';

const opts = { historySteps: 20, horizonSteps: 20, strideMs: 500, requiredChannel: 'speed', minPresent: 0.5 };

describe('resampleToGrid', () => {
  it('interpolates between close samples and leaves gaps absent', () => {
    const grid = resampleToGrid(
      [{ t: 0, speed: 0, steering: 10 }, { t: 200, speed: 2 }, { t: 1000, speed: 10 }],
      ['speed', 'steering'],
      0,
      11,
      100,
      250,
    );
    expect(channelSeries(grid, 'speed', 0, 4)).toEqual([0, 1, 2, null]);
    expect(channelSeries(grid, 'speed', 10, 1)).toEqual([10]);
    // steering has one sample: present only at its own time.
    expect(channelSeries(grid, 'steering', 0, 2)).toEqual([10, null]);
  });
});

describe('planWindows', () => {
  const samples = Array.from({ length: 40 * 20 + 1 }, (_, i) => ({ t: 100_000 + i * 50, speed: 10 }));
  const grid = resampleToGrid(samples, ['speed'], 100_000, 401, 100, 250);

  it('slices a 2 s horizon every 0.5 s, owning the windows whose horizon ends inside the segment', () => {
    const plans = planWindows(grid, { startT: 120_000, endT: 140_000 }, opts);
    expect(plans).toHaveLength(40);
    expect(plans[0].nowT).toBe(118_500);
    expect(plans[plans.length - 1].nowT).toBe(138_000);
    expect(plans[0].endT - plans[0].nowT).toBe(2000);
    expect(plans[1].nowT - plans[0].nowT).toBe(500);
    expect(plans[0].nowIdx - plans[0].historyFrom).toBe(19);
  });

  it('adjacent segments cover each window exactly once', () => {
    const a = planWindows(grid, { startT: 100_000, endT: 120_000 }, opts).map((p) => p.nowT);
    const b = planWindows(grid, { startT: 120_000, endT: 140_000 }, opts).map((p) => p.nowT);
    expect(a.filter((t) => b.includes(t))).toEqual([]);
    expect(b[0] - a[a.length - 1]).toBe(500);
  });

  it('drops windows without enough history (the first seconds of a drive)', () => {
    const plans = planWindows(grid, { startT: 100_000, endT: 120_000 }, opts);
    expect(plans[0].nowT).toBe(101_900 + 100); // the first 'now' with 10 of 20 history steps present
  });
});
