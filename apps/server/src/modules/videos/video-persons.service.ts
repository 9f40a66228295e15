import type { z } from 'zod';
import type { VideoPersonHit, VideoPersonPatch, VideoPersonSummary } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { mergeRanges, type AppearanceRange } from '@hadir/vision';
import { removeTree, underDataDir } from './video-files.js';
import { findPerson, parsePersonCode, personCode, toPersonSummary } from './videos.repository.js';

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

  async thumbnailPath(orgId: string, id: string): Promise<string> {
    const p = await findPerson(this.ctx.db, orgId, id);
    if (!p?.thumbnailFile) throw notFound('Person thumbnail');
    return underDataDir(this.ctx.env.dataDir, p.thumbnailFile);
  }
}
