import { z } from 'zod';
import {
  EdgeConfigSchema,
  EdgeCreateSchema,
  EdgeEnrolCodeSchema,
  EdgeEnrolSchema,
  EdgeEnrolledSchema,
  EdgeIngestBatchSchema,
  EdgeIngestResultSchema,
  EdgeListSchema,
  EdgeViewSchema,
  PathId,
} from '@hadir/contracts';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import type { EdgeConfigService } from './edge-config.service.js';
import type { EdgeIngestService } from './edge-ingest.service.js';
import type { EdgesService } from './edges.service.js';

const tags = ['edges'];
/** A batch of 1,000 items with snapshots (a face crop and a frame each, base64). */
const INGEST_BODY_LIMIT = 64 * 1024 * 1024;
/** Sign-in-like limit on the one public edge route: codes are not for guessing. */
const ENROL_RATE_LIMIT = { max: 20, timeWindow: 60_000 };

export interface EdgeServices {
  edges: EdgesService;
  config: EdgeConfigService;
  ingest: EdgeIngestService;
}

export function registerEdgeRoutes(app: HttpApp, s: EdgeServices): void {
  const edgeOfRequest = (req: FastifyRequest) => s.edges.ofAuth(authOf(req));

  app.get(
    '/api/edges',
    {
      config: { auth: 'camera:view' },
      schema: {
        tags,
        summary: 'Edge boxes of the organization, with status',
        response: { 200: EdgeListSchema },
      },
    },
    async (req) => s.edges.list(orgOf(req)),
  );
  app.post(
    '/api/edges',
    {
      config: { auth: 'camera:manage' },
      schema: {
        tags,
        summary: 'Create an edge box; the one-time enrol code is shown once',
        body: EdgeCreateSchema,
        response: { 201: EdgeEnrolCodeSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await s.edges.create(authOf(req), orgOf(req), req.body)),
  );
  app.post(
    '/api/edges/:id/enrol-code',
    {
      config: { auth: 'camera:manage' },
      schema: {
        tags,
        summary: 'A fresh one-time enrol code (the box enrols again; its old credential stops working)',
        params: z.object({ id: PathId }),
        response: { 200: EdgeEnrolCodeSchema },
      },
    },
    async (req) => s.edges.newCode(authOf(req), orgOf(req), req.params.id),
  );
  app.post(
    '/api/edges/:id/revoke',
    {
      config: { auth: 'camera:manage' },
      schema: {
        tags,
        summary: 'Revoke an edge box: its credential is refused from the next call on',
        params: z.object({ id: PathId }),
        response: { 200: EdgeViewSchema },
      },
    },
    async (req) => s.edges.revoke(authOf(req), orgOf(req), req.params.id),
  );

  app.post(
    '/api/edge/enrol',
    {
      config: { auth: 'public', skipCsrf: true, rateLimit: ENROL_RATE_LIMIT },
      schema: {
        tags,
        summary: 'An edge box trades its one-time code for its device credential (shown once)',
        body: EdgeEnrolSchema,
        response: { 201: EdgeEnrolledSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await s.edges.enrol(req.body)),
  );
  app.get(
    '/api/edge/config',
    {
      // Every box asks every few seconds: request lines only for warnings and errors.
      logLevel: 'warn',
      config: { auth: 'edge' },
      schema: {
        tags,
        summary: 'The edge’s cameras and gallery; 304 while If-None-Match names the current version',
        response: { 200: EdgeConfigSchema, 304: z.null() },
      },
    },
    async (req, reply) => {
      const edge = await edgeOfRequest(req);
      const config = await s.config.configFor(edge);
      const etag = `"${config.version}"`;
      void reply.header('etag', etag);
      if (req.headers['if-none-match'] === etag) return reply.code(304).send(null);
      return config;
    },
  );
  app.post(
    '/api/edge/ingest',
    {
      bodyLimit: INGEST_BODY_LIMIT,
      logLevel: 'warn',
      config: { auth: 'edge' },
      schema: {
        tags,
        summary: 'Sightings, unknown faces and camera health from the edge’s queue (idempotent per seq)',
        body: EdgeIngestBatchSchema,
        response: { 200: EdgeIngestResultSchema },
      },
    },
    async (req) => s.ingest.ingest(await edgeOfRequest(req), req.body),
  );
}
