import { type ActionSample } from '@surprisal/contracts';
import { type ScenarioName } from '../scenarios/scenario';
import { parseScenarioPlan } from '../scenarios/registry';
import { type Conditions } from '../world/conditions';
import { type DriveSpec, VehicleSim } from '../sim/vehicle-sim';

/** One tick of a drive as tests see it: the emitted sample (if any) and the true state. */
export interface Tick {
  t: number;
  sample: ActionSample | undefined;
  d: number;
  psi: number;
  s: number;
  limit: number;
  scenario: string | undefined;
}

/** Runs one vehicle's drive to the end, collecting every tick. */
export function drive(spec: Partial<DriveSpec> & { seed: number; durationS: number }, onTick?: (sim: VehicleSim) => void): { ticks: Tick[]; sim: VehicleSim } {
  const sim = new VehicleSim({
    vehicleId: 'test-v001',
    driveId: 'test-v001-d1',
    startMs: 1_700_000_000_000,
    plan: parseScenarioPlan({ scenarios: 'none' }),
    ...spec,
  });
  const ticks: Tick[] = [];
  while (!sim.done) {
    const t = sim.epochMs;
    const sample = sim.beginTick();
    ticks.push({ t, sample, d: sim.state.d, psi: sim.state.psi, s: sim.state.s, limit: sim.road.limitAt(sim.state.s), scenario: sim.activeScenario });
    onTick?.(sim);
    sim.endTick();
  }
  return { ticks, sim };
}

/** A drive with one scenario forced at 8 s, on the first seed (of a few) where it gets to start. */
export function driveWith(scenario: ScenarioName, durationS = 120, conditions: Partial<Conditions> = { lighting: 'day', weather: 'clear' }) {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const run = drive({ seed, durationS, forced: [{ scenario, atS: 8 }], conditions });
    if (run.sim.truth.length > 0) return { ...run, seed, truth: run.sim.truth[0], baseline: drive({ seed, durationS, conditions }) };
  }
  throw new Error(`${scenario} never started`);
}
