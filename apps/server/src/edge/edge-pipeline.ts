import { Gallery } from '@hadir/vision';
import type { CameraConfig, CameraStatus, EdgeConfig } from '@hadir/contracts';
import type { Env } from '../platform/config/env.js';
import type { Clock } from '../platform/clock/clock.js';
import { checkCameraSource } from '../platform/net/camera-source.js';
import { AddressPolicy } from '../platform/net/outbound-policy.js';
import type { Logger } from '../platform/logging/logger.js';
import {
  embeddingFromBytes,
  embeddingToBytes,
  OrgGallery,
  type UnknownFaceInput,
} from '../modules/faces/index.js';
import {
  CameraRunner,
  InferencePool,
  RecentFaces,
  defaultInferenceWorkers,
  type MatchableGallery,
} from '../modules/pipeline/index.js';
import type { Sighting } from '../modules/presence/index.js';
import type { EdgeStore } from './edge-store.js';

/** Camera health is queued on a change of state and at least this often (the hub's stale limit is 30 s). */
const HEALTH_EVERY_MS = 5000;
/** Sightings of one person on one camera are merged over this long into one queued item. */
const SIGHTING_MERGE_MS = 1000;

interface PendingSighting {
  cameraId: string;
  employeeId: string;
  firstMs: number;
  lastMs: number;
  count: number;
  bestSimilarity: number;
  trackId: string | null;
  /** The face and frame of a new track's first sighting, once encoded (the hub keeps it for a new stay). */
  snapshot: { faceJpeg: Uint8Array; frameJpeg: Uint8Array | null } | null;
  /** A snapshot still being encoded: the item waits for it (at most SNAPSHOT_WAIT_MS). */
  snapshotPending: boolean;
}

/** How long a merged sighting waits for its snapshot's JPEG encoding before it is queued without. */
const SNAPSHOT_WAIT_MS = 3000;
/** Tracks not seen for this long are forgotten (a new track id later gets a snapshot again). */
const TRACK_MEMORY_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The pipeline of an edge box: the hub's own CameraRunner (capture → inference → tracker → match) for
 * each pulled camera, matched against the pulled gallery; what it sees goes into the local queue
 * instead of a database: sightings merged per person, camera and second (as the hub's presence flush
 * merges them), camera health, unknown faces.
 */
export class EdgePipeline {
  private readonly runners = new Map<string, { runner: CameraRunner; hash: string }>();
  private readonly pending = new Map<string, PendingSighting>();
  private readonly lastHealth = new Map<string, { state: string; atMs: number }>();
  private readonly recentFaces = new RecentFaces();
  /** Track ids seen, with when last: the first sighting of a track carries a snapshot. */
  private readonly tracks = new Map<string, number>();
  private readonly policy: AddressPolicy;
  private pool: InferencePool | null = null;
  private poolPack: string | null = null;
  private gallery: MatchableGallery | null = null;
  private organizationId: string | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: Env,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly store: EdgeStore,
  ) {
    this.policy = new AddressPolicy(env.outbound);
  }

  start(): void {
    this.flushTimer = setInterval(() => this.flushSightings(), SIGHTING_MERGE_MS);
    this.flushTimer.unref();
  }

  /** Applies a pulled config (serialised: a slow camera start never interleaves with the next config). */
  apply(config: EdgeConfig): Promise<void> {
    this.chain = this.chain
      .then(() => this.applyNow(config))
      .catch((err: unknown) => this.log.error({ err }, 'edge: applying the config failed'));
    return this.chain;
  }

  get cameraCount(): number {
    return this.runners.size;
  }

  private async applyNow(config: EdgeConfig): Promise<void> {
    this.organizationId = config.organizationId;
    this.gallery = buildGallery(config);
    if (config.pack !== this.poolPack) await this.startPool(config.pack);
    const wanted = new Map(config.cameras.filter((c) => c.config.enabled).map((c) => [c.id, c.config]));
    for (const [id, r] of this.runners) {
      const cfg = wanted.get(id);
      if (!cfg || JSON.stringify(cfg) !== r.hash) {
        this.runners.delete(id);
        await r.runner.stop();
        this.log.info({ cameraId: id }, 'edge: camera stopped');
      }
    }
    for (const [id, cfg] of wanted)
      if (!this.runners.has(id)) await this.startCamera(config.organizationId, cfg);
    this.log.info(
      {
        cameras: this.runners.size,
        people: config.gallery.length,
        pack: config.pack,
        version: config.version,
      },
      'edge: config applied',
    );
  }

  private async startPool(pack: string | null): Promise<void> {
    const old = this.pool;
    this.pool = null;
    this.poolPack = pack;
    await old?.close();
    if (!pack) return;
    const pool = new InferencePool({
      modelsDir: this.env.modelsDir,
      pack,
      threads: 1,
      workers: this.env.HADIR_INFERENCE_WORKERS ?? defaultInferenceWorkers(),
      executionProviders: this.env.HADIR_EXECUTION_PROVIDERS,
      ...(this.env.HADIR_DETECTOR_INPUT
        ? {
            detectorInputSizePx: this.env.HADIR_DETECTOR_INPUT[0],
            detectorInputHeightPx: this.env.HADIR_DETECTOR_INPUT[1],
          }
        : {}),
    });
    try {
      await pool.ready();
      this.pool = pool;
      this.log.info({ pack, workers: pool.size }, 'edge: inference workers ready');
    } catch (err) {
      // The hub's pack is not in this box's models dir: cameras still run for health.
      this.log.error({ err, pack, modelsDir: this.env.modelsDir }, 'edge: inference workers failed to start');
      await pool.close().catch(() => undefined);
    }
  }

  private async startCamera(orgId: string, config: CameraConfig): Promise<void> {
    let input: string;
    // Faces too small on the detect stream are embedded from the main stream (decoded on demand).
    let mainInput: string | null = null;
    try {
      const check = (source: string) =>
        checkCameraSource(source, {
          mediaDir: this.env.mediaDir,
          organizationId: orgId,
          policy: this.policy,
        });
      ({ input } = await check(config.detectSource ?? config.source));
      if (config.detectSource !== undefined && config.minEmbedFacePx !== undefined)
        ({ input: mainInput } = await check(config.source));
    } catch (err) {
      this.log.warn({ err, cameraId: config.id }, 'edge: camera source refused; camera not started');
      this.reportStatus(config.id, {
        cameraId: config.id,
        state: 'offline',
        targetFps: config.analysisFps,
        measuredFps: 0,
        framesAnalyzed: 0,
        framesDropped: 0,
        lastFrameAt: null,
        lastError: `Source refused: ${err instanceof Error ? err.message : String(err)}`,
        restarts: 0,
      });
      return;
    }
    const runner = new CameraRunner(
      { clock: this.clock, log: this.log },
      { key: config.id, id: config.id, hash: JSON.stringify(config), config, organizationId: orgId },
      input,
      mainInput,
      {
        reportStatus: (_key, status) => Promise.resolve(this.reportStatus(config.id, status)),
        presence: { recordSighting: (s) => this.recordSighting(s) },
        // Not files: the runner's snapshot of a new track's first sighting rides with the queued item.
        snapshots: {
          save: (_org, input) => {
            this.attachSnapshot(
              `${input.employeeId ?? ''}|${config.id}`,
              input.faceJpeg,
              input.frameJpeg ?? null,
            );
            return Promise.resolve({ id: 'edge-queued', createdAtMs: input.takenAtMs ?? this.clock.nowMs() });
          },
        },
        unknownFaces: { record: (_org, face) => Promise.resolve(this.recordUnknown(config.id, face)) },
        gallery: () => Promise.resolve(this.gallery),
        pool: () => this.pool,
        recentFaces: this.recentFaces,
      },
    );
    this.runners.set(config.id, { runner, hash: JSON.stringify(config) });
    runner.start();
    this.log.info({ cameraId: config.id }, 'edge: camera started');
  }

  private reportStatus(cameraId: string, status: CameraStatus): void {
    const nowMs = this.clock.nowMs();
    const last = this.lastHealth.get(cameraId);
    if (last && last.state === status.state && nowMs - last.atMs < HEALTH_EVERY_MS) return;
    this.lastHealth.set(cameraId, { state: status.state, atMs: nowMs });
    this.store.enqueue({ kind: 'camera_health', cameraId, observedAt: iso(nowMs), status }, nowMs);
  }

  private recordSighting(s: Sighting): void {
    const key = `${s.employeeId}|${s.cameraId}`;
    let p = this.pending.get(key);
    if (!p) {
      p = {
        cameraId: s.cameraId,
        employeeId: s.employeeId,
        firstMs: s.atMs,
        lastMs: s.atMs,
        count: 0,
        bestSimilarity: s.cosineSimilarity,
        trackId: s.trackId,
        snapshot: null,
        snapshotPending: false,
      };
      this.pending.set(key, p);
    }
    p.firstMs = Math.min(p.firstMs, s.atMs);
    p.lastMs = Math.max(p.lastMs, s.atMs);
    p.count++;
    p.bestSimilarity = Math.max(p.bestSimilarity, s.cosineSimilarity);
    p.trackId = s.trackId ?? p.trackId;
    const newTrack = s.trackId !== null && !this.tracks.has(s.trackId);
    if (s.trackId !== null) this.tracks.set(s.trackId, s.atMs);
    if (newTrack && s.snapshot) {
      p.snapshotPending = true;
      s.snapshot().catch((err: unknown) => {
        this.log.warn({ err, cameraId: s.cameraId }, 'edge: snapshot failed');
        const q = this.pending.get(key);
        if (q) q.snapshotPending = false;
      });
    }
  }

  private attachSnapshot(key: string, faceJpeg: Uint8Array, frameJpeg: Uint8Array | null): void {
    const p = this.pending.get(key);
    if (!p) return;
    p.snapshot ??= { faceJpeg, frameJpeg };
    p.snapshotPending = false;
  }

  private flushSightings(force = false): void {
    const nowMs = this.clock.nowMs();
    for (const [track, atMs] of this.tracks) if (nowMs - atMs > TRACK_MEMORY_MS) this.tracks.delete(track);
    if (this.pending.size === 0) return;
    const batch: PendingSighting[] = [];
    for (const [key, p] of this.pending) {
      if (p.snapshotPending && !force && nowMs - p.firstMs < SNAPSHOT_WAIT_MS) continue;
      batch.push(p);
      this.pending.delete(key);
    }
    batch.sort((a, b) => a.firstMs - b.firstMs);
    for (const p of batch) {
      this.store.enqueue(
        {
          kind: 'sighting',
          cameraId: p.cameraId,
          employeeId: p.employeeId,
          firstAt: iso(p.firstMs),
          lastAt: iso(p.lastMs),
          count: p.count,
          cosineSimilarity: Math.max(-1, Math.min(1, p.bestSimilarity)),
          trackId: p.trackId,
          ...(p.snapshot
            ? {
                faceJpeg: Buffer.from(p.snapshot.faceJpeg).toString('base64'),
                ...(p.snapshot.frameJpeg
                  ? { frameJpeg: Buffer.from(p.snapshot.frameJpeg).toString('base64') }
                  : {}),
              }
            : {}),
        },
        nowMs,
      );
    }
  }

  private recordUnknown(cameraId: string, face: UnknownFaceInput): void {
    this.store.enqueue(
      {
        kind: 'unknown_face',
        cameraId,
        seenAt: iso(face.seenAtMs),
        embedding: embeddingToBytes(face.embedding).toString('base64'),
        quality: Math.max(0, Math.min(1, face.quality)),
        faceJpeg: Buffer.from(face.faceJpeg).toString('base64'),
        frameJpeg: face.frameJpeg ? Buffer.from(face.frameJpeg).toString('base64') : '',
      },
      this.clock.nowMs(),
    );
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.chain;
    await Promise.all([...this.runners.values()].map((r) => r.runner.stop()));
    this.runners.clear();
    this.flushSightings(true);
    await this.pool?.close();
    this.pool = null;
  }
}

/** The pulled embeddings as a matchable gallery (kept only in memory; at rest they are sealed). */
function buildGallery(config: EdgeConfig): MatchableGallery | null {
  if (!config.pack || config.gallery.length === 0) return null;
  let gallery: Gallery | null = null;
  let og: OrgGallery | null = null;
  for (const person of config.gallery) {
    for (const b64 of person.embeddings) {
      const e = embeddingFromBytes(Buffer.from(b64, 'base64'));
      if (!e) continue;
      if (!gallery) {
        gallery = new Gallery({ dimension: e.length, initialCapacity: config.gallery.length * 4 + 16 });
        og = new OrgGallery(config.organizationId, config.pack, gallery, config.threshold ?? 0.5);
      }
      if (e.length === gallery.dimension) gallery.add(person.employeeId, e);
    }
  }
  return og;
}
