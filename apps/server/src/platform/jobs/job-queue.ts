import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { EnqueueOptions, HadirJobs, JobContext, JobHandlerOptions, JobType } from './job-runner.js';

export type JobExecutor = Kysely<DB> | Transaction<DB>;

/**
 * The job queue port. Two adapters: the built-in runner (`JobRunner`, jobs in Hadir's own `jobs` table,
 * the embedded default) and pg-boss on the same PostgreSQL (`PgBossJobQueue`, HADIR_JOBS=pgboss).
 * `enqueue` always writes through the caller's executor, so a job commits or rolls back with its
 * cause (the outbox pattern holds on both).
 */
export interface JobQueue {
  readonly engine: 'builtin' | 'pgboss';
  register<K extends JobType>(
    type: K,
    handler: (payload: HadirJobs[K], ctx: JobContext) => Promise<void>,
    opts?: JobHandlerOptions,
  ): void;
  registeredTypes(): string[];
  /** Boot check: every expected job type has exactly one handler. */
  assertHandlers(expected: readonly string[]): void;
  enqueue<K extends JobType>(
    executor: JobExecutor,
    type: K,
    payload: HadirJobs[K],
    o?: EnqueueOptions,
  ): Promise<string>;
  /** Prepares the engine after every handler is registered (pg-boss: schema and queues). */
  prepare(): Promise<void>;
  /** Worker role: start taking jobs. */
  start(): void;
  stop(): Promise<void>;
  /** Runs every due job now (tests and the replay tool use it instead of the poll loop). */
  drain(maxJobs?: number): Promise<number>;
  /** Whether a job of `type` whose payload has these fields is waiting or running (outbox recovery). */
  hasOpenJob(type: JobType, payload: Record<string, string>): Promise<boolean>;
  /** A long handler says it is still alive, so its job is not taken for dead and run twice. */
  extendLock(jobId: string, forMs: number): Promise<void>;
}
