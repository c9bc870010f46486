import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { contactSheet } from '../render/contact-sheet';
import { Renderer } from '../render/renderer';
import { type ScenarioName } from '../scenarios/scenario';
import { type Conditions } from '../world/conditions';
import { PEDESTRIAN_COLOUR, type Rgb } from '../world/traffic';
import { drive } from './drive-harness';

const W = 160;
const H = 120;
const ARTIFACTS = resolve(__dirname, '../../../../test-artifacts');

const count = (frame: Buffer, c: Rgb, tol = 0) => {
  let n = 0;
  for (let i = 0; i < frame.length; i += 3) if (Math.abs(frame[i] - c[0]) <= tol && Math.abs(frame[i + 1] - c[1]) <= tol && Math.abs(frame[i + 2] - c[2]) <= tol) n++;
  return n;
};

/** Renders a drive with one scenario at 8 s, on the first seed from `seed` on where it starts (and `accept` agrees). */
function filmed(scenario: ScenarioName, seed: number, conditions: Partial<Conditions>, accept: (run: ReturnType<typeof drive>) => boolean = () => true) {
  for (let s = seed; s < seed + 12; s++) {
    const probe = drive({ seed: s, durationS: 40, forced: [{ scenario, atS: 8 }], conditions });
    if (probe.sim.truth.length === 0 || !accept(probe)) continue;
    const renderer = new Renderer(W, H, s);
    const frames: { t: number; frame: Buffer }[] = [];
    const run = drive({ seed: s, durationS: 40, forced: [{ scenario, atS: 8 }], conditions }, (sim) => {
      if (sim.hasFrame) frames.push({ t: sim.epochMs, frame: Buffer.from(renderer.render({ road: sim.road, agents: sim.traffic.agents, ego: sim.state, t: sim.t, conditions: sim.conditions })) });
    });
    const truth = run.sim.truth[0];
    expect(truth.scenario).toBe(scenario);
    return { frames, ticks: run.ticks, truth };
  }
  throw new Error(`${scenario} did not start on seeds ${seed}..${seed + 11}`);
}

describe('rendered frames', () => {
  const day = { lighting: 'day', weather: 'clear' } as const;

  it('show the pedestrian before the driver brakes for it', () => {
    const { frames, ticks, truth } = filmed('pedestrian-crossing', 2, day);
    const seen = frames.find((f) => f.t >= truth.startT && count(f.frame, PEDESTRIAN_COLOUR) > 0);
    const brake = ticks.find((k) => k.t >= truth.startT && k.sample!.brake! > 0.05);
    expect(seen).toBeDefined();
    expect(brake).toBeDefined();
    expect(seen!.t).toBeLessThan(brake!.t);
    // And it grows as the car approaches, until it has crossed.
    const sizes = frames.filter((f) => f.t >= truth.startT && f.t <= brake!.t).map((f) => count(f.frame, PEDESTRIAN_COLOUR));
    expect(Math.max(...sizes)).toBeGreaterThan(sizes[0]);
  });

  it('show the red-light runner crossing before the driver brakes for it', () => {
    // A drive where the driver is not already braking when the runner appears.
    const notBraking = (run: ReturnType<typeof drive>) => run.ticks.find((k) => k.t === run.sim.truth[0].startT)!.sample!.brake! < 0.03;
    const { frames, ticks, truth } = filmed('red-light-runner', 1, day, notBraking);
    const brake = ticks.find((k) => k.t >= truth.startT && k.sample!.brake! > 0.1);
    const seen = frames.find((f) => f.t >= truth.startT && count(f.frame, [180, 0, 0]) > 3);
    expect(brake).toBeDefined();
    expect(seen!.t).toBeLessThan(brake!.t);
  });

  it('differ by lighting and weather, and are a deterministic function of the seed', () => {
    const mean = (f: Buffer) => f.reduce((a, b) => a + b, 0) / f.length;
    const night = filmed('cut-in', 1, { lighting: 'night', weather: 'clear' }).frames[50].frame;
    const noon = filmed('cut-in', 1, day);
    expect(mean(night)).toBeLessThan(mean(noon.frames[50].frame) * 0.6);
    expect(filmed('cut-in', 1, day).frames[120].frame.equals(noon.frames[120].frame)).toBe(true);
  });

  it('make a contact sheet of scenarios (test-artifacts/fleet-sim-contact-sheet.png) that shows their causes', () => {
    const cases: [ScenarioName, number, Partial<Conditions>][] = [
      ['pedestrian-crossing', 2, day],
      ['cut-in', 2, { lighting: 'dusk', weather: 'rain' }],
      ['red-light-runner', 2, { lighting: 'night', weather: 'clear' }],
      ['road-works-lane-shift', 3, { lighting: 'day', weather: 'fog' }],
      ['debris-swerve', 2, day],
      ['animal', 2, day],
    ];
    const cells: Buffer[] = [];
    for (const [scenario, seed, conditions] of cases) {
      const { frames, truth } = filmed(scenario, seed, conditions);
      const from = frames.findIndex((f) => f.t >= truth.startT);
      for (const k of [0, 10, 20, 30]) cells.push(frames[Math.min(frames.length - 1, from + k)].frame);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'fleet-sim-contact-sheet.png');
    writeFileSync(file, contactSheet(cells, W, H, 4, 2));
    const png = PNG.sync.read(readFileSync(file));
    expect(png.width).toBe(4 * (W * 2 + 2));
    expect(png.height).toBe(cases.length * (H * 2 + 2));
    // Row 0 (pedestrian) has magenta pixels; row 3 (road works) has cone orange (fogged, so approximately).
    const rowHas = (row: number, test: (r: number, g: number, b: number) => boolean) => {
      for (let y = row * (H * 2 + 2); y < (row + 1) * (H * 2 + 2) - 2; y++)
        for (let x = 0; x < png.width; x++) {
          const i = (y * png.width + x) * 4;
          if (test(png.data[i], png.data[i + 1], png.data[i + 2])) return true;
        }
      return false;
    };
    expect(rowHas(0, (r, g, b) => r === 255 && g === 0 && b === 255)).toBe(true);
    expect(rowHas(3, (r, g, b) => r > g + 40 && g > b + 20)).toBe(true);
    expect(rowHas(1, (r, g, b) => r === 255 && g === 0 && b === 255)).toBe(false);
  });
});
