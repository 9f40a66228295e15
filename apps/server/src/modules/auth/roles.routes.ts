import { z } from 'zod';
import { CustomRole, CustomRoleAssign, CustomRoleInput, Id, OkBody, RolesCatalog } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from './auth.routes.js';
import { RolesService } from './roles.service.js';

/** Roles and permissions (issue 11): built-in roles read-only, custom roles per organization. */
export function registerRoleRoutes(app: HttpApp, ctx: ServerContext): void {
  const roles = new RolesService(ctx);
  app.get(
    '/api/roles',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Every permission, the five built-in roles (read-only) and the organization’s custom roles',
        response: { 200: RolesCatalog },
      },
    },
    async (req) => roles.catalog(orgOf(req)),
  );
  app.post(
    '/api/roles',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Create a custom role: a named set of permissions, none beyond the caller’s own',
        body: CustomRoleInput,
        response: { 201: CustomRole },
      },
    },
    async (req, reply) => reply.code(201).send(await roles.create(authOf(req), orgOf(req), req.body)),
  );
  app.put(
    '/api/roles/:roleId',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Rename a custom role or change its permissions (built-in roles cannot be changed)',
        params: z.object({ roleId: Id }),
        body: CustomRoleInput,
        response: { 200: CustomRole },
      },
    },
    async (req) => roles.update(authOf(req), orgOf(req), req.params.roleId, req.body),
  );
  app.delete(
    '/api/roles/:roleId',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Delete a custom role that no user holds',
        params: z.object({ roleId: Id }),
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await roles.remove(authOf(req), orgOf(req), req.params.roleId);
      return { ok: true as const };
    },
  );
  app.put(
    '/api/users/:userId/custom-role',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Give a user a custom role, or take it back (null)',
        params: z.object({ userId: Id }),
        body: CustomRoleAssign,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await roles.assign(authOf(req), orgOf(req), req.params.userId, req.body.customRoleId);
      return { ok: true as const };
    },
  );
}
