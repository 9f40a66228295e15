import os from 'node:os';
import { nearFaceDetectorInput, type AnalyzedFace, type RgbFrame } from '@hadir/vision';
import type { ServerContext } from '../../context.js';
import { AppError } from '../../platform/http/errors.js';
import type { FaceEngineService } from '../faces/index.js';
import { FrameDroppedError, InferencePool, type InferredFace } from '../pipeline/index.js';

/** Phone captures waiting for a worker, across requests; beyond it a new one is answered 503 (retry). */
const MAX_QUEUED = 64;

/** One worker per core (at most 4): a sync of hundreds of queued faces is the heaviest phone request. */
export function defaultVerifyWorkers(cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(4, cores));
}

const toAnalyzed = (faces: InferredFace[]): AnalyzedFace[] =>
  faces.flatMap((f) =>
    f.embedding
      ? [{ box: f.box, score: f.score, landmarks: f.landmarks, quality: f.detail, embedding: f.embedding }]
      : [],
  );

/**
 * Detection + embedding of phone captures (1:1 verify, liveness frames, the offline queue's faces, an
 * officer's 1:N) in worker threads, off the HTTP event loop (onnxruntime-node runs a session on the
 * calling thread), several at once. It reuses the camera pipeline's InferencePool and worker with its
 * own instance, because phone faces differ from camera frames in three ways: a request must not be
 * dropped for a newer frame (a full queue refuses the new request instead), embeddings keep the pack's
 * flip-averaging (the members' templates were enrolled with it), and a capture of one near face is
 * detected at a small input (nearFaceDetectorInput: 320 px on the long side, ~4× cheaper than 640×640),
 * again at the full input when that finds nothing. The workers start on first use.
 */
export class PhoneFaceInference {
  private pool: Promise<InferencePool | null> | null = null;
  private closed = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly engine: FaceEngineService,
  ) {}

  /** Worker threads (HADIR_VERIFY_WORKERS, default one per core up to 4). */
  get workers(): number {
    return this.ctx.env.HADIR_VERIFY_WORKERS ?? defaultVerifyWorkers();
  }

  private start(): Promise<InferencePool | null> {
    this.pool ??= (async () => {
      const s = await this.engine.select();
      if (!s.enabled || this.closed) return null;
      const pool = new InferencePool({
        modelsDir: this.ctx.env.modelsDir,
        pack: s.pack,
        threads: 1,
        workers: this.workers,
        executionProviders: this.ctx.env.HADIR_EXECUTION_PROVIDERS,
        flipAugment: s.manifest.flipAugment,
        maxQueued: MAX_QUEUED,
        whenFull: 'refuse-new',
        // One capture per worker call: a sync writes in order, so the next record's face should come
        // back as soon as it is done, not with a batch of later ones.
        maxBatchFrames: 1,
      });
      try {
        const info = await pool.ready();
        this.ctx.log.info(
          { pack: s.pack, workers: pool.size, executionProviders: info.executionProviders },
          'phone verification workers ready',
        );
        return pool;
      } catch (error) {
        // The in-process engine still verifies (one at a time, on the event loop): slower, not broken.
        this.ctx.log.error(
          { err: error },
          'phone verification workers failed to start; verifying in process',
        );
        await pool.close();
        return null;
      }
    })();
    return this.pool;
  }

  /**
   * The faces of a phone capture with their embeddings. The frame's pixels travel to a worker and back
   * (no copy): use the returned frame, not the one passed in.
   */
  async analyze(frame: RgbFrame): Promise<{ faces: AnalyzedFace[]; frame: RgbFrame }> {
    const input = nearFaceDetectorInput(frame.width, frame.height);
    const pool = await this.start();
    if (pool) {
      try {
        const r = await pool.analyzeOwned(frame, 0, { detectorInputPx: input, retryAtFullInput: true });
        return { faces: toAnalyzed(r.faces), frame: { ...frame, data: r.data } };
      } catch (error) {
        if (error instanceof FrameDroppedError)
          throw new AppError(503, 'verify_busy', 'The server is verifying many faces; try again shortly.');
        throw error;
      }
    }
    const engine = await this.engine.tryEngine();
    if (!engine) throw new AppError(503, 'recognition_disabled', 'Face recognition is not available');
    const faces = await this.engine.withInferenceSlot(async () => {
      const small = await engine.analyze(frame, { inputSizePx: input });
      return small.length > 0 ? small : engine.analyze(frame);
    });
    return { faces, frame };
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool ? await this.pool : null;
    await pool?.close();
  }
}
