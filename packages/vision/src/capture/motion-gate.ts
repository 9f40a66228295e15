import type { RgbFrame } from '../types.js';

export interface MotionGateOptions {
  /** Analyse at least this often even without motion, so people sitting still stay "seen" (ms). */
  keepAliveMs: number;
  /** A sampled pixel "changed" when its luma moved more than this (0..255). */
  pixelDelta: number;
  /** Motion when at least this share of the sampled pixels changed (0..1). */
  minChangedFraction: number;
  /** Sample every `stepPx`-th pixel of every `stepPx`-th row (a 640×360 frame at 8: 3,600 samples). */
  stepPx: number;
}

export const DEFAULT_MOTION_GATE: MotionGateOptions = {
  keepAliveMs: 2000,
  pixelDelta: 14,
  minChangedFraction: 0.002,
  stepPx: 8,
};

/**
 * Frame differencing on a sparse luma grid (Frigate's motion stage, much simplified): a frame is worth
 * detecting when enough sampled pixels changed since the last analysed frame, or when the keep-alive is
 * due. Comparing with the last *analysed* frame (not the previous one) catches slow movement too. Pure:
 * time comes in with each frame; costs ~0.1 ms per frame at the default step.
 */
export class MotionGate {
  readonly options: MotionGateOptions;
  private reference: Uint8Array | null = null;
  private sample: Uint8Array = new Uint8Array(0);
  private refWidth = 0;
  private refHeight = 0;
  private lastAnalysedMs = Number.NEGATIVE_INFINITY;
  /** Frames let through and frames held back, since start. */
  passed = 0;
  held = 0;

  constructor(options: Partial<MotionGateOptions> = {}) {
    this.options = { ...DEFAULT_MOTION_GATE, ...options };
  }

  /** True when this frame should be analysed (`force`: analyse anyway, e.g. a track is being named). */
  check(frame: RgbFrame, nowMs: number, force = false): boolean {
    const { stepPx, pixelDelta, minChangedFraction, keepAliveMs } = this.options;
    const cols = Math.ceil(frame.width / stepPx);
    const rows = Math.ceil(frame.height / stepPx);
    if (this.sample.length !== cols * rows) this.sample = new Uint8Array(cols * rows);
    const d = frame.data;
    let k = 0;
    for (let y = 0; y < frame.height; y += stepPx) {
      let p = y * frame.width * 3;
      for (let x = 0; x < frame.width; x += stepPx, p += stepPx * 3) {
        this.sample[k++] = (d[p]! + 2 * d[p + 1]! + d[p + 2]!) >> 2;
      }
    }
    const sizeChanged = frame.width !== this.refWidth || frame.height !== this.refHeight;
    let motion = this.reference === null || sizeChanged;
    if (!motion) {
      const ref = this.reference!;
      const needed = Math.max(1, Math.ceil(minChangedFraction * k));
      let changed = 0;
      for (let i = 0; i < k; i++) {
        const diff = this.sample[i]! - ref[i]!;
        if ((diff > pixelDelta || -diff > pixelDelta) && ++changed >= needed) {
          motion = true;
          break;
        }
      }
    }
    const analyse = motion || force || nowMs - this.lastAnalysedMs >= keepAliveMs;
    if (!analyse) {
      this.held++;
      return false;
    }
    this.passed++;
    this.lastAnalysedMs = nowMs;
    // Swap buffers: the current sample becomes the reference.
    const old = this.reference;
    this.reference = this.sample;
    this.sample = old && old.length === this.reference.length ? old : new Uint8Array(this.reference.length);
    this.refWidth = frame.width;
    this.refHeight = frame.height;
    return true;
  }
}
