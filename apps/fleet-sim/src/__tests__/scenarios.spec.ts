import { describe, expect, it } from 'vitest';
import { LEFT_LANE_D, RIGHT_LANE_D } from '../world/road';
import { parseScenarioPlan } from '../scenarios/registry';
import { SCENARIO_NAMES, type ScenarioName } from '../scenarios/scenario';
import { type Tick, drive, driveWith } from './drive-harness';

const within = (ticks: Tick[], from: number, to: number) => ticks.filter((k) => k.t >= from && k.t <= to);
const min = (xs: number[]) => Math.min(...xs);
const max = (xs: number[]) => Math.max(...xs);

/** What each scenario type must visibly do to the vehicle's behaviour inside [startT, endT], against the same drive without it. */
const EFFECTS: Record<ScenarioName, (run: ReturnType<typeof driveWith>) => void> = {
  'cut-in': ({ ticks, baseline, truth }) => {
    const a = min(within(ticks, truth.startT, truth.endT).map((k) => k.sample!.accel!));
    const b = min(within(baseline.ticks, truth.startT, truth.endT).map((k) => k.sample!.accel!));
    expect(a).toBeLessThan(-1.2);
    expect(a).toBeLessThan(b - 0.8);
  },
  'pedestrian-crossing': ({ ticks, truth }) => {
    const w = within(ticks, truth.startT, truth.endT);
    expect(min(w.map((k) => k.sample!.speed))).toBeLessThan(w[0].sample!.speed * 0.6);
    expect(max(w.map((k) => k.sample!.brake!))).toBeGreaterThan(0.1);
  },
  animal: ({ ticks, truth }) => {
    const w = within(ticks, truth.startT, truth.endT);
    expect(min(w.map((k) => k.sample!.speed))).toBeLessThan(w[0].sample!.speed * 0.9);
    expect(max(w.map((k) => k.sample!.brake!))).toBeGreaterThan(0.05);
  },
  'debris-swerve': ({ ticks, baseline, truth }) => {
    expect(max(within(ticks, truth.startT, truth.endT).map((k) => k.d - RIGHT_LANE_D))).toBeGreaterThan(1.2);
    expect(max(within(baseline.ticks, truth.startT, truth.endT).map((k) => Math.abs(k.d - RIGHT_LANE_D)))).toBeLessThan(0.6);
  },
  'red-light-runner': ({ ticks, truth }) => {
    expect(min(within(ticks, truth.startT, truth.endT).map((k) => k.sample!.accel!))).toBeLessThan(-1.5);
    // Cruising through a green light until the runner shows up.
    expect(within(ticks, truth.startT, truth.startT)[0].sample!.brake!).toBeLessThan(0.05);
  },
  'road-works-lane-shift': ({ ticks, baseline, truth }) => {
    const w = within(ticks, truth.startT, truth.endT);
    expect(max(w.map((k) => k.d))).toBeGreaterThan(LEFT_LANE_D - 0.5);
    expect(max(within(baseline.ticks, truth.startT, truth.endT).map((k) => k.d))).toBeLessThan(RIGHT_LANE_D + 1);
    // Back in the right lane at the end.
    expect(Math.abs(w[w.length - 1].d - RIGHT_LANE_D)).toBeLessThan(0.5);
  },
  'unusual-manoeuvre': ({ ticks, truth }) => {
    const w = within(ticks, truth.startT, truth.endT);
    if (truth.params.variant === 'u-turn') expect(min(w.map((k) => Math.cos(k.psi)))).toBeLessThan(-0.9);
    else expect(max(w.map((k) => k.d))).toBeGreaterThan(0.5);
  },
  'sensor-steering-spike': ({ ticks, baseline, truth }) => {
    const diff = within(ticks, truth.startT, truth.endT).map((k, i) => Math.abs(k.sample!.steering! - within(baseline.ticks, truth.startT, truth.endT)[i].sample!.steering!));
    expect(min(diff)).toBeGreaterThan(100);
  },
  'sensor-frozen-speed': ({ ticks, baseline, truth }) => {
    const w = within(ticks, truth.startT, truth.endT).map((k) => k.sample!.speed);
    expect(new Set(w).size).toBe(1);
    expect(new Set(within(baseline.ticks, truth.startT, truth.endT).map((k) => k.sample!.speed)).size).toBeGreaterThan(5);
  },
  'sensor-dropped-samples': ({ ticks, truth }) => {
    const w = within(ticks, truth.startT, truth.endT);
    expect(w.length).toBeGreaterThan(10);
    expect(w.every((k) => k.sample === undefined)).toBe(true);
  },
};

describe('scenario injection', () => {
  for (const name of SCENARIO_NAMES) {
    it(`${name}: changes behaviour the way its ground truth says, and nothing before it`, () => {
      const run = driveWith(name);
      const { truth, ticks, baseline } = run;
      expect(truth).toMatchObject({ scenario: name, vehicleId: 'test-v001', driveId: 'test-v001-d1', seed: run.seed });
      expect(truth.endT).toBeGreaterThan(truth.startT);
      // Before the scenario, the drive is exactly the drive without it.
      const before = ticks.filter((k) => k.t < truth.startT).map((k) => k.sample);
      expect(before).toEqual(baseline.ticks.filter((k) => k.t < truth.startT).map((k) => k.sample));
      // Sensor faults leave the vehicle alone: its true motion is that of the baseline.
      if (truth.kind === 'sensor') expect(ticks.map((k) => k.s)).toEqual(baseline.ticks.map((k) => k.s));
      EFFECTS[name](run);
    });
  }

  it('injects at the configured rates, never held-out types, and records rare ones as rare', () => {
    const plan = parseScenarioPlan({ scenarios: 'cut-in=2,sensor-dropped-samples=1', holdout: 'pedestrian-crossing', rare: 'animal' });
    const truth = [1, 2].flatMap((seed) => drive({ seed, durationS: 300, plan }).sim.truth);
    expect(truth.some((r) => r.scenario === 'pedestrian-crossing')).toBe(false);
    expect(truth.filter((r) => r.scenario === 'cut-in').length).toBeGreaterThan(3);
    expect(truth.filter((r) => r.scenario === 'sensor-dropped-samples').length).toBeGreaterThan(3);
    expect(truth.filter((r) => r.scenario === 'animal').every((r) => r.rare)).toBe(true);
    expect(plan.get('animal')).toEqual({ rate: 0.005, rare: true });
    expect(() => parseScenarioPlan({ holdout: 'teleport' })).toThrow(/unknown scenario type "teleport"/);
  });
});
