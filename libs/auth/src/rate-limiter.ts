/**
 * A token bucket per API key: `perSecond` tokens a second, bursts up to twice that. In memory, so
 * each API replica enforces it on its own share of the traffic.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a request of `key` may proceed now (0 per second means unlimited). */
  take(key: string): boolean {
    if (this.perSecond <= 0) return true;
    const capacity = this.perSecond * 2;
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: t };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((t - bucket.at) / 1000) * this.perSecond);
    bucket.at = t;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.buckets.clear(); // bounded: forgetting a bucket only refills it
    return allowed;
  }
}
