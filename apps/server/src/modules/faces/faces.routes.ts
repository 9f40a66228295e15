import { z } from 'zod';
import {
  AssignUnknownGroupRequest,
  AssignUnknownGroupResponse,
  BiometricEraseResult,
  DismissUnknownGroupResponse,
  EnrolResponse,
  EnrolSource,
  FaceEngineInfo,
  FaceReviewRequest,
  FaceReviewResponse,
  FaceSampleList,
  PendingFaceSampleList,
  FaceStatusResponse,
  PathId,
  OkBody,
  ReembedResponse,
  UnknownFaceGroupList,
} from '@hadir/contracts';
import type { FaceBox } from '@hadir/vision';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/app.js';
import { AppError, badRequest, payloadTooLarge } from '../../platform/http/errors.js';
import { authOf, orgOf } from '../auth/index.js';
import type { FaceEngineService } from './face-engine.service.js';
import type { FaceReviewService } from './face-review.service.js';
import {
  MAX_PHOTO_BYTES,
  MAX_PHOTOS_PER_UPLOAD,
  type FacesService,
  type UploadedPhoto,
} from './faces.service.js';
import type { UnknownFacesService } from './unknown-faces.service.js';

const EmployeeParams = z.object({ id: PathId });
const SampleParams = z.object({ id: PathId, sampleId: PathId });
const ClusterParams = z.object({ clusterId: PathId });

/**
 * Reads every file part into memory (bounded: 10 photos × 15 MiB) and the optional `source` field
 * ('upload' | 'camera' | 'mobile', default 'upload'); other fields are ignored.
 */
async function readEnrolUpload(req: FastifyRequest): Promise<{
  photos: UploadedPhoto[];
  source: EnrolSource;
  allowDuplicate: boolean;
  faceBox: FaceBox | null;
}> {
  if (!req.isMultipart()) {
    throw new AppError(415, 'multipart_required', 'Send the photos as multipart/form-data file fields.');
  }
  const photos: UploadedPhoto[] = [];
  let source: EnrolSource = 'upload';
  let allowDuplicate = false;
  let faceBox: FaceBox | null = null;
  try {
    for await (const part of req.parts({
      limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS_PER_UPLOAD, fields: 10, parts: 30 },
    })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        photos.push({ fileName: part.filename || null, bytes });
      } else if (part.fieldname === 'source') {
        const parsed = EnrolSource.safeParse(part.value);
        if (!parsed.success) {
          throw badRequest('invalid_source', "The field source must be 'upload', 'camera' or 'mobile'.");
        }
        source = parsed.data;
      } else if (part.fieldname === 'allowDuplicate') {
        if (part.value !== 'true' && part.value !== 'false') {
          throw badRequest('invalid_allow_duplicate', "The field allowDuplicate must be 'true' or 'false'.");
        }
        allowDuplicate = part.value === 'true';
      } else if (part.fieldname === 'faceBox') {
        faceBox = parseFaceBox(part.value);
      }
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw payloadTooLarge(`A photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MiB.`);
    }
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
      throw payloadTooLarge(`At most ${MAX_PHOTOS_PER_UPLOAD} photos per upload.`);
    }
    if (
      code === 'FST_MP_PREMATURE_CLOSE' ||
      (error instanceof Error && /multipart|boundary/i.test(error.message))
    ) {
      throw badRequest('invalid_upload', 'The upload is not valid multipart/form-data.');
    }
    throw error;
  }
  return { photos, source, allowDuplicate, faceBox };
}

/** The field faceBox: "x,y,width,height" in photo pixels, as a several_faces answer gave it. */
function parseFaceBox(value: unknown): FaceBox {
  const parts = typeof value === 'string' ? value.split(',').map((v) => Number(v.trim())) : [];
  const [x, y, width, height] = parts;
  if (
    parts.length !== 4 ||
    !parts.every(Number.isFinite) ||
    x! < 0 ||
    y! < 0 ||
    width! <= 0 ||
    height! <= 0
  ) {
    throw badRequest(
      'invalid_face_box',
      'The field faceBox must be "x,y,width,height" in photo pixels (a box from the several_faces answer).',
    );
  }
  return { x: x!, y: y!, width: width!, height: height! };
}

export function registerFaceRoutes(
  app: HttpApp,
  engine: FaceEngineService,
  faces: FacesService,
  unknown: UnknownFacesService,
  review: FaceReviewService,
): void {
  app.get(
    '/api/faces/engine',
    {
      config: { auth: 'org' },
      schema: {
        tags: ['faces'],
        summary: 'The active face model pack, why it was chosen, and the other packs',
        response: { 200: FaceEngineInfo },
      },
    },
    async () => engine.info(),
  );

  app.get(
    '/api/faces/status',
    {
      config: { auth: 'member:face:view' },
      schema: {
        tags: ['faces'],
        summary: 'Per employee: samples for the active pack and who needs re-enrolment',
        response: { 200: FaceStatusResponse },
      },
    },
    async (req) => faces.status(orgOf(req)),
  );

  app.post(
    '/api/faces/reembed',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags: ['faces'],
        summary: 'Re-embed kept face crops with the active pack (background job)',
        response: { 202: ReembedResponse },
      },
    },
    async (req, reply) => reply.code(202).send(await faces.requestReembed(authOf(req), orgOf(req))),
  );

  app.post(
    '/api/employees/:id/faces',
    {
      // member:face:register for anyone, face:own:register for one's own record: checked in the service.
      config: { auth: 'org', limit: 'upload' },
      schema: {
        tags: ['faces'],
        summary:
          "Enrol face photos (multipart, JPEG/PNG/WebP, up to 10; optional fields source: 'upload' | 'camera' | 'mobile', allowDuplicate: 'true' and faceBox: 'x,y,width,height'); the photos themselves are not kept. A photo with several faces answers several_faces with the faces to choose from; send it again alone with the chosen faceBox. Self-enrolment is stored pending review; a face matching another employee is a 409 face_matches_other_employee unless allowDuplicate",
        consumes: ['multipart/form-data'],
        params: EmployeeParams,
        response: { 200: EnrolResponse },
      },
    },
    async (req) => {
      const auth = authOf(req);
      await faces.authorizeEnrol(auth, orgOf(req), req.params.id);
      const { photos, source, allowDuplicate, faceBox } = await readEnrolUpload(req);
      return faces.enrol(auth, orgOf(req), req.params.id, photos, source, allowDuplicate, faceBox);
    },
  );

  app.get(
    '/api/employees/:id/faces',
    {
      config: { auth: 'org' },
      schema: {
        tags: ['faces'],
        summary: "A person's enrolled face samples (never the embeddings)",
        params: EmployeeParams,
        response: { 200: FaceSampleList },
      },
    },
    async (req) => faces.list(authOf(req), orgOf(req), req.params.id),
  );

  app.get(
    '/api/employees/:id/faces/:sampleId/thumbnail',
    {
      config: { auth: 'org' },
      schema: {
        tags: ['faces'],
        summary: 'The aligned 112×112 face crop of a sample (JPEG), when crops are kept',
        params: SampleParams,
      },
    },
    async (req, reply) => {
      const jpeg = await faces.thumbnail(authOf(req), orgOf(req), req.params.id, req.params.sampleId);
      return reply.type('image/jpeg').header('cache-control', 'private, no-store').send(jpeg);
    },
  );

  app.delete(
    '/api/employees/:id/faces/:sampleId',
    {
      config: { auth: 'org' },
      schema: {
        tags: ['faces'],
        summary: 'Delete one face sample',
        params: SampleParams,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await faces.deleteSample(authOf(req), orgOf(req), req.params.id, req.params.sampleId);
      return { ok: true as const };
    },
  );

  app.delete(
    '/api/employees/:id/faces',
    {
      config: { auth: 'org' },
      schema: {
        tags: ['faces'],
        summary: 'Erase all biometric data of a person: samples, assigned unknown faces, snapshots',
        params: EmployeeParams,
        response: { 200: BiometricEraseResult },
      },
    },
    async (req) => faces.eraseAll(authOf(req), orgOf(req), req.params.id),
  );

  app.get(
    '/api/face-reviews',
    {
      config: { auth: 'member:face:review' },
      schema: {
        tags: ['faces'],
        summary: 'Self-enrolled face samples waiting for review (not matched until approved)',
        response: { 200: PendingFaceSampleList },
      },
    },
    async (req) => review.pending(authOf(req), orgOf(req)),
  );

  app.post(
    '/api/employees/:id/faces/:sampleId/review',
    {
      config: { auth: 'member:face:review' },
      schema: {
        tags: ['faces'],
        summary: 'Approve (matched from now on) or reject (deleted) a self-enrolled face sample',
        params: SampleParams,
        body: FaceReviewRequest,
        response: { 200: FaceReviewResponse },
      },
    },
    async (req) =>
      review.review(authOf(req), orgOf(req), req.params.id, req.params.sampleId, req.body.decision),
  );

  app.get(
    '/api/unknown-faces/groups',
    {
      config: { auth: 'member:face:view' },
      schema: {
        tags: ['faces'],
        summary: 'Groups of similar faces the cameras could not match',
        response: { 200: UnknownFaceGroupList },
      },
    },
    async (req) => ({ items: await unknown.groups(orgOf(req)) }),
  );

  app.post(
    '/api/unknown-faces/groups/:clusterId/assign',
    {
      config: { auth: 'member:face:register' },
      schema: {
        tags: ['faces'],
        summary: "Make a group's faces enrolment samples of an employee",
        params: ClusterParams,
        body: AssignUnknownGroupRequest,
        response: { 200: AssignUnknownGroupResponse },
      },
    },
    async (req) => unknown.assign(authOf(req), orgOf(req), req.params.clusterId, req.body.employeeId),
  );

  app.post(
    '/api/unknown-faces/groups/:clusterId/dismiss',
    {
      config: { auth: 'member:face:register' },
      schema: {
        tags: ['faces'],
        summary: 'Dismiss a group (not an employee); it is deleted with its snapshots by retention',
        params: ClusterParams,
        response: { 200: DismissUnknownGroupResponse },
      },
    },
    async (req) => unknown.dismiss(authOf(req), orgOf(req), req.params.clusterId),
  );
}
