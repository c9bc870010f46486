import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decodeActionSamples } from '@surprisal/columnar';
import { CONTRACTS } from '@surprisal/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { DirSink } from '../outputs/dir.sink';
import { probeVideo } from '@surprisal/video';
import { parseScenarioPlan } from '../scenarios/registry';
import { runFleet } from '../sim/fleet-runner';
import { assertTruthOutside, writeTruth } from '../sim/truth-writer';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

async function dataset(seed: number) {
  const root = mkdtempSync(join(tmpdir(), 'fleet-sim-ds-'));
  roots.push(root);
  const out = join(root, 'data');
  const truthFile = join(root, 'truth.jsonl');
  assertTruthOutside(truthFile, out);
  const plan = parseScenarioPlan({ scenarios: 'cut-in=2,pedestrian-crossing=2,sensor-dropped-samples=2,sensor-steering-spike=2' });
  const sink = new DirSink(out, { seed });
  const result = await runFleet({ seed, vehicles: 2, minutes: 0.5, startMs: Date.UTC(2026, 0, 5, 8), plan, video: { width: 160, height: 120 }, rate: 'max' }, sink);
  await sink.close();
  return { out, truthFile, result };
}

describe('--to dir dataset', () => {
  it('is byte-identical for the same seed (actions, clips, manifest, truth) and differs for another', async () => {
    const [a, b, c] = [await dataset(7), await dataset(7), await dataset(8)];
    await writeTruth(a.truthFile, a.result.truth);
    await writeTruth(b.truthFile, b.result.truth);
    expect(readFileSync(a.truthFile)).toEqual(readFileSync(b.truthFile));
    const fa = files(a.out);
    expect(fa.has('manifest.json')).toBe(true);
    expect([...fa.keys()].filter((k) => k.endsWith('.mp4'))).toHaveLength(2 * 3);
    expect(fa).toEqual(files(b.out));
    expect(files(c.out)).not.toEqual(fa);
  });

  it('holds valid 20 Hz actions in Parquet, 10 fps H.264 clips and a manifest that says nothing about scenarios', async () => {
    const { out, result } = await dataset(7);
    expect(result.truth.length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      drives: { vehicleId: string; driveId: string; actions: string; samples: number }[];
      clips: { path: string; sha256: string; fps: number; startT: number; endT: number }[];
    };
    expect(manifest.drives).toHaveLength(2);
    const text = readFileSync(join(out, 'manifest.json'), 'utf8');
    for (const word of ['scenario', 'cut-in', 'pedestrian', 'truth']) expect(text).not.toContain(word);
    for (const d of manifest.drives) {
      const samples = await decodeActionSamples(readFileSync(join(out, d.actions)));
      expect(samples.length).toBe(d.samples);
      expect(CONTRACTS.fleetActions.validate({ vehicleId: d.vehicleId, driveId: d.driveId, seq: 0, samples }).ok).toBe(true);
      // 600 ticks, less what a dropped-samples fault removed.
      expect(samples.length).toBeLessThanOrEqual(600);
      expect(samples.every((s, i) => i === 0 || (s.t - samples[i - 1].t) % 50 === 0)).toBe(true);
    }
    const clip = manifest.clips[0];
    expect(createHash('sha256').update(readFileSync(join(out, clip.path))).digest('hex')).toBe(clip.sha256);
    expect(clip.endT - clip.startT).toBe(10_000);
    const probe = await probeVideo(join(out, clip.path));
    expect(probe).toMatchObject({ fps: 10, width: 160, height: 120 });
    expect(probe.durationS).toBeCloseTo(10, 0);
  });

  it('refuses a truth file inside the dataset folder', () => {
    expect(() => assertTruthOutside('/data/set/truth.jsonl', '/data/set')).toThrow(/apart from the fleet data/);
    expect(() => assertTruthOutside('/data/truth.jsonl', '/data/set')).not.toThrow();
  });
});
