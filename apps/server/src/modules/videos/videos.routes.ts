import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import {
  OkBody,
  PathId,
  VideoCollection,
  VideoCollectionCreate,
  VideoCollectionList,
  VideoCollectionPatch,
  VideoDetail,
  VideoLimits,
  VideoList,
  VideoPatch,
  VideoPersonMerge,
  VideoPersonPatch,
  VideoPersonSearchQuery,
  VideoPersonSearchResult,
  VideoPersonSplit,
  VideoPersonSummary,
  VideoSummary,
  VideoUploadChunkQuery,
  VideoUploadCreate,
  VideoUploadResponse,
  VideoUploadSession,
} from '@hadir/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/app.js';
import { AppError, badRequest, notFound } from '../../platform/http/errors.js';
import { authOf, orgOf } from '../auth/index.js';
import type { VideoCollectionsService } from './video-collections.service.js';
import type { VideoPersonsService } from './video-persons.service.js';
import type { VideoProcessingService } from './video-processing.service.js';
import type { VideoUploadsService } from './video-uploads.service.js';
import { UploadRejected, type VideosService } from './videos.service.js';

const Params = z.object({ id: PathId });
const ListQuery = z.object({ collectionId: PathId.optional() });
const MAX_FILES_PER_UPLOAD = 20;

/** Sends a file with HTTP Range support (206 partial content), as <video> needs for seeking. */
async function sendRanged(
  req: FastifyRequest,
  reply: FastifyReply,
  file: string,
  type: string,
): Promise<FastifyReply> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw notFound('Video file');
  }
  reply
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .type(type);
  const range = req.headers.range;
  if (!range) return reply.header('content-length', size).send(createReadStream(file));
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start = m?.[1] ? Number(m[1]) : NaN;
  let end = m?.[2] ? Number(m[2]) : size - 1;
  if (m && !m[1] && m[2]) {
    start = Math.max(0, size - Number(m[2])); // suffix range: the last N bytes
    end = size - 1;
  }
  if (!m || !Number.isFinite(start) || start >= size || end < start) {
    return reply.code(416).header('content-range', `bytes */${size}`).send();
  }
  end = Math.min(end, size - 1);
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .header('content-length', end - start + 1)
    .send(createReadStream(file, { start, end }));
}

export function registerVideoRoutes(
  app: HttpApp,
  videos: VideosService,
  processing: VideoProcessingService,
  collections: VideoCollectionsService,
  persons: VideoPersonsService,
  uploads: VideoUploadsService,
): void {
  // Chunks of a resumable upload arrive as raw bytes (tus's media type); the service streams them to disk.
  app.addContentTypeParser('application/offset+octet-stream', (_req, payload, done) => done(null, payload));

  app.post(
    '/api/videos/uploads',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Start a resumable upload (then PUT chunks, then complete)',
        body: VideoUploadCreate,
        response: { 200: VideoUploadSession },
      },
    },
    async (req) => uploads.create(orgOf(req), req.body),
  );
  app.get(
    '/api/videos/uploads/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Where a resumable upload stands (the offset to resume from)',
        params: Params,
        response: { 200: VideoUploadSession },
      },
    },
    async (req) => uploads.status(orgOf(req), req.params.id),
  );
  app.put(
    '/api/videos/uploads/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Append one chunk (application/offset+octet-stream) at ?offset=',
        params: Params,
        querystring: VideoUploadChunkQuery,
        response: { 200: VideoUploadSession },
      },
    },
    async (req) => {
      if (req.headers['content-type'] !== 'application/offset+octet-stream')
        throw new AppError(415, 'chunk_type', 'Send a chunk as application/offset+octet-stream.');
      return uploads.append(orgOf(req), req.params.id, req.query.offset, req.body as Readable);
    },
  );
  app.post(
    '/api/videos/uploads/:id/complete',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Finish a resumable upload: check the file and add it to the library',
        params: Params,
        response: { 200: VideoSummary },
      },
    },
    async (req) => uploads.complete(authOf(req), orgOf(req), req.params.id),
  );
  app.delete(
    '/api/videos/uploads/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Abort a resumable upload',
        params: Params,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await uploads.abort(orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/videos/limits',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Upload limits, shown before an upload',
        response: { 200: VideoLimits },
      },
    },
    async () => videos.limits(),
  );

  app.post(
    '/api/videos',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Upload videos (multipart: one or more `file` parts, optional `collectionId` field first)',
        consumes: ['multipart/form-data'],
        response: { 200: VideoUploadResponse },
      },
    },
    async (req) => {
      if (!req.isMultipart())
        throw new AppError(415, 'multipart_required', 'Send the videos as multipart/form-data file fields.');
      const org = orgOf(req);
      const auth = authOf(req);
      const maxBytes = (await videos.limits()).maxBytes;
      let collectionId: string | null = null;
      const accepted: z.infer<typeof VideoSummary>[] = [];
      const rejected: z.infer<typeof VideoUploadResponse>['rejected'] = [];
      // A file over the limit is cut (part.file.truncated) rather than thrown, so it is reported as rejected.
      const partsOptions = {
        throwFileSizeLimit: false,
        limits: { fileSize: maxBytes, files: MAX_FILES_PER_UPLOAD, fields: 5, parts: 30 },
      };
      for await (const part of req.parts(partsOptions)) {
        if (part.type === 'field') {
          if (part.fieldname === 'collectionId' && typeof part.value === 'string' && part.value !== '') {
            const parsed = PathId.safeParse(part.value);
            if (!parsed.success) throw badRequest('invalid_collection', 'collectionId is not a valid id.');
            collectionId = parsed.data;
          }
          continue;
        }
        const fileName = (part.filename || 'video').replace(/\p{Cc}/gu, '').slice(0, 255);
        try {
          accepted.push(await videos.acceptUpload(auth, org, { fileName, stream: part.file }, collectionId));
        } catch (e) {
          if (e instanceof UploadRejected) rejected.push({ fileName, code: e.code, message: e.message });
          else if (e instanceof AppError) throw e;
          else throw e;
        }
      }
      if (accepted.length === 0 && rejected.length === 0)
        throw badRequest('no_file', 'Attach at least one video file.');
      if (accepted.length === 0) {
        const first = rejected[0]!;
        throw new AppError(
          first.code === 'too_large' ? 413 : 400,
          first.code,
          `${first.fileName}: ${first.message}`,
          { rejected },
        );
      }
      return { videos: accepted, rejected };
    },
  );

  app.get(
    '/api/videos',
    {
      config: { auth: 'video:view', limit: 'query' },
      schema: {
        tags: ['videos'],
        summary: 'The video library',
        querystring: ListQuery,
        response: { 200: VideoList },
      },
    },
    async (req) => ({ items: await videos.list(orgOf(req), req.query.collectionId) }),
  );

  app.get(
    '/api/videos/:id',
    {
      config: { auth: 'video:view' },
      schema: {
        tags: ['videos'],
        summary: 'A video with its people and their ranges',
        params: Params,
        response: { 200: VideoDetail },
      },
    },
    async (req) => videos.detail(orgOf(req), req.params.id),
  );

  app.patch(
    '/api/videos/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Rename or move a video',
        params: Params,
        body: VideoPatch,
        response: { 200: VideoSummary },
      },
    },
    async (req) => videos.patch(authOf(req), orgOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/videos/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Delete a video, its files and everything derived',
        params: Params,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await videos.remove(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/videos/:id/cancel',
    {
      config: { auth: 'video:manage' },
      schema: { tags: ['videos'], summary: 'Cancel processing', params: Params, response: { 200: OkBody } },
    },
    async (req) => {
      await processing.cancel(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/videos/:id/reprocess',
    {
      config: { auth: 'video:manage' },
      schema: { tags: ['videos'], summary: 'Process again', params: Params, response: { 200: OkBody } },
    },
    async (req) => {
      await processing.reprocess(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/videos/:id/media',
    {
      config: { auth: 'video:view' },
      schema: { tags: ['videos'], summary: 'The browser-playable video (MP4, HTTP Range)', params: Params },
    },
    async (req, reply) =>
      sendRanged(req, reply, await videos.mediaPath(orgOf(req), req.params.id), 'video/mp4'),
  );

  app.get(
    '/api/videos/:id/poster',
    {
      config: { auth: 'video:view' },
      schema: { tags: ['videos'], summary: 'Poster thumbnail (JPEG)', params: Params },
    },
    async (req, reply) =>
      sendRanged(req, reply, await videos.posterPath(orgOf(req), req.params.id), 'image/jpeg'),
  );

  app.get(
    '/api/video-collections',
    {
      config: { auth: 'video:view' },
      schema: { tags: ['videos'], summary: 'Collections', response: { 200: VideoCollectionList } },
    },
    async (req) => ({ items: await collections.list(orgOf(req)) }),
  );
  app.post(
    '/api/video-collections',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Create a collection',
        body: VideoCollectionCreate,
        response: { 200: VideoCollection },
      },
    },
    async (req) => collections.create(authOf(req), orgOf(req), req.body),
  );
  app.patch(
    '/api/video-collections/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Rename, move or set retention',
        params: Params,
        body: VideoCollectionPatch,
        response: { 200: VideoCollection },
      },
    },
    async (req) => collections.update(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/video-collections/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Delete a collection (its videos stay)',
        params: Params,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await collections.remove(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/video-persons',
    {
      config: { auth: 'video:view', limit: 'query' },
      schema: {
        tags: ['videos'],
        summary: 'Every video and range where a person appears',
        querystring: VideoPersonSearchQuery,
        response: { 200: VideoPersonSearchResult },
      },
    },
    async (req) => ({ items: await persons.search(orgOf(req), req.query.q) }),
  );
  app.patch(
    '/api/video-persons/:id',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Rename, link to an employee, ignore',
        params: Params,
        body: VideoPersonPatch,
        response: { 200: VideoPersonSummary },
      },
    },
    async (req) => persons.update(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/video-persons/:id/merge',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: 'Merge this person into another',
        params: Params,
        body: VideoPersonMerge,
        response: { 200: VideoPersonSummary },
      },
    },
    async (req) => persons.merge(authOf(req), orgOf(req), req.params.id, req.body.intoId),
  );
  app.post(
    '/api/video-persons/:id/split',
    {
      config: { auth: 'video:manage' },
      schema: {
        tags: ['videos'],
        summary: "Split a wrong merge: this person's ranges in one video become a new person",
        params: Params,
        body: VideoPersonSplit,
        response: { 200: VideoPersonSummary },
      },
    },
    async (req) => persons.split(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/video-persons/:id/thumbnail',
    {
      config: { auth: 'video:view' },
      schema: { tags: ['videos'], summary: 'Person thumbnail (JPEG)', params: Params },
    },
    async (req, reply) =>
      sendRanged(req, reply, await persons.thumbnailPath(orgOf(req), req.params.id), 'image/jpeg'),
  );
}
