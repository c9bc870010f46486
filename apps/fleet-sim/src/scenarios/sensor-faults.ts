import { type ActionSample } from '@surprisal/contracts';
import { round } from '../core/geo';
import { type ScenarioType } from './scenario';

/** Sensor faults leave the world and the driver alone: they only corrupt what the vehicle reports. */
function timed(duration: number, corrupt: (s: ActionSample) => ActionSample | undefined, params: Record<string, string | number | boolean>) {
  let elapsed = 0;
  return {
    params: { ...params, durationS: round(duration, 2) },
    update(_c: unknown, dt: number) {
      elapsed += dt;
      return elapsed < duration - 1e-9;
    },
    corrupt,
    finish() {},
  };
}

/** The steering-angle sensor reports a short spike of hundreds of degrees. */
export const steeringSpike: ScenarioType = {
  name: 'sensor-steering-spike',
  kind: 'sensor',
  defaultRate: 0.1,
  rare: false,
  maxDuration: 1,
  start(ctx) {
    const magnitude = ctx.rng.range(150, 400) * (ctx.rng.chance(0.5) ? 1 : -1);
    const samples = ctx.rng.int(2, 6);
    return timed(samples * 0.05, (s) => ({ ...s, steering: round(Math.max(-1800, Math.min(1800, (s.steering ?? 0) + magnitude)), 2) }), { magnitudeDeg: round(magnitude, 1), samples });
  },
};

/** The speed signal freezes at its last value while the vehicle keeps changing speed. */
export const frozenSpeed: ScenarioType = {
  name: 'sensor-frozen-speed',
  kind: 'sensor',
  defaultRate: 0.05,
  rare: false,
  maxDuration: 15,
  start(ctx) {
    if (ctx.ego.v < 3) return undefined;
    let frozen: number | undefined;
    return timed(ctx.rng.range(4, 12), (s) => {
      frozen ??= s.speed;
      return { ...s, speed: frozen };
    }, {});
  },
};

/** The logger drops every sample for a few seconds. */
export const droppedSamples: ScenarioType = {
  name: 'sensor-dropped-samples',
  kind: 'sensor',
  defaultRate: 0.1,
  rare: false,
  maxDuration: 6,
  start(ctx) {
    return timed(ctx.rng.range(1, 4), () => undefined, {});
  },
};

export const SENSOR_FAULTS: readonly ScenarioType[] = [steeringSpike, frozenSpeed, droppedSamples];
