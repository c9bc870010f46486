import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ActionSample } from '@surprisal/contracts';
import { round } from '../core/geo';
import { type NpyArray, column, parseNpy } from './npy';
import { type Recording, type Series, accelFromSpeed, grid, interpolate } from './recording';

/**
 * Reads one comma2k19 segment folder (`<dongle>_<route>/<segment>/processed_log/…`, NumPy arrays
 * without extension, `t` in seconds of boot time) into 20 Hz samples:
 *
 * - speed: `CAN/speed` (m/s) as is;
 * - steering: `CAN/steering_angle` — already the steering-wheel angle in degrees, positive left;
 * - yawRate: `IMU/gyro` axis z negated (the device frame is x forward, y right, z down, so a left
 *   turn reads negative z; rad/s);
 * - accel: derived from CAN speed (central difference over ±0.25 s) — the IMU's longitudinal axis
 *   carries the mount's pitch and bias;
 * - lat/lon: `GNSS/live_gnss_ublox` columns 0 and 1; epoch time from its column 3 (UTC ms): the
 *   median offset between that and boot time maps every sample to epoch ms;
 * - gas, brake, turnSignal: not in the processed log, so absent (never zero).
 */
export async function readComma2k19Segment(segmentDir: string, ids: { vehicleId?: string; driveId?: string } = {}): Promise<Recording> {
  const load = async (signal: string, part: 't' | 'value'): Promise<NpyArray> => {
    try {
      return parseNpy(await readFile(join(segmentDir, 'processed_log', signal, part)));
    } catch (err) {
      throw new Error(`comma2k19 segment ${segmentDir}: cannot read processed_log/${signal}/${part}: ${(err as Error).message}`);
    }
  };
  const series = async (signal: string, col = 0, scale = 1): Promise<Series> => {
    const t = (await load(signal, 't')).data;
    const v = column(await load(signal, 'value'), col);
    return { t, v: scale === 1 ? v : v.map((x) => x * scale) };
  };
  const speed = await series('CAN/speed');
  const steering = await series('CAN/steering_angle');
  const yaw = await series('IMU/gyro', 2, -1);
  const gnssT = (await load('GNSS/live_gnss_ublox', 't')).data;
  const gnss = await load('GNSS/live_gnss_ublox', 'value');
  const lat: Series = { t: gnssT, v: column(gnss, 0) };
  const lon: Series = { t: gnssT, v: column(gnss, 1) };
  const utc = column(gnss, 3);
  const offsets = Array.from(gnssT, (t, i) => utc[i] - t * 1000).sort((a, b) => a - b);
  const offsetMs = offsets[Math.floor(offsets.length / 2)];

  const times = grid(speed.t[0], speed.t[speed.t.length - 1]);
  const hints = { speed: { i: 0 }, steering: { i: 0 }, yaw: { i: 0 }, lat: { i: 0 }, lon: { i: 0 } };
  const speeds = times.map((t) => Math.max(0, interpolate(speed, t, hints.speed)));
  const accel = accelFromSpeed(speeds);
  const samples: ActionSample[] = times.map((t, i) => ({
    t: Math.round(offsetMs + t * 1000),
    speed: round(speeds[i], 3),
    steering: round(interpolate(steering, t, hints.steering), 2),
    accel: round(accel[i], 3),
    yawRate: round(interpolate(yaw, t, hints.yaw), 4),
    lat: round(interpolate(lat, t, hints.lat), 7),
    lon: round(interpolate(lon, t, hints.lon), 7),
  }));
  const segment = basename(segmentDir);
  const route = basename(dirname(segmentDir));
  const dongle = route.split(/[_|]/)[0];
  return {
    vehicleId: ids.vehicleId ?? `comma-${dongle}`,
    driveId: ids.driveId ?? `${route.replace(/\|/g, '_')}--${segment}`,
    samples,
    clips: [],
  };
}
