// A bounded hand-off between a producer that must never block (ffmpeg's stdout) and one consumer.
// When full, the oldest item is dropped and counted: the consumer always gets the freshest frames.

export class LatestFrameQueue<T> implements AsyncIterable<T> {
  readonly capacity: number;
  #items: T[] = [];
  #waiter: ((r: IteratorResult<T, undefined>) => void) | null = null;
  #closed = false;
  #dropped = 0;
  #delivered = 0;
  #onDrop: ((item: T) => void) | undefined;

  constructor(capacity = 1, onDrop?: (item: T) => void) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be an integer ≥ 1');
    this.capacity = capacity;
    this.#onDrop = onDrop;
  }

  get size(): number {
    return this.#items.length;
  }
  get dropped(): number {
    return this.#dropped;
  }
  get delivered(): number {
    return this.#delivered;
  }
  get closed(): boolean {
    return this.#closed;
  }

  /** Returns false when the item was not queued (queue closed). */
  push(item: T): boolean {
    if (this.#closed) return false;
    if (this.#waiter !== null) {
      const w = this.#waiter;
      this.#waiter = null;
      this.#delivered++;
      w({ value: item, done: false });
      return true;
    }
    this.#items.push(item);
    while (this.#items.length > this.capacity) {
      const old = this.#items.shift() as T;
      this.#dropped++;
      this.#onDrop?.(old);
    }
    return true;
  }

  /** Waits for the next item; resolves done once closed and drained... or immediately when closed. */
  next(): Promise<IteratorResult<T, undefined>> {
    const item = this.#items.shift();
    if (item !== undefined) {
      this.#delivered++;
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter !== null)
      return Promise.reject(new Error('LatestFrameQueue supports one consumer at a time'));
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /** Ends iteration; queued items are discarded (they are stale by the time anyone would read them). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#items = [];
    const w = this.#waiter;
    this.#waiter = null;
    w?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => this.next(),
      // Leaving a for-await loop does not close the queue: the source owns it (stop() closes it), and a
      // consumer may iterate again later and get the freshest frame.
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }
}
