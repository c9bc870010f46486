import { type Readable } from 'node:stream';
import { runFfmpeg, withLocalFile } from '@surprisal/video';

export interface FrameStripOptions {
  /** Frames in the strip, left to right in time. */
  frames: number;
  /** Width of each frame in pixels (height keeps the clip's aspect ratio, rounded to even). */
  frameWidth: number;
}

export const FRAME_STRIP: FrameStripOptions = { frames: 4, frameWidth: 160 };

/** What the strip needs of a clip: frame i is at startT + i·1000/fps, as the scorer reads clips. */
export interface StripClip {
  startT: number;
  endT: number;
  fps: number;
}

/**
 * The indexes of the clip's frames on screen at the middles of `frames` equal parts of [fromT, toT] (epoch ms),
 * within the clip; a span shorter than `frames` frames is widened around its middle (inside the clip) so no frame repeats.
 */
export function stripFrameIndexes(clip: StripClip, fromT: number, toT: number, frames = FRAME_STRIP.frames): number[] {
  const frameMs = 1000 / clip.fps;
  const last = Math.max(0, Math.ceil((clip.endT - clip.startT) / frameMs) - 1);
  let from = Math.max(fromT, clip.startT);
  let to = Math.min(toT, clip.endT);
  if (to - from < frames * frameMs) {
    const width = frames * frameMs;
    from = Math.max(clip.startT, Math.min((from + to - width) / 2, clip.endT - width));
    to = from + width;
  }
  const step = (to - from) / frames;
  const at = Array.from({ length: frames }, (_, k) => Math.min(last, Math.max(0, Math.floor((from + (k + 0.5) * step - clip.startT) / frameMs + 1e-6))));
  return [...new Set(at)];
}

/**
 * A JPEG of the clip's frames `indexes` (in presentation order, counted from 0), each scaled to
 * `frameWidth` and tiled left to right. ffmpeg selects by frame number, not by timestamp, so the
 * strip shows the frames the scorer saw at those times. Rejects when no frame is found.
 */
export async function renderFrameStrip(clip: Readable | string, indexes: readonly number[], frameWidth = FRAME_STRIP.frameWidth): Promise<Buffer> {
  const select = indexes.map((i) => `eq(n\\,${i})`).join('+');
  const args = (path: string) => [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-i', path,
    '-vf', `select='${select}',scale=${frameWidth}:-2,tile=${indexes.length}x1`,
    '-vsync', '0', '-frames:v', '1', '-q:v', '4', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1',
  ];
  const jpeg = typeof clip === 'string' ? await runFfmpeg(args(clip)) : await withLocalFile(clip, (path) => runFfmpeg(args(path)));
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error(`ffmpeg made no image of frames ${indexes.join(', ')} (the clip is shorter than it says?)`);
  return jpeg;
}
