// Frames-per-second as an exponentially weighted moving average of frame intervals.

export class FpsMeter {
  #lastAtMs: number | null = null;
  #intervalMs: number | null = null;
  readonly #alpha: number;

  constructor(alpha = 0.25) {
    this.#alpha = alpha;
  }

  tick(atMs: number): void {
    if (this.#lastAtMs !== null) {
      const dt = Math.max(1, atMs - this.#lastAtMs);
      this.#intervalMs =
        this.#intervalMs === null ? dt : this.#intervalMs + this.#alpha * (dt - this.#intervalMs);
    }
    this.#lastAtMs = atMs;
  }

  /** Current rate; decays when frames stop arriving, so a frozen camera does not keep its old fps. */
  fps(nowMs: number): number {
    if (this.#lastAtMs === null || this.#intervalMs === null) return 0;
    const sinceLast = nowMs - this.#lastAtMs;
    const interval =
      sinceLast > this.#intervalMs
        ? this.#intervalMs + this.#alpha * (sinceLast - this.#intervalMs)
        : this.#intervalMs;
    return 1000 / interval;
  }

  /** Forget history (after a restart the first interval would include the reconnect time). */
  restart(): void {
    this.#lastAtMs = null;
  }
}
