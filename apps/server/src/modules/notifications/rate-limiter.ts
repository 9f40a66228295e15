/**
 * Token bucket per channel, in memory: a burst of `ratePerSecond` messages, then `ratePerSecond` per
 * second. Time comes from the caller so tests drive it with the fake clock.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  /** Takes a token and returns 0, or returns how many ms until one is available (nothing taken). */
  take(key: string, ratePerSecond: number, nowMs: number): number {
    const capacity = Math.max(1, ratePerSecond);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, atMs: nowMs };
    const elapsedMs = Math.max(0, nowMs - bucket.atMs);
    bucket.tokens = Math.min(capacity, bucket.tokens + (elapsedMs * ratePerSecond) / 1000);
    bucket.atMs = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / ratePerSecond);
  }
}
