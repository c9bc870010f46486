import { type ActionSample } from '@surprisal/contracts';
import { Rng } from '../core/rng';
import { type ScenarioPlan, SCENARIO_TYPES } from './registry';
import { type ActiveScenario, type ScenarioContext, type ScenarioName, type ScenarioType, type TruthRecord } from './scenario';

/** A scenario a test (or a replay of truth) wants at a given second of the drive. */
export interface ForcedScenario {
  scenario: ScenarioName;
  atS: number;
}

interface Running {
  type: ScenarioType;
  instance: ActiveScenario;
  startT: number;
  lastT: number;
  startedAt: number;
}

const GIVE_UP_S = 60;

/**
 * Injects scenarios into one drive: Poisson arrivals per type at the plan's rate, one at a time,
 * each started only when the situation allows (a cut-in needs speed and a free lane), and records
 * the ground truth of each one that ran.
 */
export class ScenarioInjector {
  readonly truth: TruthRecord[] = [];
  private readonly due = new Map<ScenarioName, { at: number; since: number }>();
  private running: Running | undefined;

  constructor(
    private readonly plan: ScenarioPlan,
    private readonly rng: Rng,
    private readonly meta: { vehicleId: string; driveId: string; seed: number },
    private readonly forced: ForcedScenario[] = [],
  ) {
    for (const [name, { rate }] of plan) if (rate > 0) this.schedule(name, 0);
  }

  private schedule(name: ScenarioName, from: number): void {
    const at = from + this.rng.exponential(this.plan.get(name)!.rate / 60);
    this.due.set(name, { at, since: at });
  }

  get active(): ScenarioName | undefined {
    return this.running?.type.name;
  }

  /** Advances the running scenario and starts a due one; `epochMs` stamps the truth. */
  tick(ctx: ScenarioContext, dt: number, epochMs: number): void {
    const r = this.running;
    if (r) {
      const more = ctx.t - r.startedAt < r.type.maxDuration && r.instance.update(ctx, dt);
      if (more) r.lastT = epochMs;
      else this.stop(ctx);
    }
    if (this.running) return;
    const forced = this.forced.find((f) => ctx.t >= f.atS);
    if (forced) {
      if (this.tryStart(SCENARIO_TYPES.get(forced.scenario)!, ctx, epochMs)) this.forced.splice(this.forced.indexOf(forced), 1);
      return;
    }
    for (const [name, d] of this.due) {
      if (ctx.t < d.at) continue;
      if (this.tryStart(SCENARIO_TYPES.get(name)!, ctx, epochMs)) {
        this.schedule(name, ctx.t);
        return;
      }
      // Not now (no intersection near, too slow…): try again in a second, for a while.
      if (ctx.t - d.since > GIVE_UP_S) this.schedule(name, ctx.t);
      else d.at = ctx.t + 1;
    }
  }

  private tryStart(type: ScenarioType, ctx: ScenarioContext, epochMs: number): boolean {
    const instance = type.start(ctx);
    if (!instance) return false;
    this.running = { type, instance, startT: epochMs, lastT: epochMs, startedAt: ctx.t };
    return true;
  }

  /** Passes an emitted sample through a running sensor fault. */
  corrupt(sample: ActionSample): ActionSample | undefined {
    const instance = this.running?.instance;
    return instance?.corrupt ? instance.corrupt(sample) : sample;
  }

  /** Ends what is running (end of the drive). */
  stop(ctx: ScenarioContext): void {
    const r = this.running;
    if (!r) return;
    r.instance.finish(ctx);
    this.running = undefined;
    const entry = this.plan.get(r.type.name);
    this.truth.push({
      scenario: r.type.name,
      kind: r.type.kind,
      rare: entry?.rare ?? r.type.rare,
      vehicleId: this.meta.vehicleId,
      driveId: this.meta.driveId,
      startT: r.startT,
      endT: r.lastT,
      seed: this.meta.seed,
      params: r.instance.params,
    });
  }
}
