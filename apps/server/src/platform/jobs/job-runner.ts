import { sql, type Kysely, type Transaction } from 'kysely';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../clock/clock.js';
import type { DB } from '../db/schema.js';
import { newId } from '../ids/ids.js';
import type { JobQueue } from './job-queue.js';

/**
 * Typed registry of job payloads; each slice adds its jobs by declaration merging:
 *   declare module '../../platform/jobs/job-runner.js' { interface HadirJobs { 'x.y': { id: string } } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HadirJobs {}
export type JobType = Extract<keyof HadirJobs, string>;

export interface JobContext {
  jobId: string;
  attempt: number;
  organizationId: string | null;
  idempotencyKey: string | null;
}

export interface JobHandlerOptions {
  maxAttempts?: number;
  /** Base of the exponential backoff in ms (doubled per attempt, with ±50 % jitter). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Called once when the last attempt failed. */
  onFinalFailure?: (payload: unknown, error: Error, ctx: JobContext) => Promise<void>;
  /**
   * pg-boss only: a job still running after this long is taken for dead and retried (default
   * HADIR_JOB_LOCK_MS). The built-in runner has one lock for all jobs, renewed through extendLock.
   */
  expireAfterMs?: number;
}

interface Registration {
  handler: (payload: unknown, ctx: JobContext) => Promise<void>;
  opts: Required<Omit<JobHandlerOptions, 'onFinalFailure' | 'expireAfterMs'>> &
    Pick<JobHandlerOptions, 'onFinalFailure'>;
}

export interface EnqueueOptions {
  organizationId?: string | null;
  runAtMs?: number;
  /** A second enqueue with the same key is ignored: a retry of the caller never doubles the work. */
  idempotencyKey?: string;
  maxAttempts?: number;
}

/** Thrown by a handler to fail without retrying (bad payload, permanent provider refusal). */
export class PermanentJobError extends Error {}

type Executor = Kysely<DB> | Transaction<DB>;

/** The built-in job runner: jobs live in the database, so nothing is lost across a restart. */
export class JobRunner implements JobQueue {
  readonly engine = 'builtin' as const;
  private readonly handlers = new Map<string, Registration>();
  private timer: NodeJS.Timeout | null = null;
  private running = 0;
  private stopped = true;
  private readonly workerId = newId();
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: { pollMs: number; concurrency?: number; lockMs?: number } = { pollMs: 500 },
  ) {}

  register<K extends JobType>(
    type: K,
    handler: (payload: HadirJobs[K], ctx: JobContext) => Promise<void>,
    opts: JobHandlerOptions = {},
  ): void {
    if (this.handlers.has(type)) throw new Error(`Job type "${String(type)}" has two handlers`);
    this.handlers.set(type, {
      handler: handler as (payload: unknown, ctx: JobContext) => Promise<void>,
      opts: {
        maxAttempts: opts.maxAttempts ?? 8,
        backoffBaseMs: opts.backoffBaseMs ?? 2000,
        backoffMaxMs: opts.backoffMaxMs ?? 15 * 60_000,
        onFinalFailure: opts.onFinalFailure,
      },
    });
  }

  registeredTypes(): string[] {
    return [...this.handlers.keys()];
  }

  /** Boot check: every expected job type has exactly one handler. */
  assertHandlers(expected: readonly string[]): void {
    const missing = expected.filter((t) => !this.handlers.has(t));
    if (missing.length) throw new Error(`Job types without a handler: ${missing.join(', ')}`);
  }

  async enqueue<K extends JobType>(
    executor: Executor,
    type: K,
    payload: HadirJobs[K],
    o: EnqueueOptions = {},
  ): Promise<string> {
    const now = this.clock.nowMs();
    const id = newId(now);
    await executor
      .insertInto('jobs')
      .values({
        id,
        organizationId: o.organizationId ?? null,
        type,
        payload: JSON.stringify(payload),
        status: 'pending',
        runAt: o.runAtMs ?? now,
        attempts: 0,
        maxAttempts: o.maxAttempts ?? this.handlers.get(type)?.opts.maxAttempts ?? 8,
        lastError: null,
        idempotencyKey: o.idempotencyKey ?? null,
        lockedUntil: null,
        createdAt: now,
        updatedAt: now,
        finishedAt: null,
      })
      .onConflict((oc) => oc.column('idempotencyKey').doNothing())
      .execute();
    this.wake?.();
    return id;
  }

  /** Nothing to prepare: the `jobs` table comes with the migrations. */
  async prepare(): Promise<void> {}

  async extendLock(jobId: string, forMs: number): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ lockedUntil: this.clock.nowMs() + forMs })
      .where('id', '=', jobId)
      .execute();
  }

  async hasOpenJob(type: JobType, payload: Record<string, string>): Promise<boolean> {
    let q = this.db
      .selectFrom('jobs')
      .select('id')
      .where('type', '=', type)
      .where('status', 'in', ['pending', 'running']);
    for (const [field, value] of Object.entries(payload)) {
      q = q.where('payload', 'like', `%${JSON.stringify(field)}:${JSON.stringify(value)}%`);
    }
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.recoverStale();
        let claimed = true;
        while (!this.stopped && claimed && this.running < (this.opts.concurrency ?? 4)) {
          claimed = await this.runOne();
        }
      } catch (error) {
        this.log.error({ err: error }, 'job runner loop failed');
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.opts.pollMs);
      });
      this.wake = null;
      void loop();
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    const deadline = Date.now() + 10_000;
    while (this.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Runs every due job now (tests and the replay tool use it instead of the poll loop). */
  async drain(maxJobs = 1000): Promise<number> {
    let n = 0;
    while (n < maxJobs && (await this.runOne(true))) n++;
    return n;
  }

  private async recoverStale(): Promise<void> {
    const now = this.clock.nowMs();
    await this.db
      .updateTable('jobs')
      .set({ status: 'pending', lockedUntil: null, updatedAt: now })
      .where('status', '=', 'running')
      .where('lockedUntil', '<', now)
      .execute();
  }

  private async claim(): Promise<DB['jobs'] | undefined> {
    const now = this.clock.nowMs();
    const lockUntil = now + (this.opts.lockMs ?? 5 * 60_000);
    const types = [...this.handlers.keys()];
    if (types.length === 0) return undefined;
    const lock = this.dialect === 'postgres' ? sql` for update skip locked` : sql``;
    const rows = await sql<DB['jobs']>`
      update jobs set status = 'running', locked_until = ${lockUntil}, attempts = attempts + 1, updated_at = ${now}
      where id = (
        select id from jobs where status = 'pending' and run_at <= ${now}
          and type in (${sql.join(types)})
        order by run_at, id limit 1${lock}
      )
      returning *`.execute(this.db);
    return rows.rows[0];
  }

  private async runOne(inline = false): Promise<boolean> {
    const job = await this.claim();
    if (!job) return false;
    const reg = this.handlers.get(job.type);
    if (!reg) return true;
    this.running++;
    const exec = async () => {
      const ctx: JobContext = {
        jobId: job.id,
        attempt: job.attempts,
        organizationId: job.organizationId,
        idempotencyKey: job.idempotencyKey,
      };
      let payload: unknown;
      try {
        payload = JSON.parse(job.payload);
        await reg.handler(payload, ctx);
        const now = this.clock.nowMs();
        await this.db
          .updateTable('jobs')
          .set({ status: 'done', finishedAt: now, updatedAt: now, lockedUntil: null, lastError: null })
          .where('id', '=', job.id)
          .execute();
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const now = this.clock.nowMs();
        const final = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
        const delay = Math.min(reg.opts.backoffMaxMs, reg.opts.backoffBaseMs * 2 ** (job.attempts - 1));
        const jittered = Math.round(delay * (0.5 + Math.random()));
        await this.db
          .updateTable('jobs')
          .set({
            status: final ? 'failed' : 'pending',
            runAt: final ? job.runAt : now + jittered,
            lastError: error.message.slice(0, 2000),
            lockedUntil: null,
            updatedAt: now,
            finishedAt: final ? now : null,
          })
          .where('id', '=', job.id)
          .execute();
        this.log.warn(
          { jobId: job.id, type: job.type, attempt: job.attempts, final, err: error.message },
          'job failed',
        );
        if (final && reg.opts.onFinalFailure) {
          await reg.opts
            .onFinalFailure(payload, error, ctx)
            .catch((e: unknown) => this.log.error({ err: e, jobId: job.id }, 'final-failure hook failed'));
        }
      } finally {
        this.running--;
      }
    };
    if (inline) await exec();
    else void exec();
    return true;
  }
}
