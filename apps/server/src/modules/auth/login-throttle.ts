import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../platform/http/errors.js';

/**
 * Sign-in throttling with backoff, counted in the database so every process shares it and no parallel
 * burst can slip past: each attempt is reserved with ONE atomic UPDATE that checks the block, counts the
 * attempt and sets the next block together, before the password is verified ("check after counting").
 *
 * Two keys per attempt: the account (the email as typed, whether or not such a user exists, so the
 * answers never tell accounts apart) and the client address (as resolved through trusted proxies only).
 * There is no hard lock: after `freeAttempts` a key waits a delay that doubles per further failure up to
 * `maxDelayMs`, so an anonymous caller can slow an account down but never shut it out for long; a correct
 * password resets the account key. Attempts older than `windowMs` are forgotten.
 */
export interface ThrottlePolicy {
  freeAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  windowMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeAttempts: 5,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  windowMs: 15 * 60_000,
};
export const ADDRESS_POLICY: ThrottlePolicy = {
  freeAttempts: 20,
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
  windowMs: 15 * 60_000,
};

/** The delay after the n-th counted attempt (0 while attempts remain free). */
export function backoffMs(policy: ThrottlePolicy, attempts: number): number {
  if (attempts < policy.freeAttempts) return 0;
  const doublings = Math.min(attempts - policy.freeAttempts, 20);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** doublings);
}

/** The same answer for every throttled key: it never reveals whether the account exists. */
export function throttled(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(429, 'too_many_attempts', `Too many sign-in attempts; try again in ${seconds} s`, {
    retryAfterSeconds: seconds,
  });
}

export class LoginThrottle {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Counts one attempt for `key`; returns null when it may proceed, or how long to wait when the key is
   * blocked (a refused attempt is not counted, so waiting out the delay is always enough).
   */
  async reserve(key: string, policy: ThrottlePolicy, now: number): Promise<number | null> {
    await this.db
      .insertInto('loginThrottle')
      .values({ key, attempts: 0, blockedUntil: null, updatedAt: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    // attempts after this one: restart from 1 when the last attempt is older than the window.
    const next = sql<number>`case when updated_at < ${now - policy.windowMs} then 1 else attempts + 1 end`;
    const cases = [sql`when ${next} < ${sql.lit(policy.freeAttempts)} then null`];
    for (let n = policy.freeAttempts; n <= policy.freeAttempts + 20; n++) {
      cases.push(sql`when ${next} = ${sql.lit(n)} then ${sql.lit(now + backoffMs(policy, n))}`);
    }
    const blockedUntil = sql<number | null>`case ${sql.join(cases, sql` `)} else ${sql.lit(
      now + policy.maxDelayMs,
    )} end`;
    const updated = await this.db
      .updateTable('loginThrottle')
      .set({ attempts: next, blockedUntil, updatedAt: now })
      .where('key', '=', key)
      .where((eb) => eb.or([eb('blockedUntil', 'is', null), eb('blockedUntil', '<=', now)]))
      .returning('attempts')
      .executeTakeFirst();
    if (updated) return null;
    const row = await this.db
      .selectFrom('loginThrottle')
      .select('blockedUntil')
      .where('key', '=', key)
      .executeTakeFirst();
    return Math.max(1000, (row?.blockedUntil ?? now) - now);
  }

  /** Gives back a reserved attempt that turned out to be a success (the address key). */
  async release(key: string): Promise<void> {
    await this.db
      .updateTable('loginThrottle')
      .set({ attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end`, blockedUntil: null })
      .where('key', '=', key)
      .execute();
  }

  /** A correct password: the account starts afresh. */
  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('loginThrottle').where('key', '=', key).execute();
  }
}
