import { readFile } from 'node:fs/promises';
import { type ActionSample, type FleetActionsV1 } from '@surprisal/contracts';
import { sleep } from '../core/sleep';
import { type ClipMeta, type FleetSink } from '../outputs/sink';
import { SAMPLE_HZ } from '../sim/vehicle-sim';

/** Recorded driving, converted to the engine's units and rate, ready to send like a live vehicle. */
export interface Recording {
  vehicleId: string;
  driveId: string;
  /** 20 Hz samples, time order, epoch ms. */
  samples: ActionSample[];
  /** Video files brought in as they are (already encoded). */
  clips: { meta: ClipMeta; file: string }[];
}

/** A signal as (time s, value) pairs, increasing in time. */
export interface Series {
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

/** Linear interpolation of a series at time t (held at the ends). */
export function interpolate(s: Series, t: number, hint = { i: 0 }): number {
  const n = s.t.length;
  if (t <= s.t[0]) return s.v[0];
  if (t >= s.t[n - 1]) return s.v[n - 1];
  let i = Math.min(hint.i, n - 2);
  while (i > 0 && s.t[i] > t) i--;
  while (i < n - 2 && s.t[i + 1] < t) i++;
  hint.i = i;
  const f = (t - s.t[i]) / (s.t[i + 1] - s.t[i] || 1);
  return s.v[i] + (s.v[i + 1] - s.v[i]) * f;
}

/** The engine's sample grid (SAMPLE_HZ, i.e. 20 Hz) over [t0, t1] (seconds), from t0 snapped up onto it. */
export function grid(t0: number, t1: number): number[] {
  const start = Math.ceil(t0 * SAMPLE_HZ) / SAMPLE_HZ;
  const out: number[] = [];
  for (let k = 0; start + k / SAMPLE_HZ <= t1 + 1e-9; k++) out.push(start + k / SAMPLE_HZ);
  return out;
}

/** Longitudinal acceleration from speed: a central difference over ±0.25 s (smooths sensor quantisation). */
export function accelFromSpeed(speeds: readonly number[]): number[] {
  const h = Math.round(SAMPLE_HZ / 4);
  return speeds.map((_, i) => {
    const a = Math.max(0, i - h);
    const b = Math.min(speeds.length - 1, i + h);
    return b > a ? ((speeds[b] - speeds[a]) * SAMPLE_HZ) / (b - a) : 0;
  });
}

/** Sends a recording through a sink like a vehicle would: 1 s batches from seq 0, then its clips. */
export async function replayRecording(rec: Recording, sink: FleetSink, opts: { rate: 'realtime' | 'max'; signal?: AbortSignal } = { rate: 'max' }): Promise<{ batches: number; clips: number }> {
  const began = Date.now();
  const batches: FleetActionsV1[] = [];
  for (let i = 0; i < rec.samples.length; i += SAMPLE_HZ) {
    batches.push({ vehicleId: rec.vehicleId, driveId: rec.driveId, seq: batches.length, samples: rec.samples.slice(i, i + SAMPLE_HZ) });
  }
  for (const [k, b] of batches.entries()) {
    if (opts.signal?.aborted) break;
    await sink.actions([b]);
    if (opts.rate === 'realtime') await sleep(began + (k + 1) * 1000 - Date.now(), opts.signal);
  }
  for (const c of rec.clips) await sink.clip(c.meta, await readFile(c.file));
  const all = [...rec.samples.map((s) => s.t), ...rec.clips.flatMap((c) => [c.meta.startT, c.meta.endT])];
  await sink.driveDone({ vehicleId: rec.vehicleId, driveId: rec.driveId, startT: Math.min(...all), endT: Math.max(...all) });
  return { batches: batches.length, clips: rec.clips.length };
}
