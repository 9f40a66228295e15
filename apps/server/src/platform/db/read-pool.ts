import { Worker } from 'node:worker_threads';
import type { ReadRequest, ReadResponse, ReadWorkerData } from './read-pool.protocol.js';

/** A read ran past the time limit (HADIR_DB_STATEMENT_TIMEOUT_MS) and was abandoned; HTTP answers 503. */
export class QueryTimeoutError extends Error {
  readonly code = 'query_timeout';
  constructor(readonly timeoutMs: number) {
    super(`The query ran past its ${timeoutMs} ms time limit and was stopped`);
  }
}

export interface ReadPoolOptions {
  /** Absolute path of the SQLite file (WAL) the main connection has open. */
  file: string;
  /** Worker threads, each with its own read-only connection (≥ 1). */
  workers: number;
  /** Longest a query may run in a worker before it is abandoned (0: no limit). */
  timeoutMs: number;
}

export interface ReadPoolStats {
  workers: number;
  /** Queries answered by a worker. */
  executed: number;
  /** Queries abandoned at the time limit (each cost a worker, replaced at once). */
  timeouts: number;
  /** Abandoned workers still finishing their statement. */
  draining: number;
  /** Why the workers could not start (reads then run on the main connection); null when fine. */
  failed: string | null;
}

interface Job {
  organizationId: string;
  sql: string;
  parameters: readonly unknown[];
  resolve: (rows: Record<string, unknown>[] | null) => void;
  reject: (error: Error) => void;
}

interface Running extends Job {
  id: number;
  timer: NodeJS.Timeout | null;
}

interface Slot {
  /** null while waiting for an abandoned worker to exit (see retire). */
  worker: Worker | null;
  ready: boolean;
  job: Running | null;
}

/**
 * Read-only SQLite connections in worker threads for the heavy organization reads (searches, lists,
 * exports), so a scan never holds the event loop: better-sqlite3 is synchronous, and on the main
 * connection another organization's request would wait for the whole scan.
 *
 * Fair between organizations: queries wait in one queue per organization, served in turn, and with more
 * than one worker an organization holds at most all but one of them, so another organization's query
 * always finds a worker free within one query. A query past `timeoutMs` is answered with
 * QueryTimeoutError at once and its worker terminated and replaced (better-sqlite3 cannot interrupt a
 * statement: the abandoned thread exits when its statement returns; a WAL reader blocks no writer).
 *
 * `execute` resolves null when the statement is not a pure read or the workers could not start: the
 * caller then runs it on the main connection.
 */
export class SqliteReadPool {
  private readonly slots: Slot[] = [];
  /** Waiting queries per organization; Map order is the turn order (served → moved to the end). */
  private readonly queues = new Map<string, Job[]>();
  private nextId = 1;
  private started = false;
  private closed = false;
  private failed: Error | null = null;
  private readonly startWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private executed = 0;
  private timeouts = 0;
  private draining = 0;

  constructor(private readonly opts: ReadPoolOptions) {}

  get size(): number {
    return Math.max(1, this.opts.workers);
  }

  /** Queries one organization may run at once: all workers but one (when there are several). */
  private get perOrganization(): number {
    return Math.max(1, this.size - 1);
  }

  stats(): ReadPoolStats {
    return {
      workers: this.size,
      executed: this.executed,
      timeouts: this.timeouts,
      draining: this.draining,
      failed: this.failed?.message ?? null,
    };
  }

  /** Starts the workers now (they start on the first query otherwise); rejects when they cannot. */
  warm(): Promise<void> {
    this.start();
    if (this.failed) return Promise.reject(this.failed);
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.startWaiters.push({ resolve, reject }));
  }

  /** Runs one read for `organizationId`; null: run it on the main connection instead. */
  execute(
    organizationId: string,
    query: { sql: string; parameters: readonly unknown[] },
  ): Promise<Record<string, unknown>[] | null> {
    if (this.closed) return Promise.reject(new Error('The database is closed'));
    this.start();
    if (this.failed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(organizationId) ?? [];
      if (queue.length === 0) this.queues.set(organizationId, queue);
      queue.push({ organizationId, sql: query.sql, parameters: query.parameters, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.queues.values()) {
      for (const job of queue) job.reject(new Error('The database is closed'));
    }
    this.queues.clear();
    const workers = this.slots.map((s) => s.worker).filter((w): w is Worker => w !== null);
    for (const slot of this.slots) {
      if (slot.job?.timer) clearTimeout(slot.job.timer);
      slot.job?.reject(new Error('The database is closed'));
      slot.job = null;
      slot.worker = null;
    }
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.size; i++) {
      const slot: Slot = { worker: null, ready: false, job: null };
      this.slots.push(slot);
      this.spawn(slot);
    }
  }

  private spawn(slot: Slot): void {
    const data: ReadWorkerData = { file: this.opts.file };
    // The worker is TypeScript: Node 20 does not pass the parent's `--import tsx` hooks to a worker, so a
    // tiny bootstrap registers tsx inside it first (as the inference pool does).
    const entry = JSON.stringify(new URL('./read-pool.worker.ts', import.meta.url).href);
    const worker = new Worker(
      `import('tsx/esm/api').then((m) => { m.register(); return import(${entry}); })`,
      { eval: true, workerData: data },
    );
    worker.unref();
    slot.worker = worker;
    slot.ready = false;
    let crash: Error | null = null;
    worker.on('error', (error) => {
      crash = error;
    });
    worker.on('message', (m: ReadResponse) => this.answered(slot, worker, m));
    worker.once('exit', (code) => {
      if (slot.worker !== worker) return; // retired on purpose (time limit) or closed
      const why = crash ?? new Error(`SQLite read worker exited (${code})`);
      slot.worker = null;
      if (!slot.ready) return this.fail(why);
      slot.ready = false;
      const job = slot.job;
      slot.job = null;
      if (job?.timer) clearTimeout(job.timer);
      job?.reject(why);
      if (!this.closed) this.spawn(slot);
    });
  }

  private answered(slot: Slot, worker: Worker, m: ReadResponse): void {
    if (slot.worker !== worker) return;
    if (m.id === -1) {
      slot.ready = true;
      if (this.slots.every((s) => s.ready)) this.startWaiters.splice(0).forEach((w) => w.resolve());
      return this.pump();
    }
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    slot.job = null;
    if (job.timer) clearTimeout(job.timer);
    if ('rows' in m) {
      this.executed++;
      job.resolve(m.rows.map(withBuffers));
    } else if ('error' in m) {
      job.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
    } else job.resolve(null);
    this.pump();
  }

  /** The workers cannot open the database: every read, waiting or future, goes to the main connection. */
  private fail(error: Error): void {
    if (this.failed || this.closed) return;
    this.failed = error;
    for (const queue of this.queues.values()) for (const job of queue) job.resolve(null);
    this.queues.clear();
    for (const slot of this.slots) {
      void slot.worker?.terminate();
      slot.worker = null;
    }
    this.startWaiters.splice(0).forEach((w) => w.reject(error));
  }

  private pump(): void {
    if (this.closed || this.failed) return;
    for (const slot of this.slots) {
      if (!slot.worker || !slot.ready || slot.job) continue;
      const job = this.nextJob();
      if (!job) return;
      this.dispatch(slot, slot.worker, job);
    }
  }

  /** The first organization in turn with a waiting query and a worker to spare; it moves to the back. */
  private nextJob(): Job | null {
    for (const [organizationId, queue] of this.queues) {
      const running = this.slots.filter((s) => s.job?.organizationId === organizationId).length;
      if (running >= this.perOrganization) continue;
      const job = queue.shift()!;
      this.queues.delete(organizationId);
      if (queue.length > 0) this.queues.set(organizationId, queue);
      return job;
    }
    return null;
  }

  private dispatch(slot: Slot, worker: Worker, job: Job): void {
    const id = this.nextId++;
    const timer = this.opts.timeoutMs > 0 ? setTimeout(() => this.timedOut(slot), this.opts.timeoutMs) : null;
    slot.job = { ...job, id, timer };
    worker.postMessage({ id, sql: job.sql, parameters: job.parameters } satisfies ReadRequest);
  }

  private timedOut(slot: Slot): void {
    const job = slot.job;
    if (!job) return;
    slot.job = null;
    this.timeouts++;
    job.reject(new QueryTimeoutError(this.opts.timeoutMs));
    this.retire(slot);
  }

  /**
   * Terminates the slot's worker and gives the slot a new one. The old thread lives on until its
   * statement returns; while as many old threads as the pool has workers are still finishing, the new
   * one waits for one of them to exit, so runaway statements cannot pile up threads.
   */
  private retire(slot: Slot): void {
    const old = slot.worker;
    slot.worker = null;
    slot.ready = false;
    if (!old) return;
    this.draining++;
    old.once('exit', () => {
      this.draining--;
      if (this.closed || this.failed) return;
      const waiting = this.slots.find((s) => !s.worker);
      if (waiting) this.spawn(waiting);
    });
    void old.terminate();
    if (this.draining <= this.size) this.spawn(slot);
  }
}

/** Blobs come back from a worker as Uint8Array; the rest of the server expects Buffers, as from the driver. */
function withBuffers(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return row;
}
