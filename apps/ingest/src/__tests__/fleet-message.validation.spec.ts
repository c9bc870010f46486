import { describe, expect, it } from 'vitest';
import { IngestErrorCode, IngestException, toDeadLetterReason, toHttpException } from '../ingest.exception';
import { loadIngestSettings } from '../ingest.settings';
import { findNonFinite, guarded, parseJson, validateActionBatch, validateClip } from '../validation/fleet-message.validation';
import { malformedActionMessages } from './ingest-harness';

const NOW = Date.UTC(2026, 10, 29, 12);
const BOUNDS = { minT: Date.UTC(2000, 0, 1), maxFutureSkewMs: 86_400_000 };
const batch = { vehicleId: 'veh-1', driveId: 'drive-1', seq: 3, samples: [{ t: NOW - 100, speed: 1, steering: 2, extra: { deep: true } }, { t: NOW - 50, speed: 2 }] };

function rejection(fn: () => unknown): IngestException {
  try {
    fn();
  } catch (err) {
    if (err instanceof IngestException) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('fleet message validation', () => {
  it('accepts a valid batch and keeps only known signals', () => {
    expect(validateActionBatch(batch, NOW, BOUNDS)).toEqual({ vehicleId: 'veh-1', driveId: 'drive-1', seq: 3, samples: [{ t: NOW - 100, speed: 1, steering: 2 }, { t: NOW - 50, speed: 2 }] });
  });

  it('names the reason and the JSON pointer of each kind of bad batch', () => {
    expect(rejection(() => parseJson(Buffer.from('{"a":')))).toMatchObject({ code: IngestErrorCode.InvalidJson });
    expect(rejection(() => parseJson(Buffer.alloc(0)))).toMatchObject({ code: IngestErrorCode.InvalidJson });
    expect(rejection(() => validateActionBatch({ ...batch, samples: [{ t: NOW }] }, NOW, BOUNDS))).toMatchObject({ code: 'schema_violation', pointer: '/samples/0/speed' });
    expect(rejection(() => validateActionBatch(parseJson(Buffer.from(`{"vehicleId":"v","driveId":"d","seq":0,"samples":[{"t":${NOW},"speed":1e999}]}`)), NOW, BOUNDS))).toMatchObject({
      code: 'non_finite_value',
      pointer: '/samples/0/speed',
    });
    expect(rejection(() => validateActionBatch({ ...batch, samples: [{ t: NOW + 2 * 86_400_000, speed: 1 }] }, NOW, BOUNDS))).toMatchObject({ code: 'timestamp_out_of_range', pointer: '/samples/0/t' });
    expect(rejection(() => validateActionBatch({ ...batch, samples: [{ t: 5, speed: 1 }] }, NOW, BOUNDS))).toMatchObject({ code: 'timestamp_out_of_range' });
    expect(rejection(() => validateActionBatch({ ...batch, samples: [batch.samples[0], batch.samples[0]] }, NOW, BOUNDS))).toMatchObject({ code: 'non_monotonic_time', pointer: '/samples/1/t' });
    expect(rejection(() => validateActionBatch(42, NOW, BOUNDS))).toMatchObject({ code: 'schema_violation', pointer: '' });
  });

  it('prefixes pointers of wrapped batches and escapes keys', () => {
    expect(rejection(() => validateActionBatch({ ...batch, seq: -1 }, NOW, BOUNDS, '/batches/4'))).toMatchObject({ pointer: '/batches/4/seq' });
    expect(findNonFinite({ 'a/b': [1, { '~x': -Infinity }] })).toBe('/a~1b/1/~0x');
    expect(findNonFinite({ a: [1, 2, { b: 'x' }] })).toBeUndefined();
  });

  it('checks clips: schema, time range', () => {
    const clip = { vehicleId: 'v', driveId: 'd', clipId: 'c', camera: 'front', uri: 's3://bucket/k.mp4', startT: NOW - 2000, endT: NOW - 1000, fps: 10, sha256: 'a'.repeat(64) };
    expect(validateClip(clip, NOW, BOUNDS)).toEqual(clip);
    expect(rejection(() => validateClip({ ...clip, endT: clip.startT }, NOW, BOUNDS))).toMatchObject({ code: 'invalid_time_range', pointer: '/endT' });
    expect(rejection(() => validateClip({ ...clip, sha256: 'nope' }, NOW, BOUNDS))).toMatchObject({ code: 'schema_violation', pointer: '/sha256' });
  });

  it('rejects every fuzzed message with a known reason and never throws anything else', () => {
    const known = new Set<string>(Object.values(IngestErrorCode));
    for (const value of malformedActionMessages(1500, 'veh-fuzz', NOW, 9)) {
      const err = rejection(() => guarded(() => validateActionBatch(parseJson(value), NOW, BOUNDS)));
      expect(known.has(err.code)).toBe(true);
    }
  });

  it('maps every code once per transport', () => {
    for (const code of Object.values(IngestErrorCode)) {
      const err = new IngestException(code, 'why', '/x');
      expect(toDeadLetterReason(err)).toEqual({ code, detail: 'why', pointer: '/x' });
      const http = toHttpException(err);
      expect(http.getStatus()).toBeGreaterThanOrEqual(400);
      expect(http.getStatus()).toBeLessThan(500);
      expect(http.getResponse()).toMatchObject({ error: code, message: 'why', pointer: '/x' });
    }
  });

  it('reads its settings once, naming every problem', () => {
    expect(loadIngestSettings({})).toMatchObject({ consumerGroup: 'surprisal-ingest', actionsTopic: 'fleet.actions.v1', segmentMs: 20_000, segmentIdleMs: 30_000 });
    expect(() => loadIngestSettings({ INGEST_SEGMENT_MS: 'x', INGEST_ACTIONS_TOPIC: 'bad topic' })).toThrow(/2 problems[\s\S]*INGEST_ACTIONS_TOPIC[\s\S]*INGEST_SEGMENT_MS/);
  });
});
