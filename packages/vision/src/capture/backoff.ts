// Exponential restart backoff with a cap and jitter. Pure: randomness is injected.

export interface BackoffOptions {
  /** Delay before the first restart. */
  initialDelayMs: number;
  /** Upper bound for any delay (before jitter). */
  maxDelayMs: number;
  /** Growth per consecutive failure. */
  factor: number;
  /** 0..1: the delay is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.2,
};

export class Backoff {
  readonly options: BackoffOptions;
  #attempt = 0;
  readonly #random: () => number;

  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    this.options = { ...DEFAULT_BACKOFF, ...options };
    this.#random = random;
  }

  /** Consecutive failures since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next restart; each call counts one more failure. */
  next(): number {
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.options;
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** this.#attempt);
    this.#attempt++;
    const spread = 1 + jitter * (2 * this.#random() - 1);
    return Math.max(0, Math.round(base * spread));
  }

  /** Called after a run was stable long enough: the next failure starts from the initial delay again. */
  reset(): void {
    this.#attempt = 0;
  }
}
