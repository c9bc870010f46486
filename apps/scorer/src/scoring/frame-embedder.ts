import { type Readable } from 'node:stream';
import { type LoadedModel } from '@surprisal/inference';
import { decodeFrames, type DecodedFrames } from '@surprisal/video';
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

/** Frame i of `frames` as the encoder's input: NCHW float32, uint8 · pixelScale, written into `out` at `offset`. */
export function frameToTensor(frames: DecodedFrames, i: number, pixelScale: number, out: Float32Array, offset: number): void {
  const { width: W, height: H, rgb } = frames;
  const plane = W * H;
  const base = i * plane * 3;
  for (let p = 0; p < plane; p++) {
    out[offset + p] = rgb[base + p * 3] * pixelScale;
    out[offset + plane + p] = rgb[base + p * 3 + 1] * pixelScale;
    out[offset + 2 * plane + p] = rgb[base + p * 3 + 2] * pixelScale;
  }
}
