import { describe, expect, it } from 'vitest';
import { MAX_JERK, MAX_WHEEL_ANGLE, STEERING_RATIO } from '../driver/vehicle-dynamics';
import { parseScenarioPlan } from '../scenarios/registry';
import { STOP_LINE_OFFSET } from '../world/road';
import { drive } from './drive-harness';

const R = 6_378_137;
const metres = (a: { lat?: number; lon?: number }, b: { lat?: number; lon?: number }) => {
  const dLat = ((b.lat! - a.lat!) * Math.PI) / 180;
  const dLon = (((b.lon! - a.lon!) * Math.PI) / 180) * Math.cos((a.lat! * Math.PI) / 180);
  return Math.hypot(dLat, dLon) * R;
};

describe('vehicle dynamics', () => {
  // Ordinary driving plus every scenario that changes the world or the driver (sensor faults corrupt samples on purpose).
  const runs = [1, 2, 3].map((seed) =>
    drive({
      seed,
      durationS: 240,
      plan: parseScenarioPlan({ holdout: 'sensor-steering-spike,sensor-frozen-speed,sensor-dropped-samples', scenarios: 'none,cut-in=0.5,pedestrian-crossing=0.5,debris-swerve=0.3,red-light-runner=0.3,road-works-lane-shift=0.2,unusual-manoeuvre=0.2,animal=0.3' }),
    }),
  );

  it('emits a sample every 50 ms with physically consistent speed, accel and position (no teleporting)', () => {
    for (const { ticks } of runs) {
      const samples = ticks.map((k) => k.sample!);
      expect(samples.every(Boolean)).toBe(true);
      for (let i = 1; i < samples.length; i++) {
        const [a, b] = [samples[i - 1], samples[i]];
        expect(b.t - a.t).toBe(50);
        // Speed is the integral of acceleration.
        expect(Math.abs(b.speed - a.speed - b.accel! * 0.05)).toBeLessThan(0.01);
        // Position moves by what the speed allows, never jumps.
        expect(metres(a, b)).toBeLessThan(Math.max(a.speed, b.speed) * 0.05 + 0.05);
      }
    }
  });

  it('keeps jerk, steering angle and steering rate bounded', () => {
    for (const { ticks } of runs) {
      const samples = ticks.map((k) => k.sample!);
      for (let i = 1; i < samples.length; i++) {
        expect(Math.abs(samples[i].accel! - samples[i - 1].accel!) / 0.05).toBeLessThanOrEqual(MAX_JERK + 0.1);
        expect(Math.abs(samples[i].steering! - samples[i - 1].steering!)).toBeLessThan(0.5 * 0.05 * STEERING_RATIO * (180 / Math.PI) + 0.05);
      }
      expect(Math.max(...samples.map((s) => Math.abs(s.steering!)))).toBeLessThanOrEqual(MAX_WHEEL_ANGLE * STEERING_RATIO * (180 / Math.PI) + 0.01);
      expect(samples.every((s) => s.brake! >= 0 && s.brake! <= 1 && s.gas! >= 0 && s.gas! <= 1 && !(s.brake! > 0 && s.gas! > 0))).toBe(true);
    }
  });

  it('respects speed limits outside scenarios', () => {
    for (const { ticks } of runs) {
      const outside = ticks.filter((k) => k.scenario === undefined);
      expect(outside.length).toBeGreaterThan(1000);
      const worst = Math.max(...outside.map((k) => k.sample!.speed - k.limit));
      expect(worst).toBeLessThan(0.5);
    }
  });

  it('drives the road: stays near its lane outside scenarios, and moves', () => {
    for (const { ticks } of runs) {
      const outside = ticks.filter((k) => k.scenario === undefined);
      expect(Math.max(...outside.map((k) => Math.abs(k.d + 5.25)))).toBeLessThan(3.6);
      expect(ticks[ticks.length - 1].s - ticks[0].s).toBeGreaterThan(1000);
    }
  });

  it('brakes like a person in everyday driving: at lights and lower limits never harder than 4 m/s², and on through a yellow it can clear', () => {
    const clearable: { seed: number; at: number; v: number; minV: number; passed: boolean }[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      let open: ((typeof clearable)[number] & { lineS: number }) | undefined;
      let yellowBefore = false;
      const { ticks } = drive({ seed, durationS: 300 }, (sim) => {
        const { s, v } = sim.state;
        if (open) {
          open.minV = Math.min(open.minV, v);
          if (s > open.lineS) {
            open.passed = true;
            open = undefined;
          }
        }
        // A light turning yellow ahead of a moving car that reaches its stop line before red at its speed.
        const x = sim.road.nextIntersection(s, 150);
        const dist = x ? x.s - s - STOP_LINE_OFFSET : Infinity;
        const signal = x && sim.road.signalAt(x, sim.t);
        const yellow = signal?.colour === 'yellow';
        if (x && signal && yellow && !yellowBefore && v > 5 && dist > 0 && dist < v * signal.left) {
          open = { seed, at: sim.t, v, minV: v, passed: false, lineS: x.s - STOP_LINE_OFFSET };
          clearable.push(open);
        }
        yellowBefore = yellow;
      });
      expect(Math.min(...ticks.map((k) => k.sample!.accel!)), `seed ${seed}`).toBeGreaterThanOrEqual(-4);
    }
    expect(clearable.length).toBeGreaterThan(0);
    for (const c of clearable.filter((x) => x.passed)) expect(c.minV, JSON.stringify(c)).toBeGreaterThan(0.7 * c.v);
  });
});
