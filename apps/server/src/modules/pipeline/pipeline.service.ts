import {
  FfmpegFrameSource,
  MotionGate,
  cropFaceJpeg,
  downscaleRgb,
  encodeJpeg,
  probeSource,
  type CaptureStatus,
  type CapturedFrame,
  type FrameSource,
} from '@hadir/vision';
import type { CameraConfig, CameraProbeResult, CameraStatus } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { ProcessRole } from '../../platform/config/env.js';
import { toIsoOrNull } from '../../platform/clock/clock.js';
import type { Readiness } from '../../platform/http/health.js';
import { OutboundRefused } from '../../platform/net/outbound-policy.js';
import type { CameraEntry, CameraRegistry } from '../cameras/index.js';
import type { FaceModules } from '../faces/index.js';
import type { PresenceService } from '../presence/index.js';
import { FrameAnalyzer, type EndedTrack, type MatchableGallery } from './frame-analyzer.js';
import { FrameDroppedError, InferencePool, defaultInferenceWorkers } from './inference-pool.js';
import type { InferredFace } from './inference-protocol.js';
import { RecentFaces, type RecentFace } from './recent-faces.js';

/** A camera whose host name does not resolve is checked again this often. */
const SOURCE_RETRY_MS = 30_000;
/** Faces below this quality score are not matched (blurred, turned away, too dark). */
export const MIN_FACE_QUALITY = 0.2;
const THUMBNAIL_WIDTH_PX = 480;
/** Motion gating keep-alive when the camera does not set motionKeepAliveMs (below the 3 s track age). */
export const DEFAULT_MOTION_KEEPALIVE_MS = 2000;
/** Width of the frame kept with an event snapshot (presence, unknown face, alert). */
const SNAPSHOT_FRAME_WIDTH_PX = 640;

export async function probeCameraSource(
  source: string,
  opts: { rtspTransport?: 'tcp' | 'udp'; timeoutMs: number; preview?: boolean },
): Promise<CameraProbeResult & { previewJpeg?: Uint8Array | null }> {
  return probeSource(source, opts.timeoutMs, {
    ...(opts.rtspTransport ? { rtspTransport: opts.rtspTransport } : {}),
    ...(opts.preview ? { preview: true } : {}),
  });
}

export function toCameraStatus(cameraId: string, s: CaptureStatus, framesDropped: number): CameraStatus {
  return {
    cameraId,
    state: s.state === 'stopped' ? 'offline' : s.state,
    targetFps: s.targetFps,
    measuredFps: Math.round(s.measuredFps * 100) / 100,
    framesAnalyzed: s.framesAnalyzed,
    framesDropped: s.framesDropped + framesDropped,
    lastFrameAt: toIsoOrNull(s.lastFrameAtMs),
    lastError: s.lastError,
    restarts: s.restarts,
  };
}

/** One running camera: capture → inference (worker threads) → tracker → presence. */
class CameraRunner {
  readonly source: FrameSource;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private droppedHere = 0;
  private thumb: { atMs: number; jpeg: Uint8Array } | null = null;
  /** The latest frame back from inference (its buffer travelled to a worker and back). */
  private lastAnalysed: CapturedFrame | null = null;
  readonly analyzer: FrameAnalyzer;
  /** Null when the camera analyses every frame (motionKeepAliveMs 0). */
  readonly motion: MotionGate | null;
  /** Live named tracks: the latest frame showing each (frames are never reused by capture). */
  private readonly lastOfTrack = new Map<
    string,
    { employeeId: string; frame: CapturedFrame; face: InferredFace; atMs: number }
  >();

  constructor(
    private readonly ctx: ServerContext,
    readonly entry: CameraEntry & { config: CameraConfig; organizationId: string },
    /**
     * What ffmpeg opens: the detect stream (config.detectSource, else config.source) after the
     * outbound-target policy (address pinned, file: path).
     */
    input: string,
    private readonly deps: {
      registry: CameraRegistry;
      presence: PresenceService;
      faces: FaceModules;
      /** The gallery this organization's faces are matched against (enrolment, maybe behind a live model). */
      gallery: (orgId: string) => Promise<MatchableGallery | null>;
      pool: () => InferencePool | null;
      recentFaces: RecentFaces;
    },
  ) {
    const c = entry.config;
    this.source = new FfmpegFrameSource({
      source: input,
      fps: c.analysisFps,
      maxWidth: c.maxWidth,
      rtspTransport: c.rtspTransport,
    });
    this.analyzer = new FrameAnalyzer(
      {
        minFacePx: c.minFacePx,
        minQuality: MIN_FACE_QUALITY,
        regionOfInterest: c.regionOfInterest,
        recognitionThreshold: c.recognitionThreshold,
      },
      `${entry.id}:`,
    );
    const keepAliveMs = c.motionKeepAliveMs ?? DEFAULT_MOTION_KEEPALIVE_MS;
    this.motion = keepAliveMs > 0 ? new MotionGate({ keepAliveMs }) : null;
  }

  start(): void {
    this.source.onStatus(() => void this.report());
    this.source.start();
    this.statusTimer = setInterval(() => void this.report(), 2000);
    this.statusTimer.unref();
    this.loop = this.run().catch((err: unknown) =>
      this.ctx.log.error({ err, cameraId: this.entry.id }, 'camera loop failed'),
    );
  }

  private async report(): Promise<void> {
    await this.deps.registry
      .reportStatus(this.entry.key, toCameraStatus(this.entry.id, this.source.status(), this.droppedHere))
      .catch((err: unknown) => this.ctx.log.warn({ err }, 'camera status write failed'));
  }

  private async run(): Promise<void> {
    for await (const frame of this.source.frames()) {
      if (this.stopped) break;
      // Still scenes are not analysed (keep-alive aside); a track being named gets every frame.
      if (this.motion && !this.motion.check(frame, this.ctx.clock.nowMs(), this.analyzer.hasUnnamedTracks()))
        continue;
      await this.process(frame).catch((err: unknown) => {
        if (err instanceof FrameDroppedError) this.droppedHere++;
        else this.ctx.log.warn({ err, cameraId: this.entry.id }, 'frame analysis failed');
      });
    }
  }

  private async process(captured: CapturedFrame): Promise<void> {
    const pool = this.deps.pool();
    if (!pool) return;
    const orgId = this.entry.organizationId;
    // The frame moves to the worker and back (no 6 MB copy); faces of named tracks are not re-embedded.
    const skipEmbedding = this.analyzer.embeddingSkipRegions(this.ctx.clock.nowMs());
    const analysed = await pool.analyzeOwned(captured, this.entry.config.minFacePx, { skipEmbedding });
    const frame: CapturedFrame = { ...captured, data: analysed.data };
    this.lastAnalysed = frame;
    const faces = analysed.faces;
    const gallery = await this.deps.gallery(orgId);
    const nowMs = this.ctx.clock.nowMs();
    const result = this.analyzer.analyze(frame, faces, gallery, nowMs);
    this.keepLastFaces(result.ended);
    for (const r of result.recognized) {
      const employeeId = r.identityId as string;
      this.lastOfTrack.set(r.trackId, { employeeId, frame, face: r.face, atMs: nowMs });
      this.deps.presence.recordSighting({
        organizationId: orgId,
        employeeId,
        cameraId: this.entry.id,
        cameraName: this.entry.config.name,
        atMs: nowMs,
        cosineSimilarity: r.cosineSimilarity,
        trackId: r.trackId,
        // Only the first sighting of a stay saves a snapshot (the presence flush decides).
        snapshot: async () => {
          const saved = await this.deps.faces.snapshots.save(orgId, {
            kind: 'presence',
            cameraId: this.entry.id,
            employeeId,
            faceJpeg: await cropFaceJpeg(frame, r.face.box),
            frameJpeg: await encodeJpeg(downscaleRgb(frame, SNAPSHOT_FRAME_WIDTH_PX), { quality: 75 }),
            takenAtMs: nowMs,
          });
          return saved.id;
        },
      });
    }
    for (const r of result.newlyUnknown) {
      const f = r.face;
      if (!f.embedding) continue; // never: unknown tracks are reported from an embedded face
      await this.deps.faces.unknownFaces
        .record(orgId, {
          cameraId: this.entry.id,
          seenAtMs: nowMs,
          embedding: f.embedding,
          quality: f.quality,
          faceJpeg: await cropFaceJpeg(frame, f.box),
          frameJpeg: await encodeJpeg(downscaleRgb(frame, SNAPSHOT_FRAME_WIDTH_PX), { quality: 75 }),
        })
        .catch((err: unknown) => this.ctx.log.warn({ err }, 'recording an unknown face failed'));
    }
  }

  /** A person left the view (their track ended): encode how they were last seen, once. */
  private keepLastFaces(ended: EndedTrack[]): void {
    for (const e of ended) {
      const last = this.lastOfTrack.get(e.trackId);
      this.lastOfTrack.delete(e.trackId);
      if (!last) continue;
      void this.encodeLast(last).then(
        (face) => this.deps.recentFaces.remember(face),
        (err: unknown) => this.ctx.log.warn({ err, cameraId: this.entry.id }, 'keeping a last face failed'),
      );
    }
  }

  private async encodeLast(last: {
    employeeId: string;
    frame: CapturedFrame;
    face: InferredFace;
    atMs: number;
  }): Promise<RecentFace> {
    return {
      organizationId: this.entry.organizationId,
      employeeId: last.employeeId,
      cameraId: this.entry.id,
      seenAtMs: last.atMs,
      faceJpeg: await cropFaceJpeg(last.frame, last.face.box),
      frameJpeg: await encodeJpeg(downscaleRgb(last.frame, SNAPSHOT_FRAME_WIDTH_PX), { quality: 70 }),
    };
  }

  /** The last face of a person still in view here (their track has not ended yet), encoded now. */
  async liveFaceOf(employeeId: string): Promise<RecentFace | null> {
    let best: { employeeId: string; frame: CapturedFrame; face: InferredFace; atMs: number } | null = null;
    for (const t of this.lastOfTrack.values())
      if (t.employeeId === employeeId && (!best || t.atMs > best.atMs)) best = t;
    return best ? this.encodeLast(best) : null;
  }

  async thumbnail(): Promise<Uint8Array | null> {
    const latest = this.source.latestFrame();
    // A frame lent to an inference worker has a detached buffer until it comes back: show the last
    // analysed frame meanwhile.
    const intact = latest && latest.data.byteLength === latest.width * latest.height * 3;
    const frame = intact ? latest : this.lastAnalysed;
    if (!frame) return null;
    if (this.thumb && this.thumb.atMs === frame.capturedAtMs) return this.thumb.jpeg;
    const jpeg = await encodeJpeg(downscaleRgb(frame, THUMBNAIL_WIDTH_PX), { quality: 70 });
    this.thumb = { atMs: frame.capturedAtMs, jpeg };
    return jpeg;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    await this.source.stop();
    await this.loop;
    this.keepLastFaces(this.analyzer.flush());
  }
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
    const wanted = entry && entry.config && entry.config.enabled && entry.organizationId ? entry : null;
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
      try {
        // Detection runs on the low-resolution detect stream when the camera names one.
        input = await this.cameras.checkSource(
          camera.organizationId,
          camera.config.detectSource ?? camera.config.source,
        );
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
      const runner = new CameraRunner(this.ctx, camera, input, {
        registry: this.cameras,
        presence: this.presence,
        faces: this.faces,
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
