import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';

/** The static ffmpeg from @ffmpeg-installer (4.1, with libx264). */
export function ffmpegPath(): string {
  return ffmpeg.path;
}

/** Runs ffmpeg with stdin fed from `input`; rejects with ffmpeg's last words when it fails. */
export function runFfmpeg(args: string[], input?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`))));
    if (input && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/**
 * Encodes RGB24 frames to an H.264 MP4 (yuv420p, one thread, bit-exact flags, no metadata), so the
 * same frames always give byte-identical files.
 */
export async function encodeMp4(frames: readonly Buffer[], width: number, height: number, fps: number): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'surprisal-clip-'));
  const out = join(dir, 'clip.mp4');
  try {
    // libx264 needs even dimensions for yuv420p.
    // prettier-ignore
    await runFfmpeg([
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-threads', '1',
      '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1', '-movflags', '+faststart',
      out,
    ], Buffer.concat(frames));
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
