import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst of twice the rate, then the rate, per key', () => {
    let now = 0;
    const limiter = new RateLimiter(5, () => now);
    const burst = Array.from({ length: 12 }, () => limiter.take('a'));
    expect(burst.filter(Boolean)).toHaveLength(10);
    expect(limiter.take('b')).toBe(true);
    now += 1000;
    expect(Array.from({ length: 6 }, () => limiter.take('a')).filter(Boolean)).toHaveLength(5);
  });

  it('is off at 0', () => {
    const limiter = new RateLimiter(0);
    expect(Array.from({ length: 1000 }, () => limiter.take('a')).every(Boolean)).toBe(true);
  });
});
