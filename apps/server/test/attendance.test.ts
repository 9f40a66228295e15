import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttendanceDay } from '@hadir/domain';
import type { HadirServer } from '../src/roles/compose.js';
import type { ApprovedLeaveDay, LeaveSource } from '../src/modules/attendance/index.js';
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

class InTestLeave implements LeaveSource {
  days: ApprovedLeaveDay[] = [];
  approvedLeave(organizationId: string, fromDate: string, toDate: string, employeeIds?: readonly string[]) {
    return Promise.resolve(
      this.days.filter(
        (d) =>
          d.date >= fromDate &&
          d.date <= toDate &&
          (employeeIds === undefined || employeeIds.includes(d.employeeId)),
      ),
    );
  }
}

async function storedDay(server: HadirServer, orgId: string, employeeId: string, date: string) {
  return server.ctx.db
    .selectFrom('attendanceDays')
    .selectAll()
    .where('organizationId', '=', orgId)
    .where('employeeId', '=', employeeId)
    .where('workDate', '=', date)
    .executeTakeFirst();
}

describe.each(await dialects())('attendance records on %s', (dialect) => {
  let t: TestServer;
  let orgId: string;
  let adminUserId: string;
  let admin: Client;
  const leave = new InTestLeave();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ orgId, client: admin } = await setupOrganization(t.app));
    t.server.modules.attendance.setLeaveSource(leave);
    const adminUser = await t.server.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', ADMIN.email)
      .executeTakeFirstOrThrow();
    adminUserId = adminUser.id;
  }, 60_000);
  afterAll(async () => t.close());

  it('camera stays from the presence pipeline become first/last events and a late day', async () => {
    const { server, clock } = t;
    const budi = await addEmployee(server, orgId, { code: 'E1', name: 'Budi' });
    const sighting = (hhmm: string) =>
      server.modules.presence.recordSighting({
        organizationId: orgId,
        employeeId: budi,
        cameraId: 'gudang-a',
        cameraName: 'Camera Gudang A',
        atMs: wib('2026-01-05', hhmm),
        cosineSimilarity: 0.8,
        trackId: null,
      });
    clock.set(wib('2026-01-05', '08:17'));
    sighting('08:17');
    await server.modules.presence.flush();
    clock.set(wib('2026-01-05', '08:19'));
    sighting('08:19');
    await server.modules.presence.flush();
    // the subscription writes the events after the presence commit
    await expect
      .poll(async () =>
        (
          await server.ctx.db
            .selectFrom('attendanceEvents')
            .select(['occurredAt', 'source', 'label', 'kind'])
            .where('employeeId', '=', budi)
            .orderBy('occurredAt')
            .execute()
        ).map((e) => [e.occurredAt, e.source, e.label, e.kind]),
      )
      .toEqual([
        [wib('2026-01-05', '08:17'), 'camera', 'Camera Gudang A', 'sighting'],
        [wib('2026-01-05', '08:19'), 'camera', 'Camera Gudang A', 'sighting'],
      ]);
    clock.set(wib('2026-01-05', '18:30'));
    await server.ctx.jobs.drain();
    const day = await storedDay(server, orgId, budi, '2026-01-05');
    expect(day?.status).toBe('late');
    expect(day?.checkIn).toBe(wib('2026-01-05', '08:17'));
    // default org schedule: 08:00–17:00, grace 5 min (the organization's weekly schedule is the default)
    expect(JSON.parse(day?.reason ?? '{}')).toMatchObject({
      code: 'late',
      checkIn: { label: 'Camera Gudang A', source: 'camera' },
      shiftStartMs: wib('2026-01-05', '08:00'),
      graceMinutes: 5,
      lateMinutes: 17,
    });
  });

  it('badge, officer, mobile and manual events produce the right days; a repeated key is stored once', async () => {
    const { server, clock } = t;
    const events = server.modules.attendance.events;
    const sari = await addEmployee(server, orgId, { code: 'E2', name: 'Sari' });
    const first = await events.record(orgId, {
      employeeId: sari,
      occurredAtMs: wib('2026-01-06', '07:55'),
      kind: 'check_in',
      source: 'badge',
      label: 'Lobby reader',
      idempotencyKey: 'zk-1001',
    });
    const again = await events.record(orgId, {
      employeeId: sari,
      occurredAtMs: wib('2026-01-06', '07:55'),
      kind: 'check_in',
      source: 'badge',
      label: 'Lobby reader',
      idempotencyKey: 'zk-1001',
    });
    expect(first.created).toBe(true);
    expect(again).toEqual({ event: first.event, created: false });
    await events.record(orgId, {
      employeeId: sari,
      occurredAtMs: wib('2026-01-06', '12:00'),
      kind: 'sighting',
      source: 'officer',
      recordedBy: adminUserId,
    });
    await events.record(orgId, {
      employeeId: sari,
      occurredAtMs: wib('2026-01-06', '17:02'),
      kind: 'check_out',
      source: 'mobile',
      clientId: 'phone-1',
    });
    await events.record(orgId, {
      employeeId: sari,
      occurredAtMs: wib('2026-01-07', '08:00'),
      kind: 'check_in',
      source: 'website',
      recordedBy: adminUserId,
    });
    await events.record(orgId, {
      employeeId: sari,
      occurredAtMs: wib('2026-01-07', '15:00'),
      kind: 'check_out',
      source: 'website',
      recordedBy: adminUserId,
    });
    const count = await server.ctx.db
      .selectFrom('attendanceEvents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('employeeId', '=', sari)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(5);
    clock.set(wib('2026-01-08', '12:00'));
    await server.ctx.jobs.drain();
    const tue = await storedDay(server, orgId, sari, '2026-01-06');
    expect(tue?.status).toBe('present');
    expect(JSON.parse(tue?.sources ?? '[]')).toEqual(['badge', 'mobile']);
    expect(tue?.workedMinutes).toBe(9 * 60 + 7);
    const wed = await storedDay(server, orgId, sari, '2026-01-07');
    expect(wed?.status).toBe('early_leave');
    expect(JSON.parse(wed?.reason ?? '{}')).toMatchObject({ code: 'early_leave', earlyLeaveMinutes: 120 });
    // sequences increase with every write, so an ERP cursor can follow them
    const seqs = (
      await server.ctx.db
        .selectFrom('attendanceEvents')
        .select('seq')
        .where('employeeId', '=', sari)
        .orderBy('createdAt')
        .orderBy('id')
        .execute()
    ).map((r) => Number(r.seq));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('recompute after a rule change: the preview shows the change, apply stores it once', async () => {
    const { server, clock } = t;
    const att = server.modules.attendance;
    const dedi = await addEmployee(server, orgId, { code: 'E3', name: 'Dedi' });
    await att.events.record(orgId, {
      employeeId: dedi,
      occurredAtMs: wib('2026-01-12', '08:20'),
      kind: 'check_in',
      source: 'badge',
    });
    await att.events.record(orgId, {
      employeeId: dedi,
      occurredAtMs: wib('2026-01-12', '17:10'),
      kind: 'check_out',
      source: 'badge',
    });
    clock.set(wib('2026-01-13', '09:00'));
    await att.recomputeEmployeeRange(orgId, dedi, '2026-01-12', '2026-01-12');
    expect((await storedDay(server, orgId, dedi, '2026-01-12'))?.status).toBe('late');

    const relaxed = await att.shifts.saveType(
      orgId,
      null,
      {
        name: 'Relaxed office',
        kind: 'fixed',
        start: '08:00',
        end: '17:00',
        lateGraceMinutes: 30,
        earlyLeaveGraceMinutes: 0,
        halfDayThresholdMinutes: 0,
        breakMinutes: 60,
      },
      null,
    );
    await att.shifts.createAssignment(
      orgId,
      {
        employeeId: dedi,
        departmentId: null,
        effectiveFrom: '2026-01-01',
        effectiveTo: null,
        pattern: { kind: 'weekly', days: { mon: relaxed.id, tue: relaxed.id } },
      },
      null,
    );
    const preview = await att.days.preview(orgId, '2026-01-12', '2026-01-12', [dedi]);
    expect(preview.map((c) => [c.before?.status, c.after.status])).toEqual([['late', 'present']]);
    // the preview wrote nothing
    expect((await storedDay(server, orgId, dedi, '2026-01-12'))?.status).toBe('late');

    const changed: string[] = [];
    const off = server.ctx.events.subscribe('attendance.day.changed', (e) => {
      if (e.employeeId === dedi) changed.push(`${e.date}:${e.previousStatus}->${e.status}`);
    });
    const applied = await att.days.apply(orgId, '2026-01-12', '2026-01-12', [dedi]);
    expect(applied).toHaveLength(1);
    const stored = await storedDay(server, orgId, dedi, '2026-01-12');
    expect(stored?.status).toBe('present');
    expect(stored?.workedMinutes).toBe(8 * 60 + 50 - 60);
    expect(stored?.version).toBe(2);
    expect(await att.days.apply(orgId, '2026-01-12', '2026-01-12', [dedi])).toEqual([]);
    off();
    expect(changed).toEqual(['2026-01-12:late->present']);
  });

  it('holidays (national set, CSV, iCalendar), leave and corrections make their days', async () => {
    const { server, clock } = t;
    const att = server.modules.attendance;
    const rina = await addEmployee(server, orgId, { code: 'E4', name: 'Rina' });
    const cal = await att.holidays.createCalendar(orgId, { name: 'Nasional', siteId: null }, null);
    const loaded = await att.holidays.loadNational(orgId, cal.id, 'id-2026', null);
    expect(loaded).toEqual({ added: 17, skipped: 0 });
    expect(await att.holidays.loadNational(orgId, cal.id, 'id-2026', null)).toEqual({
      added: 0,
      skipped: 17,
    });
    // a bad CSV line refuses the whole file and imports nothing
    await expect(
      att.holidays.importFile(
        orgId,
        cal.id,
        { filename: 'h.csv', text: 'date,name\n2026-02-02,Ok\n2026-02-30,Bad\n' },
        null,
      ),
    ).rejects.toMatchObject({ statusCode: 400, details: [{ line: 3 }] });
    const ics = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20260203',
      'DTEND;VALUE=DATE:20260205',
      'SUMMARY:Company retreat',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect(await att.holidays.importFile(orgId, cal.id, { filename: 'h.ics', text: ics }, null)).toEqual({
      added: 2,
      skipped: 0,
    });
    const [listed] = await att.holidays.list(orgId);
    expect(listed?.holidays.some((h) => h.date === '2026-02-02')).toBe(false);

    leave.days = [
      { employeeId: rina, date: '2026-02-09', portion: 'full', leaveTypeName: 'Annual', requestId: 'lr-1' },
      {
        employeeId: rina,
        date: '2026-02-10',
        portion: 'first_half',
        leaveTypeName: 'Sick',
        requestId: 'lr-2',
      },
    ];
    await att.events.record(orgId, {
      employeeId: rina,
      occurredAtMs: wib('2026-02-10', '12:31'),
      kind: 'check_in',
      source: 'mobile',
    });
    await att.events.record(orgId, {
      employeeId: rina,
      occurredAtMs: wib('2026-02-10', '17:00'),
      kind: 'check_out',
      source: 'mobile',
    });
    clock.set(wib('2026-02-20', '09:00'));
    await att.recomputeEmployeeRange(orgId, rina, '2026-02-03', '2026-02-12');
    const status = async (d: string) => (await storedDay(server, orgId, rina, d))?.status;
    expect(await status('2026-02-03')).toBe('holiday');
    expect(await status('2026-02-04')).toBe('holiday');
    expect(await status('2026-02-05')).toBe('absent');
    expect(await status('2026-02-07')).toBe('day_off');
    expect(await status('2026-02-09')).toBe('excused');
    expect(await status('2026-02-10')).toBe('half_day');
    const absent = await storedDay(server, orgId, rina, '2026-02-05');
    expect(JSON.parse(absent?.reason ?? '{}')).toEqual({
      code: 'absent',
      windowStartMs: wib('2026-02-05', '07:00'),
      windowEndMs: wib('2026-02-05', '18:00'),
      notOnLeave: true,
      notHoliday: true,
      halfLeave: null,
    });

    // a manual correction by HR excuses the absence, audited, with who and why in the reason
    const actor = { userId: adminUserId, tokenId: null };
    const corrected = await att.corrections.correct(
      orgId,
      { employeeId: rina, date: '2026-02-05', status: 'excused', note: 'Client visit in Bekasi' },
      actor,
    );
    expect(corrected.changes.map((c) => c.after.status)).toEqual(['excused']);
    const after = await storedDay(server, orgId, rina, '2026-02-05');
    expect(JSON.parse(after?.reason ?? '{}')).toEqual({
      code: 'corrected',
      correctionId: corrected.id,
      note: 'Client visit in Bekasi',
      byName: ADMIN.name,
    });
    const audit = await server.ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityId', '=', corrected.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['attendance_correction.applied']);

    // a regularization request changes nothing until approved; its requester cannot approve it
    const req = await att.corrections.request(
      orgId,
      {
        employeeId: rina,
        date: '2026-02-06',
        checkInMs: wib('2026-02-06', '08:00'),
        checkOutMs: wib('2026-02-06', '17:00'),
        note: 'Camera was down',
      },
      actor,
    );
    await att.recomputeEmployeeRange(orgId, rina, '2026-02-06', '2026-02-06');
    expect(await status('2026-02-06')).toBe('absent');
    await expect(att.corrections.decide(orgId, req.id, 'approved', null, actor)).rejects.toMatchObject({
      statusCode: 400,
    });
    const approver = { userId: 'another-user', tokenId: null };
    const decided = await att.corrections.decide(orgId, req.id, 'approved', 'ok', approver);
    expect(decided.changes.map((c) => c.after.status)).toEqual(['present']);
    await expect(att.corrections.decide(orgId, req.id, 'rejected', null, approver)).rejects.toMatchObject({
      statusCode: 409,
    });
  });

  it('a 2 morning / 2 night / 2 off rotation attributes night shifts to the day they start', async () => {
    const { server, clock } = t;
    const att = server.modules.attendance;
    const joko = await addEmployee(server, orgId, { code: 'E5', name: 'Joko' });
    const base = {
      kind: 'fixed' as const,
      lateGraceMinutes: 5,
      earlyLeaveGraceMinutes: 0,
      halfDayThresholdMinutes: 0,
      breakMinutes: 0,
    };
    const morning = await att.shifts.saveType(
      orgId,
      null,
      { ...base, name: 'Pagi', start: '06:00', end: '14:00' },
      null,
    );
    const night = await att.shifts.saveType(
      orgId,
      null,
      { ...base, name: 'Malam', start: '22:00', end: '06:00' },
      null,
    );
    await att.shifts.createAssignment(
      orgId,
      {
        employeeId: joko,
        departmentId: null,
        effectiveFrom: '2026-03-01',
        effectiveTo: null,
        pattern: {
          kind: 'rotation',
          anchorDate: '2026-03-02',
          cycle: [morning.id, morning.id, night.id, night.id, null, null],
        },
      },
      null,
    );
    for (const [at, kind] of [
      [wib('2026-03-04', '21:55'), 'check_in'],
      [wib('2026-03-05', '06:02'), 'check_out'],
    ] as const) {
      await att.events.record(orgId, { employeeId: joko, occurredAtMs: at, kind, source: 'badge' });
    }
    clock.set(wib('2026-03-09', '09:00'));
    const changes = await att.recomputeEmployeeRange(orgId, joko, '2026-03-02', '2026-03-07');
    const byDate = new Map<string, AttendanceDay>(changes.map((c) => [c.date, c.after]));
    expect(byDate.get('2026-03-04')).toMatchObject({
      status: 'present',
      shiftTypeId: night.id,
      checkInMs: wib('2026-03-04', '21:55'),
      checkOutMs: wib('2026-03-05', '06:02'),
    });
    expect(byDate.get('2026-03-05')?.status).toBe('absent');
    expect(byDate.get('2026-03-06')?.status).toBe('day_off');
    expect(byDate.get('2026-03-02')?.shiftTypeId).toBe(morning.id);
  });

  it("another organization's employee is not found, for recompute, events and corrections", async () => {
    const { server } = t;
    const now = server.ctx.clock.nowMs();
    await server.ctx.db
      .insertInto('organizations')
      .values({ id: 'org-other', name: 'PT Lain', settings: '{}', createdAt: now, updatedAt: now })
      .execute();
    const mine = await addEmployee(server, orgId, { code: 'E9', name: 'Mine' });
    const att = server.modules.attendance;
    await expect(
      att.recomputeEmployeeRange('org-other', mine, '2026-01-05', '2026-01-05'),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(
      att.events.record('org-other', {
        employeeId: mine,
        occurredAtMs: wib('2026-01-05', '08:00'),
        kind: 'check_in',
        source: 'badge',
      }),
    ).rejects.toMatchObject({ statusCode: 404 });
    await expect(
      att.corrections.correct(
        'org-other',
        { employeeId: mine, date: '2026-01-05', status: 'excused', note: 'x' },
        { userId: adminUserId, tokenId: null },
      ),
    ).rejects.toMatchObject({ statusCode: 404 });
    // nothing was written for the other organization
    const rows = await server.ctx.db
      .selectFrom('attendanceEvents')
      .select('id')
      .where('organizationId', '=', 'org-other')
      .execute();
    expect(rows).toEqual([]);
  });

  it('the HTTP API lists days with the reason sentence, shows a day, corrects it and previews a recompute', async () => {
    const { server, clock } = t;
    const wati = await addEmployee(server, orgId, { code: 'E7', name: 'Wati' });
    clock.set(wib('2026-04-06', '08:30'));
    // earlier tests moved the clock by months: the setup session has expired
    await admin.login(ADMIN.email, ADMIN.password);
    const post = await admin.request(
      'POST',
      '/api/attendance/events',
      {
        employeeId: wati,
        occurredAt: '2026-04-06T08:17:00+07:00',
        kind: 'check_in',
        source: 'badge',
        label: 'Lobby',
      },
      { 'idempotency-key': 'kiosk-77' },
    );
    expect(post.statusCode).toBe(200);
    const repeat = await admin.request(
      'POST',
      '/api/attendance/events',
      {
        employeeId: wati,
        occurredAt: '2026-04-06T08:17:00+07:00',
        kind: 'check_in',
        source: 'badge',
        label: 'Lobby',
      },
      { 'idempotency-key': 'kiosk-77' },
    );
    expect(repeat.json()).toEqual({ id: post.json<{ id: string }>().id, created: false });
    clock.set(wib('2026-04-07', '09:00'));
    await server.ctx.jobs.drain();

    const list = await admin.get(
      `/api/attendance/days?from=2026-04-06&to=2026-04-06&employeeId=${wati}&locale=en`,
    );
    expect(list.statusCode).toBe(200);
    const [day] = list.json<{ items: { status: string; reasonText: string }[] }>().items;
    expect(day?.status).toBe('late');
    expect(day?.reasonText).toBe('late: checked in 08:17 at Lobby, shift starts 08:00, grace 5 min');
    const detail = await admin.get(`/api/attendance/days/${wati}/2026-04-06?locale=id`);
    expect(detail.json<{ events: { source: string }[]; day: { reasonText: string } }>()).toMatchObject({
      events: [{ source: 'badge' }],
      day: { reasonText: 'terlambat: masuk 08:17 di Lobby, shift mulai 08:00, toleransi 5 menit' },
    });

    const corr = await admin.post('/api/attendance/corrections', {
      employeeId: wati,
      date: '2026-04-06',
      checkInAt: '2026-04-06T07:58:00+07:00',
      note: 'Reader clock was wrong',
    });
    expect(corr.statusCode).toBe(201);
    const fixed = await admin.get(
      `/api/attendance/days?from=2026-04-06&to=2026-04-06&employeeId=${wati}&locale=en`,
    );
    expect(fixed.json<{ items: { status: string; checkInAt: string }[] }>().items[0]).toMatchObject({
      status: 'present',
      checkInAt: '2026-04-06T00:58:00.000Z',
    });
    const bad = await admin.post('/api/attendance/corrections', {
      employeeId: wati,
      date: '2026-04-06',
      note: 'x',
    });
    expect(bad.statusCode).toBe(400);

    const preview = await admin.post('/api/attendance/recompute', { from: '2026-04-06', to: '2026-04-07' });
    expect(preview.statusCode).toBe(200);
    expect(preview.json<{ applied: boolean }>().applied).toBe(false);

    // someone whose user is not linked to this employee may not ask for a correction of the day
    const member = await userWithRole(t.app, admin, 'member');
    const own = await member.post('/api/attendance/regularizations', {
      employeeId: wati,
      date: '2026-04-06',
      status: 'excused',
      note: 'mine?',
    });
    expect(own.statusCode).toBe(403);
    expect((await member.get('/api/attendance/days?from=2026-04-06&to=2026-04-06')).statusCode).toBe(403);
  });
});
