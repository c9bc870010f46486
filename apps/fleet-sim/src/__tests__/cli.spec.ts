import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { importCommand } from '../../../cli/src/commands/import.command';
import { simCommand } from '../../../cli/src/commands/sim.command';
import { type TruthRecord } from '../scenarios/scenario';

const tmp = mkdtempSync(join(tmpdir(), 'fleet-sim-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { json: () => JSON.parse(out.join('').trim().split('\n').pop()!) as Record<string, number>, spy };
}

describe('surprisal sim / import (CLI)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sim --to dir writes a dataset and the truth apart, and prints its figures as one JSON line', async () => {
    const io = capture();
    const out = join(tmp, 'ds');
    const truth = join(tmp, 'truth.jsonl');
    await simCommand().parseAsync(['--to', 'dir', '--out', out, '--truth', truth, '--seed', '4', '--vehicles', '2', '--minutes', '0.5', '--no-video', '--scenarios', 'none,cut-in=4,sensor-dropped-samples=2'], { from: 'user' });
    const figures = io.json();
    expect(figures).toMatchObject({ vehicleSeconds: 60, frames: 0, clips: 0 });
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    const lines = readFileSync(truth, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TruthRecord);
    expect(lines.length).toBe(figures.scenarios);
    expect(lines.every((l) => ['cut-in', 'sensor-dropped-samples'].includes(l.scenario) && l.seed === 4 && l.endT >= l.startT)).toBe(true);
  });

  it('sim refuses a truth file inside --out, and bad flags, naming them', async () => {
    capture();
    await expect(simCommand().parseAsync(['--to', 'dir', '--out', tmp, '--truth', join(tmp, 't.jsonl')], { from: 'user' })).rejects.toThrow(/apart from the fleet data/);
    await expect(simCommand().parseAsync(['--to', 'dir', '--out', tmp, '--holdout', 'teleport'], { from: 'user' })).rejects.toThrow(/unknown scenario type/);
    await expect(simCommand().parseAsync(['--to', 'dir', '--out', tmp, '--size', '161x120'], { from: 'user' })).rejects.toThrow(/--size/);
  });

  it('import udacity --to dir brings the HMB_1 log in as one drive', async () => {
    const io = capture();
    const out = join(tmp, 'hmb');
    await importCommand().parseAsync(['udacity', resolve(__dirname, '../../../../../shared/data/real/udacity-hmb1/interpolated.csv'), '--to', 'dir', '--out', out], { from: 'user' });
    expect(io.json()).toMatchObject({ vehicleId: 'udacity-mkz', clips: 0 });
    expect(io.json().samples).toBeGreaterThan(4000);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { drives: { samples: number }[] };
    expect(manifest.drives[0].samples).toBe(io.json().samples);
  });
});
