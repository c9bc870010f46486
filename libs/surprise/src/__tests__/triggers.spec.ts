import { describe, expect, it } from 'vitest';
import { resampleToGrid } from '../grid';
import { ruleTriggers } from '../triggers';

function grid(f: (t: number) => Record<string, number>) {
  const samples = Array.from({ length: 31 }, (_, k) => ({ t: k * 100, ...f(k * 100) }));
  return resampleToGrid(samples, ['speed', 'steering', 'accel', 'brake'], 0, 31, 100, 250);
}

const names = (g: ReturnType<typeof grid>) => ruleTriggers(g, 10, 20).map((h) => h.trigger);

describe('ruleTriggers', () => {
  it('stays quiet on calm driving', () => {
    expect(names(grid((t) => ({ speed: 15, steering: 2 * Math.sin(t / 1000), accel: 0.1, brake: 0 })))).toEqual([]);
  });

  it('fires hard_brake from accel, or from the speed slope when accel is absent', () => {
    expect(names(grid((t) => ({ speed: 15, accel: t >= 1500 ? -6 : 0 })))).toContain('hard_brake');
    const hits = ruleTriggers(grid((t) => ({ speed: t < 1500 ? 15 : Math.max(0, 15 - (t - 1500) * 0.007) })), 10, 20);
    expect(hits.map((h) => h.trigger)).toContain('hard_brake');
    expect(hits.find((h) => h.trigger === 'hard_brake')!.text).toMatch(/hard brake \(\u22127\.0 m\/s²\)/);
  });

  it('fires steering_reversal, high_jerk and disengagement', () => {
    expect(names(grid((t) => ({ speed: 10, steering: t < 1800 ? 25 : -25 })))).toEqual(expect.arrayContaining(['steering_reversal', 'disengagement']));
    expect(names(grid((t) => ({ speed: 10, accel: t === 2000 ? -3 : 0 })))).toContain('high_jerk');
    expect(names(grid((t) => ({ speed: 10, brake: t >= 1500 ? 0.9 : 0 })))).toContain('disengagement');
  });
});
