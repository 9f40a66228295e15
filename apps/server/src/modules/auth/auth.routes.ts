import { z } from 'zod';
import {
  ApiToken,
  ApiTokenCreate,
  ApiTokenCreated,
  Id,
  Locale,
  LoginRequest,
  OkBody,
  OrgUser,
  OrgUserCreate,
  OrgUserUpdate,
  Password,
  SelectOrganizationRequest,
  SessionInfo,
  SetupRequest,
  SetupStatus,
} from '@hadir/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, unauthorized } from '../../platform/http/errors.js';
import { SESSION_COOKIE, type AuthService } from './auth.service.js';
import { registerInvitationRoutes } from './invitations.routes.js';
import { isOperator, setOperator } from './operators.js';
import { registerRoleRoutes } from './roles.routes.js';

/** The caller, on routes that require one (the preHandler already refused anonymous calls). */
export function authOf(req: FastifyRequest): AuthContext {
  if (!req.auth) throw unauthorized();
  return req.auth;
}

/** The caller's active organization: every organization-owned query is scoped by it. */
export function orgOf(req: FastifyRequest): string {
  const id = req.auth?.organizationId;
  if (!id) throw new AppError(403, 'no_organization', 'Select an organization first');
  return id;
}

/** Requests per address and minute on sign-in and setup, successes included (a coarse first line). */
const SIGN_IN_RATE_LIMIT = { max: 100, timeWindow: 60_000 };

/**
 * Sets the session cookie for a freshly created session and answers its SessionInfo (sign-in, setup,
 * and the phone app's PIN/face unlock on a registered device).
 */
export function sessionStarter(ctx: ServerContext, auth: AuthService) {
  const secure =
    ctx.env.HADIR_SECURE_COOKIES === 'true' ||
    (ctx.env.HADIR_SECURE_COOKIES === 'auto' && (ctx.env.HADIR_PUBLIC_URL?.startsWith('https://') ?? false));
  return async (req: FastifyRequest, reply: FastifyReply, token: string, expiresAtMs: number) => {
    void reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      expires: new Date(expiresAtMs),
    });
    const resolved = await auth.authenticateSession(token);
    if (!resolved) throw new Error('session vanished');
    req.auth = resolved;
    return auth.sessionInfo(resolved);
  };
}
export type SessionStarter = ReturnType<typeof sessionStarter>;

export function registerAuthRoutes(app: HttpApp, ctx: ServerContext, auth: AuthService): void {
  const startSession = sessionStarter(ctx, auth);
  const meta = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? null });

  app.get(
    '/api/setup',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Whether first-run setup is needed',
        response: { 200: SetupStatus },
      },
    },
    async () => ({ needsSetup: await auth.needsSetup() }),
  );

  app.post(
    '/api/setup',
    {
      config: { auth: 'public', skipCsrf: true, rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags: ['auth'],
        summary: 'First-run setup: the first organization and its admin',
        body: SetupRequest,
        response: { 200: SessionInfo },
      },
    },
    async (req, reply) => {
      const s = await auth.setup(req.body, meta(req));
      return startSession(req, reply, s.token, s.expiresAtMs);
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { auth: 'public', skipCsrf: true, rateLimit: SIGN_IN_RATE_LIMIT },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        body: LoginRequest,
        response: { 200: SessionInfo },
      },
    },
    async (req, reply) => {
      const s = await auth.login(req.body.email, req.body.password, meta(req));
      return startSession(req, reply, s.token, s.expiresAtMs);
    },
  );

  app.get(
    '/api/auth/session',
    {
      config: { auth: 'user', sessionOnly: true },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, memberships and permissions',
        response: { 200: SessionInfo },
      },
    },
    async (req) => auth.sessionInfo(authOf(req)),
  );

  app.post(
    '/api/auth/organization',
    {
      config: { auth: 'user', sessionOnly: true },
      schema: {
        tags: ['auth'],
        summary: 'Switch the active organization',
        body: SelectOrganizationRequest,
        response: { 200: SessionInfo },
      },
    },
    async (req) => {
      const a = authOf(req);
      await auth.selectOrganization(a, req.body.organizationId);
      const refreshed = a.sessionId
        ? await auth.authenticateSession(req.cookies[SESSION_COOKIE] ?? '')
        : null;
      return auth.sessionInfo(refreshed ?? a);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { auth: 'user', sessionOnly: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign out (everywhere: every session of this user)',
        body: z.object({ everywhere: z.boolean().default(false) }).optional(),
        response: { 200: OkBody },
      },
    },
    async (req, reply) => {
      await auth.logout(authOf(req), req.body?.everywhere ?? false);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.patch(
    '/api/auth/me',
    {
      config: { auth: 'user', sessionOnly: true },
      schema: {
        tags: ['auth'],
        summary: 'Update own name, language or password',
        body: z.object({
          name: z.string().trim().min(1).max(120).optional(),
          locale: Locale.optional(),
          currentPassword: z.string().max(256).optional(),
          newPassword: Password.optional(),
        }),
        response: { 200: SessionInfo },
      },
    },
    async (req) => {
      await auth.updateMe(authOf(req), req.body);
      return auth.sessionInfo(authOf(req));
    },
  );

  // ---- API tokens ----
  app.get(
    '/api/tokens',
    {
      config: { auth: 'token:manage' },
      schema: {
        tags: ['tokens'],
        summary: 'API tokens of the organization',
        response: { 200: z.array(ApiToken) },
      },
    },
    async (req) => auth.listTokens(orgOf(req)),
  );
  app.post(
    '/api/tokens',
    {
      config: { auth: 'token:manage' },
      schema: {
        tags: ['tokens'],
        summary: 'Create a scoped API token (the secret is shown once)',
        body: ApiTokenCreate,
        response: { 201: ApiTokenCreated },
      },
    },
    async (req, reply) => reply.code(201).send(await auth.createToken(authOf(req), orgOf(req), req.body)),
  );
  app.delete(
    '/api/tokens/:id',
    {
      config: { auth: 'token:manage' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: z.object({ id: Id }),
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await auth.revokeToken(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  // ---- Users and roles ----
  app.get(
    '/api/users',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Users of the organization and their roles',
        response: { 200: z.array(OrgUser) },
      },
    },
    async (req) => auth.listUsers(orgOf(req)),
  );
  app.post(
    '/api/users',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary:
          'Create a NEW account with a password and add it (operators only); everyone else, and every existing account, goes through POST /api/invitations',
        body: OrgUserCreate,
        response: { 201: z.object({ userId: Id }) },
      },
    },
    async (req, reply) => {
      if (!(await isOperator(ctx.db, authOf(req)))) {
        throw new AppError(
          403,
          'use_invitation',
          'Invite people by email instead (POST /api/invitations); they accept the invitation to join.',
        );
      }
      return reply.code(201).send({ userId: await auth.addUser(authOf(req), orgOf(req), req.body) });
    },
  );
  app.patch(
    '/api/users/:userId',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Change a user’s role or linked employee',
        params: z.object({ userId: Id }),
        body: OrgUserUpdate,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await auth.updateUser(authOf(req), orgOf(req), req.params.userId, req.body);
      return { ok: true as const };
    },
  );
  app.delete(
    '/api/users/:userId',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Remove a user from the organization',
        params: z.object({ userId: Id }),
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await auth.removeUser(authOf(req), orgOf(req), req.params.userId);
      return { ok: true as const };
    },
  );
  app.put(
    '/api/users/:userId/operator',
    {
      config: { auth: 'user:manage', sessionOnly: true },
      schema: {
        tags: ['users'],
        summary: 'Grant or withdraw the operator right (creating organizations); operators only',
        params: z.object({ userId: Id }),
        body: z.object({ operator: z.boolean() }),
        response: { 200: OkBody },
      },
    },
    async (req) => {
      const a = authOf(req);
      await setOperator(ctx.db, ctx.clock.nowMs(), a, orgOf(req), req.params.userId, req.body.operator);
      return { ok: true as const };
    },
  );
  registerInvitationRoutes(app, ctx, auth);
  registerRoleRoutes(app, ctx);
}
