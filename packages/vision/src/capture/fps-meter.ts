// Frames per second over a sliding window: robust to the burst of buffered frames a live stream delivers
// when it connects, and it falls to zero when frames stop.

export class FpsMeter {
  readonly windowMs: number;
  #times: number[] = [];
  #startedAtMs: number | null = null;

  constructor(windowMs = 5000) {
    this.windowMs = windowMs;
  }

  tick(atMs: number): void {
    this.#startedAtMs ??= atMs;
    this.#times.push(atMs);
    this.#prune(atMs);
  }

  fps(nowMs: number): number {
    this.#prune(nowMs);
    if (this.#startedAtMs === null || this.#times.length === 0) return 0;
    // Young runs divide by their age (at least 1 s, so a startup burst does not read as 100 fps).
    const span = Math.min(this.windowMs, Math.max(1000, nowMs - this.#startedAtMs));
    return (this.#times.length * 1000) / span;
  }

  /** Forget history (after a restart, the reconnect gap is not a frame rate). */
  restart(): void {
    this.#times = [];
    this.#startedAtMs = null;
  }

  #prune(nowMs: number): void {
    const from = nowMs - this.windowMs;
    let drop = 0;
    while (drop < this.#times.length && (this.#times[drop] ?? 0) <= from) drop++;
    if (drop > 0) this.#times.splice(0, drop);
  }
}
