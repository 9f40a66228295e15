import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

/**
 * Security issue 9, item 12: `POST /api/users` with the email of another organization's user silently
 * added that person, and the different answer for unknown emails enumerated accounts. People now join by
 * accepting an invitation; creating one answers alike for known and unknown emails.
 */

type Res = Awaited<ReturnType<Client['get']>>;
const code = (res: Res) => res.json<{ error: { code: string } }>().error.code;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.each(await dialects())('invitations (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client; // operator, admin of A
  let plainAdmin: Client; // admin of A, not an operator
  let orgA: string;
  let orgB: string;

  const emailsOfA = async () =>
    (await admin.get('/api/users')).json<{ email: string; role: string }[]>().map((u) => u.email);
  const invite = (c: Client, email: string, role = 'member') => c.post('/api/invitations', { email, role });

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId: orgA } = await setupOrganization(t.app));
    plainAdmin = await userWithRole(t.app, admin, 'admin', 'plain-admin@maju.test');
    // Organization B with its own user, known@beta.test, who has nothing to do with A.
    const created = await admin.post('/api/organizations', { name: 'PT Beta' });
    expect(created.statusCode, created.body).toBe(201);
    orgB = created.json<{ id: string }>().id;
    expect((await admin.post('/api/auth/organization', { organizationId: orgB })).statusCode).toBe(200);
    const known = await admin.post('/api/users', {
      name: 'Known Beta',
      email: 'known@beta.test',
      password: 'known-password-123',
      role: 'member',
    });
    expect(known.statusCode, known.body).toBe(201);
    expect((await admin.post('/api/auth/organization', { organizationId: orgA })).statusCode).toBe(200);
  });
  afterAll(async () => t?.close());

  it('no longer adds an existing account by email, and answers alike for known and unknown emails', async () => {
    // An organization admin (not an operator) cannot add accounts directly at all: the same 403 for both.
    const body = (email: string) => ({ name: 'X', email, password: 'some-password-123', role: 'member' });
    const knownRes = await plainAdmin.post('/api/users', body('known@beta.test'));
    const unknownRes = await plainAdmin.post('/api/users', body('nobody@beta.test'));
    expect(knownRes.statusCode).toBe(403);
    expect(unknownRes.statusCode).toBe(403);
    expect(knownRes.body).toBe(unknownRes.body);
    expect(code(knownRes)).toBe('use_invitation');
    // Operators provision NEW accounts only; an existing one is refused, never added.
    const op = await admin.post('/api/users', body('known@beta.test'));
    expect(op.statusCode).toBe(409);
    expect(code(op)).toBe('account_exists');
    expect(await emailsOfA()).not.toContain('known@beta.test');
  });

  it('creates invitations with the same status, body shape and timing for known and unknown emails', async () => {
    const shape = (res: Res) => {
      const b = res.json<{
        invitation: Record<string, unknown>;
        token: string;
        acceptPath: string;
      }>();
      return {
        keys: Object.keys(b).sort(),
        invitationKeys: Object.keys(b.invitation).sort(),
        tokenLength: b.token.length,
        rest: { ...b.invitation, id: '', email: '', createdAt: '', expiresAt: '' },
      };
    };
    const known = await invite(plainAdmin, 'known@beta.test');
    const unknown = await invite(plainAdmin, 'nobody@beta.test');
    expect(known.statusCode).toBe(201);
    expect(unknown.statusCode).toBe(201);
    expect(shape(known)).toEqual(shape(unknown));
    expect(Object.keys(known.headers).sort()).toEqual(Object.keys(unknown.headers).sort());

    // Timing class: alternate known and unknown emails (both replacing their earlier invitation, as a
    // prober would repeat); the medians must not tell them apart (a shared CI machine adds noise).
    const ms: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 15; i++) {
      for (const kind of ['known', 'unknown'] as const) {
        const started = performance.now();
        const res = await invite(plainAdmin, kind === 'known' ? 'known@beta.test' : 'nobody@beta.test');
        ms[kind].push(performance.now() - started);
        expect(res.statusCode).toBe(201);
      }
    }
    const [k, u] = [median(ms.known), median(ms.unknown)];
    console.info(`[invitations] create median: known ${k.toFixed(1)} ms, unknown ${u.toFixed(1)} ms`);
    expect(Math.abs(k - u)).toBeLessThan(Math.max(10, 0.5 * Math.min(k, u)));
    // Inviting added nobody.
    expect(await emailsOfA()).not.toContain('known@beta.test');
  });

  it('keeps the token only as a hash, lists pending invitations, and replaces an older one', async () => {
    const res = await invite(admin, 'hash@beta.test');
    const { token, invitation } = res.json<{ token: string; invitation: { id: string } }>();
    const rows = await t.server.ctx.db.selectFrom('invitations').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    const list = (await admin.get('/api/invitations')).json<{ items: { id: string; email: string }[] }>();
    expect(list.items.map((i) => i.id)).toContain(invitation.id);
    expect(JSON.stringify(list)).not.toContain(token);
    // Only the latest invitation per email stays pending.
    expect(list.items.filter((i) => i.email === 'known@beta.test')).toHaveLength(1);
    // Someone already in A is refused plainly (visible on the users page anyway).
    expect(code(await invite(admin, 'plain-admin@maju.test'))).toBe('already_member');
  });

  it('lets an existing account join only by signing in and accepting, once', async () => {
    const created = await invite(admin, 'known@beta.test', 'officer');
    const { token } = created.json<{ token: string }>();
    const preview = await t.app.inject({
      method: 'POST',
      url: '/api/invitations/preview',
      payload: { token },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const previewed = preview.json<{ organizationName: string; role: string; email: string }>();
    expect(previewed).toMatchObject({ role: 'officer', email: 'known@beta.test' });
    expect(previewed.organizationName.length).toBeGreaterThan(0);
    // Creating an account for an email that has one is refused: sign in instead.
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/invitations/register',
      payload: { token, name: 'Taker', password: 'taker-password-123' },
    });
    expect(reg.statusCode).toBe(409);
    expect(code(reg)).toBe('sign_in_to_accept');
    // Another signed-in account cannot use it.
    expect(code(await plainAdmin.post('/api/invitations/accept', { token }))).toBe(
      'invitation_wrong_account',
    );
    // Anonymous cannot accept.
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/invitations/accept', payload: { token } })).statusCode,
    ).toBe(401);

    const known = new Client(t.app);
    await known.login('known@beta.test', 'known-password-123');
    const accepted = await known.post('/api/invitations/accept', { token });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ organizationId: orgA, role: 'officer' });
    expect(await emailsOfA()).toContain('known@beta.test');
    expect((await known.post('/api/auth/organization', { organizationId: orgA })).statusCode).toBe(200);
    // Single use.
    const again = await known.post('/api/invitations/accept', { token });
    expect(again.statusCode).toBe(404);
    expect(code(again)).toBe('invitation_invalid');
  });

  it('lets a new person join by choosing a name and password', async () => {
    const { token } = (await invite(admin, 'fresh@beta.test', 'manager')).json<{ token: string }>();
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/invitations/register',
      payload: { token, name: 'Fresh Person', password: 'fresh-password-123' },
    });
    expect(reg.statusCode, reg.body).toBe(200);
    const fresh = new Client(t.app);
    await fresh.login('fresh@beta.test', 'fresh-password-123');
    expect((await fresh.post('/api/auth/organization', { organizationId: orgA })).statusCode).toBe(200);
    expect((await fresh.get('/api/employees')).statusCode).toBe(200); // manager: member:view
    const reuse = await t.app.inject({
      method: 'POST',
      url: '/api/invitations/register',
      payload: { token, name: 'Second', password: 'second-password-123' },
    });
    expect(reuse.statusCode).toBe(404);
  });

  it('revokes: the link stops working; another organization can neither see nor revoke it', async () => {
    const created = (await invite(admin, 'revoke@beta.test')).json<{
      token: string;
      invitation: { id: string };
    }>();
    // Org B's admin (the same operator, switched to B) sees nothing of A's invitations.
    const b = new Client(t.app);
    await b.login('ani@maju.test', 'correct-horse-battery');
    expect((await b.post('/api/auth/organization', { organizationId: orgB })).statusCode).toBe(200);
    expect((await b.get('/api/invitations')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await b.delete(`/api/invitations/${created.invitation.id}`)).statusCode).toBe(404);
    // Members and managers may not invite or list.
    const member = await userWithRole(t.app, admin, 'member');
    expect((await invite(member, 'x@beta.test')).statusCode).toBe(403);

    expect((await admin.delete(`/api/invitations/${created.invitation.id}`)).statusCode).toBe(200);
    expect((await admin.delete(`/api/invitations/${created.invitation.id}`)).statusCode).toBe(404);
    const list = (await admin.get('/api/invitations')).json<{ items: { id: string }[] }>();
    expect(list.items.map((i) => i.id)).not.toContain(created.invitation.id);
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/invitations/register',
      payload: { token: created.token, name: 'Revoked', password: 'revoked-password-123' },
    });
    expect(reg.statusCode).toBe(404);
    const audit = await t.server.ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('organizationId', '=', orgA)
      .where('action', 'like', 'user.invit%')
      .execute();
    expect(new Set(audit.map((a) => a.action))).toEqual(
      new Set(['user.invited', 'user.invitation_accepted', 'user.invitation_revoked']),
    );
  });

  it('expires after seven days', async () => {
    const { token } = (await invite(admin, 'late@beta.test')).json<{ token: string }>();
    t.clock.advance(7 * 24 * 60 * 60 * 1000 + 1000);
    const preview = await t.app.inject({
      method: 'POST',
      url: '/api/invitations/preview',
      payload: { token },
    });
    expect(preview.statusCode).toBe(404);
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/invitations/register',
      payload: { token, name: 'Late', password: 'late-password-123' },
    });
    expect(reg.statusCode).toBe(404);
    expect(code(reg)).toBe('invitation_invalid');
  });
});
