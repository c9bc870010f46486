import { describe, expect, it } from 'vitest';
import { type ActionSample } from '@surprisal/contracts';
import { decodeActionSamples, encodeActionSamples } from '../action-samples.codec';

describe('action samples in Parquet', () => {
  it('round-trips every signal, keeps absent signals absent and sorts by time', async () => {
    const samples: ActionSample[] = [
      { t: 1_764_400_000_050, speed: 12.5, steering: -3.25, accel: 0.4, brake: 0, gas: 0.2, yawRate: -0.01, turnSignal: -1, lat: 37.77, lon: -122.42 },
      { t: 1_764_400_000_000, speed: 12.4 },
    ];
    const file = await encodeActionSamples(samples);
    expect(file.subarray(0, 4).toString()).toBe('PAR1');
    const back = await decodeActionSamples(file);
    expect(back).toEqual([samples[1], samples[0]]);
    expect('steering' in back[0]).toBe(false);
  });

  it('stays compact: 20 s at 20 Hz of full signals in well under the JSON size', async () => {
    const samples: ActionSample[] = Array.from({ length: 400 }, (_, i) => ({
      t: 1_764_400_000_000 + i * 50, speed: 10 + Math.sin(i / 20), steering: Math.cos(i / 30) * 5, accel: 0.1, brake: 0, gas: 0.3, yawRate: 0.01, turnSignal: 0,
    }));
    const file = await encodeActionSamples(samples);
    expect(file.length).toBeLessThan(JSON.stringify(samples).length / 2);
    expect(await decodeActionSamples(file)).toEqual(samples);
  });
});
