import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from './support.js';
import {
  ADMIN,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

/** Issue 9, items 2, 4, 5 and 7: each test replays the attack that used to succeed. */
describe.each(await dialects())('auth hardening (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin } = await setupOrganization(t.app));
  });
  afterAll(async () => t?.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const tokenFor = async (c: Client, scopes: string[]) => {
    const res = await c.post('/api/tokens', { name: `t-${scopes.join('-')}`, scopes });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ token: string; id: string }>().token;
  };
  const userId = async (email: string) =>
    (await admin.get('/api/users')).json<{ userId: string; email: string }[]>().find((u) => u.email === email)
      ?.userId ?? '';

  it('item 2: only operators create organizations; tokens and ordinary users never do', async () => {
    const member = await userWithRole(t.app, admin, 'member', 'plain@maju.test');
    const refused = await member.post('/api/organizations', { name: 'Member Corp' });
    expect(refused.statusCode).toBe(403);
    // An admin of an organization is not an operator by being admin.
    const otherAdmin = await userWithRole(t.app, admin, 'admin', 'admin2@maju.test');
    expect((await otherAdmin.post('/api/organizations', { name: 'Admin2 Corp' })).statusCode).toBe(403);
    // Not even a full-scope token of the first operator.
    const token = await tokenFor(admin, ['member:view', 'user:manage']);
    const byToken = await t.app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Token Corp' }),
    });
    expect(byToken.statusCode).toBe(403);
    const count = await t.server.ctx.db
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    // A non-operator admin cannot grant the right, not even to themselves.
    const admin2Id = await userId('admin2@maju.test');
    expect(
      (await otherAdmin.request('PUT', `/api/users/${admin2Id}/operator`, { operator: true })).statusCode,
    ).toBe(403);
    // The first admin (setup) is an operator and may grant it; then the grantee can create one.
    expect(
      (await admin.request('PUT', `/api/users/${admin2Id}/operator`, { operator: true })).statusCode,
    ).toBe(200);
    expect((await otherAdmin.post('/api/organizations', { name: 'Admin2 Corp' })).statusCode).toBe(201);
    expect(
      (await admin.request('PUT', `/api/users/${admin2Id}/operator`, { operator: false })).statusCode,
    ).toBe(200);
    expect((await otherAdmin.post('/api/organizations', { name: 'Admin2 Again' })).statusCode).toBe(403);
  });

  it('item 7: session-only routes refuse tokens before any side effect', async () => {
    const token = await tokenFor(admin, ['member:view']);
    const rename = await t.app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Pwned' }),
    });
    expect(rename.statusCode).toBe(403);
    expect(rename.json<{ error: { code: string } }>().error.code).toBe('session_only');
    const me = await t.server.ctx.db
      .selectFrom('users')
      .select('name')
      .where('email', '=', ADMIN.email)
      .executeTakeFirstOrThrow();
    expect(me.name).toBe(ADMIN.name);
    const before = await t.server.ctx.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: JSON.stringify({ everywhere: true }),
    });
    expect(logout.statusCode).toBe(403);
    const after = await t.server.ctx.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await admin.get('/api/auth/session')).statusCode).toBe(200);
    // Every route marked session-only is in the walked route list, so walkers can see the rule.
    const routes = (t.app as unknown as { hadirRoutes: { url: string; sessionOnly: boolean }[] }).hadirRoutes;
    expect(routes.filter((r) => r.sessionOnly).map((r) => r.url)).toContain('/api/auth/me');
  });

  it('item 5: a token holds no more than its creator holds now, and dies with the membership', async () => {
    const boss = await userWithRole(t.app, admin, 'admin', 'boss@maju.test');
    const bossToken = await tokenFor(boss, ['user:manage', 'token:manage', 'member:view']);
    const asToken = (method: string, url: string, body?: unknown) =>
      t.app.inject({
        method: method as 'GET',
        url,
        headers: { ...bearer(bossToken), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });
    expect((await asToken('GET', '/api/users')).statusCode).toBe(200);
    // Demote the creator to member: the token loses what the member role lacks.
    const bossId = await userId('boss@maju.test');
    expect((await admin.patch(`/api/users/${bossId}`, { role: 'member' })).statusCode).toBe(200);
    const mkAdmin = await asToken('POST', '/api/users', {
      name: 'Evil Admin',
      email: 'evil@maju.test',
      password: 'evil-password-123',
      role: 'admin',
    });
    expect(mkAdmin.statusCode).toBe(403);
    expect((await asToken('POST', '/api/tokens', { name: 'more', scopes: ['member:view'] })).statusCode).toBe(
      403,
    );
    expect((await asToken('GET', '/api/employees')).statusCode).toBe(403);
    // Promote back: the scopes return (they were never widened beyond the token's own).
    expect((await admin.patch(`/api/users/${bossId}`, { role: 'admin' })).statusCode).toBe(200);
    expect((await asToken('GET', '/api/employees')).statusCode).toBe(200);
    // Removal revokes: the token is dead, also if the person is added again.
    expect((await admin.delete(`/api/users/${bossId}`)).statusCode).toBe(200);
    expect((await asToken('GET', '/api/employees')).statusCode).toBe(401);
    // Coming back takes an invitation the person accepts (item 12); the old token stays dead.
    const invited = await admin.post('/api/invitations', { email: 'boss@maju.test', role: 'admin' });
    expect(invited.statusCode, invited.body).toBe(201);
    const accepted = await boss.post('/api/invitations/accept', {
      token: invited.json<{ token: string }>().token,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await asToken('GET', '/api/employees')).statusCode).toBe(401);
  });

  it('item 4: 40 parallel wrong guesses throttle the account for everyone, even the right password', async () => {
    const victim = await userWithRole(t.app, admin, 'member', 'target@maju.test');
    expect((await victim.get('/api/auth/session')).statusCode).toBe(200);
    const guess = (password: string, ip: string, email = 'target@maju.test') =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: ip,
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 250)}`,
        },
        payload: JSON.stringify({ email, password }),
      });
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => guess(`wrong-${i}`, '198.51.100.7')),
    );
    const codes = burst.map((r) => r.statusCode);
    // At most the free attempts were verified; the rest were refused before any password check.
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(35);
    // The right password from another address is refused while the account waits.
    expect((await guess('role-password-123', '192.0.2.50')).statusCode).toBe(429);
    // After the short delay it works again: an anonymous caller cannot hold the account shut.
    t.clock.advance(5 * 60_000 + 1_000);
    expect((await guess('role-password-123', '192.0.2.50')).statusCode).toBe(200);
  });

  it('item 4: a rotated X-Forwarded-For does not reset the per-address limit (no proxy trusted)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '198.51.100.99',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${i}.1` },
        payload: JSON.stringify({ email: `nobody-${i}@nowhere.test`, password: 'x' }),
      });
      codes.push(res.statusCode);
    }
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
  });

  it('item 4: unknown and existing emails answer alike, also when throttled', async () => {
    const known = await userWithRole(t.app, admin, 'member', 'known@maju.test');
    expect((await known.get('/api/auth/session')).statusCode).toBe(200);
    const tryLogin = (email: string, ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: ip,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email, password: 'definitely-wrong' }),
      });
    const answers = async (email: string, ip: string) => {
      const out: { status: number; body: unknown }[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await tryLogin(email, ip);
        out.push({ status: r.statusCode, body: r.json() });
      }
      return out;
    };
    const a = await answers('known@maju.test', '192.0.2.10');
    const b = await answers('unknown-person@maju.test', '192.0.2.11');
    expect(a).toEqual(b);
    expect(a.map((x) => x.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('item 4: @fastify/rate-limit caps sign-in requests per address before any database work', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 105; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '192.0.2.77',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.1.${i}.1` },
        payload: JSON.stringify({ email: `spray-${i}@nowhere.test`, password: 'x' }),
      });
      codes.push(`${res.statusCode} ${res.json<{ error: { code: string } }>().error.code}`);
    }
    // The database throttle answers first (20 free attempts per address), the limiter after 100 requests.
    expect(codes[0]).toBe('401 unauthorized');
    expect(codes[50]).toBe('429 too_many_attempts');
    expect(codes.slice(100)).toEqual(Array(5).fill('429 rate_limited'));
  });
});
