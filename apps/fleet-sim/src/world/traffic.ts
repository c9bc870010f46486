import { Rng } from '../core/rng';
import { LEFT_LANE_D, ONCOMING_LANE_D, RIGHT_LANE_D, Road, SIDEWALK_LEFT_D, SIDEWALK_RIGHT_D, STOP_LINE_OFFSET } from './road';

export type Rgb = readonly [number, number, number];
export type AgentKind = 'car' | 'truck' | 'pedestrian' | 'animal' | 'debris' | 'cone' | 'sign';

/** Anything on or beside the road, in road coordinates (s along, d lateral positive left). */
export interface Agent {
  id: number;
  kind: AgentKind;
  s: number;
  d: number;
  /** Speed along the road, m/s; negative for oncoming traffic. */
  v: number;
  /** Lateral speed, m/s, positive left. */
  vd: number;
  /** Longitudinal acceleration (brake lights show when it is clearly negative). */
  a: number;
  width: number;
  height: number;
  colour: Rgb;
  /** Traffic cars: the lane centre they keep and their fraction of the speed limit. */
  laneD: number;
  speedFactor: number;
  /** Moved by a scenario, not by the traffic model. */
  scripted: boolean;
}

/** The ego vehicle as traffic sees it. */
export interface EgoView {
  s: number;
  d: number;
  v: number;
  dir: 1 | -1;
}

const CAR_COLOURS: readonly Rgb[] = [
  [40, 70, 160],
  [200, 200, 205],
  [30, 30, 35],
  [110, 120, 130],
  [150, 30, 30],
  [30, 110, 70],
  [230, 230, 225],
];
/** Pedestrians and animals get colours cars never have, so a frame shows them unmistakably. */
export const PEDESTRIAN_COLOUR: Rgb = [255, 0, 255];
export const ANIMAL_COLOUR: Rgb = [150, 90, 20];
export const DEBRIS_COLOUR: Rgb = [90, 60, 40];
export const CONE_COLOUR: Rgb = [255, 120, 0];
export const SIGN_COLOUR: Rgb = [240, 240, 240];

const AHEAD = 260;
const BEHIND = 120;
const IDM_T = 1.5;
const IDM_A = 1.2;
const IDM_B = 2.0;
const IDM_S0 = 2.5;

/** Intelligent Driver Model acceleration. */
export function idm(v: number, v0: number, gap: number, dv: number, T: number, a: number, b: number, s0: number): number {
  const free = 1 - (v / Math.max(v0, 0.1)) ** 4;
  if (!Number.isFinite(gap)) return a * free;
  const sStar = s0 + Math.max(0, v * T + (v * dv) / (2 * Math.sqrt(a * b)));
  return a * (free - (sStar / Math.max(gap, 0.1)) ** 2);
}

/**
 * The other road users around one ego vehicle: cars in both lanes of its direction and oncoming,
 * pedestrians on the sidewalks, speed-limit signs. Cars follow each other (IDM), stop at red lights
 * and keep their lane; what scenarios place is `scripted` and moved by them instead.
 */
export class Traffic {
  readonly agents: Agent[] = [];
  private nextId = 1;

  constructor(
    private readonly road: Road,
    private readonly rng: Rng,
    /** Mean gap between cars in a lane, metres (smaller = denser traffic). */
    private readonly meanGap: number,
  ) {
    for (const st of road.stretches) {
      this.add({ kind: 'sign', s: st.s0 + 5, d: SIDEWALK_RIGHT_D + 0.5, width: 0.8, height: 2.4, colour: SIGN_COLOUR });
    }
  }

  add(init: Partial<Agent> & Pick<Agent, 'kind' | 's' | 'd'>): Agent {
    const agent: Agent = {
      id: this.nextId++,
      v: 0,
      vd: 0,
      a: 0,
      width: 1.8,
      height: 1.5,
      colour: CAR_COLOURS[0],
      laneD: init.d,
      speedFactor: 1,
      scripted: false,
      ...init,
    };
    this.agents.push(agent);
    return agent;
  }

  remove(agent: Agent): void {
    const i = this.agents.indexOf(agent);
    if (i >= 0) this.agents.splice(i, 1);
  }

  /** Removes oncoming cars near the ego (a scenario that uses the oncoming lane clears it first). */
  clearOncoming(ego: Pick<EgoView, 's'>, range: number): void {
    for (const a of [...this.agents]) if ((a.kind === 'car' || a.kind === 'truck') && a.laneD === ONCOMING_LANE_D && Math.abs(a.s - ego.s) < range) this.remove(a);
  }

  populate(ego: EgoView): void {
    for (const lane of [RIGHT_LANE_D, LEFT_LANE_D, ONCOMING_LANE_D]) {
      for (let s = ego.s + 30 + this.rng.range(0, this.meanGap); s < ego.s + AHEAD; s += this.gap()) this.spawnCar(lane, s);
    }
  }

  private gap(): number {
    return this.meanGap * this.rng.range(0.5, 1.6);
  }

  private spawnCar(lane: number, s: number): void {
    const truck = this.rng.chance(0.12);
    const dir = lane === ONCOMING_LANE_D ? -1 : 1;
    const speedFactor = this.rng.range(0.85, 1.0) * (lane === LEFT_LANE_D ? 1.0 : 0.95);
    this.add({
      kind: truck ? 'truck' : 'car',
      s,
      d: lane,
      laneD: lane,
      v: dir * this.road.limitAt(s) * speedFactor,
      width: truck ? 2.5 : 1.8,
      height: truck ? 3.2 : 1.5,
      colour: truck ? [220, 220, 210] : this.rng.pick(CAR_COLOURS),
      speedFactor,
    });
  }

  update(t: number, dt: number, ego: EgoView): void {
    this.spawnAndDespawn(ego);
    for (const a of this.agents) {
      if (a.scripted) {
        a.s += a.v * dt;
        a.d += a.vd * dt;
        continue;
      }
      if (a.kind === 'car' || a.kind === 'truck') this.driveCar(a, t, dt, ego);
      else if (a.kind === 'pedestrian') a.s += a.v * dt;
    }
  }

  private driveCar(car: Agent, t: number, dt: number, ego: EgoView): void {
    const dir = car.v < 0 || car.laneD === ONCOMING_LANE_D ? -1 : 1;
    const speed = Math.abs(car.v);
    const v0 = this.road.limitAt(car.s) * car.speedFactor;
    let gap = Infinity;
    let dv = 0;
    for (const o of this.agents) {
      if (o === car || (o.kind !== 'car' && o.kind !== 'truck') || Math.abs(o.d - car.laneD) > 1.6) continue;
      const dist = (o.s - car.s) * dir - 5;
      if (dist > -4 && dist < gap) {
        gap = Math.max(dist, 0.1);
        dv = speed - Math.abs(o.v);
      }
    }
    if (Math.abs(ego.d - car.laneD) < 1.6) {
      const dist = (ego.s - car.s) * dir - 5;
      if (dist > -4 && dist < gap) {
        gap = Math.max(dist, 0.1);
        dv = speed - ego.v * (ego.dir === dir ? 1 : -1);
      }
    }
    const x = this.road.nextIntersection(car.s, 120, dir);
    if (x) {
      const colour = this.road.lightAt(x, t);
      const dist = (x.s - car.s) * dir - STOP_LINE_OFFSET;
      const canStop = dist > (speed * speed) / (2 * 3.5);
      if (dist > 0 && (colour === 'red' || (colour === 'yellow' && canStop)) && dist < gap) {
        gap = dist;
        dv = speed;
      }
    }
    const a = Math.max(-7, Math.min(IDM_A, idm(speed, v0, gap, dv, IDM_T, IDM_A, IDM_B, IDM_S0)));
    car.a = a;
    const next = Math.max(0, speed + a * dt);
    car.v = dir * next;
    car.s += dir * next * dt;
    car.d += (car.laneD - car.d) * Math.min(1, dt * 1.5);
  }

  private spawnAndDespawn(ego: EgoView): void {
    for (const a of [...this.agents]) {
      if (a.kind !== 'sign' && (a.s < ego.s - BEHIND - 80 || a.s > ego.s + AHEAD + 80) && !a.scripted) this.remove(a);
    }
    // Keep each lane filled ahead of the ego: a new car appears at the far end when the last one is far enough in.
    for (const lane of [RIGHT_LANE_D, LEFT_LANE_D, ONCOMING_LANE_D]) {
      let farthest = -Infinity;
      for (const a of this.agents) if ((a.kind === 'car' || a.kind === 'truck') && a.laneD === lane) farthest = Math.max(farthest, a.s);
      if (farthest < ego.s + AHEAD - this.gap()) this.spawnCar(lane, ego.s + AHEAD);
    }
    // Pedestrians stroll along the sidewalks in towns.
    if (this.road.stretchAt(ego.s + AHEAD).urban && this.rng.chance(0.01)) {
      const left = this.rng.chance(0.5);
      this.add({
        kind: 'pedestrian',
        s: ego.s + AHEAD,
        d: left ? SIDEWALK_LEFT_D : SIDEWALK_RIGHT_D,
        v: this.rng.range(-1.5, 1.5),
        width: 0.55,
        height: 1.75,
        colour: [60, 60, 140],
      });
    }
  }
}
