import type { Permission, Role } from '@hadir/domain';
import type { HeavyClass } from './org-limiter.js';

/**
 * Who is calling: a signed-in user (session cookie) or an API token, within one organization; or an
 * enrolled edge box (`Authorization: Edge <credential>`), which reaches only the routes marked `edge`.
 */
export interface AuthContext {
  kind: 'session' | 'token' | 'edge';
  userId: string | null;
  tokenId: string | null;
  sessionId: string | null;
  organizationId: string | null;
  role: Role | null;
  /** The custom role whose permissions replace the built-in role's (display only; checks use permissions). */
  customRoleName?: string | null;
  /** Linked employee record of the user in the active organization (for `:own` permissions). */
  employeeId: string | null;
  permissions: ReadonlySet<Permission>;
  csrfToken: string | null;
  /** The calling edge box (kind `edge` only). */
  edgeId?: string | null;
}

/**
 * What a route requires: `public` (anyone), `user` (signed in, any organization), `org` (signed in with
 * an active organization), a permission in the active organization, or `edge` (an enrolled edge box's
 * credential; no user may call it, and an edge may call nothing else). Every /api route must declare
 * one; boot fails otherwise.
 */
export type RouteAuth = 'public' | 'user' | 'org' | 'edge' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Session routes that must work without a CSRF token (login, setup). */
    skipCsrf?: boolean;
    /** A heavy route: bounded per organization (see org-limiter.ts). */
    limit?: HeavyClass;
    /**
     * Only a signed-in person (session cookie) may call this route; an API token is refused with 403 in
     * the auth hook, before validation or the handler runs, so the refusal has no side effect.
     */
    sessionOnly?: boolean;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}
