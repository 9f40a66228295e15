import { createWriteStream } from 'node:fs';
import { stat, rename } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { VIDEO_EXTENSIONS, type VideoDetail, type VideoLimits, type VideoSummary } from '@hadir/contracts';
import { PERSON_DETECTOR_MANIFESTS, probeVideo, VideoProbeError, personDetectorStatus } from '@hadir/vision';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/audit.service.js';
import { ensureDir, ffmpegTools, makePoster, removeTree, underDataDir, videoDir } from './video-files.js';
import { findVideo, personCounts, toPersonSummary, toVideoSummary } from './videos.repository.js';

export class UploadRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Library, files and metadata; processing lives in VideoProcessingService. */
export class VideosService {
  constructor(private readonly ctx: ServerContext) {}

  async limits(): Promise<VideoLimits> {
    const [det] = await personDetectorStatus(this.ctx.env.modelsDir);
    const m = det?.manifest ?? PERSON_DETECTOR_MANIFESTS[0]!;
    return {
      maxBytes: this.ctx.env.HADIR_VIDEO_MAX_BYTES,
      extensions: [...VIDEO_EXTENSIONS],
      analysedFps: this.ctx.env.HADIR_VIDEO_ANALYSED_FPS,
      concurrency: this.ctx.env.HADIR_VIDEO_CONCURRENCY,
      personDetector: {
        name: m.name,
        available: det?.available ?? false,
        commercialUse: m.license.commercialUse,
      },
    };
  }

  /**
   * Streams one uploaded file to disk (size-limited), checks it with ffprobe, makes a poster, inserts
   * the row and queues processing. On any failure the video's folder is removed: nothing is left behind.
   */
  async acceptUpload(
    auth: AuthContext,
    orgId: string,
    file: { fileName: string; stream: Readable & { truncated?: boolean } },
    collectionId: string | null,
  ): Promise<VideoSummary> {
    const ext = path.extname(file.fileName).slice(1).toLowerCase();
    if (!(VIDEO_EXTENSIONS as readonly string[]).includes(ext)) {
      file.stream.resume();
      throw new UploadRejected('unsupported_type', `Only ${VIDEO_EXTENSIONS.join(', ')} files are accepted.`);
    }
    if (collectionId) await this.requireCollection(orgId, collectionId);
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    const dirRel = videoDir(orgId, id);
    const dirAbs = underDataDir(this.ctx.env.dataDir, dirRel);
    const originalRel = path.join(dirRel, `original.${ext}`);
    const originalAbs = underDataDir(this.ctx.env.dataDir, originalRel);
    try {
      await ensureDir(dirAbs);
      const partial = `${originalAbs}.part`;
      try {
        await pipeline(file.stream, createWriteStream(partial, { mode: 0o600 }));
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') file.stream.truncated = true;
        else throw e;
      }
      if (file.stream.truncated) {
        throw new UploadRejected(
          'too_large',
          `The file is larger than the limit of ${this.ctx.env.HADIR_VIDEO_MAX_BYTES} bytes.`,
          413,
        );
      }
      await rename(partial, originalAbs);
      const sizeBytes = (await stat(originalAbs)).size;
      if (sizeBytes === 0) throw new UploadRejected('empty', 'The file is empty.');
      const tools = ffmpegTools();
      let probe;
      try {
        probe = await probeVideo(tools.ffprobe, originalAbs, { maxDurationSec: 6 * 3600 });
      } catch (e) {
        if (e instanceof VideoProbeError) throw new UploadRejected(`video_${e.code}`, e.message);
        throw e;
      }
      try {
        await makePoster(tools.ffmpeg, originalAbs, path.join(dirAbs, 'poster.jpg'), probe.durationSec);
      } catch (e) {
        throw new UploadRejected('video_corrupt', `No frame could be decoded: ${(e as Error).message}`);
      }
      const title = path.basename(file.fileName, path.extname(file.fileName)).slice(0, 200) || 'video';
      await this.ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('videos')
          .values({
            id,
            organizationId: orgId,
            collectionId,
            title,
            originalName: file.fileName.slice(0, 255),
            dir: dirRel,
            originalFile: originalRel,
            playableFile: probe.browserPlayable ? originalRel : null,
            status: 'queued',
            stage: 'queued',
            progress: 0,
            error: null,
            sizeBytes,
            durationSec: probe.durationSec,
            width: probe.width,
            height: probe.height,
            fps: probe.fps,
            videoCodec: probe.videoCodec,
            browserPlayable: probe.browserPlayable ? 1 : 0,
            framesAnalyzed: 0,
            createdBy: auth.userId ?? null,
            createdAt: now,
            updatedAt: now,
            processedAt: null,
            // A creation_time later than now is a camera with a wrong clock, not a recording time.
            recordedAt: probe.recordedAtMs !== null && probe.recordedAtMs <= now ? probe.recordedAtMs : null,
          })
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
          action: 'video.uploaded',
          entityType: 'video',
          entityId: id,
          summary: `Uploaded video ${title} (${probe.width}×${probe.height}, ${Math.round(probe.durationSec)} s)`,
        });
      });
      const row = await findVideo(this.ctx.db, orgId, id);
      return toVideoSummary(row!, 0);
    } catch (e) {
      file.stream.resume();
      await removeTree(dirAbs);
      throw e;
    }
  }

  async list(orgId: string, collectionId?: string): Promise<VideoSummary[]> {
    let q = this.ctx.db.selectFrom('videos').selectAll().where('organizationId', '=', orgId);
    if (collectionId) q = q.where('collectionId', '=', collectionId);
    const rows = await q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(500).execute();
    const counts = await personCounts(
      this.ctx.db,
      orgId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toVideoSummary(r, counts.get(r.id) ?? 0));
  }

  async detail(orgId: string, id: string): Promise<VideoDetail> {
    const v = await findVideo(this.ctx.db, orgId, id);
    if (!v) throw notFound('Video');
    const rows = await this.ctx.db
      .selectFrom('videoAppearances as a')
      .innerJoin('videoPersons as p', 'p.id', 'a.personId')
      .select(['a.ranges', 'a.boxes', 'a.faces', 'p.id', 'p.code', 'p.name', 'p.employeeId', 'p.ignored'])
      .where('a.organizationId', '=', orgId)
      .where('a.videoId', '=', id)
      .orderBy('a.firstSec')
      .orderBy('p.code')
      .execute();
    return {
      ...toVideoSummary(v, rows.length),
      people: rows.map((r) => ({
        person: toPersonSummary(r),
        ranges: JSON.parse(r.ranges) as VideoDetail['people'][number]['ranges'],
        faces: r.faces,
        boxes: JSON.parse(r.boxes) as VideoDetail['people'][number]['boxes'],
      })),
    };
  }

  async patch(
    auth: AuthContext,
    orgId: string,
    id: string,
    p: { title?: string; collectionId?: string | null },
  ): Promise<VideoSummary> {
    const v = await findVideo(this.ctx.db, orgId, id);
    if (!v) throw notFound('Video');
    if (p.collectionId) await this.requireCollection(orgId, p.collectionId);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('videos')
        .set({
          ...(p.title !== undefined ? { title: p.title } : {}),
          ...(p.collectionId !== undefined ? { collectionId: p.collectionId } : {}),
          updatedAt: now,
        })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video.updated',
        entityType: 'video',
        entityId: id,
        summary: `Updated video ${p.title ?? v.title}`,
        changes: { title: p.title, collectionId: p.collectionId },
      });
    });
    return (await this.list(orgId)).find((x) => x.id === id)!;
  }

  /** Deletes the video, its files and everything derived (appearances; persons left with none). */
  async remove(auth: AuthContext | null, orgId: string, id: string): Promise<void> {
    const v = await findVideo(this.ctx.db, orgId, id);
    if (!v) throw notFound('Video');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('videos').where('organizationId', '=', orgId).where('id', '=', id).execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video.deleted',
        entityType: 'video',
        entityId: id,
        summary: `Deleted video ${v.title} and everything derived from it`,
      });
    });
    await removeTree(underDataDir(this.ctx.env.dataDir, v.dir));
    await this.removeOrphanPersons(orgId);
    // Rows derived elsewhere (dataset crops) went with the video by cascade; their owners remove the files.
    this.ctx.events.publish('video.deleted', { organizationId: orgId, videoId: id });
  }

  /** Persons that no video shows any more go too (with their thumbnails). */
  async removeOrphanPersons(orgId: string): Promise<void> {
    const orphans = await this.ctx.db
      .selectFrom('videoPersons as p')
      .select(['p.id', 'p.thumbnailFile'])
      .where('p.organizationId', '=', orgId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('videoAppearances as a').select('a.id').whereRef('a.personId', '=', 'p.id'),
          ),
        ),
      )
      .execute();
    if (orphans.length === 0) return;
    await this.ctx.db
      .deleteFrom('videoPersons')
      .where('organizationId', '=', orgId)
      .where(
        'id',
        'in',
        orphans.map((o) => o.id),
      )
      .execute();
    for (const o of orphans)
      if (o.thumbnailFile) await removeTree(underDataDir(this.ctx.env.dataDir, o.thumbnailFile));
  }

  /** Absolute path of the file the player gets (404 until it exists). */
  async mediaPath(orgId: string, id: string): Promise<string> {
    const v = await findVideo(this.ctx.db, orgId, id);
    if (!v?.playableFile) throw notFound('Playable video');
    return underDataDir(this.ctx.env.dataDir, v.playableFile);
  }

  async posterPath(orgId: string, id: string): Promise<string> {
    const v = await findVideo(this.ctx.db, orgId, id);
    if (!v) throw notFound('Video');
    return underDataDir(this.ctx.env.dataDir, path.join(v.dir, 'poster.jpg'));
  }

  async requireCollection(orgId: string, id: string): Promise<void> {
    const c = await this.ctx.db
      .selectFrom('videoCollections')
      .select('id')
      .where('organizationId', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!c) throw badRequest('unknown_collection', 'No such collection in this organization.');
  }
}
