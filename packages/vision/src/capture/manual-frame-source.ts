// A FrameSource driven by the test (or a replay): push frames and set the state by hand.
import type { CaptureState, CaptureStatus, FrameSource, CapturedFrame } from './frame-source.js';
import { LatestFrameQueue } from './latest-frame-queue.js';

export class ManualFrameSource implements FrameSource {
  readonly #queue: LatestFrameQueue<CapturedFrame>;
  readonly #listeners = new Set<(s: CaptureStatus) => void>();
  #status: CaptureStatus;
  #latest: CapturedFrame | null = null;
  #seq = 0;

  constructor(options: { targetFps?: number; queueCapacity?: number } = {}) {
    this.#queue = new LatestFrameQueue<CapturedFrame>(options.queueCapacity ?? 1);
    this.#status = {
      state: 'stopped',
      targetFps: options.targetFps ?? 2,
      measuredFps: 0,
      framesReceived: 0,
      framesAnalyzed: 0,
      framesDropped: 0,
      lastFrameAtMs: null,
      lastError: null,
      restarts: 0,
      queueDepth: 0,
      firstFrameLatencyMs: null,
      width: null,
      height: null,
    };
  }

  start(): void {
    if (this.#status.state === 'stopped') this.setState('starting');
  }

  stop(): Promise<void> {
    this.#queue.close();
    this.setState('stopped');
    return Promise.resolve();
  }

  /** Queue a frame; seq and capturedAtMs are filled in when missing. */
  push(
    frame: Omit<CapturedFrame, 'seq' | 'capturedAtMs'> & Partial<Pick<CapturedFrame, 'seq' | 'capturedAtMs'>>,
  ): void {
    const full: CapturedFrame = {
      ...frame,
      seq: frame.seq ?? ++this.#seq,
      capturedAtMs: frame.capturedAtMs ?? Date.now(),
    };
    this.#latest = full;
    this.#status = {
      ...this.#status,
      framesReceived: this.#status.framesReceived + 1,
      lastFrameAtMs: full.capturedAtMs,
      width: full.width,
      height: full.height,
    };
    this.#queue.push(full);
    if (this.#status.state === 'starting' || this.#status.state === 'offline') this.setState('online');
  }

  setState(state: CaptureState, lastError: string | null = this.#status.lastError): void {
    const changed = state !== this.#status.state || lastError !== this.#status.lastError;
    this.#status = { ...this.#status, state, lastError };
    if (changed) for (const l of this.#listeners) l(this.status());
  }

  frames(): AsyncIterable<CapturedFrame> {
    return this.#queue;
  }

  status(): CaptureStatus {
    return {
      ...this.#status,
      framesAnalyzed: this.#queue.delivered,
      framesDropped: this.#queue.dropped,
      queueDepth: this.#queue.size,
    };
  }

  latestFrame(): CapturedFrame | null {
    return this.#latest;
  }

  onStatus(listener: (status: CaptureStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
