import { basename, extname } from 'node:path';
import { probeVideo } from '@surprisal/video';
import { type ClipMeta } from '../outputs/sink';

/** A recorded dashcam video brought in as one clip (the file as it is), starting at `startT`. */
export async function videoClip(file: string, ids: { vehicleId: string; driveId: string; clipId?: string; camera?: string; startT: number }): Promise<{ meta: ClipMeta; file: string }> {
  const probe = await probeVideo(file).catch((err: unknown) => {
    throw new Error(`${file}: ${(err as Error).message}`);
  });
  if (!(probe.fps > 0)) throw new Error(`${file}: cannot tell the frame rate`);
  const fps = Math.round(probe.fps * 1000) / 1000;
  const durationS = probe.durationS;
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
