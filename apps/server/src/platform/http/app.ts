import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../logging/logger.js';
import type { AuthContext, RouteAuth } from './auth-context.js';
import { AppError } from './errors.js';
import { httpMetrics, type Metrics } from './metrics.js';

export interface RouteInfo {
  method: string;
  url: string;
  auth: RouteAuth;
  sessionOnly: boolean;
}

export interface BuildAppOptions {
  logger: Logger;
  metrics: Metrics;
  /** Resolves the caller from cookie or bearer token; null when anonymous. */
  authenticate: (request: FastifyRequest) => Promise<AuthContext | null>;
  webDir?: string | null;
  maxUploadBytes?: number;
  version: string;
  /** Proxies whose X-Forwarded-For is believed; none by default (a client could forge the header). */
  trustedProxies?: string[];
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildHttpApp(opts: BuildAppOptions) {
  // Typed as Fastify's base logger so the instance keeps Fastify's default generics.
  const loggerInstance: FastifyBaseLogger = opts.logger;
  const app = Fastify({
    loggerInstance,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 5 * 1024 * 1024,
    // Only configured proxies: with `true`, any client could rotate X-Forwarded-For and slip past the
    // per-address sign-in throttle.
    trustProxy: opts.trustedProxies?.length ? opts.trustedProxies : false,
    ajv: { customOptions: { coerceTypes: 'array' } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routes: RouteInfo[] = [];
  app.decorate('hadirRoutes', routes);
  app.decorateRequest('auth', null);

  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (!url.startsWith('/api/') || url.startsWith('/api/docs')) return;
    const auth = route.config?.auth;
    if (!auth) throw new Error(`Route ${String(route.method)} ${url} declares no auth requirement`);
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url, auth, sessionOnly: route.config?.sessionOnly === true });
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    return payload;
  });

  await app.register(cookie);
  await app.register(multipart, {
    limits: { fileSize: opts.maxUploadBytes ?? 50 * 1024 * 1024, files: 20, fields: 50 },
  });
  // Per-address request limits, opted into by routes (`config.rateLimit`: sign-in and setup). The store
  // is this process's memory; the per-account and per-address failure counting that must hold across
  // processes lives in the database (modules/auth/login-throttle.ts).
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) =>
      new AppError(429, 'rate_limited', `Too many requests from this address; retry in ${context.after}`),
  });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Hadir API', version: opts.version, description: 'Face-based presence and attendance' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'hadir_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  httpMetrics(app, opts.metrics);

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    request.auth = await opts.authenticate(request);
  });

  // preValidation, not preHandler: a caller without the permission hears 401/403, never a 400 that
  // describes the body the route expects.
  app.addHook('preValidation', async (request) => {
    const config = request.routeOptions.config;
    const required = config?.auth;
    if (!required || !request.url.startsWith('/api/')) return;
    const auth = request.auth;
    if (auth?.kind === 'session' && UNSAFE_METHODS.has(request.method) && !config.skipCsrf) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== auth.csrfToken) {
        throw new AppError(403, 'csrf_failed', 'Missing or wrong CSRF token (x-csrf-token header)');
      }
    }
    if (required === 'public') return;
    if (!auth) throw new AppError(401, 'unauthorized', 'Sign in first');
    if (config.sessionOnly && auth.kind !== 'session') {
      throw new AppError(403, 'session_only', 'Only a signed-in person may do this, not an API token');
    }
    if (required === 'user') return;
    if (!auth.organizationId) throw new AppError(403, 'no_organization', 'Select an organization first');
    if (required === 'org') return;
    if (!auth.permissions.has(required)) {
      throw new AppError(403, 'forbidden', `Your role does not allow this (needs ${required})`);
    }
  });

  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.code(400).send({
        error: {
          code: 'validation_failed',
          message: 'The request is not valid',
          details: error.validation.map((v) => ({
            path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
            message: v.message,
          })),
        },
      });
    }
    if (error instanceof AppError) {
      return reply
        .code(error.statusCode)
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
      return reply
        .code(500)
        .send({ error: { code: 'internal', message: `Internal error (request ${request.id})` } });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = (error as { code?: string }).code ?? 'bad_request';
      return reply
        .code(status)
        .send({ error: { code: code.toLowerCase(), message: (error as Error).message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: `Internal error (request ${request.id})` } });
  });

  const webDir = opts.webDir;
  if (webDir && fs.existsSync(path.join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
    app.setNotFoundHandler((request, reply) => {
      if (
        request.method === 'GET' &&
        !request.url.startsWith('/api/') &&
        !path.extname(request.url.split('?')[0] ?? '')
      ) {
        return reply.type('text/html').sendFile('index.html');
      }
      return reply
        .code(404)
        .send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url}` } });
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url}` } }),
    );
  }

  return app;
}

export type HttpApp = Awaited<ReturnType<typeof buildHttpApp>>;

declare module 'fastify' {
  interface FastifyInstance {
    hadirRoutes: RouteInfo[];
  }
}
