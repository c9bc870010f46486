import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemoryBus } from '@surprisal/bus';
import { CONTRACTS, type ActionSample, type FleetClipsV1 } from '@surprisal/contracts';
import { LocalBlobStore } from '@surprisal/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { BusSink } from '../outputs/bus.sink';
import { readComma2k19Segment } from '../replay/comma2k19.reader';
import { UDACITY_PRESET, UDACITY_WHERE, parseCsvMapping, readCsvLog } from '../replay/csv.reader';
import { readMcap } from '../replay/mcap.reader';
import { parseNpy } from '../replay/npy';
import { replayRecording } from '../replay/recording';
import { videoClip } from '../replay/video.reader';
import { MemorySink } from '../outputs/memory.sink';

const REAL = resolve(__dirname, '../../../../../shared/data/real');
const COMMA = join(REAL, 'comma2k19-example/b0c9d2329ad1606b_2018-08-02--08-34-47/40');
const HMB = join(REAL, 'udacity-hmb1/interpolated.csv');
const DASHCAM = join(REAL, 'udacity-dashcam/solidWhiteRight.mp4');
const tmp = mkdtempSync(join(tmpdir(), 'fleet-sim-replay-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const corr = (a: number[], b: number[]) => {
  const ma = a.reduce((x, y) => x + y, 0) / a.length;
  const mb = b.reduce((x, y) => x + y, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
};

/** Replays into memory and checks what every importer must give: valid 1 s batches of 20 Hz samples, seq from 0. */
async function replayed(rec: Awaited<ReturnType<typeof readComma2k19Segment>>): Promise<ActionSample[]> {
  const sink = new MemorySink();
  await replayRecording(rec, sink);
  sink.batches.forEach((b, i) => {
    expect(CONTRACTS.fleetActions.validate(b)).toMatchObject({ ok: true });
    expect(b.seq).toBe(i);
    expect(b.vehicleId).toBe(rec.vehicleId);
  });
  expect(sink.batches.slice(0, -1).every((b) => b.samples.length === 20)).toBe(true);
  const samples = sink.batches.flatMap((b) => b.samples);
  expect(samples.every((s, i) => i === 0 || s.t - samples[i - 1].t === 50)).toBe(true);
  return samples;
}

describe('NumPy .npy parser', () => {
  it('reads C- and Fortran-ordered float64 arrays', () => {
    const gyro = parseNpy(readFileSync(join(COMMA, 'processed_log/IMU/gyro/value')));
    expect(gyro.shape).toEqual([6256, 3]);
    // Gravity shows on the accelerometer's z axis of a Fortran-ordered file: proof the transpose is right.
    const acc = parseNpy(readFileSync(join(COMMA, 'processed_log/IMU/accelerometer/value')));
    const mean = (col: number) => Array.from({ length: 1000 }, (_, r) => acc.data[r * 3 + col]).reduce((a, b) => a + b, 0) / 1000;
    expect(mean(2)).toBeGreaterThan(-10.3);
    expect(mean(2)).toBeLessThan(-9.3);
    expect(Math.abs(mean(0))).toBeLessThan(2);
    expect(() => parseNpy(Buffer.from('not numpy'))).toThrow(/bad magic/);
  });
});

describe('comma2k19 segment import', () => {
  it('gives 60 s of 20 Hz samples in epoch ms, m/s, steering-wheel degrees and rad/s, without invented signals', async () => {
    const rec = await readComma2k19Segment(COMMA);
    expect(rec.vehicleId).toBe('comma-b0c9d2329ad1606b');
    expect(rec.driveId).toBe('b0c9d2329ad1606b_2018-08-02--08-34-47--40');
    const samples = await replayed(rec);
    expect(samples.length).toBeGreaterThan(1150);
    expect(samples.length).toBeLessThan(1250);
    // 2018-08-02, segment 40 of a route that began 08:34:47 PDT: about 16:14 UTC.
    expect(new Date(samples[0].t).toISOString()).toMatch(/^2018-08-02T16:1[45]/);
    expect(samples[0].speed).toBeCloseTo(7.98, 1);
    expect(Math.abs(samples[samples.length - 1].speed - 11.16)).toBeLessThan(0.2);
    expect(Math.max(...samples.map((s) => Math.abs(s.steering!)))).toBeLessThan(6);
    expect(samples[0].lat).toBeCloseTo(37.721, 2);
    expect(samples[0].lon).toBeCloseTo(-122.472, 2);
    // Yaw rate positive left, like steering: they move together.
    expect(corr(samples.map((s) => s.yawRate!), samples.map((s) => s.steering! * s.speed))).toBeGreaterThan(0.5);
    // Accel derived from speed integrates back to the speed change.
    const gain = samples.reduce((sum, s) => sum + s.accel! * 0.05, 0);
    expect(gain).toBeCloseTo(samples[samples.length - 1].speed - samples[0].speed, 0);
    expect(samples.some((s) => 'gas' in s || 'brake' in s || 'turnSignal' in s)).toBe(false);
  });
});

describe('CSV import (Udacity HMB_1)', () => {
  it('keeps the centre camera rows and converts the steering angle from radians to degrees, positive left', async () => {
    const rec = await readCsvLog(HMB, parseCsvMapping(UDACITY_PRESET, UDACITY_WHERE), { vehicleId: 'udacity-mkz' });
    const samples = await replayed(rec);
    const rows = readFileSync(HMB, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter((r) => r[4] === 'center_camera');
    const first = Number(BigInt(rows[0][1]) / 1000000n);
    const last = Number(BigInt(rows[rows.length - 1][1]) / 1000000n);
    expect(samples[0].t).toBe(Math.ceil(first / 50) * 50);
    expect(samples[samples.length - 1].t).toBeLessThanOrEqual(last);
    expect(samples.length).toBeCloseTo((last - first) / 50, -1);
    // A sample that falls between two centre-camera rows: linear interpolation of the row values, in degrees.
    const k = 1000;
    const t = samples[k].t;
    const j = rows.findIndex((r) => Number(BigInt(r[1]) / 1000000n) > t);
    const [t0, t1] = [rows[j - 1], rows[j]].map((r) => Number(BigInt(r[1]) / 1000n) / 1000);
    const f = (t - t0) / (t1 - t0);
    const lerp = (c: number) => Number(rows[j - 1][c]) + (Number(rows[j][c]) - Number(rows[j - 1][c])) * f;
    expect(samples[k].steering).toBeCloseTo((lerp(6) * 180) / Math.PI, 1);
    expect(samples[k].speed).toBeCloseTo(lerp(8), 2);
    expect(samples[k].lat).toBeCloseTo(lerp(9), 5);
    expect(samples.some((s) => s.yawRate !== undefined || s.brake !== undefined)).toBe(false);
    expect(() => parseCsvMapping('speed=speed')).toThrow(/t and speed are required/);
    expect(() => parseCsvMapping('t=timestamp:fortnights,speed=speed')).toThrow(/unknown unit/);
  });
});

describe('dashcam video import', () => {
  it('brings the real MP4 in as one fleet.clips.v1 clip, stored with its sha256', async () => {
    const store = new LocalBlobStore(join(tmp, 'blobs'), { publicUrl: 'http://127.0.0.1:3000', signingSecret: 'x'.repeat(32) });
    await store.init();
    const bus = new MemoryBus();
    const seen: FleetClipsV1[] = [];
    await bus.subscribe({
      groupId: 'test',
      topics: ['fleet.clips.v1'],
      handler: (batch) => {
        for (const m of batch.messages) seen.push(JSON.parse(m.value.toString()) as FleetClipsV1);
        return Promise.resolve();
      },
    });
    const startT = Date.UTC(2026, 0, 5);
    const clip = await videoClip(DASHCAM, { vehicleId: 'udacity-dashcam', driveId: 'solid-white-right', startT });
    await replayRecording({ vehicleId: 'udacity-dashcam', driveId: 'solid-white-right', samples: [], clips: [clip] }, new BusSink(bus, store));
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await bus.close();
    expect(seen).toHaveLength(1);
    const msg = seen[0];
    expect(CONTRACTS.fleetClips.validate(msg).ok).toBe(true);
    const file = readFileSync(DASHCAM);
    expect(msg).toMatchObject({ vehicleId: 'udacity-dashcam', camera: 'front', fps: 25, startT, sha256: createHash('sha256').update(file).digest('hex') });
    expect(msg.endT - msg.startT).toBeGreaterThan(8500);
    expect(msg.endT - msg.startT).toBeLessThan(9000);
    expect((await store.get(store.keyOf(msg.uri))).equals(file)).toBe(true);
  });
});

describe('MCAP import', () => {
  it('maps JSON channels to signals with unit conversion, on logTime', async () => {
    const { McapWriter, TempBuffer } = await import('@mcap/core');
    const buffer = new TempBuffer();
    const writer = new McapWriter({ writable: buffer });
    await writer.start({ profile: '', library: 'test' });
    const schemaId = await writer.registerSchema({ name: 'json', encoding: 'jsonschema', data: new Uint8Array() });
    const speedCh = await writer.registerChannel({ topic: '/vehicle/speed', schemaId, messageEncoding: 'json', metadata: new Map() });
    const steerCh = await writer.registerChannel({ topic: '/vehicle/steering', schemaId, messageEncoding: 'json', metadata: new Map() });
    const t0 = 1_700_000_000_000_000_000n;
    for (let i = 0; i <= 300; i++) {
      const logTime = t0 + BigInt(i) * 10_000_000n; // 100 Hz
      const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
      await writer.addMessage({ channelId: speedCh, sequence: i, logTime, publishTime: logTime, data: enc({ data: 36 + i * 0.1 }) });
      await writer.addMessage({ channelId: steerCh, sequence: i, logTime, publishTime: logTime, data: enc({ report: { angle: 0.1 } }) });
    }
    await writer.end();
    const file = join(tmp, 'drive.mcap');
    writeFileSync(file, buffer.get());
    const rec = await readMcap(file, 'speed=/vehicle/speed#data:km/h,steering=-/vehicle/steering#report.angle:rad', { vehicleId: 'mcap-car' });
    const samples = await replayed(rec);
    expect(samples).toHaveLength(61);
    expect(samples[0]).toMatchObject({ t: 1_700_000_000_000, speed: 10, steering: -5.73 });
    expect(samples[20].speed).toBeCloseTo((36 + 10) / 3.6, 2);
  });
});
