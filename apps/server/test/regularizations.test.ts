import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttendanceMonth, RegularizationView } from '@hadir/contracts';
import { ADMIN, Client, dialects, setupOrganization, startTestServer, type TestServer } from './support.js';

/** Asia/Jakarta wall time → epoch ms. 2026-01-05 is a Monday; the organization works Monday–Friday. */
const wib = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);
const errorCode = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;

/**
 * Regularization on a real server and database. Hierarchy: Bayu (head) ← Sari (supervisor) ← Budi;
 * Dodi stands outside it. Every one of them is a user linked to their employee record.
 */
describe.each(await dialects())('regularization requests (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  const emp: Record<string, string> = {};
  const users: Record<string, Client> = {};

  const ok = async <T>(
    res: Promise<{ statusCode: number; body: string; json: <U>() => U }>,
    status = 200,
  ) => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
    return r.json<T>();
  };
  const outbox = (id: string) =>
    t.server.ctx.db
      .selectFrom('notifications')
      .select(['kind', 'recipientEmployeeId', 'body'])
      .where('idempotencyKey', 'like', `correction:${id}:%`)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const people: [string, string, string | null, string][] = [
      ['bayu', 'Bayu Head', null, '+6281200000001'],
      ['sari', 'Sari Supervisor', 'bayu', '+6281200000002'],
      ['budi', 'Budi Santoso', 'sari', '+6281200000003'],
      ['dodi', 'Dodi Other', null, '+6281200000005'],
    ];
    for (const [key, name, sup, wa] of people) {
      const e = await ok<{ id: string }>(
        admin.post('/api/employees', {
          employeeCode: key.toUpperCase(),
          name,
          supervisorId: sup ? emp[sup] : null,
          whatsapp: wa,
        }),
        201,
      );
      emp[key] = e.id;
      const role = key === 'sari' || key === 'bayu' ? 'manager' : 'member';
      await ok(
        admin.post('/api/users', {
          name,
          email: `${key}@maju.test`,
          password: 'reg-password-12',
          role,
          employeeId: e.id,
        }),
        201,
      );
      const c = new Client(t.app);
      await c.login(`${key}@maju.test`, 'reg-password-12');
      users[key] = c;
    }
  }, 60_000);
  afterAll(async () => t.close());

  it('Budi asks to fix a missed check-in; Sari is asked on WhatsApp, approves, the day is re-derived and audited', async () => {
    // Monday: Budi's badge failed in the morning; only the check-out was recorded.
    await t.server.modules.attendance.events.record(orgId, {
      employeeId: emp.budi!,
      occurredAtMs: wib('2026-01-05', '17:05'),
      kind: 'check_out',
      source: 'badge',
      label: 'Lobby',
    });
    t.clock.set(wib('2026-01-06', '09:00'));
    for (const c of [admin, ...Object.values(users)]) await c.request('GET', '/api/auth/me');
    const month = await ok<AttendanceMonth>(
      users.budi!.get('/api/attendance/my-month?month=2026-01&locale=en'),
    );
    expect(month.employeeId).toBe(emp.budi);
    const monday = month.days.find((d) => d.date === '2026-01-05');
    expect(monday?.status).not.toBe('present');

    // bad input is refused and nothing is stored
    const empty = await users.budi!.post('/api/attendance/regularizations', {
      date: '2026-01-05',
      note: 'Badge failed',
    });
    expect(empty.statusCode).toBe(400);
    const someoneElse = await users.budi!.post('/api/attendance/regularizations', {
      employeeId: emp.dodi,
      date: '2026-01-05',
      checkInAt: '2026-01-05T07:58:00+07:00',
      note: 'For Dodi',
    });
    expect(someoneElse.statusCode).toBe(403);
    const future = await users.budi!.post('/api/attendance/regularizations', {
      date: '2026-01-09',
      status: 'excused',
      note: 'Ahead',
    });
    expect(future.statusCode).toBe(409);
    expect(await ok<{ items: unknown[] }>(users.budi!.get('/api/attendance/regularizations'))).toEqual({
      items: [],
    });

    const created = await ok<{ id: string }>(
      users.budi!.post('/api/attendance/regularizations', {
        date: '2026-01-05',
        checkInAt: '2026-01-05T07:58:00+07:00',
        note: 'Badge reader was down',
      }),
      201,
    );
    const mine = await ok<{ items: RegularizationView[] }>(
      users.budi!.get('/api/attendance/regularizations'),
    );
    expect(mine.items).toMatchObject([
      { id: created.id, state: 'pending', canDecide: false, checkInAt: '2026-01-05T00:58:00.000Z' },
    ]);
    // pending changes nothing yet
    const still = await ok<AttendanceMonth>(users.budi!.get('/api/attendance/my-month?month=2026-01'));
    expect(still.days.find((d) => d.date === '2026-01-05')?.status).toBe(monday?.status);

    // Sari (direct supervisor) sees it; Dodi (outside the chain) neither sees nor may decide it;
    // Budi may not approve his own
    const sariInbox = await ok<{ items: RegularizationView[] }>(
      users.sari!.get('/api/attendance/regularizations/inbox'),
    );
    expect(sariInbox.items).toMatchObject([
      { id: created.id, employeeName: 'Budi Santoso', canDecide: true },
    ]);
    expect(
      (await ok<{ items: unknown[] }>(users.dodi!.get('/api/attendance/regularizations/inbox'))).items,
    ).toEqual([]);
    const dodi = await users.dodi!.post(`/api/attendance/regularizations/${created.id}/decision`, {
      decision: 'approved',
    });
    expect(dodi.statusCode).toBe(404);
    const own = await users.budi!.post(`/api/attendance/regularizations/${created.id}/decision`, {
      decision: 'approved',
    });
    expect(own.statusCode).toBe(403);

    const decided = await ok<{ changed: number }>(
      users.sari!.post(`/api/attendance/regularizations/${created.id}/decision`, {
        decision: 'approved',
        comment: 'Seen on camera',
      }),
    );
    expect(decided.changed).toBe(1);
    const again = await users.bayu!.post(`/api/attendance/regularizations/${created.id}/decision`, {
      decision: 'rejected',
    });
    expect(again.statusCode).toBe(409);
    expect(errorCode(again)).toBe('already_decided');

    const after = await ok<AttendanceMonth>(
      users.budi!.get('/api/attendance/my-month?month=2026-01&locale=en'),
    );
    const fixed = after.days.find((d) => d.date === '2026-01-05');
    expect(fixed).toMatchObject({ status: 'present', checkInAt: '2026-01-05T00:58:00.000Z' });
    expect(fixed?.reasonText).toContain('checked in 07:58 at Sari Supervisor');
    expect(
      (await ok<{ items: RegularizationView[] }>(users.budi!.get('/api/attendance/regularizations')))
        .items[0],
    ).toMatchObject({
      state: 'approved',
      decidedByName: 'Sari Supervisor',
      decisionComment: 'Seen on camera',
    });

    const rows = await outbox(created.id);
    expect(rows.map((r) => [r.kind, r.recipientEmployeeId])).toEqual([
      ['correction_requested', emp.sari],
      ['correction_decided', emp.budi],
    ]);
    expect(rows[0]!.body).toBe(
      '[KOREKSI] BUDI - Budi Santoso meminta koreksi absensi 05/01/2026: masuk 07:58. Alasan: Badge reader was down. Mohon setujui atau tolak di Hadir.',
    );
    expect(rows[1]!.body).toBe(
      '[KOREKSI] Koreksi absensi 05/01/2026 disetujui oleh Sari Supervisor. Catatan: Seen on camera',
    );
    const audit = await t.server.ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityId', '=', created.id)
      .orderBy('at')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'attendance_correction.requested',
      'attendance_correction.approved',
    ]);
  });

  it('a rejection leaves the day as it was; the head above the supervisor may decide too', async () => {
    const created = await ok<{ id: string }>(
      users.budi!.post('/api/attendance/regularizations', {
        date: '2026-01-06',
        status: 'excused',
        note: 'Doctor visit',
      }),
      201,
    );
    const before = (
      await ok<AttendanceMonth>(users.budi!.get('/api/attendance/my-month?month=2026-01'))
    ).days.find((d) => d.date === '2026-01-06');
    expect(
      (await ok<{ items: RegularizationView[] }>(users.bayu!.get('/api/attendance/regularizations/inbox')))
        .items,
    ).toMatchObject([{ id: created.id, canDecide: true }]);
    await ok(
      users.bayu!.post(`/api/attendance/regularizations/${created.id}/decision`, {
        decision: 'rejected',
        comment: 'Please request sick leave',
      }),
    );
    const after = (
      await ok<AttendanceMonth>(users.budi!.get('/api/attendance/my-month?month=2026-01'))
    ).days.find((d) => d.date === '2026-01-06');
    expect(after?.status).toBe(before?.status);
    expect(after?.status).not.toBe('excused');
    expect((await outbox(created.id)).map((r) => r.body)).toContain(
      '[KOREKSI] Koreksi absensi 06/01/2026 ditolak oleh Bayu Head. Catatan: Please request sick leave',
    );
  });

  it('an account without an employee record is told to get linked; no request from the admin inbox scope leaks', async () => {
    await admin.login(ADMIN.email, ADMIN.password);
    const res = await admin.get('/api/attendance/my-month?month=2026-01');
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('not_linked');
    // the admin (attendance:approve) sees every pending request in the inbox
    const pending = await ok<{ id: string }>(
      users.dodi!.post('/api/attendance/regularizations', {
        date: '2026-01-06',
        checkOutAt: '2026-01-06T17:00:00+07:00',
        note: 'Forgot to scan out',
      }),
      201,
    );
    const inbox = await ok<{ items: RegularizationView[] }>(
      admin.get('/api/attendance/regularizations/inbox'),
    );
    expect(inbox.items.map((i) => i.id)).toEqual([pending.id]);
    // Dodi has no supervisor: the admins are asked
    const rows = await outbox(pending.id);
    expect(rows.map((r) => r.kind)).toEqual(['correction_requested']);
  });
});
