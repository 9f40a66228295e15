// WhatsApp rate limits shared across processes (issue 15): two delivery processes, each with its own
// connection pool to one database, together stay within one channel's bucket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { MemoryRateLimiter, SharedRateLimiter } from '../src/modules/notifications/rate-limiter.js';
import { dialects, freshDatabaseUrl } from './support.js';

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);

describe.each(await dialects())('shared notification rate limit (%s)', (dialect) => {
  let a: Database;
  let b: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await freshDatabaseUrl(dialect);
    const opts = fresh.searchPath ? { searchPath: fresh.searchPath } : {};
    a = openDatabase(fresh.url, opts);
    await migrateToLatest(a);
    b = openDatabase(fresh.url, opts);
    cleanup = fresh.cleanup;
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await cleanup();
  });

  it('two processes racing for one channel get one bucket between them, not one each', async () => {
    const workers = [new SharedRateLimiter(a.db, a.dialect), new SharedRateLimiter(b.db, b.dialect)];
    const race = async (nowMs: number) =>
      (
        await Promise.all(Array.from({ length: 40 }, (_, i) => workers[i % 2]!.take('channel-1', 10, nowMs)))
      ).filter((w) => w === 0).length;
    // A full bucket is a burst of 10, shared; then 10 a second, shared.
    expect(await race(T0)).toBe(10);
    expect(await race(T0 + 500)).toBe(5);
    expect(await race(T0 + 1500)).toBe(10);
    // A refused take says how long until the next token: 100 ms at 10 per second.
    expect(await workers[0]!.take('channel-1', 10, T0 + 1500)).toBe(100);
    // Another channel has its own bucket.
    expect(await workers[1]!.take('channel-2', 10, T0 + 1500)).toBe(0);
    // Fractional rates: one message every two seconds.
    expect(await workers[0]!.take('slow', 0.5, T0)).toBe(0);
    expect(await workers[1]!.take('slow', 0.5, T0 + 1000)).toBe(1000);
    expect(await workers[1]!.take('slow', 0.5, T0 + 2000)).toBe(0);
  });

  it('is what the in-memory bucket of a single process does', async () => {
    const shared = new SharedRateLimiter(a.db, a.dialect);
    const memory = new MemoryRateLimiter();
    const steps = [0, 0, 0, 100, 250, 250, 900, 2000, 2000, 2000, 2001, 5000];
    for (const [i, dt] of steps.entries()) {
      expect(await shared.take('same', 3, T0 + dt), `step ${i}`).toBe(await memory.take('same', 3, T0 + dt));
    }
  });
});
