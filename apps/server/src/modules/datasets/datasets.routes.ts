import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  DatasetCount,
  DatasetExtractQueued,
  DatasetExtractRequest,
  DatasetFaceList,
  DatasetFacesDelete,
  DatasetFacesMove,
  DatasetModel,
  DatasetModelList,
  DatasetPerson,
  DatasetPersonIgnore,
  DatasetPersonList,
  DatasetPersonsMerge,
  DatasetVersion,
  DatasetVersionCreate,
  DatasetVersionList,
  ModelActivate,
  ModelApplyRequest,
  ModelApplyResult,
  ModelManifest,
  PathId,
  PersonEmployeeCreate,
  PersonEmployeeCreated,
  PersonEnrolRequest,
  PersonEnrolResult,
  TrainRequest,
} from '@hadir/contracts';
import { headToOnnx } from '@hadir/vision';
import type { HttpApp } from '../../platform/http/app.js';
import { notFound } from '../../platform/http/errors.js';
import { authOf, orgOf } from '../auth/index.js';
import type { DatasetApplyService } from './dataset-apply.service.js';
import type { DatasetEnrolService } from './dataset-enrol.service.js';
import type { DatasetExtractService } from './dataset-extract.service.js';
import type { DatasetModelsService } from './dataset-models.service.js';
import type { DatasetReviewService } from './dataset-review.service.js';
import type { DatasetVersionsService } from './dataset-versions.service.js';

const Params = z.object({ id: PathId });
const ImageQuery = z.object({ kind: z.enum(['crop', 'context']).default('crop') });

/** Face crops are biometric data: reading them needs video:view, every change and export video:manage. */
export function registerDatasetRoutes(
  app: HttpApp,
  extract: DatasetExtractService,
  review: DatasetReviewService,
  versions: DatasetVersionsService,
  models: DatasetModelsService,
  enrol: DatasetEnrolService,
  applier: DatasetApplyService,
): void {
  const tags = ['datasets'];
  app.post(
    '/api/datasets/extract',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: "Cut a processed video's faces into the dataset (a job; progress on the WebSocket)",
        body: DatasetExtractRequest,
        response: { 200: DatasetExtractQueued },
      },
    },
    async (req) => extract.request(authOf(req), orgOf(req), req.body),
  );
  app.get(
    '/api/datasets/persons',
    {
      config: { auth: 'video:view' },
      schema: { tags, summary: 'Persons with their crop counts', response: { 200: DatasetPersonList } },
    },
    async (req) => ({ items: await review.listPersons(orgOf(req)) }),
  );
  app.get(
    '/api/datasets/persons/:id/faces',
    {
      config: { auth: 'video:view' },
      schema: {
        tags,
        summary: "A person's crops, best first",
        params: Params,
        response: { 200: DatasetFaceList },
      },
    },
    async (req) => review.listFaces(orgOf(req), req.params.id),
  );
  app.patch(
    '/api/datasets/persons/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: 'Mark a person "ignore" (left out of new versions) or not',
        params: Params,
        body: DatasetPersonIgnore,
        response: { 200: DatasetPerson },
      },
    },
    async (req) => review.setIgnored(authOf(req), orgOf(req), req.params.id, req.body.ignored),
  );
  app.post(
    '/api/datasets/persons/merge',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: 'Merge two persons (crops and appearances move to the one that stays)',
        body: DatasetPersonsMerge,
        response: { 200: DatasetPerson },
      },
    },
    async (req) => review.mergePersons(authOf(req), orgOf(req), req.body.personId, req.body.intoId),
  );
  app.get(
    '/api/datasets/faces/:id/image',
    {
      config: { auth: 'video:view' },
      schema: {
        tags,
        summary: 'A crop (128×128 JPEG) or its context image',
        params: Params,
        querystring: ImageQuery,
      },
    },
    async (req, reply) => {
      const file = await review.facePath(orgOf(req), req.params.id, req.query.kind);
      const bytes = await readFile(file).catch(() => {
        throw notFound('Face image');
      });
      return reply
        .type('image/jpeg')
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );
  app.post(
    '/api/datasets/faces/delete',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: 'Remove crops (rows and files)',
        body: DatasetFacesDelete,
        response: { 200: DatasetCount },
      },
    },
    async (req) => ({ count: await review.deleteFaces(authOf(req), orgOf(req), req.body.faceIds) }),
  );
  app.post(
    '/api/datasets/faces/move',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: 'Move crops to another person',
        body: DatasetFacesMove,
        response: { 200: DatasetCount },
      },
    },
    async (req) => ({
      count: await review.moveFaces(authOf(req), orgOf(req), req.body.faceIds, req.body.personId),
    }),
  );

  app.get(
    '/api/dataset-versions',
    {
      config: { auth: 'video:view' },
      schema: { tags, summary: 'Dataset versions, newest first', response: { 200: DatasetVersionList } },
    },
    async (req) => ({ items: await versions.list(orgOf(req)) }),
  );
  app.post(
    '/api/dataset-versions',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: 'Snapshot the reviewed crops as an immutable version (split, content hash)',
        body: DatasetVersionCreate,
        response: { 200: DatasetVersion },
      },
    },
    async (req) => versions.create(authOf(req), orgOf(req), req.body),
  );
  app.get(
    '/api/dataset-versions/:id',
    {
      config: { auth: 'video:view' },
      schema: { tags, summary: 'A dataset version', params: Params, response: { 200: DatasetVersion } },
    },
    async (req) => versions.get(orgOf(req), req.params.id),
  );
  app.get(
    '/api/dataset-versions/:id/export',
    {
      config: { auth: 'video:manage', limit: 'query' },
      schema: {
        tags,
        summary:
          'The version as a zip for Ultralytics YOLO (classify/, detect/ with data.yaml, manifest.csv)',
        params: Params,
      },
    },
    async (req, reply) => {
      const z = await versions.exportZip(authOf(req), orgOf(req), req.params.id);
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${z.fileName}"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(z.bytes.buffer, z.bytes.byteOffset, z.bytes.byteLength));
    },
  );

  app.get(
    '/api/dataset-models',
    {
      config: { auth: 'video:view' },
      schema: { tags, summary: 'Trained models, newest first', response: { 200: DatasetModelList } },
    },
    async (req) => ({ items: await models.list(orgOf(req)) }),
  );
  app.post(
    '/api/dataset-models',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: 'Train a model on a dataset version (a job; epochs on the WebSocket)',
        body: TrainRequest,
        response: { 200: DatasetModel },
      },
    },
    async (req) => models.train(authOf(req), orgOf(req), req.body),
  );
  app.post(
    '/api/dataset-models/import',
    {
      config: { auth: 'video:manage' },
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Import a model exported by another Hadir',
        body: ModelManifest,
        response: { 200: DatasetModel },
      },
    },
    async (req) => models.import(authOf(req), orgOf(req), req.body),
  );
  app.get(
    '/api/dataset-models/:id',
    {
      config: { auth: 'video:view' },
      schema: {
        tags,
        summary: 'A model with its curves and metrics',
        params: Params,
        response: { 200: DatasetModel },
      },
    },
    async (req) => models.get(orgOf(req), req.params.id),
  );
  app.post(
    '/api/dataset-models/:id/cancel',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: 'Cancel a queued or running training',
        params: Params,
        response: { 200: DatasetModel },
      },
    },
    async (req) => models.cancel(authOf(req), orgOf(req), req.params.id),
  );
  app.post(
    '/api/dataset-models/:id/activate',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary: 'Activate (or not) for the video library and/or live cameras',
        params: Params,
        body: ModelActivate,
        response: { 200: DatasetModel },
      },
    },
    async (req) => models.activate(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/dataset-models/:id/export',
    {
      config: { auth: 'video:manage', limit: 'query' },
      schema: {
        tags,
        summary: 'The model as a JSON manifest (classes, threshold, weights)',
        params: Params,
        response: { 200: ModelManifest },
      },
    },
    async (req, reply) => {
      const man = await models.exportManifest(authOf(req), orgOf(req), req.params.id);
      void reply.header('content-disposition', `attachment; filename="hadir-model-${req.params.id}.json"`);
      return man;
    },
  );
  app.get(
    '/api/dataset-models/:id/export.onnx',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary:
          'The head as an ONNX graph (input embedding [batch, dim]; outputs centroid_similarity and, for logistic/MLP, probabilities); classes and threshold are in the JSON manifest',
        params: Params,
      },
    },
    async (req, reply) => {
      const man = await models.exportManifest(authOf(req), orgOf(req), req.params.id);
      const onnx = headToOnnx(man.method, man.weights);
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="hadir-model-${req.params.id}.onnx"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(onnx.buffer, onnx.byteOffset, onnx.byteLength));
    },
  );
  app.post(
    '/api/video-persons/:id/enrol',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary:
          "Enrol a linked person's reviewed crops for their employee through the normal enrolment path (quality gate; 409 face_matches_other_employee unless allowDuplicate)",
        params: Params,
        body: PersonEnrolRequest,
        response: { 200: PersonEnrolResult },
      },
    },
    async (req) => enrol.enrolFromPerson(authOf(req), orgOf(req), req.params.id, req.body.allowDuplicate),
  );
  app.post(
    '/api/video-persons/:id/employee',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary:
          'Create an employee from a person (also needs member:manage), link them and enrol the person’s reviewed crops',
        params: Params,
        body: PersonEmployeeCreate,
        response: { 200: PersonEmployeeCreated },
      },
    },
    async (req) => enrol.createEmployee(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/videos/:id/apply-model',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags,
        summary:
          "Name a video's persons with the active library model (or the given one); optionally record `video` attendance events at the video's recording time",
        params: Params,
        body: ModelApplyRequest,
        response: { 200: ModelApplyResult },
      },
    },
    async (req) => applier.apply(authOf(req), orgOf(req), req.params.id, req.body),
  );
}
