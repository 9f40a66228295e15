import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Clock } from '../clock/clock.js';
import { newId } from '../ids/ids.js';
import type { Logger } from '../logging/logger.js';
import type { JobExecutor, JobQueue } from './job-queue.js';
import {
  PermanentJobError,
  type EnqueueOptions,
  type HadirJobs,
  type JobContext,
  type JobHandlerOptions,
  type JobType,
} from './job-runner.js';

/** What Hadir stores as a pg-boss job's data: the payload plus the context the built-in runner keeps in columns. */
interface Envelope {
  payload: unknown;
  organizationId: string | null;
  idempotencyKey: string | null;
}

interface Registration {
  handler: (payload: unknown, ctx: JobContext) => Promise<void>;
  opts: JobHandlerOptions & { maxAttempts: number; backoffBaseMs: number };
}

export interface PgBossJobQueueOptions {
  connectionString: string;
  /** PostgreSQL schema for pg-boss's tables (default pgboss). */
  schema: string;
  pollMs: number;
  /** Jobs of one type a worker process runs at once. */
  concurrency: number;
  /** A job running longer than this is taken for dead and retried (per type: expireAfterMs). */
  lockMs: number;
  /** Connections pg-boss may open in this process. */
  poolSize?: number;
}

/**
 * A job id derived from the idempotency key: pg-boss inserts with ON CONFLICT DO NOTHING on (queue, id),
 * so a second enqueue with the same key is ignored, as with the built-in runner's unique key. (It holds
 * while the first job is in pg-boss's job table: until it is archived, 12 h after completion.)
 */
export function jobIdForKey(type: string, key: string): string {
  const h = createHash('sha256').update(`${type}\u0000${key}`).digest('hex');
  // Version 8 (custom) UUID, RFC 9562 variant.
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Jobs on pg-boss in the same PostgreSQL (HADIR_JOBS=pgboss): workers on any number of machines take
 * jobs with SKIP LOCKED, a worker that dies mid-job has its job retried after the job's expiry, and
 * retries back off exponentially with jitter. Handlers are the same as the built-in runner's.
 */
export class PgBossJobQueue implements JobQueue {
  readonly engine = 'pgboss' as const;
  private readonly boss: PgBoss;
  private readonly handlers = new Map<string, Registration>();
  private prepared = false;
  private working = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: PgBossJobQueueOptions,
  ) {
    this.boss = new PgBoss({
      connectionString: opts.connectionString,
      schema: opts.schema,
      max: opts.poolSize ?? 4,
      application_name: 'hadir-jobs',
      // Completed jobs stay queryable (and their ids keep deduplicating) for 12 h, then are archived.
      archiveCompletedAfterSeconds: 12 * 3600,
      deleteAfterDays: 7,
      // Expiry of jobs whose worker died runs in maintenance: often enough to honour the lock.
      maintenanceIntervalSeconds: Math.min(120, Math.max(1, Math.round(opts.lockMs / 2000))),
    });
    this.boss.on('error', (err) => this.log.error({ err }, 'pg-boss error'));
  }

  register<K extends JobType>(
    type: K,
    handler: (payload: HadirJobs[K], ctx: JobContext) => Promise<void>,
    opts: JobHandlerOptions = {},
  ): void {
    if (this.handlers.has(type)) throw new Error(`Job type "${String(type)}" has two handlers`);
    if (this.prepared) throw new Error(`Job type "${String(type)}" registered after the queue was prepared`);
    this.handlers.set(type, {
      handler: handler as (payload: unknown, ctx: JobContext) => Promise<void>,
      opts: { ...opts, maxAttempts: opts.maxAttempts ?? 8, backoffBaseMs: opts.backoffBaseMs ?? 2000 },
    });
  }

  registeredTypes(): string[] {
    return [...this.handlers.keys()];
  }

  assertHandlers(expected: readonly string[]): void {
    const missing = expected.filter((t) => !this.handlers.has(t));
    if (missing.length) throw new Error(`Job types without a handler: ${missing.join(', ')}`);
  }

  /** Installs or upgrades pg-boss's schema (under its own advisory lock) and one queue per job type. */
  async prepare(): Promise<void> {
    if (this.prepared) return;
    await this.boss.start();
    for (const [type, reg] of this.handlers) {
      const queue: Omit<PgBoss.Queue, 'name'> = {
        policy: 'standard',
        retryLimit: Math.max(0, reg.opts.maxAttempts - 1),
        retryDelay: Math.max(1, Math.round(reg.opts.backoffBaseMs / 1000)),
        retryBackoff: true,
        expireInSeconds: Math.max(1, Math.round((reg.opts.expireAfterMs ?? this.opts.lockMs) / 1000)),
      };
      await this.boss.createQueue(type, { name: type, ...queue });
      await this.boss.updateQueue(type, { name: type, ...queue });
    }
    this.prepared = true;
  }

  async enqueue<K extends JobType>(
    executor: JobExecutor,
    type: K,
    payload: HadirJobs[K],
    o: EnqueueOptions = {},
  ): Promise<string> {
    const now = this.clock.nowMs();
    const id = o.idempotencyKey ? jobIdForKey(type, o.idempotencyKey) : newId(now);
    const delayMs = (o.runAtMs ?? now) - now;
    const data: Envelope = {
      payload,
      organizationId: o.organizationId ?? null,
      idempotencyKey: o.idempotencyKey ?? null,
    };
    await this.boss.send(type, data as unknown as object, {
      id,
      // Relative to the injected clock, so a test's fake time and the database's now() agree.
      ...(delayMs > 0 ? { startAfter: Math.ceil(delayMs / 1000) } : {}),
      ...(o.maxAttempts ? { retryLimit: Math.max(0, o.maxAttempts - 1) } : {}),
      // The caller's transaction: the job commits or rolls back with its cause.
      db: {
        executeSql: async (text, values) => {
          const res = await executor.executeQuery(CompiledQuery.raw(text, values as unknown[]));
          return { rows: res.rows };
        },
      },
    });
    return id;
  }

  /**
   * One poller per job type fetching up to `concurrency` jobs at a time (fewer idle queries than one
   * poller per slot); the jobs of a batch run in parallel and each settles on its own: a failed one is
   * failed (and retried with backoff) here, pg-boss then completes the rest.
   */
  start(): void {
    if (this.working) return;
    this.working = true;
    const pollingIntervalSeconds = Math.max(0.5, this.opts.pollMs / 1000);
    for (const type of this.handlers.keys()) {
      let workerId: string | null = null;
      void this.boss
        .work<Envelope>(
          type,
          { batchSize: this.opts.concurrency, pollingIntervalSeconds, includeMetadata: true },
          async (jobs) => {
            await Promise.all(
              jobs.map((job) =>
                this.run(job).catch((err: unknown) =>
                  this.boss.fail(type, job.id, { message: (err as Error).message }),
                ),
              ),
            );
            // pg-boss waits a polling interval after every batch; after a non-empty one more may be
            // waiting, so fetch again at once (a queue of 1,000 drains at work speed, not poll speed).
            if (jobs.length > 0 && workerId) this.boss.notifyWorker(workerId);
          },
        )
        .then((id) => {
          workerId = id;
        })
        .catch((err: unknown) => this.log.error({ err, type }, 'pg-boss worker failed to start'));
    }
  }

  async stop(): Promise<void> {
    this.working = false;
    if (!this.prepared) return;
    // Graceful: running jobs finish (up to 10 s); what is left is retried by another worker on expiry.
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.prepared = false;
  }

  async drain(maxJobs = 1000): Promise<number> {
    let n = 0;
    let found = true;
    while (found && n < maxJobs) {
      found = false;
      for (const type of this.handlers.keys()) {
        const [job] = await this.boss.fetch<Envelope>(type, { batchSize: 1, includeMetadata: true });
        if (!job) continue;
        found = true;
        n++;
        try {
          await this.run(job);
          await this.boss.complete(type, job.id);
        } catch (err) {
          await this.boss.fail(type, job.id, { message: (err as Error).message });
        }
      }
    }
    return n;
  }

  async hasOpenJob(type: JobType, payload: Record<string, string>): Promise<boolean> {
    const res = await this.boss
      .getDb()
      .executeSql(
        `select 1 from ${this.opts.schema}.job where name = $1 and state < 'completed' and data->'payload' @> $2::jsonb limit 1`,
        [type, JSON.stringify(payload)],
      );
    return res.rows.length > 0;
  }

  /** pg-boss 10 has no heartbeat: long job types declare expireAfterMs instead. */
  async extendLock(): Promise<void> {}

  /** Runs one job; throws to have pg-boss retry it (with backoff) unless this was the last attempt. */
  private async run(job: PgBoss.JobWithMetadata<Envelope>): Promise<void> {
    const reg = this.handlers.get(job.name);
    if (!reg) throw new Error(`No handler for job type ${job.name}`);
    const attempt = job.retryCount + 1;
    const ctx: JobContext = {
      jobId: job.id,
      attempt,
      organizationId: job.data.organizationId,
      idempotencyKey: job.data.idempotencyKey,
    };
    try {
      await reg.handler(job.data.payload, ctx);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const permanent = error instanceof PermanentJobError;
      const final = permanent || attempt > job.retryLimit;
      this.log.warn({ jobId: job.id, type: job.name, attempt, final, err: error.message }, 'job failed');
      if (final && reg.opts.onFinalFailure) {
        await reg.opts
          .onFinalFailure(job.data.payload, error, ctx)
          .catch((e: unknown) => this.log.error({ err: e, jobId: job.id }, 'final-failure hook failed'));
      }
      // A permanent failure is settled (the hook recorded it); anything else goes back for a retry.
      if (!permanent) throw error;
    }
  }
}
