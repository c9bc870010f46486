import { execFile } from 'node:child_process';
import { basename, extname } from 'node:path';
import { promisify } from 'node:util';
import ffprobe from '@ffprobe-installer/ffprobe';
import { type ClipMeta } from '../outputs/sink';

export function ffprobePath(): string {
  return ffprobe.path;
}

/** Frame rate and duration of a video's first video stream (ffprobe). */
export async function probeVideo(file: string): Promise<{ fps: number; durationS: number; width: number; height: number }> {
  const { stdout } = await promisify(execFile)(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=avg_frame_rate,r_frame_rate,width,height,duration:format=duration', '-of', 'json', file]);
  const info = JSON.parse(stdout) as { streams?: { avg_frame_rate?: string; r_frame_rate?: string; width?: number; height?: number; duration?: string }[]; format?: { duration?: string } };
  const st = info.streams?.[0];
  if (!st) throw new Error(`${file}: no video stream`);
  const rate = (r?: string) => {
    const [n, d] = (r ?? '0/1').split('/').map(Number);
    return d ? n / d : 0;
  };
  const fps = rate(st.avg_frame_rate) || rate(st.r_frame_rate);
  const durationS = Number(st.duration ?? info.format?.duration);
  if (!(fps > 0) || !(durationS > 0)) throw new Error(`${file}: cannot tell the frame rate or duration`);
  return { fps: Math.round(fps * 1000) / 1000, durationS, width: st.width ?? 0, height: st.height ?? 0 };
}

/** A recorded dashcam video brought in as one clip (the file as it is), starting at `startT`. */
export async function videoClip(file: string, ids: { vehicleId: string; driveId: string; clipId?: string; camera?: string; startT: number }): Promise<{ meta: ClipMeta; file: string }> {
  const { fps, durationS } = await probeVideo(file);
  const stem = basename(file, extname(file)).replace(/[^A-Za-z0-9._:-]/g, '-');
  return {
    meta: {
      vehicleId: ids.vehicleId,
      driveId: ids.driveId,
      clipId: ids.clipId ?? `${ids.driveId}-${stem}`.slice(0, 128),
      camera: ids.camera ?? 'front',
      startT: ids.startT,
      endT: ids.startT + Math.round(durationS * 1000),
      fps,
    },
    file,
  };
}
