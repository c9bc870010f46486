import { clamp, wrapAngle } from '../core/geo';
import { Rng } from '../core/rng';
import { type Intersection, LEFT_LANE_D, ONCOMING_LANE_D, RIGHT_LANE_D, Road, STOP_LINE_OFFSET } from '../world/road';
import { idm, type Agent } from '../world/traffic';
import { MAX_DECEL, MAX_WHEEL_ANGLE, WHEELBASE, travelDir, type VehicleState } from './vehicle-dynamics';

/** How one driver drives: drawn once per drive from the driver's seed. */
export interface DriverStyle {
  /** Desired time headway, s. */
  headway: number;
  maxAccel: number;
  comfortDecel: number;
  /** Fraction of the speed limit the driver cruises at (≤ 1: drivers respect limits outside scenarios). */
  speedFactor: number;
  /** Seconds between something becoming visible and the driver acting on it. */
  reactionTime: number;
  /** Steering noise at the road wheel, rad (Ornstein-Uhlenbeck std). */
  steerNoise: number;
  accelNoise: number;
  /** Pure-pursuit look-ahead time, s. */
  lookaheadTime: number;
  /** Probability the driver signals a lane change. */
  signalUse: number;
}

export function drawStyle(rng: Rng): DriverStyle {
  return {
    headway: rng.range(1.0, 2.2),
    maxAccel: rng.range(1.0, 2.2),
    comfortDecel: rng.range(1.5, 2.8),
    speedFactor: rng.range(0.86, 0.98),
    reactionTime: rng.range(0.4, 1.0),
    steerNoise: rng.range(0.002, 0.006),
    accelNoise: rng.range(0.03, 0.12),
    lookaheadTime: rng.range(0.8, 1.3),
    signalUse: rng.range(0.7, 1.0),
  };
}

/** The firmest braking, m/s², with which a driver still stops for a yellow light (else it drives on). */
const STOP_FOR_YELLOW_DECEL = 3.5;

/** What a scenario may ask of the driver (an unusual manoeuvre has no cause in the world). */
export interface DriverOverrides {
  /** Lane centre to drive in instead of the usual one. */
  laneD?: number;
  /** Direction of travel along the road (-1: a U-turn). */
  dir?: 1 | -1;
  maxSpeed?: number;
}

export interface DriverCommand {
  accel: number;
  wheel: number;
  turnSignal: -1 | 0 | 1;
}

/** The world the driver perceives. */
export interface Perception {
  t: number;
  road: Road;
  agents: readonly Agent[];
  /** How far the driver can see, m (night and fog shorten it). */
  visibility: number;
  /** Weather makes drivers slower. */
  weatherSpeedFactor: number;
}

/**
 * A human-like driver: car-following (IDM) for speed with red lights, crossing pedestrians and
 * animals as obstacles; pure-pursuit steering along a lane centre that moves smoothly when the
 * driver changes lane (cones ahead) or swerves (debris); a reaction time before it acts on what
 * it sees; and noise in both controls.
 */
export class DriverModel {
  readonly overrides: DriverOverrides = {};
  private pathD = RIGHT_LANE_D;
  private readonly seen = new Map<number, number>();
  private steerOu = 0;
  private accelOu = 0;
  private signal: -1 | 0 | 1 = 0;
  /** The intersection whose yellow the driver decided to drive through (it ignores that light until past it). */
  private committedTo: Intersection | undefined;

  constructor(
    readonly style: DriverStyle,
    private readonly rng: Rng,
  ) {}

  decide(ego: VehicleState, world: Perception, dt: number): DriverCommand {
    const dir = travelDir(ego);
    const wantDir = this.overrides.dir ?? 1;
    const turning = wantDir !== dir;
    const noticed = this.notice(ego, world, dir);

    // Where to drive laterally.
    let laneD = this.overrides.laneD ?? (wantDir === 1 ? RIGHT_LANE_D : ONCOMING_LANE_D);
    let swerve = 0;
    for (const a of noticed) {
      const ahead = (a.s - ego.s) * dir;
      if (a.kind === 'cone' && Math.abs(a.d - laneD) < 1.6 && ahead > -12 && ahead < 90) laneD = laneD === RIGHT_LANE_D ? LEFT_LANE_D : RIGHT_LANE_D;
      if (a.kind === 'debris' && Math.abs(a.d - laneD) < 1.5 && ahead > -6 && ahead < 45) swerve = 2.0 * (laneD === RIGHT_LANE_D ? 1 : -1);
    }
    const desiredD = laneD + swerve;
    const before = this.pathD;
    const lateralRate = swerve !== 0 ? 2.2 : 1.1;
    this.pathD += clamp(desiredD - this.pathD, -lateralRate * dt, lateralRate * dt);
    if (Math.abs(desiredD - before) > 1.2 && this.signal === 0 && swerve === 0 && !turning) {
      this.signal = this.rng.chance(this.style.signalUse) ? (desiredD > before ? 1 : -1) * (wantDir === 1 ? 1 : -1) as -1 | 1 : 0;
    }
    if (Math.abs(ego.d - desiredD) < 0.4) this.signal = 0;

    // Speed.
    const decel = this.style.comfortDecel;
    let v0 = world.road.speedCap(ego.s, decel, dir, ego.v) * this.style.speedFactor * world.weatherSpeedFactor;
    if (this.overrides.maxSpeed !== undefined) v0 = Math.min(v0, this.overrides.maxSpeed);
    const follow = (gap: number, dv: number) => idm(ego.v, v0, gap, dv, this.style.headway, this.style.maxAccel, decel, 3);
    // Above the wanted speed (a lower limit or a curve ahead) the driver brakes towards it, not just lifts off.
    let accel = Math.min(follow(Infinity, 0), ego.v > v0 ? 2 * (v0 - ego.v) : Infinity);
    for (const a of noticed) {
      const ahead = (a.s - ego.s) * dir;
      if (ahead < 0) continue;
      if ((a.kind === 'car' || a.kind === 'truck') && !crossing(a) && (Math.abs(a.d - ego.d) < 1.7 || Math.abs(a.d - this.pathD) < 1.7)) {
        const along = a.v * dir;
        accel = Math.min(accel, follow(ahead - 4.8, ego.v - along));
      } else if ((a.kind === 'pedestrian' || a.kind === 'animal' || crossing(a)) && inPath(a, ego.d, 2.4)) {
        accel = Math.min(accel, follow(ahead - 3, ego.v));
      }
    }
    if (!turning) {
      const x = world.road.nextIntersection(ego.s, Math.min(world.visibility, 150), dir);
      if (x) {
        const { colour, left } = world.road.signalAt(x, world.t);
        const dist = (x.s - ego.s) * dir - STOP_LINE_OFFSET;
        // The dilemma zone: at a yellow, a driver who reaches the stop line before red at its speed
        // drives on and is committed to it; one who cannot stops if that is firm at most. Stopping, it
        // never brakes much harder than the constant deceleration that ends at the line (IDM's gap term
        // alone asked for up to 8 m/s² when a light turned yellow 30 m ahead, a stop no everyday driver makes).
        const needed = (ego.v * ego.v) / (2 * Math.max(dist, 0.1));
        if (colour === 'yellow' && this.committedTo !== x && dist > 0 && dist < ego.v * left) this.committedTo = x;
        const stop = colour === 'red' || (colour === 'yellow' && needed <= STOP_FOR_YELLOW_DECEL);
        if (dist > -1 && stop && this.committedTo !== x) {
          accel = Math.min(accel, Math.max(follow(Math.max(dist, 0.1), ego.v), -1.15 * needed - 0.3));
        }
      }
    }
    // Turning around: slow to walking pace first, and keep it while the car is across the road.
    if (turning || Math.abs(Math.sin(ego.psi)) > 0.35) accel = Math.min(accel, clamp(0.8 * (3 - ego.v), -3, 1));
    this.accelOu += -this.accelOu * dt * 0.8 + this.style.accelNoise * Math.sqrt(dt) * this.rng.normal();
    accel = clamp(accel + (ego.v > 0.5 ? this.accelOu : 0), -MAX_DECEL, this.style.maxAccel);

    // Steering: pure pursuit towards a point on the path ahead (behind the car during a U-turn: full lock).
    const look = Math.max(5, ego.v * this.style.lookaheadTime + 3);
    const steerDir = turning && ego.v > 3.5 ? dir : wantDir;
    const target = world.road.point(ego.s + steerDir * look, steerDir === wantDir ? this.pathD : ego.d);
    const pos = world.road.point(ego.s, ego.d);
    const heading = world.road.pose(ego.s).heading + ego.psi;
    const alpha = wrapAngle(Math.atan2(target.y - pos.y, target.x - pos.x) - heading);
    let wheel = Math.abs(alpha) > Math.PI / 2 ? Math.sign(alpha) * MAX_WHEEL_ANGLE : Math.atan((2 * WHEELBASE * Math.sin(alpha)) / look);
    this.steerOu += -this.steerOu * dt * 1.5 + this.style.steerNoise * Math.sqrt(dt) * 2 * this.rng.normal();
    wheel = clamp(wheel + this.steerOu, -MAX_WHEEL_ANGLE, MAX_WHEEL_ANGLE);
    // Standing still, a driver holds the wheel (pure pursuit means nothing without motion).
    if (ego.v < 0.5 && !turning) wheel = ego.delta;
    return { accel, wheel, turnSignal: this.signal };
  }

  /** What the driver has seen for at least its reaction time, within sight ahead. */
  private notice(ego: VehicleState, world: Perception, dir: 1 | -1): Agent[] {
    const out: Agent[] = [];
    for (const a of world.agents) {
      const ahead = (a.s - ego.s) * dir;
      const visible = ahead > -15 && ahead < world.visibility && a.kind !== 'sign';
      if (!visible) {
        this.seen.delete(a.id);
        continue;
      }
      const first = this.seen.get(a.id) ?? world.t;
      this.seen.set(a.id, first);
      if (world.t - first >= this.style.reactionTime) out.push(a);
    }
    return out;
  }
}

/** A car moving across the road (a red-light runner), not along it. */
function crossing(a: Agent): boolean {
  return Math.abs(a.vd) > 1;
}

/** Whether an agent is, or within 3 s will be, in the strip |d − egoD| < half. */
function inPath(a: Agent, egoD: number, half: number): boolean {
  for (let tau = 0; tau <= 3; tau += 0.25) if (Math.abs(a.d + a.vd * tau - egoD) < half) return true;
  return false;
}
