// The JobQueue port's contract, held by both engines: the built-in runner (SQLite and PostgreSQL) and
// pg-boss (PostgreSQL). A job commits or rolls back with its cause, a repeated idempotency key is one job,
// handlers get their context, a permanent failure calls the final-failure hook once and is not retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { systemClock } from '../src/platform/clock/clock.js';
import { EnvError, parseEnv } from '../src/platform/config/env.js';
import type { Database } from '../src/platform/db/database.js';
import type { JobQueue } from '../src/platform/jobs/job-queue.js';
import { JobRunner, PermanentJobError, type JobContext } from '../src/platform/jobs/job-runner.js';
import { PgBossJobQueue, jobIdForKey } from '../src/platform/jobs/pgboss-job-queue.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { PG_URL, postgresAvailable, testDatabase } from './support.js';

declare module '../src/platform/jobs/job-runner.js' {
  interface HadirJobs {
    'test.echo': { n: number };
    'test.refuse': { n: number };
    'test.named': { notificationId: string };
  }
}

type Engine = ['builtin', 'sqlite' | 'postgres'] | ['pgboss', 'postgres'];
const engines: Engine[] = [['builtin', 'sqlite']];
if (await postgresAvailable()) engines.push(['builtin', 'postgres'], ['pgboss', 'postgres']);

describe.each(engines)('job queue contract: %s on %s', (engine, dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let jobs: JobQueue;
  const bossSchema = `boss_q_${Date.now().toString(36)}`;
  const seen: { n: number; ctx: JobContext }[] = [];
  const finalFailures: { n: number; message: string }[] = [];

  beforeAll(async () => {
    ({ database, cleanup } = await testDatabase(dialect));
    const log = createLogger('silent');
    jobs =
      engine === 'pgboss'
        ? new PgBossJobQueue(systemClock, log, {
            connectionString: PG_URL,
            schema: bossSchema,
            pollMs: 500,
            concurrency: 2,
            lockMs: 60_000,
          })
        : new JobRunner(database.db, database.dialect, systemClock, log, { pollMs: 500 });
    jobs.register('test.echo', async (p, ctx) => {
      seen.push({ n: p.n, ctx });
    });
    jobs.register('test.named', async () => {});
    jobs.register(
      'test.refuse',
      async () => {
        throw new PermanentJobError('refused for good');
      },
      {
        maxAttempts: 5,
        onFinalFailure: async (p, error) => {
          finalFailures.push({ n: (p as { n: number }).n, message: error.message });
        },
      },
    );
    await jobs.prepare();
  }, 60_000);

  afterAll(async () => {
    await jobs.stop();
    await cleanup();
    if (engine === 'pgboss') {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${bossSchema} cascade`);
      await c.end();
    }
  });

  it('a job commits with its cause and not without it', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await jobs.enqueue(trx, 'test.echo', { n: 1 });
        throw new Error('the cause failed');
      }),
    ).rejects.toThrow('the cause failed');
    await database.db.transaction().execute(async (trx) => {
      await jobs.enqueue(trx, 'test.echo', { n: 2 }, { organizationId: 'org-1', idempotencyKey: 'k-2' });
    });
    await jobs.drain();
    expect(seen.map((s) => s.n)).toEqual([2]);
    expect(seen[0]!.ctx).toMatchObject({ attempt: 1, organizationId: 'org-1', idempotencyKey: 'k-2' });
  });

  it('says whether a job with a given payload field is still open', async () => {
    await jobs.enqueue(database.db, 'test.named', { notificationId: 'n-1' });
    expect(await jobs.hasOpenJob('test.named', { notificationId: 'n-1' })).toBe(true);
    expect(await jobs.hasOpenJob('test.named', { notificationId: 'n-2' })).toBe(false);
    expect(await jobs.drain()).toBe(1);
    expect(await jobs.hasOpenJob('test.named', { notificationId: 'n-1' })).toBe(false);
  });

  it('a repeated idempotency key is one job', async () => {
    seen.length = 0;
    const first = await jobs.enqueue(database.db, 'test.echo', { n: 3 }, { idempotencyKey: 'k-3' });
    await jobs.enqueue(database.db, 'test.echo', { n: 3 }, { idempotencyKey: 'k-3' });
    if (engine === 'pgboss') expect(first).toBe(jobIdForKey('test.echo', 'k-3'));
    await jobs.enqueue(database.db, 'test.refuse', { n: 4 });
    expect(await jobs.drain()).toBe(2);
    expect(seen.map((s) => s.n)).toEqual([3]);
  });

  it('a permanent failure calls the final-failure hook once and is not retried', async () => {
    expect(finalFailures).toEqual([{ n: 4, message: 'refused for good' }]);
    expect(await jobs.drain()).toBe(0);
    expect(finalFailures).toHaveLength(1);
  });

  it('the worker loop picks up a job enqueued while it runs', async () => {
    seen.length = 0;
    jobs.start();
    await jobs.enqueue(database.db, 'test.echo', { n: 5 });
    const deadline = Date.now() + 15_000;
    while (!seen.some((s) => s.n === 5) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seen.map((s) => s.n)).toEqual([5]);
    await jobs.stop();
  }, 20_000);
});

describe('choosing the engines at boot', () => {
  it('refuses pg-boss and the PostgreSQL event transport on SQLite, listing both, and defaults to one box', () => {
    expect(() => parseEnv({ HADIR_JOBS: 'pgboss', HADIR_EVENTS: 'postgres' }, [])).toThrow(
      /HADIR_JOBS: pgboss needs a postgres:\/\/ DATABASE_URL\n.*HADIR_EVENTS: postgres needs/,
    );
    expect(() => parseEnv({ HADIR_JOBS: 'bullmq' }, [])).toThrow(EnvError);
    const env = parseEnv({}, []);
    expect([env.HADIR_JOBS, env.HADIR_EVENTS]).toEqual(['builtin', 'local']);
    const hub = parseEnv(
      { DATABASE_URL: 'postgres://h@db/hadir', HADIR_JOBS: 'pgboss', HADIR_EVENTS: 'postgres' },
      [],
    );
    expect([hub.HADIR_JOBS, hub.HADIR_EVENTS, hub.HADIR_PGBOSS_SCHEMA]).toEqual([
      'pgboss',
      'postgres',
      'pgboss',
    ]);
  });
});
