import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, can, type Permission, type Role } from '@hadir/domain';
import {
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type Client,
  type TestServer,
} from './support.js';
import { buildRequest, isPermission, liveRoutes, sendValid } from './fixtures/route-walker.js';

/**
 * Role-based refusals, table-driven from the live routes: for every route that declares a permission P
 * and every role without P (per `permissionsOf` in @hadir/domain), the role gets 403. Routes added later
 * are covered without touching this file.
 */

type Res = Awaited<ReturnType<Client['get']>>;
const errorCode = (res: Res) => {
  try {
    return res.json<{ error?: { code?: string } }>().error?.code ?? '';
  } catch {
    return '';
  }
};

/** A custom role (issue 11): walked like the built-in ones, it reaches exactly its permissions' routes. */
const CUSTOM = 'front desk';
const CUSTOM_PERMISSIONS: Permission[] = ['member:view', 'presence:view', 'video:view', 'leave:approve'];
type Holder = Role | typeof CUSTOM;
const HOLDERS: Holder[] = [...ROLES, CUSTOM];
const holds = (holder: Holder, p: Permission) =>
  holder === CUSTOM ? CUSTOM_PERMISSIONS.includes(p) : can(holder, p);

describe.each(await dialects())('role permissions on every route (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  const clients = new Map<Holder, Client>();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    admin = (await setupOrganization(t.app)).client;
    clients.set('admin', admin);
    for (const role of ROLES.filter((r) => r !== 'admin'))
      clients.set(role, await userWithRole(t.app, admin, role));
    const created = await admin.post('/api/roles', { name: CUSTOM, permissions: CUSTOM_PERMISSIONS });
    if (created.statusCode !== 201) throw new Error(`custom role: ${created.body}`);
    const email = `custom-${Math.random().toString(36).slice(2, 7)}@maju.test`;
    const custom = await userWithRole(t.app, admin, 'member', email);
    const users = (await admin.get('/api/users')).json<{ userId: string; email: string }[]>();
    const userId = users.find((u) => u.email === email)?.userId;
    const assigned = await admin.put(`/api/users/${userId}/custom-role`, {
      customRoleId: created.json<{ id: string }>().id,
    });
    if (assigned.statusCode !== 200) throw new Error(`assign: ${assigned.body}`);
    clients.set(CUSTOM, custom);
  });
  afterAll(async () => t.close());

  it('refuses each role every route whose permission it lacks (403)', async () => {
    const routes = liveRoutes(t.app).filter((r) => isPermission(r.auth));
    expect(routes.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const permission = route.auth as Permission;
      for (const role of HOLDERS) {
        if (holds(role, permission)) continue;
        const client = clients.get(role);
        if (!client) throw new Error(`no client for ${role}`);
        // A valid request (schema validation runs before the permission check), at ids that do not exist.
        const { req, res } = await sendValid(route, {}, (r) => client.request(r.method, r.url, r.body));
        checked++;
        if (res.statusCode !== 403 || errorCode(res) !== 'forbidden') {
          wrong.push(
            `${role} ${req.method} ${route.url} (needs ${permission}): ${res.statusCode} ${res.body.slice(0, 160)}`,
          );
        }
      }
    }
    console.log(`[roles] ${dialect}: ${routes.length} permission routes, ${checked} refusals checked`);
    expect(wrong).toEqual([]);
  });

  it('lets each role reach the routes it holds (never refused by the permission check)', async () => {
    const wrong: string[] = [];
    // Reads only: a role that holds the permission must pass the gate (the handler may still say 404).
    for (const route of liveRoutes(t.app).filter((r) => isPermission(r.auth) && r.method === 'GET')) {
      const req = buildRequest(route);
      for (const role of HOLDERS) {
        if (!holds(role, route.auth as Permission)) continue;
        const res = await clients.get(role)?.request(req.method, req.url);
        if (res?.statusCode === 403 && /needs/.test(res.body))
          wrong.push(`${role} GET ${route.url}: ${res.body}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('limits API tokens to their scopes on every route', async () => {
    const created = await admin.post('/api/tokens', { name: 'ERP read', scopes: ['member:view'] });
    expect(created.statusCode).toBe(201);
    const bearer = { authorization: `Bearer ${created.json<{ token: string }>().token}` };
    const wrong: string[] = [];
    for (const route of liveRoutes(t.app).filter((r) => isPermission(r.auth) && r.auth !== 'member:view')) {
      const { req, res } = await sendValid(route, {}, (r) =>
        t.app.inject({
          method: r.method as 'GET',
          url: r.url,
          headers: { ...bearer, ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(r.body !== undefined ? { payload: JSON.stringify(r.body) } : {}),
        }),
      );
      if (res.statusCode !== 403) wrong.push(`${req.method} ${route.url} (${route.auth}): ${res.statusCode}`);
    }
    expect(wrong).toEqual([]);
    // Tokens never act as a user: every session-only route refuses them with 403, before its handler.
    const sessionOnly = liveRoutes(t.app).filter((r) => r.sessionOnly);
    expect(sessionOnly.length).toBeGreaterThan(4);
    const accepted: string[] = [];
    for (const route of sessionOnly) {
      const { req, res } = await sendValid(route, {}, (r) =>
        t.app.inject({
          method: r.method as 'GET',
          url: r.url,
          headers: { ...bearer, ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(r.body !== undefined ? { payload: JSON.stringify(r.body) } : {}),
        }),
      );
      if (res.statusCode !== 403) accepted.push(`${req.method} ${route.url}: ${res.statusCode}`);
    }
    expect(accepted).toEqual([]);
  });

  // Edge boxes (issue 15) are their own kind of caller: their routes refuse every user and token, and
  // an edge credential is refused on every other route, public ones included.
  it('keeps edge credentials and user credentials apart on every route (401)', async () => {
    const created = await admin.post('/api/edges', { name: 'Walker edge' });
    expect(created.statusCode, created.body).toBe(201);
    const enrolled = await t.app.inject({
      method: 'POST',
      url: '/api/edge/enrol',
      payload: { code: created.json<{ enrolCode: string }>().enrolCode, name: 'walker-box' },
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const edge = { authorization: `Edge ${enrolled.json<{ credential: string }>().credential}` };
    const wrong: string[] = [];
    const routes = liveRoutes(t.app);
    expect(routes.filter((r) => r.auth === 'edge').length).toBeGreaterThan(1);
    for (const route of routes) {
      const callers: [string, (r: { method: string; url: string; body?: unknown }) => Promise<Res>][] =
        route.auth === 'edge'
          ? [...clients].map(([role, c]) => [role, (r) => c.request(r.method, r.url, r.body)])
          : [
              [
                'edge',
                (r) =>
                  t.app.inject({
                    method: r.method as 'GET',
                    url: r.url,
                    headers: {
                      ...edge,
                      ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
                    },
                    ...(r.body !== undefined ? { payload: JSON.stringify(r.body) } : {}),
                  }),
              ],
            ];
      for (const [who, call] of callers) {
        const { req, res } = await sendValid(route, {}, call);
        if (res.statusCode !== 401) wrong.push(`${who} ${req.method} ${route.url}: ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
    // The same credential on its own routes: accepted.
    const config = await t.app.inject({ method: 'GET', url: '/api/edge/config', headers: edge });
    expect(config.statusCode, config.body).toBe(200);
  });

  it('refuses anonymous callers on every non-public route (401)', async () => {
    const wrong: string[] = [];
    for (const route of liveRoutes(t.app).filter((r) => r.auth !== 'public')) {
      const { req, res } = await sendValid(route, {}, (r) =>
        t.app.inject({
          method: r.method as 'GET',
          url: r.url,
          ...(r.body !== undefined
            ? { payload: JSON.stringify(r.body), headers: { 'content-type': 'application/json' } }
            : {}),
        }),
      );
      if (res.statusCode !== 401) wrong.push(`${req.method} ${route.url}: ${res.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });
});
