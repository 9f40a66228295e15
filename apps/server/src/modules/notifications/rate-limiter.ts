import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/** Takes a token and returns 0, or returns how many ms until one is available (nothing taken). */
export interface RateLimiter {
  take(key: string, ratePerSecond: number, nowMs: number): Promise<number>;
}

/**
 * Token bucket per channel, in memory: a burst of `ratePerSecond` messages, then `ratePerSecond` per
 * second. Time comes from the caller so tests drive it with the fake clock. Right for one process (the
 * embedded SQLite box); several workers share SharedRateLimiter.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  take(key: string, ratePerSecond: number, nowMs: number): Promise<number> {
    const capacity = Math.max(1, ratePerSecond);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, atMs: nowMs };
    const elapsedMs = Math.max(0, nowMs - bucket.atMs);
    bucket.tokens = Math.min(capacity, bucket.tokens + (elapsedMs * ratePerSecond) / 1000);
    bucket.atMs = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Promise.resolve(0);
    }
    return Promise.resolve(Math.ceil(((1 - bucket.tokens) * 1000) / ratePerSecond));
  }
}

/**
 * The same bucket in the database, shared by every process (PostgreSQL). One conditional upsert refills
 * the bucket and takes a token together, so concurrent workers can never both spend the last token; a
 * refused take changes nothing. Each process passes its own clock: machines should run NTP (a skewed
 * clock refills a little early or late, never below zero).
 */
export class SharedRateLimiter implements RateLimiter {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async take(key: string, ratePerSecond: number, nowMs: number): Promise<number> {
    const capacity = Math.max(1, ratePerSecond);
    const [least, greatest] =
      this.dialect === 'postgres'
        ? [sql.raw('least'), sql.raw('greatest')]
        : [sql.raw('min'), sql.raw('max')];
    // Typed, so PostgreSQL does not infer bigint for a fractional rate from the column beside it.
    const real = (v: number) =>
      this.dialect === 'postgres' ? sql`cast(${v} as double precision)` : sql`${v}`;
    const refilled = sql<number>`${least}(${real(capacity)}, notification_rate_limits.tokens + ${greatest}(0, ${real(nowMs)} - notification_rate_limits.at_ms) * ${real(ratePerSecond)} / 1000.0)`;
    const taken = await sql`
      insert into notification_rate_limits (key, tokens, at_ms) values (${key}, ${real(capacity - 1)}, ${nowMs})
      on conflict (key) do update
        set tokens = ${refilled} - 1, at_ms = ${greatest}(notification_rate_limits.at_ms, ${Math.round(nowMs)})
        where ${refilled} >= 1
      returning key`.execute(this.db);
    if (taken.rows.length > 0) return 0;
    const row = await this.db
      .selectFrom('notificationRateLimits')
      .select(['tokens', 'atMs'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return 0;
    const tokens = Math.min(
      capacity,
      Number(row.tokens) + (Math.max(0, nowMs - Number(row.atMs)) * ratePerSecond) / 1000,
    );
    return Math.max(1, Math.ceil(((1 - tokens) * 1000) / ratePerSecond));
  }
}
