import { AppError } from './errors.js';

/**
 * Heavy routes declare a class in `config.limit`: `upload` (files that are decoded or inflated: employee
 * imports, face photos, preview frames) and `query` (searches, lists, exports and reports that can scan
 * a whole organization). Each organization gets a few slots per class; an organization that asks for
 * more waits in a short queue, and past it hears 429 with Retry-After. Another organization's request
 * never waits behind it, so one tenant cannot starve the others.
 */
export type HeavyClass = 'upload' | 'query';

export interface OrgLimits {
  /** Requests of this class one organization may run at once. */
  concurrent: number;
  /** Requests that may wait for a slot; the next one is refused at once. */
  queued: number;
  /** Longest wait for a slot before the request is refused. */
  maxWaitMs: number;
}

interface Waiter {
  grant: () => void;
  refuse: (error: AppError) => void;
  timer: NodeJS.Timeout;
}

interface OrgState {
  active: number;
  waiting: Waiter[];
}

export class OrgLimiter {
  private readonly orgs = new Map<string, OrgState>();

  constructor(
    readonly heavyClass: HeavyClass,
    readonly limits: OrgLimits,
  ) {}

  /** Takes a slot for `orgId` (waiting if needed); call the returned function exactly once to free it. */
  async acquire(orgId: string): Promise<() => void> {
    const state = this.orgs.get(orgId) ?? { active: 0, waiting: [] };
    this.orgs.set(orgId, state);
    if (state.active < this.limits.concurrent) {
      state.active++;
      return this.releaser(orgId, state);
    }
    if (state.waiting.length >= this.limits.queued) throw this.busy();
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        refuse: reject,
        timer: setTimeout(() => {
          state.waiting.splice(state.waiting.indexOf(waiter), 1);
          reject(this.busy());
        }, this.limits.maxWaitMs),
      };
      state.waiting.push(waiter);
    });
    return this.releaser(orgId, state);
  }

  /** Running and waiting requests of one organization (for tests and metrics). */
  load(orgId: string): { active: number; waiting: number } {
    const s = this.orgs.get(orgId);
    return { active: s?.active ?? 0, waiting: s?.waiting.length ?? 0 };
  }

  /** Seconds a refused client should wait before retrying. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.limits.maxWaitMs / 1000));
  }

  private releaser(orgId: string, state: OrgState): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = state.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) return next.grant();
      state.active--;
      if (state.active === 0) this.orgs.delete(orgId);
    };
  }

  private busy(): AppError {
    return new AppError(
      429,
      'too_busy',
      `Your organization already has ${this.limits.concurrent} ${this.heavyClass === 'upload' ? 'uploads' : 'searches or exports'} running; try again shortly`,
      { retryAfterSeconds: this.retryAfterSeconds },
    );
  }
}
