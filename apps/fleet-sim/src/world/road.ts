import { Rng } from '../core/rng';

/** Lane geometry (metres, d positive to the left of the centreline; vehicles drive on the right). */
export const LANE_WIDTH = 3.5;
/** Our direction: the right (slow) lane, where vehicles normally drive, and the left (passing) lane. */
export const RIGHT_LANE_D = -1.5 * LANE_WIDTH;
export const LEFT_LANE_D = -0.5 * LANE_WIDTH;
/** The single oncoming lane. */
export const ONCOMING_LANE_D = 0.5 * LANE_WIDTH;
export const ROAD_RIGHT_EDGE_D = -2 * LANE_WIDTH;
export const ROAD_LEFT_EDGE_D = LANE_WIDTH;
export const SIDEWALK_RIGHT_D = ROAD_RIGHT_EDGE_D - 1.5;
export const SIDEWALK_LEFT_D = ROAD_LEFT_EDGE_D + 1.5;

export interface SpeedStretch {
  s0: number;
  s1: number;
  /** m/s */
  limit: number;
  urban: boolean;
}

export type LightColour = 'green' | 'yellow' | 'red';

export interface Intersection {
  s: number;
  /** Seconds of green, yellow and red for our direction, and where in the cycle t = 0 falls. */
  green: number;
  yellow: number;
  red: number;
  offset: number;
  /** A scenario may hold the light at one colour for a while. */
  override?: { colour: LightColour; until: number };
}

export interface Pose {
  x: number;
  y: number;
  heading: number;
}

const STEP = 1;
const LIMITS: readonly (readonly [number, number])[] = [
  [50 / 3.6, 3],
  [60 / 3.6, 2],
  [80 / 3.6, 3],
  [100 / 3.6, 2],
];
/** Comfortable lateral acceleration the road's curves are designed for, m/s². */
const DESIGN_LAT_ACCEL = 1.6;
/** Distance before the intersection where vehicles stop. */
export const STOP_LINE_OFFSET = 6;
/** A lower limit is met this far into its stretch, braking for it at this share of the driver's deceleration. */
const LIMIT_LEAD_M = 25;
const LIMIT_DECEL_SHARE = 0.6;

/**
 * A procedurally generated road: a centreline sampled every metre (position, heading, curvature)
 * built from straights, curves and clothoid transitions, with speed-limit stretches (urban ones
 * slower, with signalised intersections) — everything a vehicle or the renderer asks of it is a
 * function of the arc length s and the lateral offset d.
 */
export class Road {
  private constructor(
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
    private readonly hs: Float64Array,
    private readonly ks: Float64Array,
    readonly stretches: SpeedStretch[],
    readonly intersections: Intersection[],
  ) {}

  get length(): number {
    return (this.xs.length - 1) * STEP;
  }

  /** Generates stretch by stretch, so a longer road starts exactly like a shorter one of the same seed. */
  static generate(rng: Rng, minLength: number): Road {
    const stretches: SpeedStretch[] = [];
    const intersections: Intersection[] = [];
    const ks: number[] = [];
    let k = 0;
    for (let s = 0; s < minLength; ) {
      const limit = rng.weighted(LIMITS);
      const st: SpeedStretch = { s0: s, s1: s + Math.round(rng.range(500, 1600)), limit, urban: limit <= 60 / 3.6 + 0.01 };
      stretches.push(st);
      // Curvature: straights and constant-radius curves joined by 30 m clothoids.
      const minRadius = Math.max((st.limit * st.limit) / DESIGN_LAT_ACCEL, st.urban ? 120 : 250);
      while (ks.length * STEP < st.s1) {
        const straight = st.urban || rng.chance(0.45);
        const target = straight ? 0 : (rng.chance(0.5) ? 1 : -1) / rng.range(minRadius, minRadius * 3);
        const len = Math.round(rng.range(straight ? 80 : 60, straight ? 300 : 220) / STEP);
        const ramp = Math.round(30 / STEP);
        for (let j = 0; j < len && ks.length * STEP < st.s1; j++) ks.push(j < ramp ? k + ((target - k) * j) / ramp : target);
        k = ks[ks.length - 1];
      }
      if (st.urban) {
        for (let at = st.s0 + rng.range(150, 300); at < st.s1 - 80; at += rng.range(220, 450)) {
          const green = rng.range(12, 25);
          const yellow = 3;
          const red = rng.range(10, 20);
          intersections.push({ s: at, green, yellow, red, offset: rng.range(0, green + yellow + red) });
        }
      }
      s = st.s1;
    }
    ks.push(k);
    const n = ks.length;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    const hs = new Float64Array(n);
    hs[0] = 0.7;
    for (let j = 1; j < n; j++) {
      const h = hs[j - 1] + ks[j - 1] * STEP;
      const mid = (hs[j - 1] + h) / 2;
      hs[j] = h;
      xs[j] = xs[j - 1] + Math.cos(mid) * STEP;
      ys[j] = ys[j - 1] + Math.sin(mid) * STEP;
    }
    return new Road(xs, ys, hs, Float64Array.from(ks), stretches, intersections);
  }

  private index(s: number): { i: number; f: number } {
    const c = Math.min(Math.max(s / STEP, 0), this.xs.length - 1.000001);
    const i = Math.floor(c);
    return { i, f: c - i };
  }

  pose(s: number): Pose {
    const { i, f } = this.index(s);
    const extra = s < 0 ? s : s > this.length ? s - this.length : 0;
    const h = this.hs[i] + (this.hs[i + 1] - this.hs[i]) * f;
    return {
      x: this.xs[i] + (this.xs[i + 1] - this.xs[i]) * f + Math.cos(h) * extra,
      y: this.ys[i] + (this.ys[i + 1] - this.ys[i]) * f + Math.sin(h) * extra,
      heading: h,
    };
  }

  /** World point at arc length s, lateral offset d (positive left). */
  point(s: number, d: number): { x: number; y: number } {
    const p = this.pose(s);
    return { x: p.x - Math.sin(p.heading) * d, y: p.y + Math.cos(p.heading) * d };
  }

  curvature(s: number): number {
    const { i, f } = this.index(s);
    return this.ks[i] + (this.ks[i + 1] - this.ks[i]) * f;
  }

  stretchAt(s: number): SpeedStretch {
    for (const st of this.stretches) if (s < st.s1) return st;
    return this.stretches[this.stretches.length - 1];
  }

  limitAt(s: number): number {
    return this.stretchAt(s).limit;
  }

  /**
   * The lowest speed a driver going at v must respect from s, given a deceleration it is willing to use:
   * each lower limit ahead and each curve, eased by the distance left to brake for it. It looks far enough
   * ahead that a limit comes into view while its braking envelope is still above v, so the driver eases
   * off instead of braking at once when it appears (a fixed 160 m made a step of up to 3 m/s² at 25 m/s).
   */
  speedCap(s: number, decel: number, dir: 1 | -1 = 1, v = 0): number {
    const limitDecel = LIMIT_DECEL_SHARE * decel;
    const horizon = Math.max(160, LIMIT_LEAD_M + (v * v) / (2 * limitDecel) + 50);
    let cap = this.limitAt(s);
    for (const st of this.stretches) {
      const dist = dir === 1 ? st.s0 - s : s - st.s1;
      if (dist > 0 && dist < horizon) cap = Math.min(cap, Math.sqrt(st.limit * st.limit + 2 * limitDecel * Math.max(0, dist - LIMIT_LEAD_M)));
    }
    for (let ahead = 0; ahead <= horizon; ahead += 10) {
      const k = Math.abs(this.curvature(s + dir * ahead));
      if (k > 1e-5) cap = Math.min(cap, Math.sqrt(DESIGN_LAT_ACCEL * 1.2 / k + 2 * decel * Math.max(0, ahead - 5)));
    }
    return cap;
  }

  lightAt(x: Intersection, t: number): LightColour {
    return this.signalAt(x, t).colour;
  }

  /** The light's colour at t and the seconds it keeps it (a scenario's override, else the cycle). */
  signalAt(x: Intersection, t: number): { colour: LightColour; left: number } {
    if (x.override && t < x.override.until) return { colour: x.override.colour, left: x.override.until - t };
    const cycle = x.green + x.yellow + x.red;
    const phase = (((t + x.offset) % cycle) + cycle) % cycle;
    if (phase < x.green) return { colour: 'green', left: x.green - phase };
    if (phase < x.green + x.yellow) return { colour: 'yellow', left: x.green + x.yellow - phase };
    return { colour: 'red', left: cycle - phase };
  }

  /** The first intersection strictly ahead of s in the direction of travel, within `horizon` metres. */
  nextIntersection(s: number, horizon: number, dir: 1 | -1 = 1): Intersection | undefined {
    let best: Intersection | undefined;
    for (const x of this.intersections) {
      const dist = (x.s - s) * dir;
      if (dist > 0 && dist < horizon && (!best || dist < (best.s - s) * dir)) best = x;
    }
    return best;
  }
}
