import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RgbFrame } from '@hadir/vision';
import type {
  InferenceRequest,
  InferenceResponse,
  InferenceWorkerData,
  InferenceWorkerInfo,
  InferredFace,
  StageTimings,
} from './inference-protocol.js';
import type { EmbeddingSkipRegion } from './embed-policy.js';

export interface InferencePoolOptions extends InferenceWorkerData {
  /** Worker threads (default: defaultInferenceWorkers()). */
  workers?: number;
  /** Requests waiting for a free worker, across cameras; beyond it the oldest is refused (dropped frame). */
  maxQueued?: number;
  /**
   * What a full queue refuses: the oldest waiting frame (cameras: a newer frame is worth more) or the
   * new request (requests that someone awaits, e.g. a phone's verify: back-pressure, not loss).
   */
  whenFull?: 'drop-oldest' | 'refuse-new';
  /**
   * Frames one worker call may take when frames wait (default 4): their faces are embedded in one batch.
   * A frame never waits for a batch to fill; only frames already queued are grouped.
   */
  maxBatchFrames?: number;
}

/** 1 worker on ≤ 2 cores (the HTTP loop and ffmpeg need the rest), else half the cores. */
export function defaultInferenceWorkers(cores = os.availableParallelism()): number {
  return cores <= 2 ? 1 : Math.floor(cores / 2);
}

/** What a caller sends with a frame besides its pixels. */
export interface AnalyzeOptions {
  /** Regions of named tracks whose faces need no embedding. */
  skipEmbedding?: EmbeddingSkipRegion[];
  /** The detector input for this frame (phone captures: a near face) instead of the worker's own. */
  detectorInputPx?: { width: number; height: number };
  /** With detectorInputPx: when it finds no face, detect again at the worker's own input. */
  retryAtFullInput?: boolean;
  /** Faces smaller than this on the frame are embedded from `mainFrame` (or not yet). */
  mainStreamBelowPx?: number;
  /** The camera's main-stream frame of about the same moment; its buffer is transferred (not copied). */
  mainFrame?: RgbFrame | null;
}

interface Job {
  frame: ArrayBuffer;
  width: number;
  height: number;
  minFacePx: number;
  skipEmbedding: EmbeddingSkipRegion[] | undefined;
  detectorInputPx: { width: number; height: number } | undefined;
  retryAtFullInput: boolean;
  mainStreamBelowPx: number | undefined;
  mainFrame: { frame: ArrayBuffer; width: number; height: number } | undefined;
  resolve: (r: { faces: InferredFace[]; data: Uint8Array }) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Job[] | null;
  ready: Promise<InferenceWorkerInfo>;
}

/** Raised for a frame refused because every worker is busy and the queue is full (counted as dropped). */
export class FrameDroppedError extends Error {}

/**
 * Detection + embedding in worker threads. Each camera awaits its frame before taking the next one, so a
 * camera never has more than one frame here; the shared queue is bounded on top of that. When frames of
 * several cameras wait, a free worker takes a few at once and embeds all their faces in one batch.
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  inferenceMsTotal = 0;
  /** Worker calls answered. */
  inferences = 0;
  /** Frames analysed (≥ inferences when calls carry several frames). */
  framesInferred = 0;
  /** Per-stage worker time summed over every call (benchmarks divide by framesInferred). */
  readonly stageMsTotal: StageTimings = { detectMs: 0, alignMs: 0, embedMs: 0, mainStreamMs: 0 };
  /** What the first worker reported once loaded (all workers load the same way). */
  info: InferenceWorkerInfo | null = null;

  constructor(private readonly opts: InferencePoolOptions) {
    const n = Math.max(1, opts.workers ?? defaultInferenceWorkers());
    for (let i = 0; i < n; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  get maxBatchFrames(): number {
    return Math.max(1, this.opts.maxBatchFrames ?? 4);
  }

  private spawn(): Slot {
    const data: InferenceWorkerData = {
      modelsDir: this.opts.modelsDir,
      pack: this.opts.pack,
      threads: this.opts.threads,
      ...(this.opts.executionProviders ? { executionProviders: this.opts.executionProviders } : {}),
      ...(this.opts.detectorInputSizePx ? { detectorInputSizePx: this.opts.detectorInputSizePx } : {}),
      ...(this.opts.detectorInputHeightPx ? { detectorInputHeightPx: this.opts.detectorInputHeightPx } : {}),
      ...(this.opts.flipAugment !== undefined ? { flipAugment: this.opts.flipAugment } : {}),
    };
    // The worker is TypeScript. Node 20 does not apply the parent's `--import tsx` hooks to a worker's
    // entry file, so a tiny bootstrap registers tsx inside the worker and then imports the real file.
    const entry = JSON.stringify(new URL('./inference.worker.ts', import.meta.url).href);
    const worker = new Worker(
      `import('tsx/esm/api').then((m) => { m.register(); return import(${entry}); })`,
      { eval: true, workerData: data },
    );
    worker.unref();
    const ready = new Promise<InferenceWorkerInfo>((resolve, reject) => {
      const onFirst = (m: InferenceResponse) => {
        if (m.id !== -1) return;
        worker.off('message', onFirst);
        if (m.error || !m.info) reject(new Error(`face engine failed to load: ${m.error ?? 'no info'}`));
        else {
          this.info ??= m.info;
          resolve(m.info);
        }
      };
      worker.on('message', onFirst);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`inference worker exited (${code}) before loading`)));
    });
    ready.catch(() => undefined);
    const slot: Slot = { worker, busy: null, ready };
    worker.on('message', (m: InferenceResponse) => {
      if (m.id === -1) return;
      const jobs = slot.busy ?? [];
      slot.busy = null;
      if (m.error) for (const j of jobs) j.reject(new Error(m.error));
      else {
        if (m.inferenceMs !== undefined) {
          this.inferenceMsTotal += m.inferenceMs;
          this.inferences++;
          this.framesInferred += jobs.length;
        }
        if (m.stages)
          for (const k of Object.keys(this.stageMsTotal) as (keyof StageTimings)[])
            this.stageMsTotal[k] += m.stages[k];
        jobs.forEach((j, i) => {
          const back = m.frames?.[i];
          j.resolve({ faces: m.results?.[i] ?? [], data: new Uint8Array(back ?? new ArrayBuffer(0)) });
        });
      }
      this.pump();
    });
    worker.on('error', (err) => {
      for (const j of slot.busy ?? []) j.reject(err);
      slot.busy = null;
      if (this.closed) return;
      // Replace a crashed worker; its frames are lost (the cameras simply analyse their next ones).
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      this.pump();
    });
    return slot;
  }

  /** Resolves when every worker has loaded its models (or rejects with why not). */
  async ready(): Promise<InferenceWorkerInfo> {
    const infos = await Promise.all(this.slots.map((s) => s.ready));
    return infos[0] as InferenceWorkerInfo;
  }

  /**
   * Detects and embeds the faces of one frame, which is copied (the caller keeps using its buffer).
   * `skipEmbedding`: regions of named tracks whose faces need no embedding.
   */
  async analyze(frame: RgbFrame, minFacePx: number, opts: AnalyzeOptions = {}): Promise<InferredFace[]> {
    const copy = new Uint8Array(frame.data.byteLength);
    copy.set(frame.data);
    return (await this.analyzeOwned({ ...frame, data: copy }, minFacePx, opts)).faces;
  }

  /**
   * Like analyze(), without the copy: `frame.data` moves to the worker and comes back with the answer
   * (transferred both ways), so a 6 MB frame is never cloned. The caller must not touch `frame.data`
   * until then and uses the returned `data` instead. A view on part of a buffer is copied first.
   */
  analyzeOwned(
    frame: RgbFrame,
    minFacePx: number,
    opts: AnalyzeOptions = {},
  ): Promise<{ faces: InferredFace[]; data: Uint8Array }> {
    if (this.closed) return Promise.reject(new Error('inference pool closed'));
    const max = this.opts.maxQueued ?? 16;
    if (this.opts.whenFull === 'refuse-new' && this.queue.length >= max)
      return Promise.reject(new FrameDroppedError('inference queue full'));
    const whole = (d: Uint8Array) =>
      d.byteOffset !== 0 || d.byteLength !== d.buffer.byteLength ? Uint8Array.from(d) : d;
    const data = whole(frame.data);
    const main = opts.mainFrame ?? null;
    const mainFrame = main
      ? { frame: whole(main.data).buffer as ArrayBuffer, width: main.width, height: main.height }
      : undefined;
    return new Promise((resolve, reject) => {
      this.queue.push({
        frame: data.buffer as ArrayBuffer,
        width: frame.width,
        height: frame.height,
        minFacePx,
        skipEmbedding: opts.skipEmbedding,
        detectorInputPx: opts.detectorInputPx,
        retryAtFullInput: opts.retryAtFullInput === true,
        mainStreamBelowPx: opts.mainStreamBelowPx,
        mainFrame,
        resolve,
        reject,
      });
      while (this.queue.length > max)
        this.queue.shift()?.reject(new FrameDroppedError('inference queue full'));
      this.pump();
    });
  }

  /** Requests waiting for a worker (not counting those being analysed). */
  get queued(): number {
    return this.queue.length;
  }

  private pump(): void {
    const free = this.slots.filter((s) => !s.busy);
    for (const [i, slot] of free.entries()) {
      if (this.queue.length === 0) return;
      // Share what waits among the free workers (parallelism first), at most maxBatchFrames per call.
      const take = Math.min(this.maxBatchFrames, Math.ceil(this.queue.length / (free.length - i)));
      const jobs = this.queue.splice(0, take);
      slot.busy = jobs;
      const req: InferenceRequest = {
        id: this.nextId++,
        frames: jobs.map((j) => ({
          frame: j.frame,
          width: j.width,
          height: j.height,
          minFacePx: j.minFacePx,
          ...(j.skipEmbedding?.length ? { skipEmbedding: j.skipEmbedding } : {}),
          ...(j.detectorInputPx ? { detectorInputPx: j.detectorInputPx } : {}),
          ...(j.retryAtFullInput ? { retryAtFullInput: true } : {}),
          ...(j.mainStreamBelowPx ? { mainStreamBelowPx: j.mainStreamBelowPx } : {}),
          ...(j.mainFrame ? { mainFrame: j.mainFrame } : {}),
        })),
      };
      slot.worker.postMessage(
        req,
        jobs.flatMap((j) => (j.mainFrame ? [j.frame, j.mainFrame.frame] : [j.frame])),
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new Error('inference pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
