import { SCENARIO_NAMES, type ScenarioName, type ScenarioType } from './scenario';
import { SENSOR_FAULTS } from './sensor-faults';
import { WORLD_SCENARIOS } from './world-scenarios';

export const SCENARIO_TYPES: ReadonlyMap<ScenarioName, ScenarioType> = new Map([...WORLD_SCENARIOS, ...SENSOR_FAULTS].map((t) => [t.name, t]));

/** How often each type is injected in a run, and which count as rare. A rate of 0 leaves the type out (held out). */
export type ScenarioPlan = ReadonlyMap<ScenarioName, { rate: number; rare: boolean }>;

export interface ScenarioFlags {
  /** `none`, `default`, or `type=rate,…` (per vehicle-minute); may start with `none,` to keep only the listed types. */
  scenarios?: string;
  /** Types left out of this run entirely (e.g. of a training run): `type,…`. */
  holdout?: string;
  /** Types to make rare (a tenth of their rate unless given): `type,…`. */
  rare?: string;
}

function names(list: string, flag: string): ScenarioName[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((n) => {
      if (!(SCENARIO_NAMES as readonly string[]).includes(n)) throw new Error(`${flag}: unknown scenario type "${n}" (known: ${SCENARIO_NAMES.join(', ')})`);
      return n as ScenarioName;
    });
}

/** Builds the plan from the CLI flags; throws naming the bad part. */
export function parseScenarioPlan(flags: ScenarioFlags = {}): ScenarioPlan {
  const plan = new Map<ScenarioName, { rate: number; rare: boolean }>();
  for (const t of SCENARIO_TYPES.values()) plan.set(t.name, { rate: t.defaultRate, rare: t.rare });
  const explicit = new Set<ScenarioName>();
  for (const part of (flags.scenarios ?? 'default').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'default') continue;
    if (part === 'none') {
      for (const v of plan.values()) v.rate = 0;
      continue;
    }
    const m = /^([a-z-]+)=([0-9]*\.?[0-9]+)$/.exec(part);
    if (!m) throw new Error(`--scenarios: expected none, default or type=rate (per vehicle-minute), got "${part}"`);
    const [name] = names(m[1], '--scenarios');
    plan.get(name)!.rate = Number(m[2]);
    explicit.add(name);
  }
  for (const n of names(flags.rare ?? '', '--rare')) {
    const entry = plan.get(n)!;
    entry.rare = true;
    if (!explicit.has(n)) entry.rate = SCENARIO_TYPES.get(n)!.defaultRate / 10;
  }
  for (const n of names(flags.holdout ?? '', '--holdout')) plan.get(n)!.rate = 0;
  return plan;
}
