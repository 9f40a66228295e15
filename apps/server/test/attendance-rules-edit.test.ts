import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  ADMIN,
  type Client,
  type TestServer,
} from './support.js';
import { addEmployee } from './fixtures/employee-row.js';

/** Asia/Jakarta wall time → epoch ms. 2026-01-05 is a Monday. */
const wib = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);

const OFFICE = {
  name: 'Office',
  kind: 'fixed',
  start: '08:00',
  end: '17:00',
  lateGraceMinutes: 10,
  earlyLeaveGraceMinutes: 0,
  halfDayThresholdMinutes: 240,
  breakMinutes: 60,
};

describe.each(await dialects())('editing and deleting assignments and holidays on %s', (dialect) => {
  let t: TestServer;
  let orgId: string;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ orgId, client: admin } = await setupOrganization(t.app));
  }, 60_000);
  afterAll(async () => t.close());

  const auditOf = async (entityId: string) =>
    (
      await t.server.ctx.db
        .selectFrom('auditLog')
        .select('action')
        .where('organizationId', '=', orgId)
        .where('entityId', '=', entityId)
        .orderBy('at')
        .orderBy('id')
        .execute()
    ).map((a) => a.action);

  it('an assignment is changed and deleted through the API, validated and audited; a recompute applies it', async () => {
    const budi = await addEmployee(t.server, orgId, { code: 'E1', name: 'Budi' });
    const shift = (await admin.post('/api/attendance/shift-types', OFFICE)).json<{ id: string }>();
    const created = await admin.post('/api/attendance/assignments', {
      employeeId: budi,
      effectiveFrom: '2026-01-01',
      pattern: { kind: 'weekly', days: { mon: shift.id, tue: shift.id } },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();

    // Monday 2026-01-05 is a shift day for Budi and he never came: absent
    t.clock.set(wib('2026-01-06', '12:00'));
    await t.server.modules.attendance.days.apply(orgId, '2026-01-05', '2026-01-05', [budi]);

    // bad input refuses and changes nothing
    const reversed = await admin.request('PUT', `/api/attendance/assignments/${id}`, {
      employeeId: budi,
      effectiveFrom: '2026-02-01',
      effectiveTo: '2026-01-01',
      pattern: { kind: 'weekly', days: { mon: shift.id } },
    });
    expect(reversed.statusCode).toBe(400);
    const unknownShift = await admin.request('PUT', `/api/attendance/assignments/${id}`, {
      employeeId: budi,
      effectiveFrom: '2026-01-01',
      pattern: { kind: 'weekly', days: { mon: '01JUNKNOWNSHIFT0000000000' } },
    });
    expect(unknownShift.statusCode).toBe(404);
    const missing = await admin.request('PUT', '/api/attendance/assignments/01JNOSUCHASSIGNMENT000000', {
      employeeId: budi,
      effectiveFrom: '2026-01-01',
      pattern: { kind: 'weekly', days: { mon: shift.id } },
    });
    expect(missing.statusCode).toBe(404);

    // Monday becomes a day off for Budi
    const changed = await admin.request('PUT', `/api/attendance/assignments/${id}`, {
      employeeId: budi,
      effectiveFrom: '2026-01-01',
      pattern: { kind: 'weekly', days: { mon: null, tue: shift.id } },
    });
    expect(changed.statusCode).toBe(200);
    const listed = (await admin.get('/api/attendance/assignments')).json<{
      items: { id: string; pattern: { days: Record<string, string | null> } }[];
    }>();
    expect(listed.items.find((a) => a.id === id)?.pattern.days).toEqual({ mon: null, tue: shift.id });
    const preview = await admin.post('/api/attendance/recompute', {
      from: '2026-01-05',
      to: '2026-01-05',
      employeeId: budi,
      apply: true,
    });
    expect(preview.json<{ changes: { before: string; after: string }[] }>().changes).toMatchObject([
      { before: 'absent', after: 'day_off' },
    ]);

    const removed = await admin.delete(`/api/attendance/assignments/${id}`);
    expect(removed.statusCode).toBe(200);
    expect((await admin.delete(`/api/attendance/assignments/${id}`)).statusCode).toBe(404);
    expect(
      (await admin.get('/api/attendance/assignments')).json<{ items: { id: string }[] }>().items,
    ).not.toContainEqual(expect.objectContaining({ id }));
    expect(await auditOf(id)).toEqual([
      'shift_assignment.created',
      'shift_assignment.updated',
      'shift_assignment.deleted',
    ]);

    // a member may not change rules; another organization's admin does not find the assignment
    const member = await userWithRole(t.app, admin, 'member');
    const again = (
      await admin.post('/api/attendance/assignments', {
        effectiveFrom: '2026-01-01',
        pattern: { kind: 'weekly', days: { mon: shift.id } },
      })
    ).json<{ id: string }>();
    expect((await member.delete(`/api/attendance/assignments/${again.id}`)).statusCode).toBe(403);
    const now = t.server.ctx.clock.nowMs();
    await t.server.ctx.db
      .insertInto('organizations')
      .values({ id: 'org-other', name: 'PT Lain', settings: '{}', createdAt: now, updatedAt: now })
      .execute();
    await expect(
      t.server.modules.attendance.shifts.deleteAssignment('org-other', again.id, null),
    ).rejects.toMatchObject({ statusCode: 404 });
    await expect(
      t.server.modules.attendance.holidays.deleteCalendar('org-other', again.id, null),
    ).rejects.toMatchObject({ statusCode: 404 });
    expect((await admin.delete(`/api/attendance/assignments/${again.id}`)).statusCode).toBe(200);
  });

  it('a holiday is moved, renamed and removed; a calendar is renamed and deleted with its days', async () => {
    const cal = (
      await admin.post('/api/attendance/holiday-calendars', { name: 'Kantor', siteId: null })
    ).json<{ id: string }>();
    await admin.post(`/api/attendance/holiday-calendars/${cal.id}/import`, {
      filename: 'h.csv',
      text: 'date,name\n2026-03-02,Company day\n2026-03-03,Retreat\n',
    });
    const days = async () =>
      (await admin.get('/api/attendance/holiday-calendars'))
        .json<{ items: { id: string; name: string; holidays: { date: string; name: string }[] }[] }>()
        .items.find((c) => c.id === cal.id);

    // moving onto a date the calendar already has is refused, nothing changes
    const clash = await admin.request(
      'PUT',
      `/api/attendance/holiday-calendars/${cal.id}/holidays/2026-03-02`,
      {
        date: '2026-03-03',
        name: 'Company day',
      },
    );
    expect(clash.statusCode).toBe(409);
    const badDate = await admin.request(
      'PUT',
      `/api/attendance/holiday-calendars/${cal.id}/holidays/2026-03-02`,
      { date: '2026-02-30', name: 'Company day' },
    );
    expect(badDate.statusCode).toBe(400);
    expect((await days())?.holidays).toEqual([
      { date: '2026-03-02', name: 'Company day' },
      { date: '2026-03-03', name: 'Retreat' },
    ]);

    const moved = await admin.request(
      'PUT',
      `/api/attendance/holiday-calendars/${cal.id}/holidays/2026-03-02`,
      {
        date: '2026-03-09',
        name: 'Company anniversary',
      },
    );
    expect(moved.statusCode).toBe(200);
    expect(
      (await admin.delete(`/api/attendance/holiday-calendars/${cal.id}/holidays/2026-03-03`)).statusCode,
    ).toBe(200);
    expect(
      (await admin.delete(`/api/attendance/holiday-calendars/${cal.id}/holidays/2026-03-03`)).statusCode,
    ).toBe(404);
    expect((await days())?.holidays).toEqual([{ date: '2026-03-09', name: 'Company anniversary' }]);

    // the day derives from the calendar as it is now
    const rina = await addEmployee(t.server, orgId, { code: 'E2', name: 'Rina' });
    t.clock.set(wib('2026-03-11', '12:00'));
    await admin.login(ADMIN.email, ADMIN.password); // the session expired as the clock moved
    const [holiday] = await t.server.modules.attendance.days.apply(orgId, '2026-03-09', '2026-03-09', [rina]);
    expect(holiday?.after).toMatchObject({ status: 'holiday' });

    expect(
      (await admin.request('PUT', `/api/attendance/holiday-calendars/${cal.id}`, { name: '  ' })).statusCode,
    ).toBe(400);
    expect(
      (await admin.request('PUT', `/api/attendance/holiday-calendars/${cal.id}`, { name: 'Kantor 2026' }))
        .statusCode,
    ).toBe(200);
    expect((await days())?.name).toBe('Kantor 2026');
    expect((await admin.delete(`/api/attendance/holiday-calendars/${cal.id}`)).statusCode).toBe(200);
    expect(await days()).toBeUndefined();
    const left = await t.server.ctx.db
      .selectFrom('holidays')
      .select('id')
      .where('calendarId', '=', cal.id)
      .execute();
    expect(left).toEqual([]);
    const [notHoliday] = await t.server.modules.attendance.days.apply(orgId, '2026-03-09', '2026-03-09', [
      rina,
    ]);
    expect(notHoliday?.after.status).not.toBe('holiday');
    expect(await auditOf(cal.id)).toEqual([
      'holiday_calendar.created',
      'holiday_calendar.holidays_added',
      'holiday.updated',
      'holiday.deleted',
      'holiday_calendar.renamed',
      'holiday_calendar.deleted',
    ]);
  });
});
