// One running camera: capture → motion gate → inference (worker threads) → tracker → presence, plus the
// camera's main stream, opened on demand for faces too small on its detect stream.
import {
  FfmpegFrameSource,
  MotionGate,
  OnDemandFrameSource,
  cropFaceJpeg,
  downscaleRgb,
  encodeJpeg,
  type CaptureStatus,
  type CapturedFrame,
  type FrameSource,
} from '@hadir/vision';
import type { CameraConfig, CameraStatus } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { CameraEntry } from '../cameras/index.js';
import type { UnknownFaceInput } from '../faces/index.js';
import type { PresenceService } from '../presence/index.js';
import type { SnapshotService } from '../snapshots/index.js';
import { FrameAnalyzer, type EndedTrack, type MatchableGallery } from './frame-analyzer.js';
import { FrameDroppedError, type InferencePool } from './inference-pool.js';
import type { InferredFace } from './inference-protocol.js';
import type { RecentFace, RecentFaces } from './recent-faces.js';
import { toIsoOrNull } from '../../platform/clock/clock.js';

/** Faces below this quality score are not matched (blurred, turned away, too dark). */
export const MIN_FACE_QUALITY = 0.2;
export const THUMBNAIL_WIDTH_PX = 480;
/** Motion gating keep-alive when the camera does not set motionKeepAliveMs (below the 3 s track age). */
export const DEFAULT_MOTION_KEEPALIVE_MS = 2000;
/** Width of the frame kept with an event snapshot (presence, unknown face, alert). */
export const SNAPSHOT_FRAME_WIDTH_PX = 640;
/** The main stream is stopped when no small face asked for it this long. */
export const MAIN_STREAM_IDLE_MS = 10_000;
/** A main-stream frame further than this in time from the detect frame is not used (the person moved). */
const MAIN_FRAME_MAX_SKEW_MS = 1000;
/** Main-stream frames are not scaled below this width (it is there for its pixels). */
const MAIN_STREAM_MAX_WIDTH_PX = 3840;

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

/** A camera the pipeline can run: a valid config and an owner. */
export type RunnableCamera = Pick<CameraEntry, 'key' | 'id' | 'hash'> & {
  config: CameraConfig;
  organizationId: string;
};

/** One running camera: capture → inference (worker threads) → tracker → presence. */
export class CameraRunner {
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
  /** The main stream, decoded only while small faces need it; null without detectSource + minEmbedFacePx. */
  readonly mainStream: OnDemandFrameSource | null;
  /** Time spent in the motion gate, ms (benchmarks). */
  motionMs = 0;
  /** Live named tracks: the latest frame showing each (frames are never reused by capture). */
  private readonly lastOfTrack = new Map<
    string,
    { employeeId: string; frame: CapturedFrame; face: InferredFace; atMs: number }
  >();

  constructor(
    private readonly ctx: Pick<ServerContext, 'clock' | 'log'>,
    readonly entry: RunnableCamera,
    /**
     * What ffmpeg opens: the detect stream (config.detectSource, else config.source) after the
     * outbound-target policy (address pinned, file: path).
     */
    input: string,
    /** The main `source` after the outbound-target policy, when small faces are embedded from it. */
    mainInput: string | null,
    private readonly deps: {
      /** Where health goes: the camera registry (hub), the edge's queue (edge box). */
      reportStatus: (key: string, status: CameraStatus) => Promise<void>;
      presence: Pick<PresenceService, 'recordSighting'>;
      /** Saves a stay's first snapshot; null: sightings carry none (an edge box keeps no files). */
      snapshots: Pick<SnapshotService, 'save'> | null;
      unknownFaces: { record(orgId: string, input: UnknownFaceInput): Promise<unknown> };
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
    this.mainStream =
      mainInput !== null && c.detectSource !== undefined && c.minEmbedFacePx !== undefined
        ? new OnDemandFrameSource({
            idleMs: MAIN_STREAM_IDLE_MS,
            create: () =>
              new FfmpegFrameSource({
                source: mainInput,
                fps: c.analysisFps,
                maxWidth: MAIN_STREAM_MAX_WIDTH_PX,
                rtspTransport: c.rtspTransport,
              }),
          })
        : null;
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
    await this.deps
      .reportStatus(this.entry.key, toCameraStatus(this.entry.id, this.source.status(), this.droppedHere))
      .catch((err: unknown) => this.ctx.log.warn({ err }, 'camera status write failed'));
  }

  private async run(): Promise<void> {
    for await (const frame of this.source.frames()) {
      if (this.stopped) break;
      // Still scenes are not analysed (keep-alive aside); a track being named gets every frame.
      const t0 = performance.now();
      const still =
        this.motion !== null &&
        !this.motion.check(frame, this.ctx.clock.nowMs(), this.analyzer.hasUnnamedTracks());
      this.motionMs += performance.now() - t0;
      if (still) continue;
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
    const main = this.mainStream;
    const analysed = await pool.analyzeOwned(captured, this.entry.config.minFacePx, {
      skipEmbedding,
      ...(main !== null
        ? {
            mainStreamBelowPx: this.entry.config.minEmbedFacePx ?? 0,
            // The main stream's newest frame, when it is running and close in time to this one.
            mainFrame: main.take(captured.capturedAtMs, MAIN_FRAME_MAX_SKEW_MS),
          }
        : {}),
    });
    // A small face needed an embedding: keep (or start) decoding the main stream.
    if (main !== null && analysed.faces.some((f) => f.mainStream !== undefined)) main.demand();
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
          if (!this.deps.snapshots) return null;
          const saved = await this.deps.snapshots.save(orgId, {
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
      await this.deps.unknownFaces
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
    await this.mainStream?.close();
    this.keepLastFaces(this.analyzer.flush());
  }
}
