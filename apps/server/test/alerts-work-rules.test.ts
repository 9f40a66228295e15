import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaveRequest, LeaveType } from '@hadir/contracts';
import { Client, dialects, setupOrganization, startTestServer, type TestServer } from './support.js';
import { setCamera } from './presence-fixtures.js';

const MIN = 60_000;
/** Asia/Jakarta wall time → epoch ms. 2026-01-05 is a Monday; the fake clock starts at 09:00 WIB. */
const wib = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);

/**
 * "Nobody is called off outside their own shift, on a day off, on a holiday or while on approved leave":
 * a real server and database, rules made through the API (an employee's own assignment, a site holiday
 * calendar imported from CSV, leave requested and approved by the supervisor), and the presence tick
 * deciding who gets an absence alert. Everyone is seen at 09:00 and gone at 09:06.
 */
describe.each(await dialects())('absence alerts follow attendance rules (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  const emp: Record<string, string> = {};

  const ok = async <T>(
    res: Promise<{ statusCode: number; body: string; json: <U>() => U }>,
    status = 200,
  ) => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
    return r.json<T>();
  };
  const heartbeat = () => setCamera(t.server, orgId, 'gudang-a', 'Camera Gudang A', 'online');
  const see = async (...keys: string[]) => {
    for (const k of keys)
      t.server.modules.presence.recordSighting({
        organizationId: orgId,
        employeeId: emp[k]!,
        cameraId: 'gudang-a',
        cameraName: 'Camera Gudang A',
        atMs: t.clock.nowMs(),
        cosineSimilarity: 0.8,
        trackId: null,
      });
    await t.server.modules.presence.flush();
  };
  const tick = async () => {
    await heartbeat();
    await t.server.modules.presence.tick();
    await t.server.modules.presence.tick();
  };
  const alertedCodes = async () => {
    const rows = await t.server.ctx.db
      .selectFrom('alerts')
      .innerJoin('employees', 'employees.id', 'alerts.employeeId')
      .select('employees.employeeCode')
      .where('alerts.organizationId', '=', orgId)
      .where('alerts.kind', '=', 'absence')
      .orderBy('employees.employeeCode')
      .execute();
    return rows.map((r) => r.employeeCode);
  };
  const presenceOf = async (key: string) => {
    const row = await t.server.ctx.db
      .selectFrom('employeePresence')
      .select('state')
      .where('employeeId', '=', emp[key]!)
      .executeTakeFirst();
    return row?.state;
  };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const site = await ok<{ id: string }>(admin.post('/api/sites', { name: 'Denpasar' }), 201);
    const bali = await ok<{ id: string }>(
      admin.post('/api/areas', { name: 'Gudang Bali', siteId: site.id }),
      201,
    );
    const people: [string, string, string | null, string | null][] = [
      ['sari', 'Sari Supervisor', null, null],
      ['budi', 'Budi Bekerja', 'sari', null],
      ['ani', 'Ani Cuti', 'sari', null],
      ['citra', 'Citra Libur', 'sari', null],
      ['dewa', 'Dewa Bali', 'sari', bali.id],
      ['eko', 'Eko Malam', 'sari', null],
    ];
    for (const [key, name, sup, areaId] of people) {
      const e = await ok<{ id: string }>(
        admin.post('/api/employees', {
          employeeCode: key.toUpperCase(),
          name,
          supervisorId: sup ? emp[sup] : null,
          areaId,
          whatsapp: `+62812000000${String(Object.keys(emp).length + 10)}`,
        }),
        201,
      );
      emp[key] = e.id;
    }
    // Citra has Mondays off; Eko works nights (22:00–06:00) Monday to Friday.
    const night = await ok<{ id: string }>(
      admin.post('/api/attendance/shift-types', {
        name: 'Malam',
        kind: 'fixed',
        start: '22:00',
        end: '06:00',
        lateGraceMinutes: 10,
        earlyLeaveGraceMinutes: 0,
        halfDayThresholdMinutes: 240,
        breakMinutes: 30,
      }),
      201,
    );
    await ok(
      admin.post('/api/attendance/assignments', {
        employeeId: emp.citra,
        effectiveFrom: '2026-01-01',
        pattern: { kind: 'weekly', days: { mon: null } },
      }),
      201,
    );
    await ok(
      admin.post('/api/attendance/assignments', {
        employeeId: emp.eko,
        effectiveFrom: '2026-01-01',
        pattern: {
          kind: 'weekly',
          days: { mon: night.id, tue: night.id, wed: night.id, thu: night.id, fri: night.id },
        },
      }),
      201,
    );
    // Dewa's site (Bali) has a holiday today; the organization-wide calendar has none.
    const calendar = await ok<{ id: string }>(
      admin.post('/api/attendance/holiday-calendars', { name: 'Bali', siteId: site.id }),
      201,
    );
    await ok(
      admin.post(`/api/attendance/holiday-calendars/${calendar.id}/import`, {
        filename: 'bali.csv',
        text: 'date,name\n2026-01-05,Hari Raya Lokal\n',
      }),
    );
    // Ani asks for today off; Sari, her supervisor, approves.
    const users: Record<string, Client> = {};
    for (const [key, role] of [
      ['sari', 'manager'],
      ['ani', 'member'],
    ] as const) {
      const email = `${key}.rules@maju.test`;
      await ok(
        admin.post('/api/users', {
          name: key,
          email,
          password: 'rules-password-1',
          role,
          employeeId: emp[key],
        }),
        201,
      );
      users[key] = new Client(t.app);
      await users[key].login(email, 'rules-password-1');
    }
    const types = await ok<LeaveType[]>(users.ani!.get('/api/leave/types'));
    const annual = types.find((x) => x.code === 'annual')!;
    const request = await ok<LeaveRequest>(
      users.ani!.post('/api/leave/requests', {
        leaveTypeId: annual.id,
        fromDate: '2026-01-05',
        toDate: '2026-01-05',
        reason: 'Urusan keluarga',
      }),
      201,
    );
    await ok(users.sari!.post(`/api/leave/requests/${request.id}/decision`, { decision: 'approve' }));
    await heartbeat();
  }, 120_000);
  afterAll(async () => t?.close());

  it('a working colleague gone 6 minutes is alerted; leave, a day off, a site holiday and a night shift are not', async () => {
    expect(t.clock.nowMs()).toBe(wib('2026-01-05', '09:00'));
    await see('sari', 'budi', 'ani', 'citra', 'dewa', 'eko');
    await tick();
    expect(await presenceOf('budi')).toBe('available');
    for (const k of ['ani', 'citra', 'dewa', 'eko']) expect(await presenceOf(k), k).toBe('outside_hours');

    t.clock.advance(6 * MIN);
    await see('sari');
    await tick();
    expect(await alertedCodes()).toEqual(['BUDI']);
    expect(await presenceOf('budi')).toBe('off');
    for (const k of ['ani', 'citra', 'dewa', 'eko']) expect(await presenceOf(k), k).toBe('outside_hours');
  });

  it('the night shift is watched from 22:00 and across midnight, and its absence is alerted', async () => {
    t.clock.set(wib('2026-01-05', '22:30'));
    await see('eko');
    await tick();
    expect(await presenceOf('eko')).toBe('available');
    // 00:30 on Tuesday belongs to Monday's night shift.
    t.clock.set(wib('2026-01-06', '00:30'));
    await see('eko');
    await tick();
    t.clock.advance(6 * MIN);
    await tick();
    expect(await presenceOf('eko')).toBe('off');
    expect(await alertedCodes()).toEqual(['BUDI', 'EKO']);
  });

  it('an absence in progress ends quietly when the shift ends instead of calling anyone off after hours', async () => {
    t.clock.set(wib('2026-01-06', '06:00'));
    await tick();
    expect(await presenceOf('eko')).toBe('outside_hours');
    const eko = await t.server.ctx.db
      .selectFrom('alerts')
      .select(['status', 'resolution'])
      .where('employeeId', '=', emp.eko!)
      .executeTakeFirstOrThrow();
    expect(eko).toEqual({ status: 'resolved', resolution: 'working_hours_ended' });
  });
});
