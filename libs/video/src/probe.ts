import { spawn } from 'node:child_process';
import ffprobe from '@ffprobe-installer/ffprobe';

/** The static ffprobe shipped by @ffprobe-installer/ffprobe, else SURPRISAL_FFPROBE. */
export function ffprobePath(): string {
  return process.env.SURPRISAL_FFPROBE ?? ffprobe.path;
}

/** What ffprobe says about a video's first video stream. */
export interface VideoProbe {
  durationS: number;
  fps: number;
  width: number;
  height: number;
  codec: string;
  frames: number | null;
}

interface FfprobeOutput {
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; duration?: string; nb_frames?: string }[];
  format?: { duration?: string };
}

function rate(r: string | undefined): number {
  const [n, d] = (r ?? '0/1').split('/').map(Number);
  return d ? n / d : 0;
}

/** Probes a video file with ffprobe; rejects (with ffprobe's own words) when it is not a decodable video. */
export function probeVideo(path: string, timeoutMs = 30_000): Promise<VideoProbe> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffprobePath(), ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(err.trim().split('\n').slice(-2).join(' ') || `ffprobe exited ${code}`));
      let parsed: FfprobeOutput;
      try {
        parsed = JSON.parse(out) as FfprobeOutput;
      } catch {
        return reject(new Error('ffprobe printed no JSON'));
      }
      const video = parsed.streams?.find((s) => s.codec_type === 'video');
      if (!video?.width || !video.height) return reject(new Error('no video stream'));
      const durationS = Number(video.duration ?? parsed.format?.duration ?? NaN);
      if (!Number.isFinite(durationS) || durationS <= 0) return reject(new Error('no duration (truncated?)'));
      resolve({
        durationS,
        fps: rate(video.avg_frame_rate) || rate(video.r_frame_rate),
        width: video.width,
        height: video.height,
        codec: video.codec_name ?? 'unknown',
        frames: video.nb_frames === undefined ? null : Number(video.nb_frames),
      });
    });
  });
}
