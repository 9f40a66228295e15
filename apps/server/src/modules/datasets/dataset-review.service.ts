import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetFace, DatasetPerson } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { DatasetFacesTable } from '../../platform/db/tables/datasets.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { findPerson, personCode, underDataDir, type VideoPersonsService } from '../videos/index.js';
import { datasetsRoot, faceFileName, moveFile, personFacesDir, removeFiles } from './dataset-files.js';

export function toDatasetFace(
  f: Pick<
    DatasetFacesTable,
    'id' | 'personId' | 'videoId' | 'file' | 'frame' | 'timeSec' | 'quality' | 'createdAt'
  >,
): DatasetFace {
  return {
    id: f.id,
    personId: f.personId,
    videoId: f.videoId,
    fileName: path.basename(f.file),
    frame: f.frame,
    timeSec: f.timeSec,
    quality: f.quality,
    createdAt: toIso(f.createdAt),
  };
}

/** Review of the crops: per-person grids, remove, move to another person, merge persons, ignore. */
export class DatasetReviewService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly persons: VideoPersonsService,
  ) {}

  async listPersons(orgId: string): Promise<DatasetPerson[]> {
    const rows = await this.ctx.db
      .selectFrom('videoPersons as p')
      .leftJoin('employees as e', (j) =>
        j.onRef('e.id', '=', 'p.employeeId').onRef('e.organizationId', '=', 'p.organizationId'),
      )
      .leftJoin('datasetFaces as f', 'f.personId', 'p.id')
      .select((eb) => [
        'p.id',
        'p.code',
        'p.name',
        'p.employeeId',
        'p.ignored',
        'e.name as employeeName',
        eb.fn.count<number>('f.id').as('faceCount'),
        eb.fn.avg<number>('f.quality').as('meanQuality'),
      ])
      .where('p.organizationId', '=', orgId)
      .groupBy(['p.id', 'p.code', 'p.name', 'p.employeeId', 'p.ignored', 'e.name'])
      .orderBy('p.code')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      code: personCode(r.code),
      name: r.name ?? r.employeeName ?? null,
      employeeId: r.employeeId,
      ignored: r.ignored === 1,
      faceCount: Number(r.faceCount),
      meanQuality: r.meanQuality === null ? null : Math.round(Number(r.meanQuality) * 1000) / 1000,
    }));
  }

  async person(orgId: string, personId: string): Promise<DatasetPerson> {
    const p = (await this.listPersons(orgId)).find((x) => x.id === personId);
    if (!p) throw notFound('Person');
    return p;
  }

  async listFaces(orgId: string, personId: string): Promise<{ person: DatasetPerson; items: DatasetFace[] }> {
    const person = await this.person(orgId, personId);
    const rows = await this.ctx.db
      .selectFrom('datasetFaces')
      .select(['id', 'personId', 'videoId', 'file', 'frame', 'timeSec', 'quality', 'createdAt'])
      .where('organizationId', '=', orgId)
      .where('personId', '=', personId)
      .orderBy('quality', 'desc')
      .orderBy('seq')
      .execute();
    return { person, items: rows.map(toDatasetFace) };
  }

  async facePath(orgId: string, faceId: string, kind: 'crop' | 'context'): Promise<string> {
    const f = await this.ctx.db
      .selectFrom('datasetFaces')
      .select(['file', 'contextFile'])
      .where('organizationId', '=', orgId)
      .where('id', '=', faceId)
      .executeTakeFirst();
    if (!f) throw notFound('Face');
    return underDataDir(this.ctx.env.dataDir, kind === 'crop' ? f.file : f.contextFile);
  }

  private async facesOf(orgId: string, ids: readonly string[]): Promise<DatasetFacesTable[]> {
    const unique = [...new Set(ids)];
    const rows = await this.ctx.db
      .selectFrom('datasetFaces')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('id', 'in', unique)
      .execute();
    if (rows.length !== unique.length) throw notFound('Face');
    return rows;
  }

  async deleteFaces(auth: AuthContext, orgId: string, ids: readonly string[]): Promise<number> {
    const rows = await this.facesOf(orgId, ids);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('datasetFaces')
        .where('organizationId', '=', orgId)
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'dataset_face.deleted',
        entityType: 'dataset_face',
        entityId: rows.length === 1 ? rows[0]!.id : null,
        summary: `Removed ${rows.length} face crop(s) from the dataset`,
        changes: { faceIds: rows.map((r) => r.id) },
      });
    });
    await removeFiles(
      this.ctx.env.dataDir,
      rows.flatMap((r) => [r.file, r.contextFile]),
    );
    return rows.length;
  }

  /** Moves crops to another person: new numbers in the target's folder, files renamed with them. */
  async moveFaces(
    auth: AuthContext,
    orgId: string,
    ids: readonly string[],
    personId: string,
  ): Promise<number> {
    const target = await findPerson(this.ctx.db, orgId, personId);
    if (!target) throw badRequest('unknown_person', 'No such person in this organization.');
    const rows = (await this.facesOf(orgId, ids)).filter((r) => r.personId !== personId);
    const moved = await this.relabel(orgId, rows, personId, target.code);
    const now = this.ctx.clock.nowMs();
    await recordAudit(this.ctx.db, now, {
      organizationId: orgId,
      actor: auth,
      action: 'dataset_face.moved',
      entityType: 'video_person',
      entityId: personId,
      summary: `Moved ${moved} face crop(s) to ${personCode(target.code)}`,
      changes: { faceIds: rows.map((r) => r.id) },
    });
    return moved;
  }

  private async relabel(
    orgId: string,
    rows: DatasetFacesTable[],
    personId: string,
    code: number,
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const max = await this.ctx.db
      .selectFrom('datasetFaces')
      .select((eb) => eb.fn.max('seq').as('m'))
      .where('organizationId', '=', orgId)
      .where('personId', '=', personId)
      .executeTakeFirst();
    let seq = Number(max?.m ?? 0);
    const dir = personFacesDir(orgId, code);
    const plan = rows.map((r) => {
      seq++;
      const name = faceFileName(seq, r.frame);
      return { r, seq, file: `${dir}/${name}`, contextFile: `${dir}/context/${name}` };
    });
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const p of plan)
        await trx
          .updateTable('datasetFaces')
          .set({ personId, seq: p.seq, file: p.file, contextFile: p.contextFile })
          .where('id', '=', p.r.id)
          .execute();
    });
    for (const p of plan) {
      await moveFile(this.ctx.env.dataDir, p.r.file, p.file).catch(() => undefined);
      await moveFile(this.ctx.env.dataDir, p.r.contextFile, p.contextFile).catch(() => undefined);
    }
    return plan.length;
  }

  /** Merges two persons: crops move first (so the merge's cascade takes none), then the library merge. */
  async mergePersons(
    auth: AuthContext,
    orgId: string,
    personId: string,
    intoId: string,
  ): Promise<DatasetPerson> {
    if (personId === intoId) throw badRequest('same_person', 'A person cannot be merged into themselves.');
    const into = await findPerson(this.ctx.db, orgId, intoId);
    const from = await findPerson(this.ctx.db, orgId, personId);
    if (!into || !from) throw notFound('Person');
    const rows = await this.ctx.db
      .selectFrom('datasetFaces')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('personId', '=', personId)
      .execute();
    await this.relabel(orgId, rows, intoId, into.code);
    await this.persons.merge(auth, orgId, personId, intoId);
    return this.person(orgId, intoId);
  }

  async setIgnored(
    auth: AuthContext,
    orgId: string,
    personId: string,
    ignored: boolean,
  ): Promise<DatasetPerson> {
    await this.persons.update(auth, orgId, personId, { ignored });
    return this.person(orgId, personId);
  }

  /**
   * Removes crop files no row owns any more (their video or person was deleted and the rows cascaded).
   * Audited when it removes anything.
   */
  async purgeOrphanFiles(orgId: string, reason: string): Promise<number> {
    const root = underDataDir(this.ctx.env.dataDir, path.join(datasetsRoot(orgId), 'faces'));
    const onDisk: string[] = [];
    const walk = async (abs: string, rel: string): Promise<void> => {
      const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.isDirectory()) await walk(path.join(abs, e.name), `${rel}/${e.name}`);
        else onDisk.push(`${rel}/${e.name}`);
      }
    };
    await walk(root, `${datasetsRoot(orgId)}/faces`);
    if (onDisk.length === 0) return 0;
    const rows = await this.ctx.db
      .selectFrom('datasetFaces')
      .select(['file', 'contextFile'])
      .where('organizationId', '=', orgId)
      .execute();
    const owned = new Set(rows.flatMap((r) => [r.file, r.contextFile]));
    const orphans = onDisk.filter((f) => !owned.has(f));
    if (orphans.length === 0) return 0;
    await removeFiles(this.ctx.env.dataDir, orphans);
    await recordAudit(this.ctx.db, this.ctx.clock.nowMs(), {
      organizationId: orgId,
      actor: null,
      action: 'dataset_face.purged',
      entityType: 'dataset',
      summary: `Deleted ${orphans.filter((f) => !f.includes('/context/')).length} face crop(s) derived from ${reason}`,
    });
    return orphans.length;
  }
}
