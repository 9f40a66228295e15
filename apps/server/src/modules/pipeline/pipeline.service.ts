import { probeSource } from '@hadir/vision';
import type { ProcessRole } from '../../platform/config/env.js';
import type { Readiness } from '../../platform/http/health.js';
import { OutboundRefused } from '../../platform/net/outbound-policy.js';
import type { ServerContext } from '../../context.js';
import type { CameraConfig, CameraProbeResult } from '@hadir/contracts';
import type { CameraEntry, CameraRegistry } from '../cameras/index.js';
import type { FaceModules } from '../faces/index.js';
import type { PresenceService } from '../presence/index.js';
import { CameraRunner } from './camera-runner.js';
import type { MatchableGallery } from './frame-analyzer.js';
import { InferencePool, defaultInferenceWorkers } from './inference-pool.js';
import type { StageTimings } from './inference-protocol.js';
import { RecentFaces } from './recent-faces.js';
import { FfmpegFrameSource } from '@hadir/vision';

export { DEFAULT_MOTION_KEEPALIVE_MS, MIN_FACE_QUALITY, toCameraStatus } from './camera-runner.js';

/** PipelineService.stageTotals(): cumulative time per stage (ms) and counts. */
export interface PipelineStageTotals extends StageTimings {
  framesInferred: number;
  /** Reading ffmpeg's raw frames into buffers in this process. */
  captureReadMs: number;
  motionMs: number;
  /** Whole worker calls (detect + align + embed + main stream + message handling). */
  workerMs: number;
  matchMs: number;
  trackMs: number;
  facesEmbedded: number;
  facesSkipped: number;
  mainStreamStarts: number;
  mainStreamFramesUsed: number;
}

/** A camera whose host name does not resolve is checked again this often. */
const SOURCE_RETRY_MS = 30_000;
export async function probeCameraSource(
  source: string,
  opts: { rtspTransport?: 'tcp' | 'udp'; timeoutMs: number; preview?: boolean },
): Promise<CameraProbeResult & { previewJpeg?: Uint8Array | null }> {
  return probeSource(source, opts.timeoutMs, {
    ...(opts.rtspTransport ? { rtspTransport: opts.rtspTransport } : {}),
    ...(opts.preview ? { preview: true } : {}),
  });
}

/**
 * The `pipeline` role: one runner per valid, enabled camera, started, restarted and stopped as the
 * camera files change; a shared pool of inference worker threads; presence writes batched every second.
 * The `worker` role runs the presence tick (state machine + alerts).
 */
export class PipelineService {
  /** By registry key (camera ids are unique per organization only). */
  private readonly runners = new Map<string, CameraRunner>();
  private pool: InferencePool | null = null;
  private poolStarting: Promise<void> | null = null;
  private pendingPool: InferencePool | null = null;
  private poolError: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Cameras whose host did not resolve at start: tried again later (ffmpeg's own retries never ran). */
  private readonly sourceRetries = new Map<string, NodeJS.Timeout>();
  private running = false;
  /** Last faces of people who left a camera's view (for absence alert snapshots). */
  readonly recentFaces = new RecentFaces();
  /**
   * Puts an organization's live recognition model in front of its enrolment gallery (set by the
   * composition root from the datasets slice; null matches against enrolment only).
   */
  liveGallery:
    | ((
        orgId: string,
        pack: string | null,
        base: MatchableGallery | null,
      ) => Promise<MatchableGallery | null>)
    | null = null;

  /** Whether an edge box runs this camera (set by the composition root from the edges slice). */
  servedByEdge: ((orgId: string, cameraId: string) => Promise<boolean>) | null = null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly cameras: CameraRegistry,
    private readonly presence: PresenceService,
    private readonly faces: FaceModules,
  ) {}

  /** What a camera of this organization matches faces against now. */
  async galleryFor(orgId: string): Promise<MatchableGallery | null> {
    const base = await this.faces.galleries.galleryFor(orgId);
    return this.liveGallery ? this.liveGallery(orgId, base?.pack ?? null, base) : base;
  }

  /** Ids of the cameras running here (ids are per organization: one may repeat). */
  get runningCameras(): string[] {
    return [...this.runners.values()].map((r) => r.entry.id);
  }

  async start(roles: Set<ProcessRole>): Promise<() => Promise<void>> {
    const timers: NodeJS.Timeout[] = [];
    const stops: (() => Promise<void> | void)[] = [];
    if (roles.has('worker')) {
      const t = setInterval(() => void this.presence.tick(), this.ctx.env.HADIR_PRESENCE_TICK_MS);
      t.unref();
      timers.push(t);
    }
    if (roles.has('pipeline')) {
      const t = setInterval(() => void this.presence.flush(), 1000);
      t.unref();
      timers.push(t);
      await this.startPool();
      // Absence alerts opened in this process show how the person was last seen (worker role).
      this.presence.lastFaceSnapshot = (orgId, employeeId) => this.saveLastFace(orgId, employeeId);
      stops.push(() => {
        this.presence.lastFaceSnapshot = null;
      });
      stops.push(
        this.ctx.events.subscribe('employee.deleted', ({ employeeId }) =>
          this.recentFaces.forget(employeeId),
        ),
      );
      this.cameras.thumbnail = async (key) => {
        const jpeg = await this.runners.get(key)?.thumbnail();
        return jpeg ? Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength) : null;
      };
      stops.push(
        this.cameras.onChange((change) =>
          this.enqueue(() => this.apply(change.type === 'remove' ? change.key : change.entry.key)),
        ),
      );
      for (const e of this.cameras.list()) this.enqueue(() => this.apply(e.key));
      // An edge created, revoked or re-scoped (in any process) moves cameras between the hub and a box.
      stops.push(
        this.ctx.events.subscribeLive('edge.changed', () => {
          for (const e of this.cameras.list()) this.enqueue(() => this.apply(e.key));
        }),
      );
    }
    this.running = true;
    return async () => {
      this.running = false;
      for (const t of this.sourceRetries.values()) clearTimeout(t);
      this.sourceRetries.clear();
      for (const t of timers) clearInterval(t);
      for (const s of stops) await s();
      await this.chain;
      await Promise.all([...this.runners.values()].map((r) => r.stop()));
      this.runners.clear();
      await this.presence.flush().catch(() => 0);
      const pool = this.pool ?? this.pendingPool;
      this.pool = null;
      await pool?.close();
    };
  }

  /**
   * Where the time went, summed since start over the running cameras and the inference workers (ms, and
   * the counts to divide by). Benchmarks read it twice and divide the difference by the frames analysed.
   */
  stageTotals(): PipelineStageTotals {
    const pool = this.pool;
    const runners = [...this.runners.values()];
    const sum = (f: (r: CameraRunner) => number) => runners.reduce((a, r) => a + f(r), 0);
    return {
      framesInferred: pool?.framesInferred ?? 0,
      captureReadMs: sum((r) => (r.source instanceof FfmpegFrameSource ? r.source.readMs : 0)),
      motionMs: sum((r) => r.motionMs),
      ...(pool?.stageMsTotal ?? { detectMs: 0, alignMs: 0, embedMs: 0, mainStreamMs: 0 }),
      workerMs: pool?.inferenceMsTotal ?? 0,
      matchMs: sum((r) => r.analyzer.matchMs),
      trackMs: sum((r) => r.analyzer.trackMs),
      facesEmbedded: sum((r) => r.analyzer.facesEmbedded),
      facesSkipped: sum((r) => r.analyzer.facesSkipped),
      mainStreamStarts: sum((r) => r.mainStream?.starts ?? 0),
      mainStreamFramesUsed: sum((r) => r.mainStream?.framesTaken ?? 0),
    };
  }

  /** Resolves when the inference workers are loaded (or failed to); the replay tool and tests wait on it. */
  async whenReady(): Promise<boolean> {
    await this.poolStarting;
    return this.pool !== null;
  }

  /** The last face of a person, saved as an `alert` snapshot; null when this process has none. */
  async saveLastFace(orgId: string, employeeId: string): Promise<string | null> {
    let face = this.recentFaces.get(orgId, employeeId);
    for (const r of this.runners.values()) {
      if (r.entry.organizationId !== orgId) continue;
      const live = await r.liveFaceOf(employeeId);
      if (live && (!face || live.seenAtMs > face.seenAtMs)) face = live;
    }
    if (!face) return null;
    const saved = await this.faces.snapshots.save(orgId, {
      kind: 'alert',
      cameraId: face.cameraId,
      employeeId,
      faceJpeg: face.faceJpeg,
      frameJpeg: face.frameJpeg,
      takenAtMs: face.seenAtMs,
    });
    return saved.id;
  }

  /** /readyz check `pipeline`: passes unless the inference workers failed; detail shows the providers. */
  registerReadiness(readiness: Readiness): void {
    readiness.add('pipeline', async () => {
      const pool = this.pool ?? this.pendingPool;
      return {
        // Like faceEngine: cameras still report health without recognition, so this never fails readiness.
        ok: true,
        detail: {
          cameras: this.runners.size,
          inferenceWorkers: pool?.size ?? 0,
          requestedExecutionProviders: this.ctx.env.HADIR_EXECUTION_PROVIDERS,
          executionProviders: pool?.info?.executionProviders ?? null,
          executionProviderFallback: pool?.info?.fallbackReason ?? null,
          crossFrameBatching: pool?.info?.crossFrameBatching ?? null,
          state: this.pool ? 'ready' : pool ? 'loading' : (this.poolError ?? 'not running'),
        },
      };
    });
  }

  private async startPool(): Promise<void> {
    const selection = await this.faces.engine.select();
    if (!selection.enabled) {
      this.ctx.log.warn({ reason: selection.reason }, 'recognition disabled: cameras run for health only');
      return;
    }
    const pool = new InferencePool({
      modelsDir: this.ctx.env.modelsDir,
      pack: selection.pack,
      threads: 1,
      workers: this.ctx.env.HADIR_INFERENCE_WORKERS ?? defaultInferenceWorkers(),
      executionProviders: this.ctx.env.HADIR_EXECUTION_PROVIDERS,
      ...(this.ctx.env.HADIR_DETECTOR_INPUT
        ? {
            detectorInputSizePx: this.ctx.env.HADIR_DETECTOR_INPUT[0],
            detectorInputHeightPx: this.ctx.env.HADIR_DETECTOR_INPUT[1],
          }
        : {}),
    });
    this.pendingPool = pool;
    this.poolStarting = pool.ready().then(
      (info) => {
        this.pool = pool;
        this.ctx.log.info(
          {
            pack: selection.pack,
            workers: pool.size,
            requestedExecutionProviders: this.ctx.env.HADIR_EXECUTION_PROVIDERS,
            executionProviders: info.executionProviders,
            crossFrameBatching: info.crossFrameBatching,
          },
          'inference workers ready',
        );
        if (info.fallbackReason)
          this.ctx.log.warn(
            { executionProviders: info.executionProviders, reason: info.fallbackReason },
            'requested execution providers not used',
          );
      },
      (err: unknown) => {
        this.poolError = `inference workers failed to start: ${err instanceof Error ? err.message : String(err)}`;
        this.ctx.log.error({ err }, 'inference workers failed to start');
      },
    );
    // Cameras start (and report health) while the models load; frames before that are not analysed.
  }

  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain
      .then(fn)
      .catch((err: unknown) => this.ctx.log.error({ err }, 'camera change failed'));
  }

  /** Start, restart or stop one camera to match the registry. */
  private async apply(key: string): Promise<void> {
    const entry = this.cameras.get(key);
    const running = this.runners.get(key);
    const runnable = entry && entry.config && entry.config.enabled && entry.organizationId ? entry : null;
    // A camera an edge box runs is not opened here too (the box pushes its sightings and health).
    const remote =
      runnable && this.servedByEdge
        ? await this.servedByEdge(runnable.organizationId as string, runnable.id)
        : false;
    const wanted = remote ? null : runnable;
    if (running && (!wanted || running.entry.hash !== wanted.hash)) {
      this.runners.delete(key);
      await running.stop();
      this.ctx.log.info({ cameraId: wanted?.id ?? running?.entry.id, camera: key }, 'camera stopped');
    }
    if (wanted && !this.runners.has(key)) {
      const camera = wanted as CameraEntry & { config: CameraConfig; organizationId: string };
      // Defence in depth: the outbound-target policy again right before ffmpeg runs (DNS may have
      // changed since the file was loaded); ffmpeg gets the checked, pinned address.
      let input: string;
      let mainInput: string | null = null;
      try {
        // Detection runs on the low-resolution detect stream when the camera names one.
        input = await this.cameras.checkSource(
          camera.organizationId,
          camera.config.detectSource ?? camera.config.source,
        );
        // Small faces are embedded from the main stream: it passes the same policy.
        if (camera.config.detectSource !== undefined && camera.config.minEmbedFacePx !== undefined)
          mainInput = await this.cameras.checkSource(camera.organizationId, camera.config.source);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (
          error instanceof OutboundRefused &&
          error.unresolved &&
          this.running &&
          !this.sourceRetries.has(key)
        ) {
          const timer = setTimeout(() => {
            this.sourceRetries.delete(key);
            if (this.running) this.enqueue(() => this.apply(key));
          }, SOURCE_RETRY_MS);
          timer.unref();
          this.sourceRetries.set(key, timer);
        }
        this.ctx.log.warn(
          { cameraId: camera.id, camera: key, reason },
          'camera source refused; camera not started',
        );
        await this.cameras.reportStatus(key, {
          ...camera.status,
          state: 'offline',
          lastError: `Source refused: ${reason}`,
        });
        return;
      }
      const runner = new CameraRunner(this.ctx, camera, input, mainInput, {
        reportStatus: (k, status) => this.cameras.reportStatus(k, status),
        presence: this.presence,
        snapshots: this.faces.snapshots,
        unknownFaces: this.faces.unknownFaces,
        gallery: (orgId) => this.galleryFor(orgId),
        pool: () => this.pool,
        recentFaces: this.recentFaces,
      });
      this.runners.set(key, runner);
      runner.start();
      this.ctx.log.info({ cameraId: wanted?.id ?? running?.entry.id, camera: key }, 'camera started');
    }
  }
}
