import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

/**
 * Issue 11, custom roles: named sets of the existing permissions per organization. The built-in roles
 * stay as they are, a custom role grants exactly its permissions (sessions, tokens, the live socket),
 * nobody grants more than they hold, a role in use is not deleted, the last admin stays, every change
 * is audited, and another organization sees none of it.
 */

type Res = Awaited<ReturnType<Client['get']>>;
const code = (res: Res) => res.json<{ error: { code: string } }>().error.code;
type Catalog = {
  permissions: string[];
  builtIn: { name: string; permissions: string[]; userCount: number }[];
  custom: { id: string; name: string; permissions: string[]; userCount: number }[];
};

describe.each(await dialects())('custom roles (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgA: string;

  const userIdOf = async (email: string) =>
    (await admin.get('/api/users')).json<{ userId: string; email: string }[]>().find((u) => u.email === email)
      ?.userId ?? '';
  const newUser = async (email: string) => {
    const client = await userWithRole(t.app, admin, 'member', email);
    return { client, userId: await userIdOf(email) };
  };
  const permissionsOf = async (c: Client) =>
    (await c.get('/api/auth/session')).json<{ permissions: string[] }>();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId: orgA } = await setupOrganization(t.app));
  });
  afterAll(async () => t?.close());

  it('lists the five built-in roles read-only beside the permission catalog', async () => {
    const res = await admin.get('/api/roles');
    expect(res.statusCode, res.body).toBe(200);
    const catalog = res.json<Catalog>();
    expect(catalog.builtIn.map((r) => r.name)).toEqual(['admin', 'manager', 'support', 'officer', 'member']);
    expect(catalog.builtIn.find((r) => r.name === 'admin')?.userCount).toBe(1);
    expect(catalog.permissions).toContain('attendance:record:approve');
    expect(catalog.builtIn.find((r) => r.name === 'manager')?.permissions).toContain(
      'attendance:record:approve',
    );
    expect(catalog.custom).toEqual([]);
    // built-in names are not for custom roles, and unknown permissions are refused
    const reserved = await admin.post('/api/roles', { name: 'Admin', permissions: ['member:view'] });
    expect(reserved.statusCode).toBe(400);
    expect(code(reserved)).toBe('reserved_name');
    const unknown = await admin.post('/api/roles', { name: 'Odd', permissions: ['root:everything'] });
    expect(unknown.statusCode).toBe(400);
    expect(code(unknown)).toBe('unknown_permission');
  });

  it('grants a user exactly the custom role’s permissions, live, and audits each change', async () => {
    const created = await admin.post('/api/roles', {
      name: 'Gate keeper',
      description: 'Watches the gate',
      permissions: ['presence:view', 'member:view'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const role = created.json<{ id: string; permissions: string[] }>();
    expect(role.permissions).toEqual(['member:view', 'presence:view']);
    const dup = await admin.post('/api/roles', { name: 'Gate keeper', permissions: [] });
    expect(dup.statusCode).toBe(409);

    const { client, userId } = await newUser('gate@maju.test');
    expect((await client.get('/api/presence')).statusCode).toBe(403);
    const assigned = await admin.put(`/api/users/${userId}/custom-role`, { customRoleId: role.id });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const session = (await client.get('/api/auth/session')).json<{
      permissions: string[];
      customRoleName: string | null;
    }>();
    expect(session.permissions.sort()).toEqual(['member:view', 'presence:view']);
    expect(session.customRoleName).toBe('Gate keeper');
    expect((await client.get('/api/presence')).statusCode).toBe(200);
    // the member's own self-service is gone with the built-in role: the custom role is the whole set
    expect((await client.get('/api/leave/requests')).statusCode).toBe(403);

    // editing the role changes its holders' rights at once
    const edited = await admin.put(`/api/roles/${role.id}`, {
      name: 'Gate keeper',
      permissions: ['member:view'],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await permissionsOf(client)).permissions).toEqual(['member:view']);
    expect((await client.get('/api/presence')).statusCode).toBe(403);

    // in use: not deletable; once nobody holds it, it goes
    const inUse = await admin.delete(`/api/roles/${role.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(code(inUse)).toBe('role_in_use');
    const users = (await admin.get('/api/users')).json<{ userId: string; customRoleName: string | null }[]>();
    expect(users.find((u) => u.userId === userId)?.customRoleName).toBe('Gate keeper');
    // a built-in role replaces the custom one
    expect((await admin.patch(`/api/users/${userId}`, { role: 'support' })).statusCode).toBe(200);
    expect((await permissionsOf(client)).permissions).toContain('video:view');
    expect((await admin.delete(`/api/roles/${role.id}`)).statusCode).toBe(200);

    const audit = await t.server.ctx.db
      .selectFrom('auditLog')
      .select(['action', 'summary'])
      .where('organizationId', '=', orgA)
      .where('entityType', 'in', ['role', 'user'])
      .orderBy('at')
      .execute();
    const actions = audit.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['role.created', 'role.updated', 'role.deleted', 'user.updated']),
    );
    expect(audit.some((a) => a.summary === 'Gave role Gate keeper')).toBe(true);
  });

  it('never lets a role grant rights its creator lacks', async () => {
    const hr = await admin.post('/api/roles', {
      name: 'HR desk',
      permissions: ['user:manage', 'member:view'],
    });
    expect(hr.statusCode).toBe(201);
    const { client: hrUser, userId } = await newUser('hr@maju.test');
    await admin.put(`/api/users/${userId}/custom-role`, { customRoleId: hr.json<{ id: string }>().id });

    // a role with more than HR holds, an edit that adds more, a built-in role above theirs
    const wider = await hrUser.post('/api/roles', { name: 'Wider', permissions: ['settings:manage'] });
    expect(wider.statusCode).toBe(403);
    const narrow = await hrUser.post('/api/roles', { name: 'Viewer', permissions: ['member:view'] });
    expect(narrow.statusCode, narrow.body).toBe(201);
    const narrowId = narrow.json<{ id: string }>().id;
    const widened = await hrUser.put(`/api/roles/${narrowId}`, {
      name: 'Viewer',
      permissions: ['member:view', 'audit:view'],
    });
    expect(widened.statusCode).toBe(403);
    const { userId: other } = await newUser('other@maju.test');
    expect((await hrUser.patch(`/api/users/${userId}`, { role: 'admin' })).statusCode).toBe(403);
    expect((await hrUser.patch(`/api/users/${other}`, { role: 'manager' })).statusCode).toBe(403);
    expect((await hrUser.post('/api/invitations', { email: 'x@maju.test', role: 'admin' })).statusCode).toBe(
      403,
    );
    // an admin's own custom role (wider than HR) cannot be handed out by HR either
    const wide = await admin.post('/api/roles', { name: 'Auditor', permissions: ['audit:view'] });
    const handed = await hrUser.put(`/api/users/${other}/custom-role`, {
      customRoleId: wide.json<{ id: string }>().id,
    });
    expect(handed.statusCode).toBe(403);
    // what HR holds, HR may hand out
    expect((await hrUser.put(`/api/users/${other}/custom-role`, { customRoleId: narrowId })).statusCode).toBe(
      200,
    );
  });

  it('keeps one admin: the last admin cannot be given a custom role', async () => {
    const role = await admin.post('/api/roles', { name: 'Lonely', permissions: ['member:view'] });
    const me = await userIdOf('ani@maju.test');
    const res = await admin.put(`/api/users/${me}/custom-role`, {
      customRoleId: role.json<{ id: string }>().id,
    });
    expect(res.statusCode).toBe(409);
    expect(code(res)).toBe('last_admin');
    expect((await permissionsOf(admin)).permissions).toContain('user:manage');
  });

  it('keeps roles inside their organization', async () => {
    const role = await admin.post('/api/roles', { name: 'Only in A', permissions: ['member:view'] });
    const roleId = role.json<{ id: string }>().id;
    const { userId: inA } = await newUser('in-a@maju.test');
    const created = await admin.post('/api/organizations', { name: 'PT Beta' });
    const orgB = created.json<{ id: string }>().id;
    expect((await admin.post('/api/auth/organization', { organizationId: orgB })).statusCode).toBe(200);
    try {
      const catalog = (await admin.get('/api/roles')).json<Catalog>();
      expect(catalog.custom).toEqual([]);
      expect((await admin.put(`/api/roles/${roleId}`, { name: 'Stolen', permissions: [] })).statusCode).toBe(
        404,
      );
      expect((await admin.delete(`/api/roles/${roleId}`)).statusCode).toBe(404);
      // A's role for a user of B, and B's admin assigning anything to A's user: not found
      const res = await admin.put(`/api/users/${inA}/custom-role`, { customRoleId: null });
      expect(res.statusCode).toBe(404);
    } finally {
      await admin.post('/api/auth/organization', { organizationId: orgA });
    }
  });
});
