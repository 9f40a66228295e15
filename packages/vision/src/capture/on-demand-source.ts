// A frame source that runs only while someone needs its frames: a camera's high-resolution main stream,
// opened when a face too small on the detect stream must be embedded and closed again once no such face
// has asked for it for `idleMs`. Frames are not queued for a consumer: the newest one is taken on demand.
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import type { CapturedFrame, FrameSource } from './frame-source.js';

export interface OnDemandFrameSourceOptions {
  /** Makes the underlying source (e.g. an FfmpegFrameSource on the camera's main stream). */
  create: () => FrameSource;
  /** Stop the source when nothing asked for a frame this long (default 10 s). */
  idleMs?: number;
  clock?: Clock;
}

/**
 * `demand()` starts the source (if stopped) and keeps it alive; `take()` hands over the newest frame,
 * once (the caller owns its buffer and may transfer it to a worker). Time goes through the Clock.
 */
export class OnDemandFrameSource {
  readonly #create: () => FrameSource;
  readonly #idleMs: number;
  readonly #clock: Clock;
  #source: FrameSource | null = null;
  #drain: Promise<void> | null = null;
  #lastDemandMs = Number.NEGATIVE_INFINITY;
  #idleTimer: TimerHandle | null = null;
  #takenSeq = 0;
  #closed = false;
  /** Times the source was started, and frames handed over (for health and benchmarks). */
  starts = 0;
  framesTaken = 0;

  constructor(options: OnDemandFrameSourceOptions) {
    this.#create = options.create;
    this.#idleMs = options.idleMs ?? 10_000;
    this.#clock = options.clock ?? systemClock;
  }

  get running(): boolean {
    return this.#source !== null;
  }

  /** Someone needs frames now: start the source if it is stopped, and keep it running for idleMs. */
  demand(): void {
    if (this.#closed) return;
    this.#lastDemandMs = this.#clock.now();
    if (this.#source !== null) return;
    const source = this.#create();
    this.#source = source;
    this.#takenSeq = 0; // a new source counts its frames from 1 again
    this.starts++;
    source.start();
    // Nobody consumes the queue: drain it so the latest-wins queue never counts these frames as drops
    // that matter; take() reads latestFrame().
    this.#drain = (async () => {
      for await (const _ of source.frames()) void _;
    })();
    this.#armIdle();
  }

  #armIdle(): void {
    if (this.#idleTimer !== null) this.#clock.clearTimeout(this.#idleTimer);
    const due = this.#lastDemandMs + this.#idleMs - this.#clock.now();
    this.#idleTimer = this.#clock.setTimeout(
      () => {
        this.#idleTimer = null;
        if (this.#source === null) return;
        if (this.#clock.now() - this.#lastDemandMs >= this.#idleMs) void this.#stopSource();
        else this.#armIdle();
      },
      Math.max(1, due),
    );
  }

  /**
   * The newest frame if it was captured within `maxSkewMs` of `nearMs` and not taken before; the caller
   * owns it from now on. Null while the source starts, or when its newest frame is too far from `nearMs`.
   */
  take(nearMs: number, maxSkewMs: number): CapturedFrame | null {
    const frame = this.#source?.latestFrame() ?? null;
    if (frame === null || frame.seq <= this.#takenSeq) return null;
    if (Math.abs(frame.capturedAtMs - nearMs) > maxSkewMs) return null;
    if (frame.data.byteLength !== frame.width * frame.height * 3) return null;
    this.#takenSeq = frame.seq;
    this.framesTaken++;
    return frame;
  }

  async #stopSource(): Promise<void> {
    const source = this.#source;
    this.#source = null;
    if (source === null) return;
    await source.stop();
    await this.#drain;
    this.#drain = null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#idleTimer !== null) this.#clock.clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    await this.#stopSource();
  }
}
