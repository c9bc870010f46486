import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The static ffmpeg shipped by @ffmpeg-installer/ffmpeg, else SURPRISAL_FFMPEG, else ffmpeg on PATH. */
export function ffmpegPath(): string {
  if (process.env.SURPRISAL_FFMPEG) return process.env.SURPRISAL_FFMPEG;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return 'ffmpeg';
  }
}

export interface DecodedFrames {
  width: number;
  height: number;
  count: number;
  /** count × height × width × 3 bytes, RGB, row-major (HWC). */
  rgb: Buffer;
}

/**
 * Decodes a whole clip to raw RGB frames scaled to width × height (bilinear, no crop: model-io.v1
 * "frame.resize"); every decoded frame is kept in presentation order (-vsync passthrough), so frame i
 * is at startT + i·1000/fps.
 */
export async function decodeFrames(input: string | Readable, width: number, height: number): Promise<DecodedFrames> {
  const args = (path: string) => ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', path, '-vf', `scale=${width}:${height}:flags=bilinear`, '-vsync', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
  const rgb = typeof input === 'string' ? await runFfmpeg(args(input)) : await withLocalFile(input, (path) => runFfmpeg(args(path)));
  const per = width * height * 3;
  return { width, height, count: Math.floor(rgb.length / per), rgb };
}

/**
 * Spools a stream to a temporary file, runs `work` on its path and removes it: MP4 files whose index
 * (moov) comes last cannot be decoded from a pipe, and seeking (-ss) needs a file.
 */
export async function withLocalFile<T>(input: Readable, work: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'surprisal-clip-'));
  try {
    const path = join(dir, 'clip');
    await pipeline(input, createWriteStream(path));
    return await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs ffmpeg, feeding `input` to its stdin when given, and returns what it wrote to stdout; rejects
 * with ffmpeg's last words when it fails.
 */
export async function runFfmpeg(args: readonly string[], input?: Buffer): Promise<Buffer> {
  const child = spawn(ffmpegPath(), args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 4000) stderr += c.toString();
  });
  if (input && child.stdin) {
    // ffmpeg may exit before reading everything (a bad argument): its exit code tells, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  }
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no message'}`);
  return Buffer.concat(chunks);
}
