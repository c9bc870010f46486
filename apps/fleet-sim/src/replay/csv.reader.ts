import { readFile } from 'node:fs/promises';
import { type ActionSample } from '@surprisal/contracts';
import { round } from '../core/geo';
import { type Recording, type Series, accelFromSpeed, grid, interpolate } from './recording';

const TIME_UNITS = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 } as const;
const SPEED_UNITS = { 'm/s': 1, 'km/h': 1 / 3.6, mph: 0.44704 } as const;
const ANGLE_UNITS = { deg: 1, rad: 180 / Math.PI } as const;

/** Signals a CSV column can feed, with the units each accepts (converted to fleet.actions.v1 units). */
export type CsvSignal = 't' | 'speed' | 'steering' | 'accel' | 'brake' | 'gas' | 'yawRate' | 'lat' | 'lon';

export interface CsvColumn {
  column: string;
  /** Multiplier into our unit (sign flips included). */
  scale: number;
}

export interface CsvMapping {
  columns: Partial<Record<CsvSignal, CsvColumn>>;
  /** Keep only rows whose column has this value (one camera's rows of a multi-camera log). */
  where?: { column: string; value: string };
}

/**
 * Udacity's HMB_1 `interpolated.csv`: `timestamp` in ns, `angle` the steering-wheel angle in
 * radians positive left (→ degrees, same sign), `speed` m/s, `lat`/`long` degrees, three cameras'
 * rows at 20 Hz each (the centre camera's are kept). No pedals, accel is derived from speed.
 */
export const UDACITY_PRESET = 't=timestamp:ns,speed=speed:m/s,steering=angle:rad,lat=lat,lon=long';
export const UDACITY_WHERE = 'frame_id=center_camera';

/**
 * Parses a mapping: `signal=[-]column[:unit],…` — time units ns|us|ms|s, speed m/s|km/h|mph,
 * steering and yawRate deg|rad (steering → degrees, yawRate → rad/s), a leading `-` flips the sign.
 */
export function parseCsvMapping(spec: string, where?: string): CsvMapping {
  const columns: CsvMapping['columns'] = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)=(-?)([^:]+)(?::(.+))?$/.exec(part);
    if (!m) throw new Error(`--map: expected signal=[-]column[:unit], got "${part}"`);
    const [, signal, neg, column, unit] = m;
    let scale = 1;
    if (signal === 't') scale = TIME_UNITS[(unit ?? 's') as keyof typeof TIME_UNITS];
    else if (signal === 'speed') scale = SPEED_UNITS[(unit ?? 'm/s') as keyof typeof SPEED_UNITS];
    else if (signal === 'steering') scale = ANGLE_UNITS[(unit ?? 'deg') as keyof typeof ANGLE_UNITS];
    else if (signal === 'yawRate') scale = unit === 'deg' ? Math.PI / 180 : unit === undefined || unit === 'rad' ? 1 : NaN;
    else if (!['accel', 'brake', 'gas', 'lat', 'lon'].includes(signal)) throw new Error(`--map: unknown signal "${signal}"`);
    else if (unit !== undefined) throw new Error(`--map: ${signal} takes no unit`);
    if (!Number.isFinite(scale)) throw new Error(`--map: unknown unit "${unit}" for ${signal}`);
    columns[signal as CsvSignal] = { column, scale: neg ? -scale : scale };
  }
  if (!columns.t || !columns.speed) throw new Error('--map: t and speed are required');
  let whereClause: CsvMapping['where'];
  if (where) {
    const w = /^([^=]+)=(.*)$/.exec(where);
    if (!w) throw new Error(`--where: expected column=value, got "${where}"`);
    whereClause = { column: w[1], value: w[2] };
  }
  return { columns, where: whereClause };
}

/** Reads a CSV driving log (header row, comma separated, no quoted commas) and resamples it to 20 Hz. */
export async function readCsvLog(file: string, mapping: CsvMapping, ids: { vehicleId: string; driveId?: string }): Promise<Recording> {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split(',').map((h) => h.trim());
  const idx = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column "${name}" (columns: ${header.join(', ')})`);
    return i;
  };
  const where = mapping.where ? { i: idx(mapping.where.column), value: mapping.where.value } : undefined;
  const cols = Object.entries(mapping.columns).map(([signal, c]) => ({ signal: signal as CsvSignal, i: idx(c.column), scale: c.scale }));
  const tCol = cols.find((c) => c.signal === 't')!;
  const rows = lines
    .slice(1)
    .map((l) => l.split(','))
    .filter((r) => !where || r[where.i] === where.value);
  // Nanosecond epochs exceed 2^53: parse the time column with BigInt so no precision is lost.
  const times = rows.map((r) => (tCol.scale === 1e-9 ? Number(BigInt(r[tCol.i].trim()) / 1000n) / 1e6 : Number(r[tCol.i]) * tCol.scale));
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  const keep = order.filter((i, k) => k === 0 || times[i] > times[order[k - 1]]);
  const t = keep.map((i) => times[i]);
  if (t.length < 2) throw new Error(`${file}: fewer than two usable rows${where ? ` where ${mapping.where!.column}=${where.value}` : ''}`);
  const series = new Map<CsvSignal, Series>();
  for (const c of cols) if (c.signal !== 't') series.set(c.signal, { t, v: keep.map((i) => Number(rows[i][c.i]) * c.scale) });
  const at = grid(t[0], t[t.length - 1]);
  const value = (signal: CsvSignal, time: number) => interpolate(series.get(signal)!, time);
  const speeds = at.map((x) => Math.max(0, value('speed', x)));
  const derived = series.has('accel') ? undefined : accelFromSpeed(speeds);
  const samples: ActionSample[] = at.map((x, k) => {
    const s: ActionSample = { t: Math.round(x * 1000), speed: round(speeds[k], 3) };
    if (series.has('steering')) s.steering = round(value('steering', x), 2);
    s.accel = round(derived ? derived[k] : value('accel', x), 3);
    if (series.has('brake')) s.brake = round(Math.min(1, Math.max(0, value('brake', x))), 3);
    if (series.has('gas')) s.gas = round(Math.min(1, Math.max(0, value('gas', x))), 3);
    if (series.has('yawRate')) s.yawRate = round(value('yawRate', x), 4);
    if (series.has('lat')) s.lat = round(value('lat', x), 7);
    if (series.has('lon')) s.lon = round(value('lon', x), 7);
    return s;
  });
  return { vehicleId: ids.vehicleId, driveId: ids.driveId ?? `${ids.vehicleId}-${samples[0].t.toString(36)}`, samples, clips: [] };
}
