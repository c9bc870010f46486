import { round } from '../core/geo';
import { travelDir } from '../driver/vehicle-dynamics';
import { LEFT_LANE_D, ONCOMING_LANE_D, RIGHT_LANE_D, ROAD_LEFT_EDGE_D, ROAD_RIGHT_EDGE_D, SIDEWALK_LEFT_D, SIDEWALK_RIGHT_D } from '../world/road';
import { ANIMAL_COLOUR, CONE_COLOUR, DEBRIS_COLOUR, PEDESTRIAN_COLOUR, type Agent } from '../world/traffic';
import { type ActiveScenario, type ScenarioContext, type ScenarioType } from './scenario';

const inRightLane = (ctx: ScenarioContext) => travelDir(ctx.ego) === 1 && Math.abs(ctx.ego.d - RIGHT_LANE_D) < 0.6 && Math.abs(Math.sin(ctx.ego.psi)) < 0.1;
const noIntersectionWithin = (ctx: ScenarioContext, m: number) => !ctx.road.nextIntersection(ctx.ego.s - 30, m + 30);
const clearLane = (ctx: ScenarioContext, laneD: number, from: number, to: number) => {
  for (const a of [...ctx.traffic.agents]) {
    if ((a.kind === 'car' || a.kind === 'truck') && Math.abs(a.laneD - laneD) < 0.5 && a.s > from && a.s < to) ctx.traffic.remove(a);
  }
};

/** A car from the passing lane cuts in close in front and brakes: the driver brakes hard. */
export const cutIn: ScenarioType = {
  name: 'cut-in',
  kind: 'world',
  defaultRate: 0.25,
  rare: false,
  maxDuration: 15,
  start(ctx) {
    if (!inRightLane(ctx) || ctx.ego.v < 8 || !noIntersectionWithin(ctx, 100)) return undefined;
    const ahead = ctx.rng.range(9, 14);
    clearLane(ctx, LEFT_LANE_D, ctx.ego.s - 20, ctx.ego.s + ahead + 40);
    const speed = ctx.ego.v * ctx.rng.range(0.8, 0.92);
    const lateral = ctx.rng.range(1.6, 2.4);
    const car = ctx.traffic.add({ kind: 'car', s: ctx.ego.s + ahead, d: LEFT_LANE_D, v: speed, colour: [200, 170, 0], scripted: true, laneD: RIGHT_LANE_D, speedFactor: 0.9 });
    let elapsed = 0;
    return {
      params: { gapM: round(ahead, 1), speedMs: round(speed, 2), lateralMs: round(lateral, 2) },
      update(c, dt) {
        elapsed += dt;
        if (elapsed > 0.4 && car.d > RIGHT_LANE_D) car.vd = -lateral;
        if (car.d <= RIGHT_LANE_D) {
          car.d = RIGHT_LANE_D;
          car.vd = 0;
        }
        // Once in, it brakes for two seconds, then drives on as ordinary traffic.
        if (car.vd === 0 && elapsed < 4.5) car.v = Math.max(0, car.v - 1.5 * dt);
        car.a = car.vd === 0 && elapsed < 4.5 ? -1.5 : 0;
        if (elapsed > 4.5) car.scripted = false;
        const gap = car.s - c.ego.s;
        return !(elapsed > 5 && (gap > c.ego.v * 1.3 || gap < -10));
      },
      finish() {
        car.scripted = false;
      },
    };
  },
};

function crosser(
  ctx: ScenarioContext,
  kind: 'pedestrian' | 'animal',
  opts: { distance: number; speed: number; wait: number; fromLeft: boolean; stand?: number },
): ActiveScenario {
  const startD = opts.fromLeft ? SIDEWALK_LEFT_D : SIDEWALK_RIGHT_D;
  const endD = opts.fromLeft ? SIDEWALK_RIGHT_D - 1 : SIDEWALK_LEFT_D + 1;
  const agent: Agent = ctx.traffic.add({
    kind,
    s: ctx.ego.s + opts.distance,
    d: startD,
    scripted: true,
    width: kind === 'pedestrian' ? 0.55 : 1.4,
    height: kind === 'pedestrian' ? 1.75 : 1.2,
    colour: kind === 'pedestrian' ? PEDESTRIAN_COLOUR : ANIMAL_COLOUR,
  });
  const sign = opts.fromLeft ? -1 : 1;
  let elapsed = 0;
  let stood = 0;
  return {
    params: { distanceM: round(opts.distance, 1), speedMs: round(opts.speed, 2), from: opts.fromLeft ? 'left' : 'right', standS: round(opts.stand ?? 0, 1) },
    update(c, dt) {
      elapsed += dt;
      const mid = Math.abs(agent.d - c.ego.d) < 0.5;
      if (mid && opts.stand !== undefined && stood < opts.stand) {
        stood += dt;
        agent.vd = 0;
      } else {
        agent.vd = elapsed > opts.wait ? sign * opts.speed : 0;
      }
      const across = sign > 0 ? agent.d >= endD : agent.d <= endD;
      if (across) agent.vd = 0;
      const passed = (c.ego.s - agent.s) * travelDir(c.ego) > 8;
      return !(across || passed);
    },
    finish(c) {
      c.traffic.remove(agent);
    },
  };
}

/** A pedestrian steps out from the sidewalk and crosses: the driver slows or stops. */
export const pedestrianCrossing: ScenarioType = {
  name: 'pedestrian-crossing',
  kind: 'world',
  defaultRate: 0.2,
  rare: false,
  maxDuration: 30,
  start(ctx) {
    if (travelDir(ctx.ego) !== 1 || ctx.ego.v < 4 || Math.abs(Math.sin(ctx.ego.psi)) > 0.1) return undefined;
    const distance = ctx.ego.v * ctx.rng.range(2.6, 3.6) + 12;
    return crosser(ctx, 'pedestrian', { distance, speed: ctx.rng.range(1.2, 1.8), wait: 0.5, fromLeft: ctx.rng.chance(0.3) });
  },
};

/** An animal runs across, or stops in the lane for a few seconds. */
export const animal: ScenarioType = {
  name: 'animal',
  kind: 'world',
  defaultRate: 0.05,
  rare: true,
  maxDuration: 30,
  start(ctx) {
    if (travelDir(ctx.ego) !== 1 || ctx.ego.v < 6 || Math.abs(Math.sin(ctx.ego.psi)) > 0.1) return undefined;
    const distance = ctx.ego.v * ctx.rng.range(2.8, 3.8) + 15;
    const stand = ctx.rng.chance(0.4) ? ctx.rng.range(2, 5) : undefined;
    return crosser(ctx, 'animal', { distance, speed: ctx.rng.range(3, 5), wait: 0.2, fromLeft: ctx.rng.chance(0.5), stand });
  },
};

/** Debris lies in the lane: the driver swerves around it within the road. */
export const debrisSwerve: ScenarioType = {
  name: 'debris-swerve',
  kind: 'world',
  defaultRate: 0.1,
  rare: false,
  maxDuration: 25,
  start(ctx) {
    if (!inRightLane(ctx) || ctx.ego.v < 8) return undefined;
    const distance = ctx.ego.v * 3 + ctx.rng.range(20, 35);
    clearLane(ctx, LEFT_LANE_D, ctx.ego.s - 20, ctx.ego.s + distance + 40);
    const size = ctx.rng.range(0.6, 1.2);
    const debris = ctx.traffic.add({ kind: 'debris', s: ctx.ego.s + distance, d: RIGHT_LANE_D + ctx.rng.range(-0.3, 0.3), scripted: true, width: size, height: size * 0.35, colour: DEBRIS_COLOUR });
    return {
      params: { distanceM: round(distance, 1), sizeM: round(size, 2) },
      update(c) {
        return !(c.ego.s - debris.s > 15 && Math.abs(c.ego.d - RIGHT_LANE_D) < 0.4);
      },
      finish(c) {
        c.traffic.remove(debris);
      },
    };
  },
};

/** At a green light, a cross-traffic car runs its red across the intersection: the driver brakes hard. */
export const redLightRunner: ScenarioType = {
  name: 'red-light-runner',
  kind: 'world',
  defaultRate: 0.15,
  rare: false,
  maxDuration: 20,
  start(ctx) {
    if (!inRightLane(ctx) || ctx.ego.v < 7) return undefined;
    const x = ctx.road.nextIntersection(ctx.ego.s, 160);
    if (!x) return undefined;
    const timeTo = (x.s - ctx.ego.s) / ctx.ego.v;
    if (timeTo < 3.5 || timeTo > 6 || ctx.road.lightAt(x, ctx.t) !== 'green') return undefined;
    // Nobody ahead in the ego's lane up to the junction: the runner is the only reason to brake.
    const ahead = ctx.traffic.agents.some((a) => (a.kind === 'car' || a.kind === 'truck') && Math.abs(a.d - RIGHT_LANE_D) < 1.5 && a.s > ctx.ego.s && a.s < x.s + 20);
    if (ahead) return undefined;
    x.override = { colour: 'green', until: ctx.t + timeTo + 8 };
    const speed = ctx.rng.range(8, 12);
    const fromLeft = ctx.rng.chance(0.5);
    const lead = ctx.rng.range(1.4, 2.0);
    // Place it so it reaches the ego's lane `lead` seconds before the ego reaches the intersection.
    const reach = speed * (timeTo - lead);
    const car = ctx.traffic.add({
      kind: 'car',
      s: x.s,
      d: fromLeft ? RIGHT_LANE_D + reach : RIGHT_LANE_D - reach,
      vd: fromLeft ? -speed : speed,
      width: 4.4,
      height: 1.5,
      colour: [180, 0, 0],
      scripted: true,
    });
    return {
      params: { intersectionAheadM: round(x.s - ctx.ego.s, 1), crossingSpeedMs: round(speed, 2), from: fromLeft ? 'left' : 'right', leadS: round(lead, 2) },
      update(c) {
        const gone = fromLeft ? car.d < ROAD_RIGHT_EDGE_D - 25 : car.d > ROAD_LEFT_EDGE_D + 25;
        return !(gone && c.ego.s > x.s + 5);
      },
      finish(c) {
        c.traffic.remove(car);
        x.override = undefined;
      },
    };
  },
};

/** Road works close the right lane: cones, a sign, and the driver shifts to the other lane and back. */
export const roadWorksLaneShift: ScenarioType = {
  name: 'road-works-lane-shift',
  kind: 'world',
  defaultRate: 0.1,
  rare: false,
  maxDuration: 120,
  start(ctx) {
    if (!inRightLane(ctx) || ctx.ego.v < 5 || !noIntersectionWithin(ctx, 400)) return undefined;
    const s0 = ctx.ego.s + Math.max(110, ctx.ego.v * 5.5);
    const length = ctx.rng.range(80, 200);
    clearLane(ctx, LEFT_LANE_D, ctx.ego.s - 30, ctx.ego.s + 40);
    clearLane(ctx, RIGHT_LANE_D, ctx.ego.s, s0 + length + 20);
    const placed: Agent[] = [ctx.traffic.add({ kind: 'cone', s: s0 - 50, d: ROAD_RIGHT_EDGE_D - 1, scripted: true, width: 1.2, height: 1.2, colour: CONE_COLOUR })];
    for (let s = s0, row = 0; s < s0 + length; s += 8, row++) {
      const taper = Math.min(1, row / 4);
      for (const off of [-1.2, 0, 1.2]) {
        if (off > -1.2 + 2.4 * taper + 0.01) continue;
        placed.push(ctx.traffic.add({ kind: 'cone', s, d: RIGHT_LANE_D + off, scripted: true, width: 0.45, height: 0.75, colour: CONE_COLOUR }));
      }
    }
    return {
      params: { aheadM: round(s0 - ctx.ego.s, 1), lengthM: round(length, 1) },
      update(c) {
        return !(c.ego.s > s0 + length + 10 && Math.abs(c.ego.d - RIGHT_LANE_D) < 0.4);
      },
      finish(c) {
        for (const a of placed) c.traffic.remove(a);
      },
    };
  },
};

/** Something a driver rarely does, with no cause in the scene: a U-turn, or driving in the oncoming lane. */
export const unusualManoeuvre: ScenarioType = {
  name: 'unusual-manoeuvre',
  kind: 'driver',
  defaultRate: 0.05,
  rare: true,
  maxDuration: 90,
  start(ctx) {
    if (!inRightLane(ctx) || ctx.ego.v < 4 || !noIntersectionWithin(ctx, 300)) return undefined;
    const variant = ctx.rng.chance(0.5) ? 'u-turn' : 'wrong-lane';
    ctx.traffic.clearOncoming(ctx.ego, 500);
    clearLane(ctx, RIGHT_LANE_D, ctx.ego.s - 60, ctx.ego.s - 2);
    const hold = ctx.rng.range(6, 12);
    let elapsed = 0;
    let phase = 0;
    const driver = ctx.driver;
    if (variant === 'wrong-lane') driver.overrides.laneD = ONCOMING_LANE_D;
    else {
      driver.overrides.dir = -1;
    }
    return {
      params: { variant, holdS: round(hold, 1) },
      update(c, dt) {
        elapsed += dt;
        // Keep the oncoming lane free while the ego uses it (no head-on standoffs).
        c.traffic.clearOncoming(c.ego, 300);
        const heading = Math.cos(c.ego.psi);
        if (variant === 'wrong-lane') {
          if (elapsed > hold) driver.overrides.laneD = undefined;
          return !(elapsed > hold && Math.abs(c.ego.d - RIGHT_LANE_D) < 0.4);
        }
        // U-turn, drive back for a while, U-turn again into the original lane.
        if (phase === 0 && heading < -0.97) {
          phase = 1;
          elapsed = 0;
        } else if (phase === 1 && elapsed > hold) {
          phase = 2;
          driver.overrides.dir = 1;
        } else if (phase === 2 && heading > 0.99 && Math.abs(c.ego.d - RIGHT_LANE_D) < 0.4) {
          return false;
        }
        return true;
      },
      finish() {
        driver.overrides.laneD = undefined;
        driver.overrides.dir = undefined;
        driver.overrides.maxSpeed = undefined;
      },
    };
  },
};

export const WORLD_SCENARIOS: readonly ScenarioType[] = [cutIn, pedestrianCrossing, debrisSwerve, redLightRunner, roadWorksLaneShift, unusualManoeuvre, animal];
