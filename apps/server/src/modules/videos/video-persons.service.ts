import path from 'node:path';
import type { z } from 'zod';
import type { VideoPersonHit, VideoPersonPatch, VideoPersonSummary } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { mergeRanges, type AppearanceRange } from '@hadir/vision';
import { newId } from '../../platform/ids/ids.js';
import {
  cropPersonFrame,
  ensureDir,
  ffmpegTools,
  personsDir,
  removeTree,
  underDataDir,
} from './video-files.js';
import { findPerson, parsePersonCode, personCode, toPersonSummary } from './videos.repository.js';

type Box = { t: number; x: number; y: number; w: number; h: number };

/** Library persons: search "where does PERSON-0007 / Budi appear", rename, link, merge. */
export class VideoPersonsService {
  constructor(private readonly ctx: ServerContext) {}

  async search(orgId: string, q: string | undefined): Promise<z.infer<typeof VideoPersonHit>[]> {
    let query = this.ctx.db
      .selectFrom('videoPersons as p')
      .leftJoin('employees as e', (j) =>
        j.onRef('e.id', '=', 'p.employeeId').onRef('e.organizationId', '=', 'p.organizationId'),
      )
      .select(['p.id', 'p.code', 'p.name', 'p.employeeId', 'p.ignored', 'e.name as employeeName'])
      .where('p.organizationId', '=', orgId);
    const text = q?.trim();
    if (text) {
      const code = parsePersonCode(text);
      const like = `%${text.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          ...(code !== null ? [eb('p.code', '=', code)] : []),
          eb(eb.fn('lower', ['p.name']), 'like', like),
          eb(eb.fn('lower', ['e.name']), 'like', like),
        ]),
      );
    }
    const persons = await query.orderBy('p.code').limit(200).execute();
    if (persons.length === 0) return [];
    const apps = await this.ctx.db
      .selectFrom('videoAppearances as a')
      .innerJoin('videos as v', 'v.id', 'a.videoId')
      .select(['a.personId', 'a.ranges', 'v.id as videoId', 'v.title'])
      .where('a.organizationId', '=', orgId)
      .where(
        'a.personId',
        'in',
        persons.map((p) => p.id),
      )
      .orderBy('v.createdAt')
      .execute();
    return persons.map((p) => ({
      ...toPersonSummary(p),
      name: p.name ?? p.employeeName ?? null,
      videos: apps
        .filter((a) => a.personId === p.id)
        .map((a) => ({
          videoId: a.videoId,
          title: a.title,
          ranges: JSON.parse(a.ranges) as AppearanceRange[],
        })),
    }));
  }

  async update(
    auth: AuthContext,
    orgId: string,
    id: string,
    body: z.infer<typeof VideoPersonPatch>,
  ): Promise<VideoPersonSummary> {
    const p = await findPerson(this.ctx.db, orgId, id);
    if (!p) throw notFound('Person');
    if (body.employeeId) {
      const e = await this.ctx.db
        .selectFrom('employees')
        .select('id')
        .where('organizationId', '=', orgId)
        .where('id', '=', body.employeeId)
        .executeTakeFirst();
      if (!e) throw badRequest('unknown_employee', 'No such employee in this organization.');
    }
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('videoPersons')
        .set({
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.employeeId !== undefined ? { employeeId: body.employeeId } : {}),
          ...(body.ignored !== undefined ? { ignored: body.ignored ? 1 : 0 } : {}),
        })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video_person.updated',
        entityType: 'video_person',
        entityId: id,
        summary: `Updated ${personCode(p.code)}`,
        changes: body,
      });
    });
    return toPersonSummary((await findPerson(this.ctx.db, orgId, id))!);
  }

  /** Merges `id` into `intoId`: every appearance moves over (ranges joined per video); `id` is gone. */
  async merge(auth: AuthContext, orgId: string, id: string, intoId: string): Promise<VideoPersonSummary> {
    if (id === intoId) throw badRequest('same_person', 'A person cannot be merged into themselves.');
    const from = await findPerson(this.ctx.db, orgId, id);
    const into = await findPerson(this.ctx.db, orgId, intoId);
    if (!from || !into) throw notFound('Person');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const moving = await trx
        .selectFrom('videoAppearances')
        .selectAll()
        .where('organizationId', '=', orgId)
        .where('personId', '=', id)
        .execute();
      for (const a of moving) {
        const target = await trx
          .selectFrom('videoAppearances')
          .selectAll()
          .where('organizationId', '=', orgId)
          .where('personId', '=', intoId)
          .where('videoId', '=', a.videoId)
          .executeTakeFirst();
        if (!target) {
          await trx
            .updateTable('videoAppearances')
            .set({ personId: intoId })
            .where('id', '=', a.id)
            .execute();
          continue;
        }
        const ranges = mergeRanges([
          ...(JSON.parse(target.ranges) as AppearanceRange[]),
          ...(JSON.parse(a.ranges) as AppearanceRange[]),
        ]);
        const boxes = [
          ...(JSON.parse(target.boxes) as { t: number }[]),
          ...(JSON.parse(a.boxes) as { t: number }[]),
        ].sort((x, y) => x.t - y.t);
        await trx
          .updateTable('videoAppearances')
          .set({
            ranges: JSON.stringify(ranges),
            boxes: JSON.stringify(boxes),
            faces: target.faces + a.faces,
            firstSec: ranges[0]?.startSec ?? 0,
          })
          .where('id', '=', target.id)
          .execute();
        await trx.deleteFrom('videoAppearances').where('id', '=', a.id).execute();
      }
      await trx.deleteFrom('videoPersons').where('organizationId', '=', orgId).where('id', '=', id).execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video_person.merged',
        entityType: 'video_person',
        entityId: intoId,
        summary: `Merged ${personCode(from.code)} into ${personCode(into.code)}`,
      });
    });
    if (from.thumbnailFile) await removeTree(underDataDir(this.ctx.env.dataDir, from.thumbnailFile));
    this.ctx.events.publish('videoPerson.merged', { organizationId: orgId, personId: id, intoId });
    return toPersonSummary((await findPerson(this.ctx.db, orgId, intoId))!);
  }

  /**
   * Undoes a wrong merge: the person's appearance in one video (all of it, or only some of its ranges)
   * becomes a new person with the next PERSON code, unnamed and unlinked, with a thumbnail cut from the
   * video at their first box. The new person has no face centroid, so later videos keep matching the
   * original person.
   */
  async split(
    auth: AuthContext,
    orgId: string,
    id: string,
    body: { videoId: string; rangeIndexes?: number[] | undefined },
  ): Promise<VideoPersonSummary> {
    const p = await findPerson(this.ctx.db, orgId, id);
    if (!p) throw notFound('Person');
    const all = await this.ctx.db
      .selectFrom('videoAppearances')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('personId', '=', id)
      .execute();
    const a = all.find((x) => x.videoId === body.videoId);
    if (!a) throw notFound('Appearance of this person in that video');
    const ranges = JSON.parse(a.ranges) as AppearanceRange[];
    const boxes = JSON.parse(a.boxes) as Box[];
    const pick = new Set(body.rangeIndexes ?? ranges.map((_, i) => i));
    if ([...pick].some((i) => i >= ranges.length))
      throw badRequest('unknown_range', `This person has ${ranges.length} ranges in that video.`);
    const moving = ranges.filter((_, i) => pick.has(i));
    const staying = ranges.filter((_, i) => !pick.has(i));
    if (staying.length === 0 && all.length === 1)
      throw badRequest(
        'nothing_left',
        'Splitting everything off would leave this person with no appearance.',
      );
    const inside = (b: Box, rs: AppearanceRange[]) => rs.some((r) => b.t >= r.startSec && b.t <= r.endSec);
    const movingBoxes = boxes.filter((b) => inside(b, moving));
    const stayingBoxes = boxes.filter((b) => !inside(b, moving));
    const movedFaces = boxes.length ? Math.round((a.faces * movingBoxes.length) / boxes.length) : 0;

    const now = this.ctx.clock.nowMs();
    const newPersonId = newId(now);
    const video = await this.ctx.db
      .selectFrom('videos')
      .select(['playableFile', 'originalFile'])
      .where('organizationId', '=', orgId)
      .where('id', '=', body.videoId)
      .executeTakeFirstOrThrow();
    // The thumbnail first (outside the transaction): a frame that cannot be cut leaves no thumbnail.
    let thumbRel: string | null = path.join(personsDir(orgId), `${newPersonId}.jpg`);
    const first = movingBoxes[0];
    try {
      if (!first) throw new Error('no box');
      await ensureDir(underDataDir(this.ctx.env.dataDir, personsDir(orgId)));
      await cropPersonFrame(
        ffmpegTools().ffmpeg,
        underDataDir(this.ctx.env.dataDir, video.playableFile ?? video.originalFile),
        underDataDir(this.ctx.env.dataDir, thumbRel),
        first.t,
        first,
      );
    } catch {
      thumbRel = null;
    }
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        const maxRow = await trx
          .selectFrom('videoPersons')
          .select((eb) => eb.fn.max('code').as('m'))
          .where('organizationId', '=', orgId)
          .executeTakeFirst();
        const code = Number(maxRow?.m ?? 0) + 1;
        await trx
          .insertInto('videoPersons')
          .values({
            id: newPersonId,
            organizationId: orgId,
            code,
            name: null,
            employeeId: null,
            ignored: 0,
            pack: null,
            embedding: null,
            thumbnailFile: thumbRel,
            createdAt: now,
          })
          .execute();
        if (staying.length === 0) {
          await trx
            .updateTable('videoAppearances')
            .set({ personId: newPersonId })
            .where('organizationId', '=', orgId)
            .where('id', '=', a.id)
            .execute();
        } else {
          await trx
            .updateTable('videoAppearances')
            .set({
              ranges: JSON.stringify(staying),
              boxes: JSON.stringify(stayingBoxes),
              faces: a.faces - movedFaces,
              firstSec: staying[0]!.startSec,
            })
            .where('organizationId', '=', orgId)
            .where('id', '=', a.id)
            .execute();
          await trx
            .insertInto('videoAppearances')
            .values({
              id: newId(now),
              organizationId: orgId,
              videoId: a.videoId,
              personId: newPersonId,
              ranges: JSON.stringify(moving),
              boxes: JSON.stringify(movingBoxes),
              faces: movedFaces,
              firstSec: moving[0]!.startSec,
            })
            .execute();
        }
        await recordAudit(trx, now, {
          organizationId: orgId,
          actor: auth,
          action: 'video_person.split',
          entityType: 'video_person',
          entityId: newPersonId,
          summary: `Split ${moving.length} range(s) in one video off ${personCode(p.code)} into ${personCode(code)}`,
        });
      });
    } catch (e) {
      if (thumbRel) await removeTree(underDataDir(this.ctx.env.dataDir, thumbRel));
      throw e;
    }
    return toPersonSummary((await findPerson(this.ctx.db, orgId, newPersonId))!);
  }

  async thumbnailPath(orgId: string, id: string): Promise<string> {
    const p = await findPerson(this.ctx.db, orgId, id);
    if (!p?.thumbnailFile) throw notFound('Person thumbnail');
    return underDataDir(this.ctx.env.dataDir, p.thumbnailFile);
  }
}
