import { z } from 'zod';
import {
  InvitationAccepted,
  InvitationCreate,
  InvitationCreated,
  InvitationList,
  InvitationPreview,
  InvitationRegister,
  InvitationToken,
  OkBody,
  PathId,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from './auth.routes.js';
import type { AuthService } from './auth.service.js';
import { InvitationsService } from './invitations.service.js';

/** The public invitation routes share the sign-in limit: a token cannot be guessed by brute force. */
const ACCEPT_RATE_LIMIT = { max: 30, timeWindow: 60_000 };

export function registerInvitationRoutes(app: HttpApp, ctx: ServerContext, auth: AuthService): void {
  const invitations = new InvitationsService(ctx, auth);

  app.get(
    '/api/invitations',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Pending invitations of the organization (not accepted, revoked or expired)',
        response: { 200: InvitationList },
      },
    },
    async (req) => invitations.list(orgOf(req)),
  );

  app.post(
    '/api/invitations',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary:
          'Invite an email with a role; the same answer whether or not the email has an account. The token is shown once',
        body: InvitationCreate,
        response: { 201: InvitationCreated },
      },
    },
    async (req, reply) => reply.code(201).send(await invitations.create(authOf(req), orgOf(req), req.body)),
  );

  app.delete(
    '/api/invitations/:id',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Revoke a pending invitation (its link stops working)',
        params: z.object({ id: PathId }),
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await invitations.revoke(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/invitations/preview',
    {
      config: { auth: 'public', skipCsrf: true, rateLimit: ACCEPT_RATE_LIMIT },
      schema: {
        tags: ['users'],
        summary: 'What an invitation token is for (organization, email, role); 404 when not valid',
        body: InvitationToken,
        response: { 200: InvitationPreview },
      },
    },
    async (req) => invitations.preview(req.body.token),
  );

  app.post(
    '/api/invitations/accept',
    {
      config: { auth: 'user', sessionOnly: true, rateLimit: ACCEPT_RATE_LIMIT },
      schema: {
        tags: ['users'],
        summary: 'Accept an invitation made out to the signed-in account’s email',
        body: InvitationToken,
        response: { 200: InvitationAccepted },
      },
    },
    async (req) => invitations.acceptAsUser(authOf(req), req.body.token),
  );

  app.post(
    '/api/invitations/register',
    {
      config: { auth: 'public', skipCsrf: true, rateLimit: ACCEPT_RATE_LIMIT },
      schema: {
        tags: ['users'],
        summary:
          'Accept an invitation by creating an account (name, password); an existing account must sign in and accept',
        body: InvitationRegister,
        response: { 200: InvitationAccepted },
      },
    },
    async (req) => invitations.register(req.body),
  );
}
