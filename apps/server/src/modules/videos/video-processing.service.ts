import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VideoStatus } from '@hadir/contracts';
import {
  cosineSimilarity,
  encodeJpeg,
  indexVideo,
  resolvePersonDetector,
  YoloxPersonDetector,
  type IndexedPerson,
} from '@hadir/vision';
import type { ServerContext } from '../../context.js';
import type { VideosTable } from '../../platform/db/tables/videos.js';
import { newId } from '../../platform/ids/ids.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { conflict, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { embeddingFromBytes, embeddingToBytes, Semaphore, type FaceModules } from '../faces/index.js';
import { ensureDir, ffmpegTools, personsDir, transcodeToMp4, underDataDir } from './video-files.js';
import { findVideo } from './videos.repository.js';

declare module '../../platform/jobs/job-runner.js' {
  interface HadirJobs {
    'videos.process': { organizationId: string; videoId: string };
  }
}
declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'video.progress': {
      organizationId: string;
      videoId: string;
      status: VideoStatus;
      stage: VideosTable['stage'];
      progress: number;
    };
    /** A video and everything derived from it is gone (rows cascaded; files of other slices to remove). */
    'video.deleted': { organizationId: string; videoId: string };
    /** A person was merged into another (rows of the merged person cascaded away). */
    'videoPerson.merged': { organizationId: string; personId: string; intoId: string };
  }
}

class Cancelled extends Error {}

/**
 * Runs the processing job: browser-playable copy when needed, person detection + tracking + faces,
 * persons with library-wide codes and appearance ranges. At most HADIR_VIDEO_CONCURRENCY at once per
 * process; progress goes to the row (and the job's lock is extended) at most once a second, and out
 * on the event bus for the live WebSocket.
 */
export class VideoProcessingService {
  private readonly slots: Semaphore;
  private readonly running = new Map<string, AbortController>();
  private detector: Promise<YoloxPersonDetector> | null = null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly faces: FaceModules,
  ) {
    this.slots = new Semaphore(ctx.env.HADIR_VIDEO_CONCURRENCY);
  }

  async close(): Promise<void> {
    for (const c of this.running.values()) c.abort();
    const d = this.detector;
    this.detector = null;
    if (d) await (await d.catch(() => null))?.close();
  }

  /** Cancels a queued or running video (this process aborts at once; another notices within a second). */
  async cancel(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const v = await findVideo(this.ctx.db, orgId, id);
    if (!v) throw notFound('Video');
    if (v.status !== 'queued' && v.status !== 'processing')
      throw conflict('not_running', 'Only a queued or running video can be cancelled.');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('videos')
        .set({ status: 'cancelled', updatedAt: now })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video.cancelled',
        entityType: 'video',
        entityId: id,
        summary: `Cancelled processing of ${v.title}`,
      });
    });
    this.running.get(id)?.abort();
    this.publish(orgId, id, 'cancelled', v.stage, v.progress);
  }

  /** Queues the video again (after a failure, a cancel, or to pick up a new face pack). */
  async reprocess(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const v = await findVideo(this.ctx.db, orgId, id);
    if (!v) throw notFound('Video');
    if (v.status === 'queued' || v.status === 'processing')
      throw conflict('already_running', 'This video is already being processed.');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('videos')
        .set({ status: 'queued', stage: 'queued', progress: 0, error: null, updatedAt: now })
        .where('id', '=', id)
        .execute();
      await this.ctx.jobs.enqueue(
        trx,
        'videos.process',
        { organizationId: orgId, videoId: id },
        { organizationId: orgId },
      );
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video.reprocess',
        entityType: 'video',
        entityId: id,
        summary: `Queued ${v.title} for processing again`,
      });
    });
  }

  /** The job handler. A restart re-runs it from the start (the job is recovered when its lock lapses). */
  async process(orgId: string, videoId: string, jobId: string): Promise<void> {
    await this.slots.run(async () => {
      const v = await findVideo(this.ctx.db, orgId, videoId);
      if (!v || v.status === 'cancelled' || v.status === 'ready') return;
      const abort = new AbortController();
      this.running.set(videoId, abort);
      try {
        await this.run(v, jobId, abort.signal);
      } catch (e) {
        const cancelled = e instanceof Cancelled || abort.signal.aborted;
        const still = await findVideo(this.ctx.db, orgId, videoId);
        if (!still) return; // deleted meanwhile: nothing to record
        const status: VideoStatus = cancelled ? 'cancelled' : 'failed';
        const error = cancelled ? null : (e as Error).message.slice(0, 500);
        await this.ctx.db
          .updateTable('videos')
          .set({ status, error, updatedAt: this.ctx.clock.nowMs() })
          .where('id', '=', videoId)
          .execute();
        this.publish(orgId, videoId, status, still.stage, still.progress);
        if (!cancelled) this.ctx.log.warn({ err: e, videoId }, 'video processing failed');
      } finally {
        this.running.delete(videoId);
      }
    });
  }

  private async run(v: VideosTable, jobId: string, signal: AbortSignal): Promise<void> {
    const orgId = v.organizationId;
    const tools = ffmpegTools();
    const dataDir = this.ctx.env.dataDir;
    let lastWrite = 0;
    const progress = async (stage: VideosTable['stage'], fraction: number, force = false): Promise<void> => {
      const now = this.ctx.clock.nowMs();
      if (!force && now - lastWrite < 1000) return;
      lastWrite = now;
      const row = await this.ctx.db
        .selectFrom('videos')
        .select('status')
        .where('id', '=', v.id)
        .executeTakeFirst();
      if (!row || row.status === 'cancelled') throw new Cancelled();
      await this.ctx.db
        .updateTable('videos')
        .set({ status: 'processing', stage, progress: fraction, updatedAt: now })
        .where('id', '=', v.id)
        .execute();
      await this.ctx.jobs.extendLock(jobId, 5 * 60_000);
      this.publish(orgId, v.id, 'processing', stage, fraction);
    };

    let playable = v.playableFile;
    if (!playable) {
      await progress('transcoding', 0, true);
      const rel = path.join(v.dir, 'playable.mp4');
      await transcodeToMp4(
        tools.ffmpeg,
        underDataDir(dataDir, v.originalFile),
        underDataDir(dataDir, rel),
        signal,
      );
      playable = rel;
      await this.ctx.db.updateTable('videos').set({ playableFile: rel }).where('id', '=', v.id).execute();
    }
    await progress('detecting', 0, true);
    const detector = await this.personDetector();
    const engine = await this.faces.engine.tryEngine();
    const result = await indexVideo({
      ffmpeg: tools.ffmpeg,
      // The playable copy decodes everywhere ffmpeg does; the original may be an exotic codec.
      file: underDataDir(dataDir, playable),
      durationSec: v.durationSec,
      videoFps: v.fps,
      width: v.width,
      height: v.height,
      personDetector: detector,
      faceEngine: engine,
      analysedFps: this.ctx.env.HADIR_VIDEO_ANALYSED_FPS,
      signal,
      onProgress: ({ fraction }) => {
        void progress('detecting', fraction * 0.95).catch(() => {
          const c = this.running.get(v.id);
          c?.abort();
        });
      },
    });
    await progress('saving', 0.96, true);
    await this.save(v, result.persons, engine?.info.pack ?? null, engine?.info.defaultThreshold ?? 0.35);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db
      .updateTable('videos')
      .set({
        status: 'ready',
        stage: 'done',
        progress: 1,
        error: null,
        framesAnalyzed: result.framesAnalyzed,
        processedAt: now,
        updatedAt: now,
      })
      .where('id', '=', v.id)
      .where('status', '!=', 'cancelled')
      .execute();
    this.publish(orgId, v.id, 'ready', 'done', 1);
    this.ctx.log.info(
      { videoId: v.id, persons: result.persons.length, realtimeFactor: result.realtimeFactor },
      'video processed',
    );
  }

  /**
   * Persons of this video → library persons: a face centroid that matches an existing person of the
   * organization (same pack) reuses their code; else a new PERSON-NNNN. Named as the employee when the
   * organization's gallery matches the face.
   */
  private async save(
    v: VideosTable,
    persons: IndexedPerson[],
    pack: string | null,
    threshold: number,
  ): Promise<void> {
    const orgId = v.organizationId;
    const existing = pack
      ? await this.ctx.db
          .selectFrom('videoPersons')
          .select(['id', 'embedding'])
          .where('organizationId', '=', orgId)
          .where('pack', '=', pack)
          .execute()
      : [];
    const known = existing
      .map((p) => ({ id: p.id, e: p.embedding ? embeddingFromBytes(p.embedding) : null }))
      .filter((p): p is { id: string; e: Float32Array } => p.e !== null);
    const thumbsDir = underDataDir(this.ctx.env.dataDir, personsDir(orgId));
    await ensureDir(thumbsDir);
    const planned: {
      person: IndexedPerson;
      personId: string;
      isNew: boolean;
      employeeId: string | null;
      thumb: Buffer;
    }[] = [];
    for (const p of persons) {
      let personId: string | null = null;
      if (p.embedding) {
        let best = threshold + 0.1;
        for (const k of known) {
          const s = cosineSimilarity(k.e, p.embedding);
          if (s >= best) {
            best = s;
            personId = k.id;
          }
        }
      }
      const isNew = personId === null;
      const id = personId ?? newId(this.ctx.clock.nowMs());
      if (isNew && p.embedding) known.push({ id, e: p.embedding });
      const match =
        p.embedding && isNew ? await this.faces.galleries.match(orgId, p.embedding).catch(() => null) : null;
      const thumb = Buffer.from(
        await encodeJpeg(p.thumbnail, { width: Math.min(160, p.thumbnail.width), quality: 80 }),
      );
      planned.push({ person: p, personId: id, isNew, employeeId: match?.employeeId ?? null, thumb });
    }
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('videoAppearances')
        .where('organizationId', '=', orgId)
        .where('videoId', '=', v.id)
        .execute();
      const maxRow = await trx
        .selectFrom('videoPersons')
        .select((eb) => eb.fn.max('code').as('m'))
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      let code = Number(maxRow?.m ?? 0);
      for (const pl of planned) {
        if (pl.isNew) {
          const thumbRel = path.join(personsDir(orgId), `${pl.personId}.jpg`);
          await trx
            .insertInto('videoPersons')
            .values({
              id: pl.personId,
              organizationId: orgId,
              code: ++code,
              name: null,
              employeeId: pl.employeeId,
              ignored: 0,
              pack: pl.person.embedding ? pack : null,
              embedding: pl.person.embedding ? embeddingToBytes(pl.person.embedding) : null,
              thumbnailFile: thumbRel,
              createdAt: now,
            })
            .execute();
        }
        await trx
          .insertInto('videoAppearances')
          .values({
            id: newId(now),
            organizationId: orgId,
            videoId: v.id,
            personId: pl.personId,
            ranges: JSON.stringify(pl.person.ranges),
            boxes: JSON.stringify(pl.person.boxes),
            faces: pl.person.faces.length,
            firstSec: pl.person.ranges[0]?.startSec ?? 0,
          })
          .execute();
      }
    });
    for (const pl of planned)
      if (pl.isNew) await writeFile(path.join(thumbsDir, `${pl.personId}.jpg`), pl.thumb, { mode: 0o600 });
  }

  private personDetector(): Promise<YoloxPersonDetector> {
    this.detector ??= (async () => {
      const r = await resolvePersonDetector(this.ctx.env.modelsDir);
      if (r.path === null)
        throw new Error(
          `${r.reason}. Install it: npm run models -- pull ${r.manifest.name} --from-file yolox_nano.onnx`,
        );
      return YoloxPersonDetector.load(r.path);
    })();
    this.detector.catch(() => {
      this.detector = null;
    });
    return this.detector;
  }

  private publish(
    organizationId: string,
    videoId: string,
    status: VideoStatus,
    stage: VideosTable['stage'],
    progress: number,
  ): void {
    this.ctx.events.publish('video.progress', { organizationId, videoId, status, stage, progress });
  }
}
