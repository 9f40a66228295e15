import type { DatasetExtractRequest } from '@hadir/contracts';
import {
  alignFace,
  ARCFACE_TEMPLATE_112,
  cosineSimilarity,
  cropRgb,
  encodeJpeg,
  readVideoFrames,
  type DetectedFace,
  type Landmarks5,
  type RgbFrame,
} from '@hadir/vision';
import type { ServerContext } from '../../context.js';
import { newId } from '../../platform/ids/ids.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { conflict, notFound } from '../../platform/http/errors.js';
import { PermanentJobError } from '../../platform/jobs/job-runner.js';
import { recordAudit } from '../audit/audit.service.js';
import { embeddingFromBytes, embeddingToBytes, Semaphore, type FaceModules } from '../faces/index.js';
import { ffmpegTools, findVideo, underDataDir } from '../videos/index.js';
import { faceFileName, personFacesDir, removeFiles, writePrivate } from './dataset-files.js';

export type ExtractOptions = Required<DatasetExtractRequest>;

declare module '../../platform/jobs/job-runner.js' {
  interface HadirJobs {
    'datasets.extract': ExtractOptions & { organizationId: string; userId: string | null };
  }
}
declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'dataset.progress': {
      organizationId: string;
      kind: 'extract' | 'train';
      id: string;
      status: string;
      fraction: number;
      point: { epoch: number; loss: number; valAccuracy: number } | null;
    };
  }
}

/** The dataset crop: 128×128 on the ArcFace template scaled up from 112 (same geometry, more pixels). */
export const CROP_PX = 128;
const TEMPLATE_128 = ARCFACE_TEMPLATE_112.map(
  ([x, y]) => [(x * CROP_PX) / 112, (y * CROP_PX) / 112] as const,
) as unknown as Landmarks5;

interface Candidate {
  personId: string;
  frame: number;
  timeSec: number;
  quality: number;
  detScore: number;
  embedding: Float32Array;
  crop: RgbFrame;
  context: RgbFrame;
  contextBox: { cx: number; cy: number; w: number; h: number };
}

type Box = { t: number; x: number; y: number; w: number; h: number };

/**
 * Cuts each person's faces out of a processed video into aligned 128×128 crops: faces are found in every
 * analysed frame, given to the person whose box holds them, sampled best quality first, and a face as
 * similar as `maxSimilarity` to one already kept for that person (from this or another video) is left out,
 * so a person standing still yields a few crops, not ten near-identical frames.
 */
export class DatasetExtractService {
  private readonly slots = new Semaphore(1);

  constructor(
    private readonly ctx: ServerContext,
    private readonly faces: FaceModules,
  ) {}

  async request(
    auth: AuthContext,
    orgId: string,
    body: ExtractOptions,
  ): Promise<{ jobId: string; videoId: string }> {
    const v = await findVideo(this.ctx.db, orgId, body.videoId);
    if (!v) throw notFound('Video');
    if (v.status !== 'ready') throw conflict('video_not_ready', 'The video has not finished processing yet.');
    const now = this.ctx.clock.nowMs();
    return this.ctx.db.transaction().execute(async (trx) => {
      const jobId = await this.ctx.jobs.enqueue(
        trx,
        'datasets.extract',
        { ...body, organizationId: orgId, userId: auth.userId },
        { organizationId: orgId },
      );
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'dataset.extract_requested',
        entityType: 'video',
        entityId: v.id,
        summary: `Asked for the faces of ${v.title} to be cut into the dataset`,
        changes: body,
      });
      return { jobId: String(jobId), videoId: v.id };
    });
  }

  /** The job handler; a re-run replaces this video's crops. */
  async process(p: ExtractOptions & { organizationId: string; userId: string | null }): Promise<number> {
    return this.slots.run(async () => {
      const orgId = p.organizationId;
      const v = await findVideo(this.ctx.db, orgId, p.videoId);
      if (!v || !v.playableFile) throw new PermanentJobError('The video is gone or was never processed.');
      const engine = await this.faces.engine.tryEngine();
      if (!engine) throw new PermanentJobError('Face recognition is not available (no face pack installed).');
      const pack = engine.info.pack;
      const apps = await this.ctx.db
        .selectFrom('videoAppearances as a')
        .innerJoin('videoPersons as p', 'p.id', 'a.personId')
        .select(['a.personId', 'a.boxes', 'p.ignored'])
        .where('a.organizationId', '=', orgId)
        .where('a.videoId', '=', v.id)
        .execute();
      const fps = this.ctx.env.HADIR_VIDEO_ANALYSED_FPS;
      // Sample index → the person boxes seen at that sample (normalised, from processing).
      const bySample = new Map<number, { personId: string; box: Box }[]>();
      for (const a of apps) {
        if (a.ignored === 1) continue;
        for (const b of JSON.parse(a.boxes) as Box[]) {
          const k = Math.round(b.t * fps);
          const list = bySample.get(k) ?? [];
          list.push({ personId: a.personId, box: b });
          bySample.set(k, list);
        }
      }
      const keep = p.maxPerPerson * 4;
      const candidates = new Map<string, Candidate[]>();
      const total = Math.max(1, Math.ceil(v.durationSec * fps));
      let lastPublish = 0;
      const frames = readVideoFrames({
        ffmpeg: ffmpegTools().ffmpeg,
        file: underDataDir(this.ctx.env.dataDir, v.playableFile),
        width: v.width,
        height: v.height,
        fps,
      });
      for await (const { index, timeSec, frame } of frames) {
        const now = this.ctx.clock.nowMs();
        if (now - lastPublish > 1000) {
          lastPublish = now;
          this.publish(orgId, v.id, 'running', Math.min(0.95, index / total));
        }
        const people = bySample.get(index);
        if (!people?.length) continue;
        const found = (await engine.detect(frame)).filter((f) => f.quality.score >= p.minQuality);
        const assigned = assignFaces(found, people, frame);
        if (assigned.length === 0) continue;
        const embeddings = await engine.embed(
          frame,
          assigned.map((a) => a.face),
        );
        assigned.forEach((a, k) => {
          const list = candidates.get(a.personId) ?? [];
          list.push({
            personId: a.personId,
            frame: Math.round(timeSec * v.fps),
            timeSec: Math.round(timeSec * 1000) / 1000,
            quality: a.face.quality.score,
            detScore: a.face.score,
            embedding: embeddings[k]!,
            crop: alignFace(frame, a.face.landmarks, TEMPLATE_128, CROP_PX),
            ...contextOf(frame, a.face),
          });
          if (list.length > keep) {
            list.sort((x, y) => y.quality - x.quality);
            list.length = keep;
          }
          candidates.set(a.personId, list);
        });
      }
      return this.save(orgId, v.id, pack, candidates, p);
    });
  }

  private async save(
    orgId: string,
    videoId: string,
    pack: string,
    candidates: Map<string, Candidate[]>,
    p: ExtractOptions & { userId: string | null },
  ): Promise<number> {
    const dataDir = this.ctx.env.dataDir;
    const old = await this.ctx.db
      .selectFrom('datasetFaces')
      .select(['id', 'file', 'contextFile'])
      .where('organizationId', '=', orgId)
      .where('videoId', '=', videoId)
      .execute();
    const persons = await this.ctx.db
      .selectFrom('videoPersons')
      .select(['id', 'code'])
      .where('organizationId', '=', orgId)
      .execute();
    const codeOf = new Map(persons.map((x) => [x.id, x.code]));
    const now = this.ctx.clock.nowMs();
    let written = 0;
    const files: { rel: string; bytes: Uint8Array }[] = [];
    const rows: Parameters<typeof this.insertRows>[0] = [];
    for (const [personId, list] of candidates) {
      const code = codeOf.get(personId);
      if (code === undefined) continue;
      const others = await this.ctx.db
        .selectFrom('datasetFaces')
        .select(['embedding', 'pack', 'seq'])
        .where('organizationId', '=', orgId)
        .where('personId', '=', personId)
        .where('videoId', '!=', videoId)
        .execute();
      const kept: Float32Array[] = others
        .filter((o) => o.pack === pack)
        .map((o) => embeddingFromBytes(o.embedding))
        .filter((e): e is Float32Array => e !== null);
      let seq = others.reduce((m, o) => Math.max(m, o.seq), 0);
      list.sort((a, b) => b.quality - a.quality);
      let n = 0;
      for (const c of list) {
        if (n >= p.maxPerPerson) break;
        if (kept.some((k) => cosineSimilarity(k, c.embedding) >= p.maxSimilarity)) continue;
        kept.push(c.embedding);
        n++;
        seq++;
        const dir = personFacesDir(orgId, code);
        const name = faceFileName(seq, c.frame);
        const file = `${dir}/${name}`;
        const contextFile = `${dir}/context/${name}`;
        files.push({ rel: file, bytes: await encodeJpeg(c.crop, { quality: 92 }) });
        files.push({
          rel: contextFile,
          bytes: await encodeJpeg(c.context, { quality: 88, width: Math.min(256, c.context.width) }),
        });
        rows.push({
          id: newId(now),
          organizationId: orgId,
          personId,
          videoId,
          seq,
          frame: c.frame,
          timeSec: c.timeSec,
          quality: Math.round(c.quality * 1000) / 1000,
          detScore: Math.round(c.detScore * 1000) / 1000,
          file,
          contextFile,
          contextBox: JSON.stringify(c.contextBox),
          pack,
          embedding: embeddingToBytes(c.embedding),
          createdAt: now,
        });
        written++;
      }
    }
    // Files first, rows in one transaction: a failure leaves at worst files without rows, which purge removes.
    for (const f of files) await writePrivate(dataDir, f.rel, f.bytes);
    await this.insertRows(
      rows,
      orgId,
      videoId,
      old.map((o) => o.id),
      p.userId,
      now,
    );
    await removeFiles(
      dataDir,
      old.flatMap((o) => [o.file, o.contextFile]).filter((f) => !files.some((x) => x.rel === f)),
    );
    this.publish(orgId, videoId, 'done', 1);
    return written;
  }

  private async insertRows(
    rows: {
      id: string;
      organizationId: string;
      personId: string;
      videoId: string;
      seq: number;
      frame: number;
      timeSec: number;
      quality: number;
      detScore: number;
      file: string;
      contextFile: string;
      contextBox: string;
      pack: string;
      embedding: Uint8Array;
      createdAt: number;
    }[],
    orgId: string,
    videoId: string,
    oldIds: string[],
    userId: string | null,
    now: number,
  ): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      if (oldIds.length) await trx.deleteFrom('datasetFaces').where('id', 'in', oldIds).execute();
      for (let i = 0; i < rows.length; i += 100)
        await trx
          .insertInto('datasetFaces')
          .values(rows.slice(i, i + 100))
          .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: userId ? { userId, tokenId: null } : null,
        action: 'dataset.extracted',
        entityType: 'video',
        entityId: videoId,
        summary: `Cut ${rows.length} face crops from a video into the dataset (replacing ${oldIds.length})`,
      });
    });
  }

  private publish(organizationId: string, id: string, status: string, fraction: number): void {
    this.ctx.events.publish('dataset.progress', {
      organizationId,
      kind: 'extract',
      id,
      status,
      fraction,
      point: null,
    });
  }
}

/** Each face to the smallest person box whose upper half holds its centre (one face per person). */
function assignFaces(
  faces: DetectedFace[],
  people: { personId: string; box: Box }[],
  frame: RgbFrame,
): { personId: string; face: DetectedFace }[] {
  const out: { personId: string; face: DetectedFace }[] = [];
  for (const f of [...faces].sort((a, b) => b.score - a.score)) {
    const cx = (f.box.x + f.box.width / 2) / frame.width;
    const cy = (f.box.y + f.box.height / 2) / frame.height;
    let best: { personId: string; area: number } | null = null;
    for (const p of people) {
      const b = p.box;
      if (cx < b.x || cx > b.x + b.w || cy < b.y || cy > b.y + b.h * 0.5) continue;
      if (out.some((o) => o.personId === p.personId)) continue;
      const area = b.w * b.h;
      if (!best || area < best.area) best = { personId: p.personId, area };
    }
    if (best) out.push({ personId: best.personId, face: f });
  }
  return out;
}

/** The face with its surroundings (a square twice the face's size) and the face's box inside it. */
function contextOf(frame: RgbFrame, f: DetectedFace): Pick<Candidate, 'context' | 'contextBox'> {
  const side = Math.max(f.box.width, f.box.height) * 2;
  const cx = f.box.x + f.box.width / 2;
  const cy = f.box.y + f.box.height / 2;
  const x0 = Math.max(0, Math.floor(cx - side / 2));
  const y0 = Math.max(0, Math.floor(cy - side / 2));
  const x1 = Math.min(frame.width, Math.ceil(cx + side / 2));
  const y1 = Math.min(frame.height, Math.ceil(cy + side / 2));
  const context = cropRgb(frame, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  const w = context.width;
  const h = context.height;
  const clamp = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 1e6) / 1e6;
  return {
    context,
    contextBox: {
      cx: clamp((cx - x0) / w),
      cy: clamp((cy - y0) / h),
      w: clamp(f.box.width / w),
      h: clamp(f.box.height / h),
    },
  };
}
