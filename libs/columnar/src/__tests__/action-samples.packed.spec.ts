import { describe, expect, it } from 'vitest';
import { type ActionSample } from '@surprisal/contracts';
import { packActionSamples, unpackActionSamples } from '../action-samples.packed';

const full = (i: number): ActionSample => ({
  t: 1_764_400_000_000 + i * 50,
  speed: 12.5 + i / 3,
  steering: -3.25 * Math.sin(i),
  accel: 0.1,
  brake: 0,
  gas: 0.2,
  yawRate: -0.013,
  turnSignal: -1,
  lat: 37.774929 + i * 1e-7,
  lon: -122.419416,
});

describe('packed action samples (action_batches.samples)', () => {
  it('round-trips every signal exactly, non-integer values included, in stored order', () => {
    const samples = Array.from({ length: 37 }, (_, i) => full(i));
    samples.push({ ...full(99), speed: Number.MIN_VALUE, steering: -0, yawRate: 1e-300, lat: 0.1 + 0.2 });
    expect(unpackActionSamples(packActionSamples(samples))).toEqual(samples);
  });

  it('keeps absent optional signals absent, never zero, whether absent everywhere or in some samples', () => {
    const samples: ActionSample[] = [
      { t: 1_764_400_000_000, speed: 0, steering: 0, turnSignal: 0 },
      { t: 1_764_400_000_050, speed: 1.5, turnSignal: 1 },
      { t: 1_764_400_000_100, speed: 2.25, steering: 4.5, brake: 0.75, turnSignal: -1 },
      ...Array.from({ length: 9 }, (_, i): ActionSample => ({ t: 1_764_400_000_150 + i * 50, speed: 3, ...(i % 3 === 0 ? { gas: 0.5 } : {}) })),
    ];
    const back = unpackActionSamples(packActionSamples(samples));
    expect(back).toEqual(samples);
    expect(back.map((s) => Object.keys(s))).toEqual(samples.map((s) => Object.keys(s)));
    expect('steering' in back[1]).toBe(false);
    expect('accel' in back[0]).toBe(false);
  });

  it('stores a signal that holds still over the batch once, speed included, keeping -0 apart from 0', () => {
    const still = Array.from({ length: 50 }, (_, i): ActionSample => ({ t: 1_764_400_000_000 + i * 50, speed: 0, brake: 1, turnSignal: 0, steering: i === 7 ? -0 : 0 }));
    const packed = packActionSamples(still);
    // t: 50 values; speed, brake, turnSignal: one each; steering varies (a -0 among the 0s).
    expect(packed.length).toBe(6 + 10 + 50 * 8 + 3 * 8 + 50 * 8);
    const back = unpackActionSamples(packed);
    expect(back).toEqual(still);
    expect(Object.is(back[7].steering, -0)).toBe(true);
    expect(Object.is(back[6].steering, 0)).toBe(true);
  });

  it('is about half the size of the JSON and tagged apart from it', () => {
    // Every signal moving: no column collapses to one value.
    const samples = Array.from({ length: 100 }, (_, i): ActionSample => ({ ...full(i), accel: i / 7, brake: i / 100, gas: 1 - i / 100, yawRate: i / 1000, turnSignal: i % 2 === 0 ? 0 : 1, lon: i / 3 }));
    const packed = packActionSamples(samples);
    expect(unpackActionSamples(packed)).toEqual(samples);
    expect(packed[0]).toBe(1);
    expect(packed.length).toBeLessThan(JSON.stringify(samples).length / 2);
    expect(unpackActionSamples(packActionSamples([]))).toEqual([]);
  });

  it('reads a subarray of a larger buffer (batches aggregated in one value)', () => {
    const a = packActionSamples([full(0), full(1)]);
    const b = packActionSamples([{ t: 5, speed: 6 }]);
    const all = Buffer.concat([Buffer.from([7]), a, b]);
    expect(unpackActionSamples(all.subarray(1, 1 + a.length))).toEqual([full(0), full(1)]);
    expect(unpackActionSamples(all.subarray(1 + a.length))).toEqual([{ t: 5, speed: 6 }]);
  });

  it('reads rows stored as JSON text before the packed form', () => {
    const samples = [full(1), { t: 1_764_400_000_100, speed: 3.5 }];
    expect(unpackActionSamples(Buffer.from(JSON.stringify(samples), 'utf8'))).toEqual(samples);
  });

  it('refuses damaged data with a clear reason', () => {
    const packed = packActionSamples([full(0), full(1)]);
    expect(() => unpackActionSamples(Buffer.alloc(0))).toThrow(/empty/);
    expect(() => unpackActionSamples(Buffer.from([9, 0, 0]))).toThrow(/neither packed \(1\) nor JSON/);
    expect(() => unpackActionSamples(packed.subarray(0, packed.length - 3))).toThrow(/should be \d+ bytes/);
    const unknownPresence = Buffer.from(packed);
    unknownPresence[8] = 7;
    expect(() => unpackActionSamples(unknownPresence)).toThrow(/unknown presence 7/);
    const tooManyColumns = Buffer.from(packed);
    tooManyColumns[5] = 200;
    expect(() => unpackActionSamples(tooManyColumns)).toThrow(/200 columns/);
  });
});
