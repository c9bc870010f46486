import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, LoadedModel } from '@surprisal/inference';
import { SurpriseCalibrator } from '@surprisal/surprise';
import { embedClip, framesInRange } from '../scoring/frame-embedder';
import { scoreSegments, segmentSpan, type SegmentToScore } from '../scoring/segment-scorer';
import { decodeFrames, ffmpegPath } from '@surprisal/video';
import { syntheticDrive } from './synthetic-drive';

const MODEL_DIR = process.env.SURPRISAL_TEST_MODEL_DIR ?? defaultModelDir();
const T0 = 1_800_000_000_000; // segment-aligned (multiple of 20 s)

function segment(index: number, samples: ReturnType<typeof syntheticDrive>): SegmentToScore {
  const startT = T0 + index * 20_000;
  return {
    segmentId: `00000000-0000-4000-8000-00000000000${index}`,
    vehicleId: 'v1',
    driveId: 'd1',
    startT,
    endT: startT + 20_000,
    samples: samples.filter((s) => s.t >= startT - 4_000 && s.t < startT + 20_000),
    frames: undefined,
  };
}

describe('scoreSegments (real model, actions only)', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = await LoadedModel.load(MODEL_DIR, { devices: ['cpu'], maxBatch: 64 });
  });
  afterAll(async () => {
    await model?.release();
  });

  it('scores every 0.5 s window of a segment, and the injected swerve stands out', async () => {
    const eventT = T0 + 20_000 + 12_000;
    const drive = syntheticDrive(T0, 60, eventT);
    const windows = await scoreSegments(model, [segment(1, drive), segment(2, drive)]);
    expect(windows.filter((w) => w.segmentId.endsWith('1'))).toHaveLength(40);
    expect(windows.filter((w) => w.segmentId.endsWith('2'))).toHaveLength(40);
    const w0 = windows[0];
    expect(w0.series.predictor).toBe('predictorActionsOnly');
    expect(w0.series.t).toHaveLength(20);
    expect(w0.series.actual.steering).toHaveLength(20);
    expect(w0.series.predicted.steering.mean).toHaveLength(20);
    expect(Object.keys(w0.components).sort()).toEqual(['disagreement', 'nllLateral', 'nllLongitudinal', 'speedFlatline']);
    expect(w0.components.speedFlatline).toBe(0);

    const cal = new SurpriseCalibrator(4096);
    const scores = cal.calibrateBatch(windows.map((w) => w.components), windows.map((w) => ({ group: w.segmentId, t: w.startT })));
    const hit = (i: number) => windows[i].startT + 2000 >= eventT && windows[i].startT < eventT + 2000;
    const best = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s.total - a.s.total)[0];
    expect(hit(best.i)).toBe(true);
    const calm = scores.filter((_, i) => !hit(i) && Math.abs(windows[i].startT - eventT) > 6000).map((s) => s.total);
    expect(best.s.total).toBeGreaterThan(Math.max(...calm));
    expect(windows[best.i].triggers.map((t) => t.trigger)).toEqual(expect.arrayContaining(['hard_brake']));
    expect(windows.filter((_, i) => !hit(i)).flatMap((w) => w.triggers.map((t) => `${w.startT - eventT}:${t.text}`))).toEqual([]);
  });
});

describe('scoreSegments (real model, with video)', () => {
  let model: LoadedModel;
  let dir: string;
  let clip: string;
  beforeAll(async () => {
    model = await LoadedModel.load(MODEL_DIR, { devices: ['cpu'], maxBatch: 64 });
    dir = mkdtempSync(join(tmpdir(), 'surprisal-clip-'));
    clip = join(dir, 'clip.mp4');
    // 26 s of a moving test pattern at 10 fps, 160×120 (scaled to 64×64 by the decoder).
    execFileSync(ffmpegPath(), ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=26', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  });
  afterAll(async () => {
    await model?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes every frame of a streamed clip at the contract size', async () => {
    const frames = await decodeFrames(createReadStream(clip), 64, 64);
    expect(frames.count).toBe(260);
    expect(frames.rgb.length).toBe(260 * 64 * 64 * 3);
    await expect(decodeFrames(join(dir, 'missing.mp4'), 64, 64)).rejects.toThrow(/ffmpeg exited/);
  });

  it('embeds the frames and scores with the video predictor and the latent model', async () => {
    const seg = segment(1, syntheticDrive(T0, 60));
    const clipStart = seg.startT - 4_000;
    const { fromT, toT } = segmentSpan(model.io, seg.startT, seg.endT);
    const frames = framesInRange([await embedClip(model, { startT: clipStart, fps: 10, open: () => Promise.resolve(createReadStream(clip)) })], fromT, toT);
    expect(frames!.t[0]).toBe(clipStart);
    expect(frames!.data.length).toBe(frames!.t.length * 32);
    const windows = await scoreSegments(model, [{ ...seg, frames }]);
    expect(windows).toHaveLength(40);
    expect(windows.every((w) => w.series.predictor === 'predictor')).toBe(true);
    expect(windows.filter((w) => w.components.latent !== undefined).length).toBeGreaterThan(30);
    expect(windows[0].embedding.length).toBe(20 + 32);
  });
});
