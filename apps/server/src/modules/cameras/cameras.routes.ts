import { z } from 'zod';
import {
  CameraCreate,
  CameraIdSchema,
  CameraTestSourceRequest,
  CameraTestSourceResponse,
  CameraUpdate,
  CameraView,
  OkBody,
  type CameraProbeResult,
} from '@hadir/contracts';
import type { HttpApp } from '../../platform/http/app.js';
import { badRequest } from '../../platform/http/errors.js';
import { OutboundRefused } from '../../platform/net/outbound-policy.js';
import { authOf, orgOf } from '../auth/index.js';
import type { CameraRegistry } from './cameras.service.js';
import { streamWarnings } from './stream-warnings.js';

/** Tests a source URL before it is saved (ffmpeg opens it and decodes one frame). */
export type ProbeCameraSource = (
  source: string,
  opts: { rtspTransport?: 'tcp' | 'udp'; timeoutMs: number; preview?: boolean },
) => Promise<CameraProbeResult & { previewJpeg?: Uint8Array | null }>;

const Params = z.object({ id: CameraIdSchema });

export function registerCameraRoutes(app: HttpApp, cameras: CameraRegistry, probe: ProbeCameraSource): void {
  app.get(
    '/api/cameras',
    {
      config: { auth: 'camera:view' },
      schema: {
        tags: ['cameras'],
        summary: 'Cameras with their health',
        response: { 200: z.array(CameraView) },
      },
    },
    async (req) => cameras.listViews(orgOf(req)),
  );
  app.get(
    '/api/cameras/:id',
    {
      config: { auth: 'camera:view' },
      schema: { tags: ['cameras'], summary: 'One camera', params: Params, response: { 200: CameraView } },
    },
    async (req) => cameras.view(orgOf(req), req.params.id),
  );
  app.post(
    '/api/cameras',
    {
      config: { auth: 'camera:manage' },
      schema: {
        tags: ['cameras'],
        summary:
          'Add a camera (writes camera_config/<organization id>/<id>/config.json; it starts without a restart)',
        body: CameraCreate,
        response: { 201: CameraView },
      },
    },
    async (req, reply) => reply.code(201).send(await cameras.create(authOf(req), orgOf(req), req.body)),
  );
  app.patch(
    '/api/cameras/:id',
    {
      config: { auth: 'camera:manage' },
      schema: {
        tags: ['cameras'],
        summary: 'Change a camera (rewrites its config file; the camera restarts)',
        params: Params,
        body: CameraUpdate,
        response: { 200: CameraView },
      },
    },
    async (req) => cameras.update(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/cameras/:id',
    {
      config: { auth: 'camera:manage' },
      schema: {
        tags: ['cameras'],
        summary: 'Remove a camera (deletes its config file; the camera stops)',
        params: Params,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await cameras.remove(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/cameras/test-source',
    {
      config: { auth: 'camera:manage' },
      schema: {
        tags: ['cameras'],
        summary:
          'Open a source URL and decode one frame, before saving it: size, codec, fps, the frame as a JPEG preview (not stored) and warnings when the stream is below what recognition needs',
        body: CameraTestSourceRequest,
        response: { 200: CameraTestSourceResponse },
      },
    },
    async (req) => {
      // The outbound-target policy first: a refused source is a 400 and ffmpeg never runs.
      let input: string;
      try {
        input = await cameras.checkSource(orgOf(req), req.body.source);
      } catch (error) {
        if (!(error instanceof OutboundRefused)) throw error;
        const issue = `source: ${error.message}`;
        throw badRequest('invalid_camera_source', issue, { issues: [issue] });
      }
      const result = await probe(input, {
        ...(req.body.rtspTransport ? { rtspTransport: req.body.rtspTransport } : {}),
        timeoutMs: 15_000,
        preview: true,
      });
      if (!result.ok) return { ok: false as const, error: result.error, elapsedMs: result.elapsedMs };
      const { width, height, codec, fps, elapsedMs, previewJpeg } = result;
      return {
        ok: true as const,
        width,
        height,
        codec,
        fps,
        elapsedMs,
        previewJpeg: previewJpeg
          ? `data:image/jpeg;base64,${Buffer.from(previewJpeg).toString('base64')}`
          : null,
        warnings: streamWarnings({ width, height, fps }),
      };
    },
  );
  app.get(
    '/api/cameras/:id/snapshot.jpg',
    {
      config: { auth: 'camera:view' },
      schema: { tags: ['cameras'], summary: 'Latest frame of the camera as a small JPEG', params: Params },
    },
    async (req, reply) => {
      const jpeg = await cameras.thumbnailOf(orgOf(req), req.params.id);
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(jpeg);
    },
  );
}
