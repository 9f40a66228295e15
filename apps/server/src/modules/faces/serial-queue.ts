/**
 * Runs tasks one at a time per key (an organization), in arrival order. A failed task rejects its own
 * caller only; the next task still runs. The gallery and the unknown-face groups both rebuild in-memory
 * state per organization and must never interleave two changes to it.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.tails.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
}
