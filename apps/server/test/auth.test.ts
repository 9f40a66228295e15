import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

describe.each(await dialects())('auth and setup (%s)', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect);
  });
  afterAll(async () => t.close());

  it('requires setup first, then refuses a second setup', async () => {
    const anon = new Client(t.app);
    expect((await anon.get('/api/setup')).json()).toEqual({ needsSetup: true });
    expect((await anon.get('/api/organization')).statusCode).toBe(401);
    const { client } = await setupOrganization(t.app);
    expect((await anon.get('/api/setup')).json()).toEqual({ needsSetup: false });
    const again = await client.post('/api/setup', {
      organization: { name: 'Evil Corp', timeZone: 'Asia/Jakarta', locale: 'id' },
      admin: { name: 'x', email: 'x@evil.test', password: 'aaaaaaaaaaaa' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('logs in, rejects a wrong password, and slows down after five failures (backoff, no hard lock)', async () => {
    const c = new Client(t.app);
    expect((await c.post('/api/auth/login', { email: ADMIN.email, password: 'nope' })).statusCode).toBe(401);
    await c.login(ADMIN.email, ADMIN.password);
    const session = (await c.get('/api/auth/session')).json<{ role: string; permissions: string[] }>();
    expect(session.role).toBe('admin');
    expect(session.permissions).toContain('member:manage');

    const victim = await userWithRole(t.app, c, 'member', 'victim@maju.test');
    expect((await victim.get('/api/auth/session')).statusCode).toBe(200);
    const attacker = new Client(t.app);
    for (let i = 0; i < 4; i++) {
      expect(
        (await attacker.post('/api/auth/login', { email: 'victim@maju.test', password: `bad-${i}` }))
          .statusCode,
      ).toBe(401);
    }
    expect(
      (await attacker.post('/api/auth/login', { email: 'victim@maju.test', password: 'bad-5' })).statusCode,
    ).toBe(401);
    // Even the right password is refused while the account waits out its delay…
    expect(
      (await attacker.post('/api/auth/login', { email: 'victim@maju.test', password: 'role-password-123' }))
        .statusCode,
    ).toBe(429);
    // …which is seconds, not a 15-minute lock an anonymous caller could impose at will.
    t.clock.advance(3_000);
    expect(
      (await attacker.post('/api/auth/login', { email: 'victim@maju.test', password: 'role-password-123' }))
        .statusCode,
    ).toBe(200);
  });

  it('refuses state changes without the CSRF token', async () => {
    const c = new Client(t.app);
    await c.login(ADMIN.email, ADMIN.password);
    const res = await c.request('POST', '/api/departments', { name: 'Gudang' }, { 'x-csrf-token': 'wrong' });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('csrf_failed');
    expect((await c.post('/api/departments', { name: 'Gudang' })).statusCode).toBe(201);
  });

  it('logs out everywhere', async () => {
    const a = new Client(t.app);
    const b = new Client(t.app);
    await a.login(ADMIN.email, ADMIN.password);
    await b.login(ADMIN.email, ADMIN.password);
    expect((await a.post('/api/auth/logout', { everywhere: true })).statusCode).toBe(200);
    expect((await b.get('/api/auth/session')).statusCode).toBe(401);
    expect((await a.get('/api/auth/session')).statusCode).toBe(401);
  });

  it('issues scoped API tokens that are hashed, scoped and revocable', async () => {
    const c = new Client(t.app);
    await c.login(ADMIN.email, ADMIN.password);
    const created = await c.post('/api/tokens', { name: 'ERP sync', scopes: ['member:view'] });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json<{ token: string; id: string }>();
    const bearer = { authorization: `Bearer ${token}` };
    const ok = await t.app.inject({ method: 'GET', url: '/api/audit', headers: bearer });
    expect(ok.statusCode).toBe(403); // not in scope
    const org = await t.app.inject({ method: 'GET', url: '/api/departments', headers: bearer });
    expect(org.statusCode).toBe(200);
    const stored = await t.server.ctx.db
      .selectFrom('apiTokens')
      .select('tokenHash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.tokenHash).not.toContain(token);
    expect((await c.delete(`/api/tokens/${id}`)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/departments', headers: bearer })).statusCode).toBe(
      401,
    );
  });

  it('keeps at least one admin', async () => {
    const c = new Client(t.app);
    await c.login(ADMIN.email, ADMIN.password);
    const me = (await c.get('/api/auth/session')).json<{ user: { id: string } }>();
    const res = await c.patch(`/api/users/${me.user.id}`, { role: 'member' });
    expect(res.statusCode).toBe(409);
  });
});
