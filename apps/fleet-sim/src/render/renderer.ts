import { Rng } from '../core/rng';
import { type VehicleState } from '../driver/vehicle-dynamics';
import { type Conditions } from '../world/conditions';
import { LANE_WIDTH, LEFT_LANE_D, RIGHT_LANE_D, ROAD_LEFT_EDGE_D, ROAD_RIGHT_EDGE_D, type Road, STOP_LINE_OFFSET } from '../world/road';
import { type Agent, type Rgb } from '../world/traffic';
import { RgbImage } from './raster';

/** What a frame is rendered from. */
export interface RenderScene {
  road: Road;
  agents: readonly Agent[];
  ego: VehicleState;
  /** Seconds since the drive began (traffic lights, rain). */
  t: number;
  conditions: Conditions;
}

export const DEFAULT_FRAME = { width: 160, height: 120 } as const;
export const LIGHT_COLOURS: Record<'red' | 'yellow' | 'green', Rgb> = { red: [255, 30, 30], yellow: [255, 200, 0], green: [0, 230, 90] };

const CAM_HEIGHT = 1.3;
const FOV = (70 * Math.PI) / 180;
const NEAR = 0.5;
const FAR = 180;

interface Poly {
  /** Camera coordinates: x right, y up (relative to the camera), z forward. */
  pts: [number, number, number][];
  colour: Rgb;
  depth: number;
  emissive: boolean;
}

const SKY: Record<Conditions['lighting'], [Rgb, Rgb]> = {
  day: [
    [90, 150, 230],
    [185, 210, 240],
  ],
  dusk: [
    [60, 50, 110],
    [240, 140, 80],
  ],
  night: [
    [5, 5, 20],
    [20, 20, 45],
  ],
};
const GRASS: Rgb = [70, 120, 50];
const ASPHALT: Rgb = [85, 85, 90];
const MARKING: Rgb = [235, 235, 235];
const CENTRE_LINE: Rgb = [240, 200, 40];
const FOG: Rgb = [175, 178, 182];

/**
 * A small pseudo-3D software renderer: a first-person camera on the ego vehicle, the road and its
 * markings projected from the road geometry, intersections with their lights, and every agent as a
 * distance-scaled sprite in its own colour, lit by the drive's lighting and veiled by its weather.
 */
export class Renderer {
  readonly image: RgbImage;
  private readonly focal: number;
  private readonly horizon: number;
  private polys: Poly[] = [];
  private cam = { x: 0, y: 0, fx: 1, fy: 0 };

  constructor(
    readonly width: number = DEFAULT_FRAME.width,
    readonly height: number = DEFAULT_FRAME.height,
    private readonly seed = 0,
  ) {
    this.image = new RgbImage(width, height);
    this.focal = width / 2 / Math.tan(FOV / 2);
    this.horizon = height * 0.42;
  }

  /** Renders one frame; the returned buffer (RGB24) is reused by the next call. */
  render(scene: RenderScene): Buffer {
    const { road, ego, conditions } = scene;
    const pose = road.pose(ego.s);
    const heading = pose.heading + ego.psi;
    const p = road.point(ego.s, ego.d);
    this.cam = { x: p.x + Math.cos(heading) * 1.5, y: p.y + Math.sin(heading) * 1.5, fx: Math.cos(heading), fy: Math.sin(heading) };
    const [skyTop, skyBottom] = SKY[conditions.lighting];
    const h = Math.round(this.horizon);
    this.image.fillRows(0, h, skyTop, conditions.weather === 'fog' ? FOG : skyBottom);
    const ground = this.shade(GRASS, 40, conditions);
    const far = this.shade(GRASS, 150, conditions);
    this.image.fillRows(h, this.height, far, ground);

    this.polys = [];
    this.roadPolys(scene);
    for (const a of scene.agents) this.agentPolys(a, scene);
    for (const x of road.intersections) if (Math.abs(x.s - ego.s) < FAR) this.lightPolys(scene, x.s, road.lightAt(x, scene.t));
    this.polys.sort((a, b) => b.depth - a.depth);
    for (const poly of this.polys) this.draw(poly, conditions);
    if (conditions.weather === 'rain') this.rain(scene.t);
    return this.image.data;
  }

  private toCam(s: number, d: number, road: Road, up: number): [number, number, number] {
    const w = road.point(s, d);
    const dx = w.x - this.cam.x;
    const dy = w.y - this.cam.y;
    return [dx * this.cam.fy - dy * this.cam.fx, up - CAM_HEIGHT, dx * this.cam.fx + dy * this.cam.fy];
  }

  /** A flat quad on the ground between arc lengths s0..s1 and offsets d0..d1. */
  private groundQuad(road: Road, s0: number, s1: number, d0: number, d1: number, colour: Rgb, lift = 0): void {
    const pts = [this.toCam(s0, d0, road, lift), this.toCam(s0, d1, road, lift), this.toCam(s1, d1, road, lift), this.toCam(s1, d0, road, lift)];
    const depth = Math.max(...pts.map((q) => q[2]));
    if (depth < NEAR || Math.min(...pts.map((q) => q[2])) > FAR) return;
    this.polys.push({ pts, colour, depth: depth + 1000 * (1 - lift), emissive: false });
  }

  private roadPolys(scene: RenderScene): void {
    const { road, ego } = scene;
    const markW = 0.15;
    for (let off = -40; off < FAR; ) {
      const step = Math.abs(off) < 40 ? 2 : 6;
      for (const dir of [1, -1]) {
        if (dir === -1 && off < 0) continue;
        const s0 = ego.s + dir * off;
        const s1 = ego.s + dir * (off + step);
        const a = Math.min(s0, s1);
        const b = Math.max(s0, s1);
        this.groundQuad(road, a, b, ROAD_RIGHT_EDGE_D, ROAD_LEFT_EDGE_D, ASPHALT);
        this.groundQuad(road, a, b, ROAD_RIGHT_EDGE_D + 0.1, ROAD_RIGHT_EDGE_D + 0.1 + markW, MARKING, 0.01);
        this.groundQuad(road, a, b, ROAD_LEFT_EDGE_D - 0.1 - markW, ROAD_LEFT_EDGE_D - 0.1, MARKING, 0.01);
        this.groundQuad(road, a, b, -markW / 2, markW / 2, CENTRE_LINE, 0.01);
        // Dashed line between our two lanes: 3 m painted every 9 m.
        for (let m = Math.ceil(a / 9) * 9; m < b; m += 9) this.groundQuad(road, m, m + 3, -LANE_WIDTH - markW / 2, -LANE_WIDTH + markW / 2, MARKING, 0.01);
      }
      off += step;
    }
    for (const x of road.intersections) {
      if (Math.abs(x.s - ego.s) > FAR) continue;
      this.groundQuad(road, x.s - 5, x.s + 5, -60, 60, ASPHALT, 0.005);
      const stop = x.s - STOP_LINE_OFFSET;
      this.groundQuad(road, stop - 0.25, stop + 0.25, ROAD_RIGHT_EDGE_D, 0, MARKING, 0.02);
    }
  }

  /** A camera-facing rectangle standing on the ground at (s, d), from `bottom` to `top` metres up. */
  private billboard(scene: RenderScene, s: number, d: number, width: number, bottom: number, top: number, colour: Rgb, emissive = false, dx = 0): void {
    const c = this.toCam(s, d, scene.road, 0);
    if (c[2] < NEAR || c[2] > FAR) return;
    const x = c[0] + dx;
    this.polys.push({
      pts: [
        [x - width / 2, bottom - CAM_HEIGHT, c[2]],
        [x + width / 2, bottom - CAM_HEIGHT, c[2]],
        [x + width / 2, top - CAM_HEIGHT, c[2]],
        [x - width / 2, top - CAM_HEIGHT, c[2]],
      ],
      colour,
      depth: c[2] - (emissive ? 0.05 : 0) - dx * 0,
      emissive,
    });
  }

  private agentPolys(a: Agent, scene: RenderScene): void {
    const night = scene.conditions.lighting === 'night';
    switch (a.kind) {
      case 'car':
      case 'truck': {
        this.billboard(scene, a.s, a.d, a.width, 0.25, a.height, a.colour);
        this.billboard(scene, a.s, a.d, a.width * 0.7, a.height * 0.55, a.height * 0.85, [40, 45, 55]);
        const sameWay = a.v >= 0;
        const lamp: Rgb = sameWay ? (a.a < -0.8 ? [255, 20, 20] : [150, 20, 20]) : night ? [255, 250, 200] : [200, 200, 180];
        for (const side of [-1, 1]) this.billboard(scene, a.s, a.d, 0.3, 0.55, 0.8, lamp, sameWay ? a.a < -0.8 || night : night, (side * a.width) / 2 - side * 0.2);
        break;
      }
      case 'pedestrian':
        this.billboard(scene, a.s, a.d, a.width * 0.7, 0, 0.85, [40, 40, 60]);
        this.billboard(scene, a.s, a.d, a.width, 0.85, 1.5, a.colour);
        this.billboard(scene, a.s, a.d, a.width * 0.45, 1.5, 1.75, [230, 190, 160]);
        break;
      case 'animal':
        this.billboard(scene, a.s, a.d, a.width * 0.8, 0, 0.55, [90, 55, 15]);
        this.billboard(scene, a.s, a.d, a.width, 0.55, a.height, a.colour);
        break;
      case 'sign':
        this.billboard(scene, a.s, a.d, 0.1, 0, 1.6, [120, 120, 120]);
        this.billboard(scene, a.s, a.d, a.width, 1.6, a.height, [220, 20, 20]);
        this.billboard(scene, a.s, a.d, a.width * 0.7, 1.72, a.height - 0.12, a.colour);
        break;
      default:
        this.billboard(scene, a.s, a.d, a.width, 0, a.height, a.colour);
    }
  }

  private lightPolys(scene: RenderScene, s: number, colour: 'red' | 'yellow' | 'green'): void {
    const at = s - 2;
    this.billboard(scene, at, ROAD_RIGHT_EDGE_D - 0.8, 0.2, 0, 5.6, [70, 70, 70]);
    this.billboard(scene, at, (ROAD_RIGHT_EDGE_D + LEFT_LANE_D) / 2, 0.2 + (RIGHT_LANE_D - ROAD_RIGHT_EDGE_D) * 2.2, 5.5, 5.7, [70, 70, 70]);
    this.billboard(scene, at, RIGHT_LANE_D, 0.5, 4.4, 5.5, [25, 25, 25]);
    const lampY = { red: 5.1, yellow: 4.8, green: 4.5 }[colour];
    this.billboard(scene, at, RIGHT_LANE_D, 0.42, lampY - 0.2, lampY + 0.2, LIGHT_COLOURS[colour], true);
  }

  private shade(colour: Rgb, depth: number, c: Conditions, emissive = false): Rgb {
    let k = c.lighting === 'day' ? 1 : c.lighting === 'dusk' ? 0.7 : Math.max(0.08, Math.min(1, 1.3 - depth / 45));
    if (c.weather === 'rain') k *= 0.8;
    if (emissive) k = 1;
    let rgb: [number, number, number] = [colour[0] * k, colour[1] * k, colour[2] * k];
    if (c.weather === 'fog') {
      const f = 1 - Math.exp(-depth / (emissive ? 60 : 28));
      rgb = [rgb[0] + (FOG[0] - rgb[0]) * f, rgb[1] + (FOG[1] - rgb[1]) * f, rgb[2] + (FOG[2] - rgb[2]) * f];
    }
    return [Math.round(rgb[0]), Math.round(rgb[1]), Math.round(rgb[2])];
  }

  private draw(poly: Poly, c: Conditions): void {
    // Clip against the near plane (Sutherland-Hodgman, one plane), then project.
    const clipped: [number, number, number][] = [];
    const n = poly.pts.length;
    for (let i = 0; i < n; i++) {
      const a = poly.pts[i];
      const b = poly.pts[(i + 1) % n];
      const ain = a[2] >= NEAR;
      const bin = b[2] >= NEAR;
      if (ain) clipped.push(a);
      if (ain !== bin) {
        const t = (NEAR - a[2]) / (b[2] - a[2]);
        clipped.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, NEAR]);
      }
    }
    if (clipped.length < 3) return;
    const xs = clipped.map((q) => this.width / 2 + (this.focal * q[0]) / q[2]);
    const ys = clipped.map((q) => this.horizon - (this.focal * q[1]) / q[2]);
    const depth = Math.min(...clipped.map((q) => q[2]));
    const [r, g, b] = this.shade(poly.colour, depth, c, poly.emissive);
    const w = Math.max(...xs) - Math.min(...xs);
    const h = Math.max(...ys) - Math.min(...ys);
    // Sprites smaller than a pixel still show as one: a distant pedestrian is a dot, not nothing.
    if (poly.depth < 1000 && (w < 1 || h < 1)) this.image.fillRect(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), r, g, b);
    else this.image.fillConvex(xs, ys, r, g, b);
  }

  private rain(t: number): void {
    const rng = Rng.derive(this.seed, 'rain', Math.round(t * 10));
    for (let i = 0; i < (this.width * this.height) / 400; i++) {
      const x = rng.int(0, this.width - 1);
      const y0 = rng.int(0, this.height - 4);
      for (let y = y0; y < y0 + 3; y++) {
        const [r, g, b] = this.image.get(x, y);
        this.image.set(x, y, Math.min(255, r + 50), Math.min(255, g + 50), Math.min(255, b + 60));
      }
    }
  }
}
