// Frames per second over a sliding window: robust to the burst of buffered frames a live stream delivers
// when it connects, and it falls to zero when frames stop.

export class FpsMeter {
  readonly windowMs: number;
  #times: number[] = [];

  constructor(windowMs = 5000) {
    this.windowMs = windowMs;
  }

  tick(atMs: number): void {
    this.#times.push(atMs);
    this.#prune(atMs);
  }

  fps(nowMs: number): number {
    this.#prune(nowMs);
    const first = this.#times[0];
    if (first === undefined || this.#times.length < 2) return 0;
    // n frames span n - 1 intervals. Measuring up to now (not to the last frame) makes the rate decay
    // while frames stop; the 1 s floor keeps a startup burst from reading as 100 fps.
    return ((this.#times.length - 1) * 1000) / Math.max(1000, nowMs - first);
  }

  /** Forget history (after a restart, the reconnect gap is not a frame rate). */
  restart(): void {
    this.#times = [];
  }

  #prune(nowMs: number): void {
    const from = nowMs - this.windowMs;
    let drop = 0;
    while (drop < this.#times.length && (this.#times[drop] ?? 0) <= from) drop++;
    if (drop > 0) this.#times.splice(0, drop);
  }
}
