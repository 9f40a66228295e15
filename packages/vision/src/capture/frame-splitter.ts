// Cuts a raw video byte stream into frames of exactly `frameBytes`, whatever the chunk boundaries.

export class FrameSplitter {
  readonly frameBytes: number;
  #current: Uint8Array;
  #filled = 0;

  constructor(frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0)
      throw new RangeError('frameBytes must be a positive integer');
    this.frameBytes = frameBytes;
    this.#current = new Uint8Array(frameBytes);
  }

  /** Bytes of an incomplete frame held back, waiting for the next chunk. */
  get pendingBytes(): number {
    return this.#filled;
  }

  /** Feeds one chunk; calls `onFrame` for every frame it completes. Each frame gets its own buffer. */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.frameBytes - this.#filled, chunk.length - offset);
      this.#current.set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.frameBytes) {
        const frame = this.#current;
        this.#current = new Uint8Array(this.frameBytes);
        this.#filled = 0;
        onFrame(frame);
      }
    }
  }

  reset(): void {
    this.#filled = 0;
  }
}
