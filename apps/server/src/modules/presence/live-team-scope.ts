import type { TeamScope } from '../people/index.js';

/**
 * One live socket's team scope (people/team-scope.ts), held in memory so that filtering an event costs
 * a set lookup, not a query. It belongs to one socket (never shared between callers) and is dropped by
 * `invalidate()` whenever the organization's structure or the caller's employee link may have changed;
 * the next event loads it again (one query pair per change, not per event).
 *
 * Events are handled in the order they arrived: while the scope loads they wait in a queue, and a scope
 * invalidated during its own load is loaded again before anyone is judged by it.
 */
export class LiveTeamScope {
  private scope: TeamScope | null = null;
  private loading = false;
  private generation = 0;
  private readonly waiting: ((scope: TeamScope) => void)[] = [];

  constructor(
    private readonly load: () => Promise<TeamScope>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Runs `fn` with the current scope: at once when it is known, after the load (in order) otherwise. */
  with(fn: (scope: TeamScope) => void): void {
    if (this.scope && this.waiting.length === 0) {
      fn(this.scope);
      return;
    }
    this.waiting.push(fn);
    this.start();
  }

  /** Events waiting for the scope to load (a socket that piles up too many should resync). */
  get pending(): number {
    return this.waiting.length;
  }

  /** The organization or the caller's link changed: forget the scope (an org-wide one cannot change). */
  invalidate(): void {
    if (this.scope?.all) return;
    this.generation += 1;
    this.scope = null;
  }

  /** Loads now (at socket open, so the first event does not wait). */
  preload(): void {
    if (!this.scope) this.start();
  }

  /** Drops what waits (the socket closed). */
  clear(): void {
    this.waiting.length = 0;
  }

  private start(): void {
    if (this.loading) return;
    this.loading = true;
    const generation = this.generation;
    this.load().then(
      (scope) => {
        this.loading = false;
        if (generation !== this.generation) {
          this.start(); // changed while loading: this answer may already be stale
          return;
        }
        this.scope = scope;
        for (const fn of this.waiting.splice(0)) fn(scope);
      },
      (error: unknown) => {
        this.loading = false;
        this.waiting.length = 0;
        this.onError(error);
      },
    );
  }
}
