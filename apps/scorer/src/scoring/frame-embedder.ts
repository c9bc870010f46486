import { type Readable } from 'node:stream';
import { type LoadedModel } from '@surprisal/inference';
import { decodeFrames, frameToTensor } from '../video/frame-decoder';
import { type FrameEmbeddings } from './segment-scorer';

export interface ClipSource {
  startT: number;
  fps: number;
  open(): Promise<Readable>;
}

/**
 * Decodes one clip with ffmpeg to the encoder's input size and embeds every frame (frame i of a clip
 * is at startT + i·1000/fps); at most `maxBatch` frames go to the encoder at once.
 */
export async function embedClip(model: LoadedModel, clip: ClipSource): Promise<FrameEmbeddings> {
  const { width, height, channels, pixelScale } = model.io.frame;
  const per = channels * width * height;
  const D = model.io.embeddingDim;
  const frames = await decodeFrames(await clip.open(), width, height);
  const data = new Float32Array(frames.count * D);
  for (let a = 0; a < frames.count; a += model.maxBatch) {
    const n = Math.min(model.maxBatch, frames.count - a);
    const input = new Float32Array(n * per);
    for (let r = 0; r < n; r++) frameToTensor(frames, a + r, pixelScale, input, r * per);
    data.set(await model.encode(input, n), a * D);
  }
  return { t: Array.from({ length: frames.count }, (_, i) => Math.round(clip.startT + (i * 1000) / clip.fps)), dim: D, data };
}

/** The frames of several clips' embeddings whose time falls in [fromT, toT], in time order (clips may overlap). */
export function framesInRange(parts: readonly FrameEmbeddings[], fromT: number, toT: number): FrameEmbeddings | undefined {
  const picked: { t: number; part: FrameEmbeddings; i: number }[] = [];
  for (const part of parts) part.t.forEach((t, i) => {
    if (t >= fromT && t <= toT) picked.push({ t, part, i });
  });
  if (picked.length === 0) return undefined;
  picked.sort((a, b) => a.t - b.t);
  const D = picked[0].part.dim;
  const data = new Float32Array(picked.length * D);
  picked.forEach((p, r) => data.set(p.part.data.subarray(p.i * D, (p.i + 1) * D), r * D));
  return { t: picked.map((p) => p.t), dim: D, data };
}

/** Embeds the clips and keeps the frames in [fromT, toT]. */
export async function embedClipFrames(model: LoadedModel, clips: readonly ClipSource[], fromT: number, toT: number): Promise<FrameEmbeddings | undefined> {
  const parts: FrameEmbeddings[] = [];
  for (const clip of clips) parts.push(await embedClip(model, clip));
  return framesInRange(parts, fromT, toT);
}

/** The one camera whose frames stand for a vehicle (the encoder's input, the edge cases' thumbnails): 'front' if it has one, else the first by name. */
export function primaryCamera(cameras: readonly string[]): string | undefined {
  return cameras.includes('front') ? 'front' : [...new Set(cameras)].sort()[0];
}

/** At most `n` tasks at once (ffmpeg processes: more than the cores only thrash). */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly n: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Clip embeddings recently computed, by model version and clip: a clip overlapping two segments is
 * decoded and encoded once, not once per segment. Bounded by entry count (an entry is ~13 kB per
 * 10 s clip at 10 fps).
 */
export class ClipEmbeddingCache {
  private readonly entries = new Map<string, Promise<FrameEmbeddings>>();

  constructor(private readonly capacity = 512) {}

  get(key: string, compute: () => Promise<FrameEmbeddings>): Promise<FrameEmbeddings> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    this.entries.set(key, value);
    value.catch(() => this.entries.delete(key));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
