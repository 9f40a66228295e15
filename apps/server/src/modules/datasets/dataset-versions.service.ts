import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { zipSync, type Zippable } from 'fflate';
import type { z } from 'zod';
import type { DatasetClass, DatasetVersion, DatasetVersionCreate } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { DatasetVersionsTable } from '../../platform/db/tables/datasets.js';
import { csvText } from '../../platform/export/csv.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/audit.service.js';
import type { FaceModules } from '../faces/index.js';
import { personCode, underDataDir } from '../videos/index.js';

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** Deterministic order for the split: a hash of (seed, face id), so a version is reproducible. */
const splitKey = (seed: number, id: string): string => sha256(`${seed}:${id}`);

export interface VersionItemRow {
  faceId: string;
  classIndex: number;
  split: 'train' | 'val';
  file: string;
  contextFile: string;
  contextBox: string;
  embedding: Uint8Array;
  videoId: string;
  frame: number;
  timeSec: number;
  quality: number;
}

/** Immutable dataset versions (labelled, split, content-hashed) and their YOLO zip export. */
export class DatasetVersionsService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly faces: FaceModules,
  ) {}

  async create(
    auth: AuthContext,
    orgId: string,
    body: z.infer<typeof DatasetVersionCreate>,
  ): Promise<DatasetVersion> {
    let q = this.ctx.db
      .selectFrom('datasetFaces as f')
      .innerJoin('videoPersons as p', 'p.id', 'f.personId')
      .select(['f.id', 'f.personId', 'f.file', 'f.pack', 'p.code', 'p.name', 'p.ignored'])
      .where('f.organizationId', '=', orgId);
    if (body.personIds?.length) q = q.where('f.personId', 'in', body.personIds);
    else q = q.where('p.ignored', '=', 0);
    const all = await q.execute();
    if (all.length === 0)
      throw badRequest('empty_dataset', 'There are no face crops to put in a version yet.');
    // One embedding space per version: the active pack's, else the most common one.
    const active = (await this.faces.engine.tryEngine())?.info.pack;
    const counts = new Map<string, number>();
    for (const f of all) counts.set(f.pack, (counts.get(f.pack) ?? 0) + 1);
    const pack =
      active && counts.has(active) ? active : [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const byPerson = new Map<string, typeof all>();
    for (const f of all.filter((x) => x.pack === pack)) {
      const list = byPerson.get(f.personId) ?? [];
      list.push(f);
      byPerson.set(f.personId, list);
    }
    const kept = [...byPerson.values()]
      .filter((l) => l.length >= body.minFacesPerClass)
      .sort((a, b) => a[0]!.code - b[0]!.code);
    if (kept.length < 2)
      throw badRequest(
        'too_few_classes',
        `A version needs at least two persons with ${body.minFacesPerClass} or more face crops each.`,
      );
    const classes: DatasetClass[] = kept.map((l, index) => ({
      index,
      personId: l[0]!.personId,
      code: personCode(l[0]!.code),
      name: l[0]!.name,
    }));
    const items: { faceId: string; classIndex: number; split: 'train' | 'val'; file: string }[] = [];
    kept.forEach((list, classIndex) => {
      const ordered = [...list].sort((a, b) =>
        splitKey(body.seed, a.id) < splitKey(body.seed, b.id) ? -1 : 1,
      );
      const nVal = Math.min(ordered.length - 1, Math.max(1, Math.round(ordered.length * body.valRatio)));
      ordered.forEach((f, i) =>
        items.push({ faceId: f.id, classIndex, split: i < nVal ? 'val' : 'train', file: f.file }),
      );
    });
    // The content hash covers what a trainer sees: each crop's bytes, its class and its split.
    const lines: string[] = [];
    for (const it of items) {
      const bytes = await readFile(underDataDir(this.ctx.env.dataDir, it.file));
      lines.push(`${classes[it.classIndex]!.code}\t${it.split}\t${sha256(bytes)}`);
    }
    const contentHash = sha256(lines.sort().join('\n'));
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      const max = await trx
        .selectFrom('datasetVersions')
        .select((eb) => eb.fn.max('number').as('m'))
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      await trx
        .insertInto('datasetVersions')
        .values({
          id,
          organizationId: orgId,
          number: Number(max?.m ?? 0) + 1,
          name: body.name,
          valRatio: body.valRatio,
          seed: body.seed,
          classes: JSON.stringify(classes),
          faceCount: items.length,
          contentHash,
          pack,
          createdBy: auth.userId,
          createdAt: now,
        })
        .execute();
      for (let i = 0; i < items.length; i += 200)
        await trx
          .insertInto('datasetVersionItems')
          .values(
            items.slice(i, i + 200).map((it) => ({
              versionId: id,
              faceId: it.faceId,
              classIndex: it.classIndex,
              split: it.split,
            })),
          )
          .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'dataset_version.created',
        entityType: 'dataset_version',
        entityId: id,
        summary: `Made dataset version "${body.name}" (${classes.length} classes, ${items.length} faces)`,
      });
    });
    return this.get(orgId, id);
  }

  async list(orgId: string): Promise<DatasetVersion[]> {
    const rows = await this.ctx.db
      .selectFrom('datasetVersions')
      .selectAll()
      .where('organizationId', '=', orgId)
      .orderBy('number', 'desc')
      .execute();
    return Promise.all(rows.map((r) => this.present(r)));
  }

  async get(orgId: string, id: string): Promise<DatasetVersion> {
    return this.present(await this.row(orgId, id));
  }

  async row(orgId: string, id: string): Promise<DatasetVersionsTable> {
    const r = await this.ctx.db
      .selectFrom('datasetVersions')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw notFound('Dataset version');
    return r;
  }

  async items(versionId: string): Promise<VersionItemRow[]> {
    return this.ctx.db
      .selectFrom('datasetVersionItems as i')
      .innerJoin('datasetFaces as f', 'f.id', 'i.faceId')
      .select([
        'i.faceId',
        'i.classIndex',
        'i.split',
        'f.file',
        'f.contextFile',
        'f.contextBox',
        'f.embedding',
        'f.videoId',
        'f.frame',
        'f.timeSec',
        'f.quality',
      ])
      .where('i.versionId', '=', versionId)
      .orderBy('i.classIndex')
      .orderBy('f.seq')
      .execute();
  }

  private async present(r: DatasetVersionsTable): Promise<DatasetVersion> {
    const counts = await this.ctx.db
      .selectFrom('datasetVersionItems')
      .select((eb) => ['classIndex', 'split', eb.fn.countAll<number>().as('n')])
      .where('versionId', '=', r.id)
      .groupBy(['classIndex', 'split'])
      .execute();
    const n = (c: number, s: string): number =>
      Number(counts.find((x) => x.classIndex === c && x.split === s)?.n ?? 0);
    const classes = JSON.parse(r.classes) as DatasetClass[];
    return {
      id: r.id,
      number: r.number,
      name: r.name,
      valRatio: r.valRatio,
      classes: classes.map((c) => ({ ...c, train: n(c.index, 'train'), val: n(c.index, 'val') })),
      faceCount: r.faceCount,
      currentFaceCount: counts.reduce((s, x) => s + Number(x.n), 0),
      contentHash: r.contentHash,
      pack: r.pack,
      createdAt: toIso(r.createdAt),
    };
  }

  /**
   * The version as a zip for Ultralytics YOLO: `classify/` (train/<class>/, val/<class>/), `detect/`
   * (images/{train,val}, labels/{train,val} with `class cx cy w h` normalised, data.yaml with names) and a
   * CSV manifest of every file.
   */
  async exportZip(
    auth: AuthContext,
    orgId: string,
    id: string,
  ): Promise<{ fileName: string; bytes: Uint8Array }> {
    const v = await this.row(orgId, id);
    const classes = JSON.parse(v.classes) as DatasetClass[];
    const items = await this.items(id);
    const root = `hadir-dataset-v${v.number}`;
    const files: Zippable = {};
    const manifest: (string | number)[][] = [];
    for (const it of items) {
      const cls = classes[it.classIndex]!;
      const name = it.file.split('/').pop()!;
      const stem = `${cls.code}_${name.replace(/\.jpg$/, '')}`;
      const crop = new Uint8Array(await readFile(underDataDir(this.ctx.env.dataDir, it.file)));
      const context = new Uint8Array(await readFile(underDataDir(this.ctx.env.dataDir, it.contextFile)));
      const box = JSON.parse(it.contextBox) as { cx: number; cy: number; w: number; h: number };
      files[`${root}/classify/${it.split}/${cls.code}/${name}`] = [crop, { level: 0 }];
      files[`${root}/detect/images/${it.split}/${stem}.jpg`] = [context, { level: 0 }];
      files[`${root}/detect/labels/${it.split}/${stem}.txt`] = new TextEncoder().encode(
        `${it.classIndex} ${box.cx.toFixed(6)} ${box.cy.toFixed(6)} ${box.w.toFixed(6)} ${box.h.toFixed(6)}\n`,
      );
      manifest.push([
        `classify/${it.split}/${cls.code}/${name}`,
        `detect/images/${it.split}/${stem}.jpg`,
        it.split,
        it.classIndex,
        cls.code,
        cls.name ?? '',
        it.videoId,
        it.frame,
        it.timeSec,
        it.quality,
        sha256(crop),
      ]);
    }
    const yamlName = (s: string): string => JSON.stringify(s);
    files[`${root}/detect/data.yaml`] = new TextEncoder().encode(
      [
        `# Hadir dataset version ${v.number} (${v.name}), content hash ${v.contentHash}`,
        'path: .',
        'train: images/train',
        'val: images/val',
        `nc: ${classes.length}`,
        'names:',
        ...classes.map((c) => `  ${c.index}: ${yamlName(c.code)}`),
        '',
      ].join('\n'),
    );
    files[`${root}/manifest.csv`] = new TextEncoder().encode(
      csvText(
        [
          'classify_file',
          'detect_image',
          'split',
          'class_index',
          'class',
          'name',
          'video_id',
          'frame',
          'time_sec',
          'quality',
          'sha256',
        ],
        manifest,
      ),
    );
    const bytes = zipSync(files, { level: 6, mtime: new Date(v.createdAt) });
    await recordAudit(this.ctx.db, this.ctx.clock.nowMs(), {
      organizationId: orgId,
      actor: auth,
      action: 'dataset_version.exported',
      entityType: 'dataset_version',
      entityId: id,
      summary: `Exported dataset version ${v.number} (${items.length} faces) as a YOLO zip`,
    });
    return { fileName: `${root}.zip`, bytes };
  }
}
