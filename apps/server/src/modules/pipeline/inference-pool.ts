import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RgbFrame } from '@hadir/vision';
import type {
  InferenceRequest,
  InferenceResponse,
  InferenceWorkerData,
  InferredFace,
} from './inference-protocol.js';

export interface InferencePoolOptions extends InferenceWorkerData {
  /** Worker threads (default: CPU cores, at most 4). */
  workers?: number;
  /** Requests waiting for a free worker, across cameras; beyond it the oldest is refused (dropped frame). */
  maxQueued?: number;
}

interface Job {
  req: InferenceRequest;
  resolve: (faces: InferredFace[]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Job | null;
  ready: Promise<void>;
}

/** Raised for a frame refused because every worker is busy and the queue is full (counted as dropped). */
export class FrameDroppedError extends Error {}

/**
 * Detection + embedding in worker threads. Each camera awaits its frame before taking the next one, so a
 * camera never has more than one frame here; the shared queue is bounded on top of that.
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  inferenceMsTotal = 0;
  inferences = 0;

  constructor(private readonly opts: InferencePoolOptions) {
    const n = Math.max(1, opts.workers ?? Math.min(4, os.availableParallelism()));
    for (let i = 0; i < n; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const data: InferenceWorkerData = {
      modelsDir: this.opts.modelsDir,
      pack: this.opts.pack,
      threads: this.opts.threads,
      ...(this.opts.executionProviders ? { executionProviders: this.opts.executionProviders } : {}),
      ...(this.opts.detectorInputSizePx ? { detectorInputSizePx: this.opts.detectorInputSizePx } : {}),
    };
    // The worker is TypeScript. Node 20 does not apply the parent's `--import tsx` hooks to a worker's
    // entry file, so a tiny bootstrap registers tsx inside the worker and then imports the real file.
    const entry = JSON.stringify(new URL('./inference.worker.ts', import.meta.url).href);
    const worker = new Worker(
      `import('tsx/esm/api').then((m) => { m.register(); return import(${entry}); })`,
      { eval: true, workerData: data },
    );
    worker.unref();
    const slot: Slot = { worker, busy: null, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onFirst = (m: InferenceResponse) => {
        if (m.id !== -1) return;
        worker.off('message', onFirst);
        if (m.error) reject(new Error(`face engine failed to load: ${m.error}`));
        else resolve();
      };
      worker.on('message', onFirst);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`inference worker exited (${code}) before loading`)));
    });
    slot.ready.catch(() => undefined);
    worker.on('message', (m: InferenceResponse) => {
      if (m.id === -1) return;
      const job = slot.busy;
      slot.busy = null;
      if (job) {
        if (m.error) job.reject(new Error(m.error));
        else {
          if (m.inferenceMs !== undefined) {
            this.inferenceMsTotal += m.inferenceMs;
            this.inferences++;
          }
          job.resolve(m.faces ?? []);
        }
      }
      this.pump();
    });
    worker.on('error', (err) => {
      slot.busy?.reject(err);
      slot.busy = null;
      if (this.closed) return;
      // Replace a crashed worker; its frame is lost (the camera simply analyses the next one).
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      this.pump();
    });
    return slot;
  }

  /** Resolves when every worker has loaded its models (or rejects with why not). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  analyze(frame: RgbFrame, minFacePx: number): Promise<InferredFace[]> {
    if (this.closed) return Promise.reject(new Error('inference pool closed'));
    // Copy into a transferable buffer: the capture layer may reuse its own.
    const copy = new Uint8Array(frame.data.byteLength);
    copy.set(frame.data);
    return new Promise((resolve, reject) => {
      const job: Job = {
        req: { id: this.nextId++, frame: copy.buffer, width: frame.width, height: frame.height, minFacePx },
        resolve,
        reject,
      };
      this.queue.push(job);
      const max = this.opts.maxQueued ?? 16;
      while (this.queue.length > max)
        this.queue.shift()?.reject(new FrameDroppedError('inference queue full'));
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || this.queue.length === 0) continue;
      const job = this.queue.shift() as Job;
      slot.busy = job;
      slot.worker.postMessage(job.req, [job.req.frame]);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new Error('inference pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
