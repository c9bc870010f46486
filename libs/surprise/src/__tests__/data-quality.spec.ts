import { describe, expect, it } from 'vitest';
import { SurpriseCalibrator } from '../calibration';
import { speedFlatline } from '../data-quality';
import { resampleToGrid } from '../grid';
import { chooseQueue, explainWindow } from '../reasons';

/** 4 s at 20 Hz on a 10 Hz grid; the horizon is grid steps [20, 40). */
function grid(speed: (t: number) => number | undefined) {
  const samples = Array.from({ length: 81 }, (_, k) => ({ t: k * 50, speed: speed(k * 50) })).filter((s) => s.speed !== undefined);
  return resampleToGrid(samples, ['speed'], 0, 41, 100, 250);
}

describe('speedFlatline', () => {
  it('is 0 for a live signal, even at a gentle acceleration rounded to the millimetre per second', () => {
    const live = grid((t) => Math.round((15 + (0.2 * t) / 1000) * 1000) / 1000);
    expect(speedFlatline(live, 20, 20)).toBe(0);
  });

  it('is the longest run of moving steps whose speed did not change, as a share of the horizon: a signal frozen from 3 s on', () => {
    const frozen = grid((t) => Math.round((15 + 0.5 * Math.min(t, 3000) / 1000) * 1000) / 1000);
    // Steps 2.0 … 3.9 s against the step before: 3.1 … 3.9 s repeat 3.0 s.
    expect(speedFlatline(frozen, 20, 20)).toBeCloseTo(9 / 20, 12);
    expect(speedFlatline(frozen, 31, 9)).toBe(1);
    // Repeats scattered over the horizon (a steady cruise logged to the mm/s) are no frozen sensor.
    const steady = grid((t) => 15 + 0.001 * Math.floor(t / 200));
    expect(speedFlatline(steady, 20, 20)).toBe(1 / 20);
  });

  it('says nothing for a standing vehicle or an absent signal', () => {
    expect(speedFlatline(grid(() => 0), 20, 20)).toBeUndefined();
    expect(speedFlatline(grid((t) => (t < 1500 ? 15 : undefined)), 20, 20)).toBeUndefined();
  });

  it('calibrates with a floor on its scale, explains itself and goes to annotation', () => {
    // A fleet whose speed is live in almost every window: MAD 0, so without the floor 0.05 would be a z of 50 000.
    const cal = new SurpriseCalibrator(4096);
    cal.calibrateBatch(Array.from({ length: 1000 }, (_, i) => ({ nllLateral: (i % 10) / 10, speedFlatline: i % 50 === 0 ? 0.05 : 0 })));
    expect(cal.score({ speedFlatline: 0.05 }).z.speedFlatline).toBeCloseTo(0.25, 12);
    const frozen = cal.score({ nllLateral: 0.5, speedFlatline: 1 });
    expect(frozen.z.speedFlatline).toBeCloseTo(5, 12);
    const reasons = explainWindow({ z: frozen.z, components: { speedFlatline: 1 }, typical: {}, t: [100], actual: {}, predicted: {}, triggers: [] });
    expect(reasons.map((r) => r.text)).toEqual(['sensor fault: speed signal frozen over 100% of the horizon while moving']);
    expect(chooseQueue(frozen.z)).toBe('annotation');
  });
});
