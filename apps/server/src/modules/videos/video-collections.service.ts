import type { z } from 'zod';
import type { VideoCollection, VideoCollectionCreate, VideoCollectionPatch } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { toIso } from '../../platform/clock/clock.js';
import { recordAudit } from '../audit/audit.service.js';
import type { VideosService } from './videos.service.js';

type Collection = z.infer<typeof VideoCollection>;

/** Collections (folders) of the library, with per-collection retention. */
export class VideoCollectionsService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly videos: VideosService,
  ) {}

  async list(orgId: string): Promise<Collection[]> {
    const rows = await this.ctx.db
      .selectFrom('videoCollections as c')
      .leftJoin('videos as v', 'v.collectionId', 'c.id')
      .select([
        'c.id',
        'c.name',
        'c.parentId',
        'c.retentionDays',
        'c.createdAt',
        (eb) => eb.fn.count<number>('v.id').as('n'),
      ])
      .where('c.organizationId', '=', orgId)
      .groupBy(['c.id', 'c.name', 'c.parentId', 'c.retentionDays', 'c.createdAt'])
      .orderBy('c.name')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      parentId: r.parentId,
      retentionDays: r.retentionDays,
      videoCount: Number(r.n),
      createdAt: toIso(r.createdAt),
    }));
  }

  async create(
    auth: AuthContext,
    orgId: string,
    body: z.infer<typeof VideoCollectionCreate>,
  ): Promise<Collection> {
    if (body.parentId) await this.videos.requireCollection(orgId, body.parentId);
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('videoCollections')
        .values({
          id,
          organizationId: orgId,
          name: body.name,
          parentId: body.parentId ?? null,
          retentionDays: body.retentionDays ?? null,
          createdAt: now,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video_collection.created',
        entityType: 'video_collection',
        entityId: id,
        summary: `Created video collection ${body.name}`,
      });
    });
    return (await this.list(orgId)).find((c) => c.id === id)!;
  }

  async update(
    auth: AuthContext,
    orgId: string,
    id: string,
    body: z.infer<typeof VideoCollectionPatch>,
  ): Promise<Collection> {
    const all = await this.list(orgId);
    const current = all.find((c) => c.id === id);
    if (!current) throw notFound('Collection');
    if (body.parentId) {
      await this.videos.requireCollection(orgId, body.parentId);
      // Moving under itself or one of its descendants would make a cycle.
      const parentOf = new Map(all.map((c) => [c.id, c.parentId]));
      for (let p: string | null | undefined = body.parentId; p; p = parentOf.get(p))
        if (p === id) throw badRequest('collection_cycle', 'A collection cannot be moved into itself.');
    }
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('videoCollections')
        .set({
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.parentId !== undefined ? { parentId: body.parentId } : {}),
          ...(body.retentionDays !== undefined ? { retentionDays: body.retentionDays } : {}),
        })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video_collection.updated',
        entityType: 'video_collection',
        entityId: id,
        summary: `Updated video collection ${body.name ?? current.name}`,
        changes: body,
      });
    });
    return (await this.list(orgId)).find((c) => c.id === id)!;
  }

  /** Deletes the collection; its videos stay in the library (moved to no collection), sub-collections move up. */
  async remove(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const current = (await this.list(orgId)).find((c) => c.id === id);
    if (!current) throw notFound('Collection');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('videos')
        .set({ collectionId: null })
        .where('organizationId', '=', orgId)
        .where('collectionId', '=', id)
        .execute();
      await trx
        .updateTable('videoCollections')
        .set({ parentId: current.parentId })
        .where('organizationId', '=', orgId)
        .where('parentId', '=', id)
        .execute();
      await trx
        .deleteFrom('videoCollections')
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video_collection.deleted',
        entityType: 'video_collection',
        entityId: id,
        summary: `Deleted video collection ${current.name}`,
      });
    });
  }

  /** Retention: deletes videos older than their collection's retention (files and everything derived). */
  async purgeExpired(): Promise<number> {
    const now = this.ctx.clock.nowMs();
    const rows = await this.ctx.db
      .selectFrom('videos as v')
      .innerJoin('videoCollections as c', 'c.id', 'v.collectionId')
      .select(['v.id', 'v.organizationId', 'v.createdAt', 'c.retentionDays'])
      .where('c.retentionDays', 'is not', null)
      .execute();
    let n = 0;
    for (const r of rows) {
      if (r.retentionDays !== null && r.createdAt + r.retentionDays * 86_400_000 <= now) {
        await this.videos.remove(null, r.organizationId, r.id);
        n++;
      }
    }
    return n;
  }
}
