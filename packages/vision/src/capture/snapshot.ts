// Keeps the latest frame of a camera for its dashboard thumbnail (the server JPEG-encodes it with sharp).
import type { CapturedFrame } from './frame-source.js';

export class SnapshotKeeper {
  #frame: CapturedFrame | null = null;
  readonly maxAgeMs: number;

  /** A snapshot older than maxAgeMs is not shown as current (the camera has gone quiet). */
  constructor(maxAgeMs = 60_000) {
    this.maxAgeMs = maxAgeMs;
  }

  offer(frame: CapturedFrame): void {
    if (this.#frame === null || frame.capturedAtMs >= this.#frame.capturedAtMs) this.#frame = frame;
  }

  /** The latest frame if it is fresh enough at nowMs, else null. */
  current(nowMs: number): CapturedFrame | null {
    const f = this.#frame;
    return f !== null && nowMs - f.capturedAtMs <= this.maxAgeMs ? f : null;
  }

  /** The latest frame however old, with its age (for "last seen 5 min ago" thumbnails). */
  last(): CapturedFrame | null {
    return this.#frame;
  }

  clear(): void {
    this.#frame = null;
  }
}

/**
 * Nearest-neighbour downscale of an RGB24 frame to at most maxWidth pixels wide. Cheap enough to run per
 * snapshot without sharp; sharp can still do a better resize when encoding.
 */
export function downscaleRgb(frame: CapturedFrame, maxWidth: number): CapturedFrame {
  if (frame.width <= maxWidth) return frame;
  const width = Math.max(1, Math.floor(maxWidth));
  const height = Math.max(1, Math.round((frame.height * width) / frame.width));
  const out = new Uint8Array(width * height * 3);
  const xs = new Uint32Array(width);
  for (let x = 0; x < width; x++)
    xs[x] = Math.min(frame.width - 1, Math.floor(((x + 0.5) * frame.width) / width)) * 3;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(frame.height - 1, Math.floor(((y + 0.5) * frame.height) / height));
    const srcRow = sy * frame.width * 3;
    const dstRow = y * width * 3;
    for (let x = 0; x < width; x++) {
      const s = srcRow + (xs[x] ?? 0);
      const d = dstRow + x * 3;
      out[d] = frame.data[s] ?? 0;
      out[d + 1] = frame.data[s + 1] ?? 0;
      out[d + 2] = frame.data[s + 2] ?? 0;
    }
  }
  return { ...frame, data: out, width, height };
}
