import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import helmet from '@fastify/helmet';
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
import { hasUnsafeText } from '@hadir/contracts';
import { QueryTimeoutError } from '../db/read-pool.js';
import type { Logger } from '../logging/logger.js';
import type { AuthContext, RouteAuth } from './auth-context.js';
import { AppError } from './errors.js';
import { httpMetrics, type Metrics } from './metrics.js';
import type { HeavyClass, OrgLimiter } from './org-limiter.js';

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
  /** The built mobile attendance app (apps/mobile/dist), served under /m/. */
  mobileDir?: string | null;
  maxUploadBytes?: number;
  version: string;
  /**
   * Runs the rest of a `config.limit: 'query'` request in the database's heavy-read scope (SQLite: its
   * reads in the read workers, under the time limit); absent: nothing special.
   */
  heavyReads?: (organizationId: string, run: () => void) => void;
  /** Per-organization bounds for routes with `config.limit`; unbounded when absent. */
  limiters?: Record<HeavyClass, OrgLimiter>;
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
  app.decorate('hadirLimiters', opts.limiters ?? null);
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

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: contentSecurityPolicy(opts.webDir ?? null, opts.mobileDir ?? null),
    },
    frameguard: { action: 'deny' },
    // Camera frames and snapshots are same-origin; nothing is embedded cross-origin.
    crossOriginEmbedderPolicy: false,
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
    // Edge credentials and user credentials never cross: an edge box reaches only the edge routes, and
    // no cookie or API token reaches those.
    if (required === 'edge') {
      if (auth?.kind !== 'edge') {
        throw new AppError(401, 'unauthorized', 'An edge credential is needed (Authorization: Edge …)');
      }
      return;
    }
    if (auth?.kind === 'edge') {
      throw new AppError(401, 'unauthorized', 'An edge credential reaches only the edge routes');
    }
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

  // After the auth hook (401/403 come first): no NUL byte or lone surrogate enters through any JSON body
  // or query string, whichever route it is; names, notes and search text all pass here.
  app.addHook('preValidation', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const where = unsafeTextPath(request.query, 'query') ?? unsafeTextPath(request.body, 'body');
    if (where) {
      throw new AppError(400, 'invalid_text', 'Text may not contain NUL bytes or invalid Unicode', {
        path: where,
      });
    }
  });

  // A route that may scan a whole organization runs its handler inside the database's heavy-read scope.
  // A callback hook: what runs after `done()` (the hooks that follow, the handler) stays in the scope.
  const heavyReads = opts.heavyReads;
  if (heavyReads) {
    app.addHook('preValidation', (request, _reply, done) => {
      const organizationId = request.auth?.organizationId;
      if (request.routeOptions.config?.limit !== 'query' || !organizationId) return done();
      heavyReads(organizationId, () => done());
    });
  }

  // Heavy routes take a per-organization slot after auth and validation, before the handler reads an
  // upload or runs a query, and give it back when the response is finished (or the client went away).
  const limiters = opts.limiters;
  if (limiters) {
    const releases = new WeakMap<FastifyRequest, () => void>();
    app.addHook('preHandler', async (request, reply) => {
      const heavy = request.routeOptions.config?.limit;
      const orgId = request.auth?.organizationId;
      if (!heavy || !orgId) return;
      const limiter = limiters[heavy];
      try {
        releases.set(request, await limiter.acquire(orgId));
      } catch (error) {
        void reply.header('retry-after', String(limiter.retryAfterSeconds));
        throw error;
      }
    });
    const release = async (request: FastifyRequest) => {
      releases.get(request)?.();
      releases.delete(request);
    };
    app.addHook('onResponse', release);
    app.addHook('onRequestAbort', release);
  }

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
    if (isStatementTimeout(error)) {
      // The time limit stopped the query: the server is fine, this request asked too much.
      request.log.warn({ err: error, url: request.url }, 'query stopped by the time limit');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({
          error: {
            code: 'query_timeout',
            message:
              'The query took too long and was stopped; narrow it (a search term, a shorter period, a smaller page) or try again shortly',
          },
        });
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

  // The mobile app under /m/: its files, and its index.html for any other /m/ path (client routes).
  const mobileDir = opts.mobileDir;
  const mobileIndex =
    mobileDir && fs.existsSync(path.join(mobileDir, 'index.html'))
      ? fs.readFileSync(path.join(mobileDir, 'index.html'), 'utf8')
      : null;
  if (mobileDir && mobileIndex !== null) {
    await app.register(fastifyStatic, {
      root: mobileDir,
      prefix: '/m/',
      wildcard: false,
      index: ['index.html'],
      decorateReply: false,
    });
    app.get('/m', { config: { auth: 'public' } }, (_req, reply) => reply.redirect('/m/'));
  }
  const mobileFallback = (url: string) =>
    mobileIndex !== null && url.startsWith('/m/') && !path.extname(url.split('?')[0] ?? '');

  const webDir = opts.webDir;
  if (webDir && fs.existsSync(path.join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && mobileFallback(request.url))
        return reply.type('text/html').send(mobileIndex);
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
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && mobileFallback(request.url))
        return reply.type('text/html').send(mobileIndex);
      return reply
        .code(404)
        .send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url}` } });
    });
  }

  return app;
}

export type HttpApp = Awaited<ReturnType<typeof buildHttpApp>>;

/** The first string (or key) in a parsed body or query that has a NUL byte or a lone surrogate. */
function unsafeTextPath(value: unknown, at: string, depth = 0): string | null {
  if (typeof value === 'string') return hasUnsafeText(value) ? at : null;
  if (value === null || typeof value !== 'object' || depth > 32 || Buffer.isBuffer(value)) return null;
  // Only what JSON and query parsing make (plain objects, arrays, and the query parser's objects whose
  // prototype itself has none): a streamed body (an upload chunk) is the request itself, whose
  // socket/server graph a walk would take minutes to cross.
  const proto = Object.getPrototypeOf(value) as object | null;
  const plain = proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
  if (!Array.isArray(value) && !plain) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = unsafeTextPath(value[i], `${at}.${i}`, depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    if (hasUnsafeText(key)) return `${at}.(key)`;
    const hit = unsafeTextPath(v, `${at}.${key}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}

/**
 * The Content-Security-Policy the built web app works with: its own scripts only (the one inline
 * script in index.html, which sets the theme before first paint, is allowed by its hash), inline style
 * attributes (React and Chart.js set them), camera capture and snapshots as blob:/data: URLs, the
 * WebSocket and API on the same origin, and no framing by any site (clickjacking).
 */
export function contentSecurityPolicy(...dirs: (string | null)[]): Record<string, string[]> {
  const scriptSrc = ["'self'"];
  for (const dir of dirs) {
    const index = dir ? path.join(dir, 'index.html') : null;
    if (!index || !fs.existsSync(index)) continue;
    const html = fs.readFileSync(index, 'utf8');
    for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
      const body = m[1] ?? '';
      const hash = `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
      if (body.trim() && !scriptSrc.includes(hash)) scriptSrc.push(hash);
    }
  }
  return {
    'default-src': ["'self'"],
    'script-src': scriptSrc,
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    hadirRoutes: RouteInfo[];
    /** The per-organization limiters of heavy routes (null when unbounded). */
    hadirLimiters: Record<HeavyClass, OrgLimiter> | null;
  }
}

/**
 * The time limit (HADIR_DB_STATEMENT_TIMEOUT_MS) stopped a query: PostgreSQL's query_canceled (57014)
 * from statement_timeout, or a SQLite read abandoned by the read pool.
 */
function isStatementTimeout(error: unknown): boolean {
  if (error instanceof QueryTimeoutError) return true;
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '57014' &&
    /statement timeout/i.test(error.message)
  );
}
