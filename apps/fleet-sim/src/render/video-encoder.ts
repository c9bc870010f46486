import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@surprisal/video';

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
