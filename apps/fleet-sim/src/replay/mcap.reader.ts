import { readFile } from 'node:fs/promises';
import { type ActionSample } from '@surprisal/contracts';
import { round } from '../core/geo';
import { parseCsvMapping, type CsvSignal } from './csv.reader';
import { type Recording, type Series, accelFromSpeed, grid, interpolate } from './recording';

/**
 * Reads an MCAP file's JSON-encoded channels into 20 Hz samples. The mapping names, per signal,
 * `topic#field.path[:unit]` (units as for CSV: speed m/s|km/h|mph, steering deg|rad, yawRate
 * deg|rad; a leading `-` flips the sign); time is each message's logTime (ns). Uncompressed chunks
 * only (no lz4/zstd decoder is bundled).
 */
export async function readMcap(file: string, spec: string, ids: { vehicleId: string; driveId?: string }): Promise<Recording> {
  // Reuse the CSV mapping grammar for signs and units: the "column" is topic#path here.
  const mapping = parseCsvMapping(`t=_:ns,${spec}`);
  const wanted = Object.entries(mapping.columns)
    .filter(([signal]) => signal !== 't')
    .map(([signal, c]) => {
      const [topic, path] = c.column.split('#');
      if (!topic || !path) throw new Error(`--map: MCAP signals are topic#field.path (got "${c.column}")`);
      return { signal: signal as CsvSignal, topic, path: path.split('.'), scale: c.scale, t: [] as number[], v: [] as number[] };
    });
  const { McapStreamReader } = await import('@mcap/core');
  const reader = new McapStreamReader({ validateCrcs: true });
  reader.append(await readFile(file));
  const channels = new Map<number, { topic: string; encoding: string }>();
  for (let rec = reader.nextRecord(); rec; rec = reader.nextRecord()) {
    if (rec.type === 'Channel') channels.set(rec.id, { topic: rec.topic, encoding: rec.messageEncoding });
    if (rec.type !== 'Message') continue;
    const ch = channels.get(rec.channelId);
    if (!ch) continue;
    const targets = wanted.filter((w) => w.topic === ch.topic);
    if (targets.length === 0) continue;
    if (ch.encoding !== 'json') throw new Error(`${file}: topic ${ch.topic} is ${ch.encoding}-encoded; only json is supported`);
    const body = JSON.parse(Buffer.from(rec.data).toString('utf8')) as unknown;
    const t = Number(rec.logTime / 1000n) / 1e6;
    for (const w of targets) {
      let v: unknown = body;
      for (const key of w.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
      if (typeof v === 'number' && Number.isFinite(v)) {
        w.t.push(t);
        w.v.push(v * w.scale);
      }
    }
  }
  const speed = wanted.find((w) => w.signal === 'speed');
  if (!speed || speed.t.length < 2) throw new Error(`${file}: fewer than two speed messages on the mapped topic`);
  const series = new Map<CsvSignal, Series>(wanted.filter((w) => w.t.length > 0).map((w) => [w.signal, { t: w.t, v: w.v }]));
  const at = grid(speed.t[0], speed.t[speed.t.length - 1]);
  const speeds = at.map((x) => Math.max(0, interpolate(series.get('speed')!, x)));
  const derived = series.has('accel') ? undefined : accelFromSpeed(speeds);
  const samples: ActionSample[] = at.map((x, k) => {
    const s: ActionSample = { t: Math.round(x * 1000), speed: round(speeds[k], 3), accel: round(derived ? derived[k] : interpolate(series.get('accel')!, x), 3) };
    const put = (signal: CsvSignal, digits: number, lo = -Infinity, hi = Infinity) => {
      const sr = series.get(signal);
      if (sr) Object.assign(s, { [signal]: round(Math.min(hi, Math.max(lo, interpolate(sr, x))), digits) });
    };
    put('steering', 2);
    put('brake', 3, 0, 1);
    put('gas', 3, 0, 1);
    put('yawRate', 4);
    put('lat', 7);
    put('lon', 7);
    return s;
  });
  return { vehicleId: ids.vehicleId, driveId: ids.driveId ?? `${ids.vehicleId}-${samples[0].t.toString(36)}`, samples, clips: [] };
}
