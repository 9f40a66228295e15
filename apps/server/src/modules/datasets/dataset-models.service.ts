import { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import {
  TrainParams,
  type DatasetClass,
  type DatasetModel,
  type ModelManifest,
  type ModelMetrics,
  type TrainRequest,
} from '@hadir/contracts';
import { evaluateHead, type HeadWeights } from '@hadir/vision';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { DatasetModelsTable } from '../../platform/db/tables/datasets.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { PermanentJobError } from '../../platform/jobs/job-runner.js';
import { recordAudit } from '../audit/audit.service.js';
import { embeddingFromBytes, type FaceModules } from '../faces/index.js';
import type { DatasetVersionsService } from './dataset-versions.service.js';
import type { TrainWorkerData, TrainWorkerMessage } from './train-protocol.js';

declare module '../../platform/jobs/job-runner.js' {
  interface HadirJobs {
    'datasets.train': { organizationId: string; modelId: string };
  }
}

type Point = { epoch: number; loss: number; valAccuracy: number };

/** Keeps stored weights small: 6 significant digits are far below the training noise. */
function roundWeights(w: HeadWeights): HeadWeights {
  const r = (v: number): number => Number(v.toPrecision(6));
  return {
    centroids: w.centroids.map((c) => c.map(r)),
    layers: w.layers.map((l) => ({ w: l.w.map((row) => row.map(r)), b: l.b.map(r) })),
  };
}

/** Training (a job, the fit in a worker thread), versions of models, activation, export/import. */
export class DatasetModelsService {
  private readonly running = new Map<string, Worker>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly versions: DatasetVersionsService,
    private readonly faces: FaceModules,
  ) {}

  async close(): Promise<void> {
    for (const w of this.running.values()) await w.terminate();
  }

  async train(auth: AuthContext, orgId: string, body: z.infer<typeof TrainRequest>): Promise<DatasetModel> {
    const v = await this.versions.row(orgId, body.versionId);
    const params = TrainParams.parse(body.params);
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      const max = await trx
        .selectFrom('datasetModels')
        .select((eb) => eb.fn.max('number').as('m'))
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      await trx
        .insertInto('datasetModels')
        .values({
          id,
          organizationId: orgId,
          number: Number(max?.m ?? 0) + 1,
          versionId: v.id,
          datasetHash: v.contentHash,
          method: body.method,
          params: JSON.stringify(params),
          status: 'queued',
          progress: '[]',
          error: null,
          classes: v.classes,
          pack: v.pack,
          metrics: null,
          threshold: null,
          weights: null,
          activeLibrary: 0,
          activeLive: 0,
          imported: 0,
          createdBy: auth.userId,
          createdAt: now,
          finishedAt: null,
        })
        .execute();
      await this.ctx.jobs.enqueue(
        trx,
        'datasets.train',
        { organizationId: orgId, modelId: id },
        { organizationId: orgId },
      );
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'dataset_model.training_started',
        entityType: 'dataset_model',
        entityId: id,
        summary: `Started training a ${body.method} model on dataset version ${v.number}`,
        changes: params,
      });
    });
    return this.get(orgId, id);
  }

  async cancel(auth: AuthContext, orgId: string, id: string): Promise<DatasetModel> {
    const m = await this.row(orgId, id);
    if (m.status !== 'queued' && m.status !== 'training')
      throw conflict('not_running', 'Only a queued or running training can be cancelled.');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('datasetModels')
        .set({ status: 'cancelled', finishedAt: now })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'dataset_model.cancelled',
        entityType: 'dataset_model',
        entityId: id,
        summary: `Cancelled training of model ${m.number}`,
      });
    });
    await this.running.get(id)?.terminate();
    this.publish(orgId, id, 'cancelled', 1, null);
    return this.get(orgId, id);
  }

  /** The job handler. */
  async run(orgId: string, modelId: string): Promise<void> {
    const m = await this.row(orgId, modelId).catch(() => null);
    if (!m || m.status !== 'queued') return;
    if (!m.versionId) throw new PermanentJobError('The dataset version is gone.');
    const items = await this.versions.items(m.versionId);
    const classes = JSON.parse(m.classes) as DatasetClass[];
    const params = TrainParams.parse(JSON.parse(m.params));
    const emb = items.map((i) => embeddingFromBytes(i.embedding));
    const dim = emb.find((e) => e)?.length ?? 0;
    const pick = (split: 'train' | 'val') => {
      const idx = items
        .map((it, i) => (it.split === split && emb[i]?.length === dim ? i : -1))
        .filter((i) => i >= 0);
      const x = new Float32Array(idx.length * dim);
      idx.forEach((i, k) => x.set(emb[i]!, k * dim));
      return { x, y: idx.map((i) => items[i]!.classIndex), rows: idx.map((i) => emb[i]!) };
    };
    const train = pick('train');
    const val = pick('val');
    const fail = async (message: string): Promise<void> => {
      await this.ctx.db
        .updateTable('datasetModels')
        .set({ status: 'failed', error: message.slice(0, 500), finishedAt: this.ctx.clock.nowMs() })
        .where('id', '=', modelId)
        .where('status', '=', 'training')
        .execute();
      this.publish(orgId, modelId, 'failed', 1, null);
    };
    if (dim === 0 || new Set(train.y).size < 2)
      return fail('The dataset version has fewer than two classes left.');
    await this.ctx.db
      .updateTable('datasetModels')
      .set({ status: 'training' })
      .where('id', '=', modelId)
      .execute();
    this.publish(orgId, modelId, 'training', 0, null);

    const data: TrainWorkerData = {
      method: m.method,
      classes: classes.length,
      dim,
      x: train.x,
      y: train.y,
      xVal: val.x,
      yVal: val.y,
      params,
    };
    const points: Point[] = [];
    let lastWrite = 0;
    const entry = JSON.stringify(new URL('./train.worker.ts', import.meta.url).href);
    const worker = new Worker(
      `import('tsx/esm/api').then((m) => { m.register(); return import(${entry}); })`,
      {
        eval: true,
        workerData: data,
      },
    );
    this.running.set(modelId, worker);
    const result = await new Promise<HeadWeights | null>((resolve, reject) => {
      worker.on('message', (msg: TrainWorkerMessage) => {
        if (msg.type === 'epoch') {
          const point = { epoch: msg.epoch, loss: msg.loss, valAccuracy: msg.valAccuracy };
          points.push(point);
          this.publish(
            orgId,
            modelId,
            'training',
            msg.epoch / (m.method === 'centroid' ? 1 : params.epochs),
            point,
          );
          const now = this.ctx.clock.nowMs();
          if (now - lastWrite >= 1000) {
            lastWrite = now;
            void this.ctx.db
              .updateTable('datasetModels')
              .set({ progress: JSON.stringify(points) })
              .where('id', '=', modelId)
              .where('status', '=', 'training')
              .execute()
              .catch(() => undefined);
          }
        } else if (msg.type === 'done') resolve(msg.weights);
        else reject(new Error(msg.message));
      });
      worker.once('error', reject);
      worker.once('exit', () => resolve(null)); // terminated (cancel or shutdown)
    }).finally(() => {
      this.running.delete(modelId);
      void worker.terminate();
    });
    const still = await this.row(orgId, modelId).catch(() => null);
    if (!still || still.status !== 'training') return; // cancelled or deleted meanwhile
    if (!result) return fail('Training stopped before it finished.');
    const codes = classes.map((c) => c.code);
    const metrics: ModelMetrics = evaluateHead(m.method, result, val.rows, val.y, codes, params.targetFar);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db
      .updateTable('datasetModels')
      .set({
        status: 'ready',
        progress: JSON.stringify(points),
        metrics: JSON.stringify(metrics),
        threshold: metrics.openSet.threshold,
        weights: JSON.stringify(roundWeights(result)),
        finishedAt: now,
      })
      .where('id', '=', modelId)
      .where('status', '=', 'training')
      .execute();
    this.publish(orgId, modelId, 'ready', 1, null);
  }

  async list(orgId: string): Promise<DatasetModel[]> {
    const rows = await this.ctx.db
      .selectFrom('datasetModels')
      .selectAll()
      .where('organizationId', '=', orgId)
      .orderBy('number', 'desc')
      .execute();
    return rows.map((r) => this.present(r));
  }

  async get(orgId: string, id: string): Promise<DatasetModel> {
    return this.present(await this.row(orgId, id));
  }

  private async row(orgId: string, id: string): Promise<DatasetModelsTable> {
    const r = await this.ctx.db
      .selectFrom('datasetModels')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw notFound('Model');
    return r;
  }

  private present(r: DatasetModelsTable): DatasetModel {
    return {
      id: r.id,
      number: r.number,
      versionId: r.versionId,
      datasetHash: r.datasetHash,
      method: r.method,
      params: TrainParams.parse(JSON.parse(r.params)),
      status: r.status,
      progress: JSON.parse(r.progress) as Point[],
      error: r.error,
      classes: JSON.parse(r.classes) as DatasetClass[],
      pack: r.pack,
      metrics: r.metrics ? (JSON.parse(r.metrics) as ModelMetrics) : null,
      threshold: r.threshold,
      activeLibrary: r.activeLibrary === 1,
      activeLive: r.activeLive === 1,
      imported: r.imported === 1,
      createdBy: r.createdBy,
      createdAt: toIso(r.createdAt),
      finishedAt: toIsoOrNull(r.finishedAt),
    };
  }

  /** One active model per organization for the library and one for live cameras. */
  async activate(
    auth: AuthContext,
    orgId: string,
    id: string,
    body: { library?: boolean | undefined; live?: boolean | undefined },
  ): Promise<DatasetModel> {
    const m = await this.row(orgId, id);
    if (m.status !== 'ready') throw conflict('model_not_ready', 'Only a trained model can be activated.');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const [key, col] of [
        ['library', 'activeLibrary'],
        ['live', 'activeLive'],
      ] as const) {
        const on = body[key];
        if (on === undefined) continue;
        if (on)
          await trx
            .updateTable('datasetModels')
            .set({ [col]: 0 })
            .where('organizationId', '=', orgId)
            .execute();
        await trx
          .updateTable('datasetModels')
          .set({ [col]: on ? 1 : 0 })
          .where('id', '=', id)
          .execute();
      }
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'dataset_model.activated',
        entityType: 'dataset_model',
        entityId: id,
        summary: `Model ${m.number}: library ${String(body.library ?? 'unchanged')}, live ${String(body.live ?? 'unchanged')}`,
        changes: body,
      });
    });
    this.ctx.events.publish('datasetModel.activated', { organizationId: orgId });
    return this.get(orgId, id);
  }

  async exportManifest(auth: AuthContext, orgId: string, id: string): Promise<ModelManifest> {
    const m = await this.row(orgId, id);
    if (m.status !== 'ready' || !m.weights || m.threshold === null)
      throw conflict('model_not_ready', 'Only a trained model can be exported.');
    const weights = JSON.parse(m.weights) as HeadWeights;
    await recordAudit(this.ctx.db, this.ctx.clock.nowMs(), {
      organizationId: orgId,
      actor: auth,
      action: 'dataset_model.exported',
      entityType: 'dataset_model',
      entityId: id,
      summary: `Exported model ${m.number}`,
    });
    return {
      format: 'hadir-face-head/1',
      method: m.method,
      pack: m.pack,
      embeddingSize: weights.centroids[0]?.length ?? 0,
      classes: (JSON.parse(m.classes) as DatasetClass[]).map((c) => ({
        index: c.index,
        code: c.code,
        name: c.name,
      })),
      threshold: m.threshold,
      params: TrainParams.parse(JSON.parse(m.params)),
      metrics: m.metrics ? (JSON.parse(m.metrics) as ModelMetrics) : null,
      datasetHash: m.datasetHash,
      weights,
    };
  }

  async import(auth: AuthContext, orgId: string, man: ModelManifest): Promise<DatasetModel> {
    const k = man.classes.length;
    const d = man.embeddingSize;
    const bad = (why: string) => badRequest('invalid_model', `The model file is not consistent: ${why}.`);
    if (man.weights.centroids.length !== k || man.weights.centroids.some((c) => c.length !== d))
      throw bad('centroids do not match the classes and embedding size');
    man.classes.forEach((c, i) => {
      if (c.index !== i) throw bad('class indexes must be 0..n-1 in order');
    });
    let inDim = d;
    man.weights.layers.forEach((l, i) => {
      if (l.w.length !== inDim || l.w.some((row) => row.length !== l.b.length))
        throw bad(`layer ${i + 1} has the wrong shape`);
      inDim = l.b.length;
    });
    if (man.method !== 'centroid' && (man.weights.layers.length === 0 || inDim !== k))
      throw bad('the last layer must give one output per class');
    const finite = (v: number): boolean => Number.isFinite(v);
    if (
      !man.weights.centroids.every((c) => c.every(finite)) ||
      !man.weights.layers.every((l) => l.b.every(finite) && l.w.every((r) => r.every(finite)))
    )
      throw bad('weights must be finite numbers');
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      const max = await trx
        .selectFrom('datasetModels')
        .select((eb) => eb.fn.max('number').as('m'))
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      await trx
        .insertInto('datasetModels')
        .values({
          id,
          organizationId: orgId,
          number: Number(max?.m ?? 0) + 1,
          versionId: null,
          datasetHash: man.datasetHash,
          method: man.method,
          params: JSON.stringify(man.params),
          status: 'ready',
          progress: '[]',
          error: null,
          classes: JSON.stringify(man.classes.map((c) => ({ ...c, personId: null }))),
          pack: man.pack,
          metrics: man.metrics ? JSON.stringify(man.metrics) : null,
          threshold: man.threshold,
          weights: JSON.stringify(man.weights),
          activeLibrary: 0,
          activeLive: 0,
          imported: 1,
          createdBy: auth.userId,
          createdAt: now,
          finishedAt: now,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'dataset_model.imported',
        entityType: 'dataset_model',
        entityId: id,
        summary: `Imported a ${man.method} model with ${k} classes`,
      });
    });
    return this.get(orgId, id);
  }

  private publish(
    organizationId: string,
    id: string,
    status: string,
    fraction: number,
    point: Point | null,
  ): void {
    this.ctx.events.publish('dataset.progress', {
      organizationId,
      kind: 'train',
      id,
      status,
      fraction,
      point,
    });
  }
}
