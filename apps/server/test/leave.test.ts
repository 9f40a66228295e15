import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaveBalance, LeaveRequest, LeaveType } from '@hadir/contracts';
import { LeaveQueries } from '../src/modules/leave/index.js';
import { Client, dialects, setupOrganization, startTestServer, type TestServer } from './support.js';
import { multipart } from './fixtures/employee-files.js';

const errorCode = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/**
 * Leave on a real server and database. The fake clock starts on Monday 2026-01-05, 09:00 in Jakarta;
 * the organization works Monday to Friday. Hierarchy: Bayu (head) ← Sari (supervisor) ← Budi, Citra.
 */
describe.each(await dialects())('leave (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  const emp: Record<string, string> = {};
  const users: Record<string, Client> = {};
  const userIds: Record<string, string> = {};
  let types: Record<string, LeaveType>;

  const ok = async <T>(
    res: Promise<{ statusCode: number; body: string; json: <U>() => U }>,
    status = 200,
  ) => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
    return r.json<T>();
  };
  const request = (who: string, body: Record<string, unknown>) =>
    users[who]!.post('/api/leave/requests', body);
  const outbox = (requestId: string) =>
    t.server.ctx.db
      .selectFrom('notifications')
      .select(['kind', 'recipientEmployeeId', 'recipientUserId', 'body', 'subjectEmployeeId'])
      .where('idempotencyKey', 'like', `leave:${requestId}:%`)
      .orderBy('createdAt')
      .execute();
  const balanceOf = async (who: string, type: string, year = 2026) => {
    const list = await ok<LeaveBalance[]>(users[who]!.get(`/api/leave/balances?year=${year}`));
    return list.find((b) => b.leaveTypeId === types[type]!.id)!;
  };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const setup = await setupOrganization(t.app);
    admin = setup.client;
    orgId = setup.orgId;
    const dept = await ok<{ id: string }>(admin.post('/api/departments', { name: 'Gudang' }), 201);
    const people: [string, string, string | null, string][] = [
      ['bayu', 'Bayu Head', null, '+6281200000001'],
      ['sari', 'Sari Supervisor', 'bayu', '+6281200000002'],
      ['budi', 'Budi Santoso', 'sari', '+6281200000003'],
      ['citra', 'Citra Dewi', 'sari', '+6281200000004'],
      ['dodi', 'Dodi Other', null, '+6281200000005'],
    ];
    for (const [key, name, sup, wa] of people) {
      const e = await ok<{ id: string }>(
        admin.post('/api/employees', {
          employeeCode: key.toUpperCase(),
          name,
          departmentId: dept.id,
          supervisorId: sup ? emp[sup] : null,
          whatsapp: wa,
        }),
        201,
      );
      emp[key] = e.id;
      const role = key === 'sari' || key === 'bayu' ? 'manager' : 'member';
      const email = `${key}@maju.test`;
      await ok(
        admin.post('/api/users', { name, email, password: 'leave-password-1', role, employeeId: e.id }),
        201,
      );
      const c = new Client(t.app);
      await c.login(email, 'leave-password-1');
      users[key] = c;
    }
    const list = await ok<{ userId: string; email: string }[]>(admin.get('/api/users'));
    for (const u of list) userIds[u.email.split('@')[0]!] = u.userId;
    const typeList = await ok<LeaveType[]>(users.budi!.get('/api/leave/types'));
    types = Object.fromEntries(typeList.map((x) => [x.code, x]));
  });
  afterAll(async () => t.close());

  it('seeds annual, sick and unpaid once per organization', async () => {
    expect(Object.keys(types).sort()).toEqual(['annual', 'sick', 'unpaid']);
    expect(types.annual).toMatchObject({ paid: true, daysPerYear: 12, allowsHalfDay: true });
    expect(types.sick).toMatchObject({ requiresAttachment: true, daysPerYear: null });
    expect(types.unpaid).toMatchObject({ paid: false });
    expect(await ok<LeaveType[]>(admin.get('/api/leave/types'))).toHaveLength(3);
  });

  it('links one user per employee', async () => {
    const res = await admin.patch(`/api/users/${userIds.dodi}`, { employeeId: emp.budi });
    expect(res.statusCode, res.body).toBe(409);
    expect(errorCode(res)).toBe('employee_linked');
    // Re-saving one's own link is fine.
    expect((await admin.patch(`/api/users/${userIds.dodi}`, { employeeId: emp.dodi })).statusCode).toBe(200);
  });

  it('counts weekdays and half days against the balance; asks the direct supervisor on WhatsApp', async () => {
    // Thursday 8 to Tuesday 13 January: the weekend in between is free.
    const range = await ok<LeaveRequest>(
      request('budi', {
        leaveTypeId: types.annual!.id,
        fromDate: '2026-01-08',
        toDate: '2026-01-13',
        reason: 'Mudik',
      }),
      201,
    );
    expect(range).toMatchObject({
      days: 4,
      status: 'pending',
      approverEmployeeId: emp.sari,
      canCancel: true,
      canDecide: false,
    });
    const half = await ok<LeaveRequest>(
      request('budi', {
        leaveTypeId: types.annual!.id,
        fromDate: '2026-01-14',
        toDate: '2026-01-14',
        portion: 'first_half',
      }),
      201,
    );
    expect(half.days).toBe(0.5);
    // The other half of that day is still free; the same half is not.
    const clash = await request('budi', {
      leaveTypeId: types.annual!.id,
      fromDate: '2026-01-14',
      toDate: '2026-01-14',
      portion: 'first_half',
    });
    expect(clash.statusCode).toBe(409);
    expect(errorCode(clash)).toBe('overlap');
    const overlapRange = await request('budi', {
      leaveTypeId: types.annual!.id,
      fromDate: '2026-01-12',
      toDate: '2026-01-12',
    });
    expect(errorCode(overlapRange)).toBe('overlap');
    expect(await balanceOf('budi', 'annual')).toMatchObject({
      allocated: 12,
      carried: 0,
      taken: 0,
      pending: 4.5,
      balance: 7.5,
    });

    const rows = await outbox(range.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'leave_requested',
      recipientEmployeeId: emp.sari,
      recipientUserId: userIds.sari,
      subjectEmployeeId: emp.budi,
    });
    // The organization's language is Indonesian.
    expect(rows[0]!.body).toBe(
      '[CUTI] BUDI - Budi Santoso mengajukan Annual leave 2026-01-08 – 2026-01-13 (4 hari). Alasan: Mudik. Mohon setujui atau tolak di Hadir.',
    );

    const tooMuch = await request('budi', {
      leaveTypeId: types.annual!.id,
      fromDate: '2026-02-02',
      toDate: '2026-02-13',
    });
    expect(tooMuch.statusCode).toBe(409);
    expect(errorCode(tooMuch)).toBe('insufficient_balance');
    const weekend = await request('budi', {
      leaveTypeId: types.annual!.id,
      fromDate: '2026-01-10',
      toDate: '2026-01-11',
    });
    expect(errorCode(weekend)).toBe('dates_no_working_day');
    const halfRange = await request('budi', {
      leaveTypeId: types.annual!.id,
      fromDate: '2026-01-19',
      toDate: '2026-01-20',
      portion: 'second_half',
    });
    expect(errorCode(halfRange)).toBe('dates_half_day_range');
  });

  it('the supervisor approves with a comment: the employee is told, leave.changed fires, approvedLeave() lists the days', async () => {
    const pending = await ok<LeaveRequest[]>(users.sari!.get('/api/leave/approvals'));
    const range = pending.find((r) => r.fromDate === '2026-01-08')!;
    expect(range).toMatchObject({ employeeName: 'Budi Santoso', canDecide: true });
    // Budi cannot approve his own request (members lack leave:approve), nor can an unrelated manager's team.
    expect(
      (await users.budi!.post(`/api/leave/requests/${range.id}/decision`, { decision: 'approve' }))
        .statusCode,
    ).toBe(403);

    const events: unknown[] = [];
    const off = t.server.ctx.events.subscribe('leave.changed', (e) => events.push(e));
    const decided = await ok<LeaveRequest>(
      users.sari!.post(`/api/leave/requests/${range.id}/decision`, {
        decision: 'approve',
        comment: 'Selamat jalan',
      }),
    );
    off();
    expect(decided).toMatchObject({
      status: 'approved',
      decidedByName: 'Sari Supervisor',
      decisionComment: 'Selamat jalan',
    });
    expect(events).toEqual([
      { organizationId: orgId, employeeId: emp.budi, fromDate: '2026-01-08', toDate: '2026-01-13' },
    ]);
    const again = await users.sari!.post(`/api/leave/requests/${range.id}/decision`, { decision: 'reject' });
    expect(again.statusCode).toBe(403);

    const rows = await outbox(range.id);
    expect(rows.map((r) => [r.kind, r.recipientEmployeeId])).toEqual([
      ['leave_requested', emp.sari],
      ['leave_decided', emp.budi],
    ]);
    expect(rows[1]!.body).toBe(
      '[CUTI] Annual leave 2026-01-08 – 2026-01-13 disetujui oleh Sari Supervisor. Catatan: Selamat jalan',
    );
    expect(await balanceOf('budi', 'annual')).toMatchObject({ taken: 4, pending: 0.5, balance: 7.5 });

    const q = new LeaveQueries(t.server.ctx.db);
    expect(await q.approvedLeave(orgId, '2026-01-01', '2026-01-31')).toEqual(
      ['2026-01-08', '2026-01-09', '2026-01-12', '2026-01-13'].map((date) => ({
        employeeId: emp.budi,
        date,
        portion: 'full',
        leaveTypeName: 'Annual leave',
        requestId: range.id,
      })),
    );
    expect(await q.approvedLeave(orgId, '2026-01-09', '2026-01-12', [emp.citra!])).toEqual([]);
    expect(await q.approvedLeave(orgId, '2026-01-09', '2026-01-12', [emp.budi!])).toHaveLength(2);
    // Another organization's id asks about another organization: nothing.
    expect(await q.approvedLeave('0190aaaa-0000-7000-8000-000000000000', '2026-01-01', '2026-01-31')).toEqual(
      [],
    );

    const calendar = await ok<{ employeeId: string; date: string; status: string }[]>(
      users.sari!.get('/api/leave/calendar?from=2026-01-01&to=2026-01-31'),
    );
    expect(calendar.filter((c) => c.status === 'approved')).toHaveLength(4);
    expect(calendar.find((c) => c.date === '2026-01-14')).toMatchObject({
      status: 'pending',
      portion: 'first_half',
    });
  });

  it('escalates past a supervisor who is on leave today, and to the admins at the top', async () => {
    // Sari is on approved leave today (Monday 5 January), approved by Bayu.
    const sariLeave = await ok<LeaveRequest>(
      request('sari', { leaveTypeId: types.annual!.id, fromDate: '2026-01-05', toDate: '2026-01-06' }),
      201,
    );
    expect(sariLeave.approverEmployeeId).toBe(emp.bayu);
    await ok(users.bayu!.post(`/api/leave/requests/${sariLeave.id}/decision`, { decision: 'approve' }));

    const citra = await ok<LeaveRequest>(
      request('citra', { leaveTypeId: types.unpaid!.id, fromDate: '2026-01-20', toDate: '2026-01-20' }),
      201,
    );
    expect(citra).toMatchObject({ approverEmployeeId: emp.bayu, approverName: 'Bayu Head' });
    expect((await outbox(citra.id))[0]).toMatchObject({
      recipientEmployeeId: emp.bayu,
      recipientUserId: userIds.bayu,
    });
    const audit = await t.server.ctx.db
      .selectFrom('auditLog')
      .select('changes')
      .where('entityId', '=', citra.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.changes!)).toEqual({ approver: emp.bayu, skipped: [emp.sari] });
    // Sari is still above Citra and may decide too; Bayu's inbox has it.
    expect((await ok<LeaveRequest[]>(users.bayu!.get('/api/leave/approvals'))).map((r) => r.id)).toContain(
      citra.id,
    );

    // Bayu has nobody above him: the admins decide (Ani has no employee record: a dashboard-only row).
    const bayu = await ok<LeaveRequest>(
      request('bayu', { leaveTypeId: types.unpaid!.id, fromDate: '2026-01-21', toDate: '2026-01-21' }),
      201,
    );
    expect(bayu.approverEmployeeId).toBeNull();
    const rows = await outbox(bayu.id);
    expect(rows).toEqual([expect.objectContaining({ kind: 'leave_requested', recipientEmployeeId: null })]);
    expect((await ok<LeaveRequest[]>(admin.get('/api/leave/approvals'))).map((r) => r.id)).toContain(bayu.id);
    expect(
      (await ok<LeaveRequest[]>(users.sari!.get('/api/leave/approvals'))).map((r) => r.id),
    ).not.toContain(bayu.id);
    await ok(
      admin.post(`/api/leave/requests/${bayu.id}/decision`, { decision: 'reject', comment: 'Audit week' }),
    );
  });

  it('cancels: the requester before the start, an approver after it; approvedLeave() follows', async () => {
    const mine = await ok<LeaveRequest>(
      request('citra', { leaveTypeId: types.annual!.id, fromDate: '2026-01-07', toDate: '2026-01-07' }),
      201,
    );
    await ok(users.sari!.post(`/api/leave/requests/${mine.id}/decision`, { decision: 'approve' }));
    const q = new LeaveQueries(t.server.ctx.db);
    expect((await q.approvedLeave(orgId, '2026-01-07', '2026-01-07', [emp.citra!])).length).toBe(1);

    // Wednesday 7 January 10:00 Jakarta: the leave has started, Citra can no longer cancel it.
    t.clock.set(Date.UTC(2026, 0, 7, 3, 0));
    const late = await users.citra!.post(`/api/leave/requests/${mine.id}/cancel`, {});
    expect(late.statusCode).toBe(403);
    const events: unknown[] = [];
    const off = t.server.ctx.events.subscribe('leave.changed', (e) => events.push(e));
    const byApprover = await ok<LeaveRequest>(
      users.sari!.post(`/api/leave/requests/${mine.id}/cancel`, { comment: 'Back early' }),
    );
    off();
    expect(byApprover.status).toBe('cancelled');
    expect(events).toHaveLength(1);
    expect(await q.approvedLeave(orgId, '2026-01-07', '2026-01-07', [emp.citra!])).toEqual([]);
    t.clock.set(Date.UTC(2026, 0, 5, 2, 0));

    // A pending request is withdrawn by its requester; then it is final.
    const pending = await ok<LeaveRequest>(
      request('citra', { leaveTypeId: types.annual!.id, fromDate: '2026-02-02', toDate: '2026-02-02' }),
      201,
    );
    expect(
      (await ok<LeaveRequest>(users.citra!.post(`/api/leave/requests/${pending.id}/cancel`, {}))).status,
    ).toBe('cancelled');
    expect(errorCode(await users.citra!.post(`/api/leave/requests/${pending.id}/cancel`, {}))).toBe(
      'not_cancellable',
    );
  });

  it('requires, sniffs and guards the attachment of sick leave', async () => {
    const sick = await ok<LeaveRequest>(
      request('budi', {
        leaveTypeId: types.sick!.id,
        fromDate: '2026-01-15',
        toDate: '2026-01-15',
        reason: 'Demam',
      }),
      201,
    );
    const early = await users.sari!.post(`/api/leave/requests/${sick.id}/decision`, { decision: 'approve' });
    expect(errorCode(early)).toBe('attachment_required');

    const upload = (who: Client, name: string, bytes: Buffer) => {
      const m = multipart(name, bytes);
      return who.request('POST', `/api/leave/requests/${sick.id}/attachment`, m.body, m.headers);
    };
    // A text file named .pdf is refused by its content.
    const fake = await upload(users.budi!, 'surat.pdf', Buffer.from('not really a pdf'));
    expect(fake.statusCode).toBe(415);
    const big = await upload(users.budi!, 'big.pdf', Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]));
    expect(big.statusCode).toBe(413);
    // Only the requester attaches; an unrelated member does not even see the request.
    expect((await upload(users.dodi!, 'x.pdf', PDF)).statusCode).toBe(404);
    const attached = await ok<LeaveRequest>(upload(users.budi!, '../../surat dokter.pdf', PDF));
    expect(attached.attachment).toEqual({
      fileName: 'surat dokter.pdf',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
    });

    for (const who of ['budi', 'sari', 'bayu'] as const) {
      const res = await users[who]!.get(`/api/leave/requests/${sick.id}/attachment`);
      expect(res.statusCode, who).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.equals(PDF)).toBe(true);
    }
    expect((await admin.get(`/api/leave/requests/${sick.id}/attachment`)).statusCode).toBe(200);
    for (const who of ['citra', 'dodi'] as const) {
      expect((await users[who]!.get(`/api/leave/requests/${sick.id}/attachment`)).statusCode, who).toBe(404);
      expect((await users[who]!.get(`/api/leave/requests/${sick.id}`)).statusCode, who).toBe(404);
    }
    await ok(users.sari!.post(`/api/leave/requests/${sick.id}/decision`, { decision: 'approve' }));
    // Sick leave has no yearly allocation: counted as taken, no balance.
    expect(await balanceOf('budi', 'sick')).toMatchObject({ counted: false, taken: 1, balance: 0 });
  });

  it('allocates a year by department and carries unused days over, capped', async () => {
    const forbidden = await users.sari!.post('/api/leave/allocations', {
      leaveTypeId: types.annual!.id,
      year: 2025,
      days: 12,
      employeeIds: [emp.dodi],
    });
    expect(forbidden.statusCode).toBe(403);
    const dept = (await ok<{ id: string; name: string }[]>(admin.get('/api/departments')))[0]!;
    const y2025 = await ok<{ count: number }>(
      admin.post('/api/leave/allocations', {
        leaveTypeId: types.annual!.id,
        year: 2025,
        days: 14,
        departmentId: dept.id,
      }),
    );
    expect(y2025.count).toBe(5);
    // Dodi took 3.5 days in December 2025 (admin files it for him, Dodi has no supervisor: admins approve).
    const dec = await ok<LeaveRequest>(
      admin.post('/api/leave/requests', {
        leaveTypeId: types.annual!.id,
        fromDate: '2025-12-01',
        toDate: '2025-12-03',
        employeeId: emp.dodi,
      }),
      201,
    );
    const halfDec = await ok<LeaveRequest>(
      request('dodi', {
        leaveTypeId: types.annual!.id,
        fromDate: '2025-12-04',
        toDate: '2025-12-04',
        portion: 'second_half',
      }),
      201,
    );
    for (const r of [dec, halfDec])
      await ok(admin.post(`/api/leave/requests/${r.id}/decision`, { decision: 'approve' }));
    expect(await balanceOf('dodi', 'annual', 2025)).toMatchObject({
      allocated: 14,
      taken: 3.5,
      balance: 10.5,
    });
    // 2026 without an allocation row: default 12 days + last year's 10.5 capped at 6.
    expect(await balanceOf('dodi', 'annual')).toMatchObject({ allocated: 12, carried: 6, balance: 18 });
    await ok(admin.patch(`/api/leave/types/${types.annual!.id}`, { maxCarryOverDays: 20 }));
    await ok(
      admin.post('/api/leave/allocations', {
        leaveTypeId: types.annual!.id,
        year: 2026,
        days: 10,
        employeeIds: [emp.dodi],
      }),
    );
    expect(await balanceOf('dodi', 'annual')).toMatchObject({ allocated: 10, carried: 10.5, balance: 20.5 });
    const list = await ok<{ employeeId: string; days: number; carriedDays: number }[]>(
      admin.get(`/api/leave/allocations?year=2026&leaveTypeId=${types.annual!.id}`),
    );
    expect(list).toEqual([expect.objectContaining({ employeeId: emp.dodi, days: 10, carriedDays: 10.5 })]);
  });

  it('scopes lists to oneself, the team below, or everyone for leave managers', async () => {
    const mine = await ok<LeaveRequest[]>(users.budi!.get('/api/leave/requests?scope=mine'));
    expect(new Set(mine.map((r) => r.employeeId))).toEqual(new Set([emp.budi]));
    const team = await ok<LeaveRequest[]>(users.sari!.get('/api/leave/requests?scope=team'));
    expect(new Set(team.map((r) => r.employeeId))).toEqual(new Set([emp.budi, emp.citra]));
    const bayuTeam = await ok<LeaveRequest[]>(users.bayu!.get('/api/leave/requests?scope=team'));
    expect(new Set(bayuTeam.map((r) => r.employeeId))).toEqual(new Set([emp.budi, emp.citra, emp.sari]));
    expect((await users.sari!.get('/api/leave/requests?scope=all')).statusCode).toBe(403);
    const all = await ok<LeaveRequest[]>(admin.get('/api/leave/requests?scope=all'));
    expect(new Set(all.map((r) => r.employeeId)).size).toBe(5);
    // A teammate's balance is readable by the supervisor, not by a peer.
    expect((await users.sari!.get(`/api/leave/balances?year=2026&employeeId=${emp.budi}`)).statusCode).toBe(
      200,
    );
    expect((await users.citra!.get(`/api/leave/balances?year=2026&employeeId=${emp.budi}`)).statusCode).toBe(
      404,
    );
    // A user without an employee record is told to get linked.
    const unlinked = await admin.post('/api/leave/requests', {
      leaveTypeId: types.annual!.id,
      fromDate: '2026-03-02',
      toDate: '2026-03-02',
    });
    expect(errorCode(unlinked)).toBe('not_linked');
  });
});
