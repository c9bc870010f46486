import { type ActionSample } from '@surprisal/contracts';
import { LocalFrame, round } from '../core/geo';
import { Rng } from '../core/rng';
import { DriverModel, drawStyle, type Perception } from '../driver/driver-model';
import { STEERING_RATIO, pedals, stepVehicle, type VehicleState } from '../driver/vehicle-dynamics';
import { type ForcedScenario, ScenarioInjector } from '../scenarios/injector';
import { type ScenarioPlan } from '../scenarios/registry';
import { type ScenarioContext, type TruthRecord } from '../scenarios/scenario';
import { type Conditions, drawConditions, visibility, weatherSpeedFactor } from '../world/conditions';
import { RIGHT_LANE_D, Road } from '../world/road';
import { Traffic } from '../world/traffic';

export const SAMPLE_HZ = 20;
export const FRAME_FPS = 10;
export const DT = 1 / SAMPLE_HZ;
const SAMPLE_MS = 1000 / SAMPLE_HZ;

export interface DriveSpec {
  seed: number;
  vehicleId: string;
  driveId: string;
  /** Epoch ms of the first sample. */
  startMs: number;
  durationS: number;
  plan: ScenarioPlan;
  forced?: ForcedScenario[];
  /** Fixes the drive's conditions instead of drawing them (tests, contact sheets). */
  conditions?: Partial<Conditions>;
}

/**
 * One vehicle's drive, sample by sample at 20 Hz: scenarios act on the world, the sample at t is
 * emitted (through any sensor fault), then the driver decides, the traffic moves and the vehicle
 * is integrated to t + 50 ms. Frames (10 fps) are rendered from `state` by the caller between ticks.
 */
export class VehicleSim {
  readonly road: Road;
  readonly traffic: Traffic;
  readonly driver: DriverModel;
  readonly conditions: Conditions;
  readonly state: VehicleState;
  readonly frame: LocalFrame;
  private readonly injector: ScenarioInjector;
  private readonly scenarioRng: Rng;
  private turnSignal: -1 | 0 | 1 = 0;
  /** Sample index of the next tick. */
  tickIndex = 0;

  constructor(readonly spec: DriveSpec) {
    const rng = (label: string) => Rng.derive(spec.seed, spec.vehicleId, spec.driveId, label);
    const worldRng = rng('world');
    this.conditions = { ...drawConditions(rng('conditions')), ...spec.conditions };
    this.road = Road.generate(worldRng, spec.durationS * 30 + 2000);
    const fleetOrigin = rng('origin');
    this.frame = new LocalFrame(37.3 + fleetOrigin.range(0, 0.3), -122.1 + fleetOrigin.range(0, 0.3));
    this.traffic = new Traffic(this.road, rng('traffic'), this.conditions.trafficGap);
    const style = drawStyle(rng('style'));
    this.driver = new DriverModel(style, rng('driver'));
    const s0 = 60;
    const v0 = this.road.speedCap(s0, style.comfortDecel) * style.speedFactor * weatherSpeedFactor(this.conditions) * 0.95;
    this.state = { s: s0, d: RIGHT_LANE_D, psi: 0, v: v0, a: 0, delta: Math.atan(2.7 * this.road.curvature(s0)), yawRate: 0 };
    this.traffic.populate({ s: s0, d: RIGHT_LANE_D, v: v0, dir: 1 });
    this.scenarioRng = rng('scenarios');
    this.injector = new ScenarioInjector(spec.plan, this.scenarioRng, { vehicleId: spec.vehicleId, driveId: spec.driveId, seed: spec.seed }, [...(spec.forced ?? [])]);
  }

  get totalTicks(): number {
    return Math.round(this.spec.durationS * SAMPLE_HZ);
  }

  get done(): boolean {
    return this.tickIndex >= this.totalTicks;
  }

  /** Seconds since the start of the drive at the current tick. */
  get t(): number {
    return this.tickIndex * DT;
  }

  get epochMs(): number {
    return this.spec.startMs + this.tickIndex * SAMPLE_MS;
  }

  /** Whether the current tick has a camera frame (10 fps: every other sample). */
  get hasFrame(): boolean {
    return this.tickIndex % (SAMPLE_HZ / FRAME_FPS) === 0;
  }

  get activeScenario(): string | undefined {
    return this.injector.active;
  }

  private context(): ScenarioContext {
    return { t: this.t, ego: this.state, road: this.road, traffic: this.traffic, driver: this.driver, rng: this.scenarioRng };
  }

  /** Applies scenarios at the current tick and returns its sample (undefined when a sensor fault drops it). */
  beginTick(): ActionSample | undefined {
    this.injector.tick(this.context(), DT, this.epochMs);
    return this.injector.corrupt(this.sample());
  }

  /** Moves everything to the next tick. */
  endTick(): void {
    const perception: Perception = {
      t: this.t,
      road: this.road,
      agents: this.traffic.agents,
      visibility: visibility(this.conditions),
      weatherSpeedFactor: weatherSpeedFactor(this.conditions),
    };
    const cmd = this.driver.decide(this.state, perception, DT);
    this.turnSignal = cmd.turnSignal;
    const dir = Math.cos(this.state.psi) >= 0 ? 1 : -1;
    this.traffic.update(this.t, DT, { s: this.state.s, d: this.state.d, v: this.state.v, dir });
    stepVehicle(this.state, this.road, DT, cmd.accel, cmd.wheel);
    this.tickIndex++;
    if (this.done) this.injector.stop(this.context());
  }

  /** The truth of every scenario that ran so far (complete once the drive is done). */
  get truth(): readonly TruthRecord[] {
    return this.injector.truth;
  }

  private sample(): ActionSample {
    const st = this.state;
    const p = this.road.point(st.s, st.d);
    const { lat, lon } = this.frame.toLatLon(p.x, p.y);
    const { gas, brake } = pedals(st.a, st.v);
    return {
      t: this.epochMs,
      speed: round(st.v, 3),
      steering: round((st.delta * STEERING_RATIO * 180) / Math.PI, 2),
      accel: round(st.a, 3),
      brake: round(brake, 3),
      gas: round(gas, 3),
      yawRate: round(st.yawRate, 4),
      turnSignal: this.turnSignal,
      lat: round(lat, 7),
      lon: round(lon, 7),
    };
  }
}
