import { describe, expect, it } from 'vitest';
import { channelSeries, resampleToGrid } from '../grid';
import { horizonGapShare, planWindows, speedAccelMismatch } from '../windows';

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

describe('horizonGapShare', () => {
  // 20 Hz samples over 0–6 s with none in [3.0, 4.0) s; 10 Hz grid, maxGap 250 ms.
  const samples = Array.from({ length: 121 }, (_, i) => ({ t: i * 50, speed: 10 })).filter((s) => s.t < 3000 || s.t >= 4000);
  const grid = resampleToGrid(samples, ['speed'], 0, 61, 100, 250);

  it('is the share of horizon steps with no samples inside the drive', () => {
    expect(horizonGapShare(grid, 9, 20, 'speed')).toBe(0); // horizon 1.0–2.9 s: complete
    expect(horizonGapShare(grid, 20, 20, 'speed')).toBe(10 / 20); // horizon 2.1–4.0 s: 3.0–3.9 s missing
    expect(horizonGapShare(grid, 39, 20, 'speed')).toBe(0); // the gap lies in the history only
  });

  it('does not count the end of the data as a gap', () => {
    const ended = resampleToGrid(samples.filter((s) => s.t < 3000), ['speed'], 0, 61, 100, 250);
    expect(horizonGapShare(ended, 20, 20, 'speed')).toBe(0);
    expect(() => horizonGapShare(grid, 20, 20, 'steering')).toThrow(/lacks the channel steering/);
  });
});

describe('speedAccelMismatch', () => {
  // Braking at −2 m/s² from 15 m/s, 20 Hz; the speed signal freezes from 2 s on in the second drive.
  const drive = (frozenFrom = Infinity) =>
    Array.from({ length: 81 }, (_, i) => {
      const t = i * 50;
      return { t, speed: 15 - 2 * (Math.min(t, frozenFrom) / 1000), accel: -2 };
    });

  it('is near 0 where speed follows the integrated acceleration', () => {
    const grid = resampleToGrid(drive(), ['speed', 'accel'], 0, 41, 100, 250);
    expect(speedAccelMismatch(grid, 10, 20)).toBeCloseTo(0, 6);
  });

  it('is the largest gap between the speed change and the integrated acceleration (a frozen speed signal)', () => {
    const grid = resampleToGrid(drive(2000), ['speed', 'accel'], 0, 41, 100, 250);
    expect(speedAccelMismatch(grid, 10, 20)).toBeCloseTo(2, 6); // frozen for the last 1 s of the horizon 1.1–3.0 s at −2 m/s²
    expect(speedAccelMismatch(grid, 0, 10)).toBeCloseTo(0, 6);
  });

  it('is NaN without both signals at now', () => {
    expect(speedAccelMismatch(resampleToGrid(drive(), ['speed'], 0, 41, 100, 250), 10, 20)).toBeNaN();
    const gappy = resampleToGrid(drive().filter((s) => s.t < 400 || s.t > 1200), ['speed', 'accel'], 0, 41, 100, 250);
    expect(speedAccelMismatch(gappy, 5, 20)).toBeNaN();
  });
});
