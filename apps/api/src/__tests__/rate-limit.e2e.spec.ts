import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '@surprisal/testing';
import { ApiModule } from '../api.module';

describe('rate limit per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([ApiModule], 'pglite', { SURPRISAL_RATE_LIMIT: '1' });
  });
  afterAll(async () => t?.close());

  it('answers 429 with Retry-After past the burst, per key, and never limits /health', async () => {
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 20 }, () => t.call('GET', '/v1/whoami', t.keys.annotator)));
    const statuses = responses.map((r) => r.status);
    const elapsedS = (Date.now() - started) / 1000;
    const ok = statuses.filter((s) => s === 200).length;
    // 1 request/s with bursts of 2: whatever the machine's speed, at most 2 + elapsed seconds pass.
    expect(ok).toBeGreaterThanOrEqual(2);
    expect(ok).toBeLessThanOrEqual(2 + Math.ceil(elapsedS));
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - ok);
    expect(responses.find((r) => r.status === 429)?.headers['retry-after']).toBe('1');
    expect((await t.call('GET', '/v1/whoami', t.keys.engineer)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await t.call('GET', '/health')).status).toBe(200);
  });
});
