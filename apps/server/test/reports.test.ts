import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '@hadir/testing';
import type { AttendanceDayView, DailyReport } from '@hadir/contracts';
import { newId } from '../src/platform/ids/ids.js';
import type { HadirServer } from '../src/roles/compose.js';
import {
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type Client,
  type TestServer,
} from './support.js';
import { addEmployee } from './fixtures/employee-row.js';

const TOKEN = 'EAAG-report-token';
/** Asia/Jakarta is UTC+7 with no DST: local wall time on the fixture day → epoch ms. */
const wib = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);
const DAY = '2026-01-05'; // a Monday

/**
 * A stay in front of a camera, as the presence module records it: the interval, and its first and last
 * sighting as attendance events (what the `presence.stays.recorded` subscriber does), from which the
 * attendance day, and so the report, is derived.
 */
async function stay(
  server: HadirServer,
  orgId: string,
  employeeId: string,
  from: string,
  to: string,
  camera = 'gudang-a',
) {
  const id = newId();
  const cameraName = camera === 'gudang-a' ? 'Camera Gudang A' : 'Camera Kantor';
  await server.modules.attendance.events.recordCameraStay({
    organizationId: orgId,
    employeeId,
    intervalId: id,
    cameraName,
    startedAt: wib(DAY, from),
    lastSeenTs: wib(DAY, to),
    bestSimilarity: 0.7,
    snapshotId: null,
  });
  await server.ctx.db
    .insertInto('presenceIntervals')
    .values({
      id,
      organizationId: orgId,
      employeeId,
      cameraId: camera,
      cameraName,
      startedAt: wib(DAY, from),
      lastSeenTs: wib(DAY, to),
      sightings: 10,
      bestSimilarity: 0.7,
      trackId: null,
      snapshotId: null,
    })
    .execute();
}

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-pdf-'));
  try {
    const file = path.join(dir, 'r.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** pdftotext -layout pads columns with runs of spaces whose width may vary by version: compare words. */
const words = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim().replace(/\s{2,}/g, ' | '))
    .filter(Boolean);

const GOLDEN_TEXT_ID = `*Laporan Kehadiran Harian*
Tim Andi Wijaya - Senin, 5 Januari 2026

Hadir: 3 dari 4
Tidak hadir: 1
Terlambat: 1
Cuti: 1

*Tidak hadir (1)*
- EMP003 Dewi Anggraini

*Terlambat (1)*
- EMP002 Citra Lestari: 20 menit

*Pulang cepat (1)*
- EMP004 Eko Prasetyo: 1 jam

*Cuti (1)*
- EMP005 Fajar Nugroho

*Jam kehadiran (3)*
- EMP001 Budi Santoso: 9 jam 10 menit
- EMP002 Citra Lestari: 8 jam 40 menit
- EMP004 Eko Prasetyo: 7 jam 57 menit

Total: 25 jam 47 menit`;

const GOLDEN_PDF_ID = [
  'PT Maju Jaya | Hadir',
  'Laporan Kehadiran Harian',
  'Tim Andi Wijaya · Senin, 5 Januari 2026',
  'Hadir | Tidak hadir | Terlambat | Cuti | Total jam',
  // pdftotext reads the tight "3 / 4" as "3/4".
  '3/4 | 1 | 1 | 1 | 25 jam 47 menit',
  'Kode | Nama | Status | Masuk | Keluar | Terlambat | Jam hadir',
  'EMP001 | Budi Santoso | Hadir | 07:55 | 17:05 | – | 9 jam 10 menit',
  'EMP002 | Citra Lestari | Hadir | 08:20 | 17:00 | 20 menit | 8 jam 40 menit',
  'EMP003 | Dewi Anggraini | Tidak hadir | – | – | – | –',
  'EMP004 | Eko Prasetyo | Hadir | 08:03 | 16:00 | – | 7 jam 57 menit',
  'EMP005 | Fajar Nugroho | Cuti | – | – | – | –',
  // Localized, in the organization's zone, not an ISO date.
  'Dibuat: 5 Januari 2026 18.30 (Asia/Jakarta) | Halaman 1 dari 1',
];

describe.each(await dialects())('daily reports (%s)', (dialect) => {
  let t: TestServer;
  let graph: FakeGraphApi;
  let admin: Client;
  let orgId: string;
  const ids = {} as Record<'spv' | 'budi' | 'citra' | 'dewi' | 'eko' | 'fajar' | 'spv2' | 'other', string>;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    graph = await startFakeGraphApi({ accessToken: TOKEN });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    await admin.post('/api/notification-channels', {
      type: 'whatsapp_cloud',
      name: 'WhatsApp',
      settings: { baseUrl: graph.baseUrl, phoneNumberId: '99' },
      secrets: { accessToken: TOKEN },
    });
    const s = t.server;
    ids.spv = await addEmployee(s, orgId, { code: 'SPV01', name: 'Andi Wijaya', whatsapp: '+6281200000001' });
    ids.budi = await addEmployee(s, orgId, { code: 'EMP001', name: 'Budi Santoso', supervisorId: ids.spv });
    ids.citra = await addEmployee(s, orgId, { code: 'EMP002', name: 'Citra Lestari', supervisorId: ids.spv });
    ids.dewi = await addEmployee(s, orgId, { code: 'EMP003', name: 'Dewi Anggraini', supervisorId: ids.spv });
    // Eko reports to Budi: an indirect subordinate of Andi.
    ids.eko = await addEmployee(s, orgId, { code: 'EMP004', name: 'Eko Prasetyo', supervisorId: ids.budi });
    ids.fajar = await addEmployee(s, orgId, {
      code: 'EMP005',
      name: 'Fajar Nugroho',
      supervisorId: ids.spv,
      status: 'on_leave',
    });
    // Another team: never in Andi's report.
    ids.spv2 = await addEmployee(s, orgId, {
      code: 'SPV02',
      name: 'Nguyễn Văn Hùng',
      whatsapp: '+84912345678',
    });
    ids.other = await addEmployee(s, orgId, { code: 'EMP010', name: 'Trần Thị Thu', supervisorId: ids.spv2 });

    // Fajar's leave for the day is approved (the leave module's port, as in the attendance tests).
    s.modules.attendance.setLeaveSource({
      approvedLeave: (org, from, to) =>
        Promise.resolve(
          org === orgId && from <= DAY && DAY <= to
            ? [
                {
                  employeeId: ids.fajar,
                  date: DAY,
                  portion: 'full' as const,
                  leaveTypeName: 'Cuti tahunan',
                  requestId: 'leave-fajar',
                },
              ]
            : [],
        ),
    });
    await stay(s, orgId, ids.budi, '07:55', '12:00');
    await stay(s, orgId, ids.budi, '12:45', '17:05');
    await stay(s, orgId, ids.citra, '08:20', '17:00');
    await stay(s, orgId, ids.citra, '10:00', '11:00', 'kantor'); // overlapping camera: not counted twice
    await stay(s, orgId, ids.eko, '08:03', '16:00');
    await stay(s, orgId, ids.other, '08:00', '17:00');
    t.clock.set(wib(DAY, '18:30'));
  });
  afterAll(async () => {
    await graph.close();
    await t.close();
  });

  it('computes the team numbers and the WhatsApp text (golden)', async () => {
    const res = await admin.get(`/api/reports/daily?date=${DAY}&supervisorId=${ids.spv}`);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<DailyReport>();
    expect(report.totals).toEqual({
      members: 5,
      scheduled: 4,
      present: 3,
      absent: 1,
      late: 1,
      onLeave: 1,
      presentMinutes: 25 * 60 + 47,
    });
    expect(
      report.rows.map((r) => [
        r.employeeCode,
        r.status,
        r.checkInLocal,
        r.checkOutLocal,
        r.lateMinutes,
        r.presentMinutes,
      ]),
    ).toEqual([
      ['EMP001', 'present', '07:55', '17:05', 0, 550],
      ['EMP002', 'present', '08:20', '17:00', 20, 520],
      ['EMP003', 'absent', null, null, 0, 0],
      ['EMP004', 'present', '08:03', '16:00', 0, 477],
      ['EMP005', 'leave', null, null, 0, 0],
    ]);
    expect(report.text).toBe(GOLDEN_TEXT_ID);

    const whole = (await admin.get(`/api/reports/daily?date=${DAY}`)).json<DailyReport>();
    expect(whole.teamName).toBe('PT Maju Jaya');
    expect(whole.rows.map((r) => r.employeeCode)).toContain('EMP010');
  });

  it('agrees with the attendance pages and the report charts: absent, late and hours are the same numbers', async () => {
    const report = (
      await admin.get(`/api/reports/daily?date=${DAY}&supervisorId=${ids.spv}`)
    ).json<DailyReport>();
    const page = await admin.get(`/api/attendance/days?from=${DAY}&to=${DAY}&limit=500`);
    expect(page.statusCode, page.body).toBe(200);
    const days = new Map(
      page.json<{ items: AttendanceDayView[] }>().items.map((d) => [d.employeeId, d] as const),
    );
    for (const row of report.rows) {
      const day = days.get(row.employeeId);
      expect(day, row.employeeCode).toBeDefined();
      const present = ['present', 'late', 'early_leave', 'half_day'].includes(day!.status);
      expect(row.status === 'present', row.employeeCode).toBe(present);
      expect(row.status === 'absent', row.employeeCode).toBe(day!.status === 'absent');
      expect(row.status === 'leave', row.employeeCode).toBe(day!.status === 'excused');
      expect(row.checkIn, row.employeeCode).toBe(day!.checkInAt);
      expect(row.checkOut, row.employeeCode).toBe(day!.checkOutAt);
      expect(row.lateMinutes, row.employeeCode).toBe(day!.lateMinutes);
      expect(row.earlyLeaveMinutes, row.employeeCode).toBe(day!.earlyLeaveMinutes);
      expect(row.presentMinutes, row.employeeCode).toBe(present ? day!.workedMinutes : 0);
    }
    const teamDays = report.rows.map((r) => days.get(r.employeeId)!);
    expect(report.totals.absent).toBe(teamDays.filter((d) => d.status === 'absent').length);
    expect(report.totals.late).toBe(teamDays.filter((d) => d.lateMinutes > 0).length);
    expect(report.totals.presentMinutes).toBe(teamDays.reduce((sum, d) => sum + d.workedMinutes, 0));

    // The report charts count the same days for the whole organization (active employees).
    const whole = (await admin.get(`/api/reports/daily?date=${DAY}`)).json<DailyReport>();
    const charts = (await admin.get(`/api/analytics/attendance?from=${DAY}&to=${DAY}`)).json<{
      totals: { present: number; absent: number; late: number; presentMinutes: number };
    }>();
    const active = whole.rows.filter((r) => r.employeeId !== ids.fajar);
    expect(charts.totals).toMatchObject({
      present: active.filter((r) => r.status === 'present').length,
      absent: active.filter((r) => r.status === 'absent').length,
      late: active.filter((r) => r.lateMinutes > 0 && r.status === 'present').length,
      presentMinutes: active.reduce((sum, r) => sum + r.presentMinutes, 0),
    });
  });

  it('renders the same report as CSV and as a PDF (golden pdftotext)', async () => {
    const csv = await admin.get(`/api/reports/daily?date=${DAY}&supervisorId=${ids.spv}&format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(
      csv.body
        .replace(/^\uFEFF/, '')
        .split('\n')
        .slice(0, 3),
    ).toEqual([
      'date,employee_code,name,status,check_in,check_out,time_zone,late_minutes,early_leave_minutes,present_minutes,overtime_minutes',
      '2026-01-05,EMP001,Budi Santoso,present,07:55,17:05,Asia/Jakarta,0,0,550,0',
      '2026-01-05,EMP002,Citra Lestari,present,08:20,17:00,Asia/Jakarta,20,0,520,0',
    ]);

    const pdf = await admin.get(`/api/reports/daily?date=${DAY}&supervisorId=${ids.spv}&format=pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(words(pdfText(pdf.rawPayload))).toEqual(GOLDEN_PDF_ID);
  });

  it('renders Vietnamese with its diacritics', async () => {
    const pdf = await admin.get(
      `/api/reports/daily?date=${DAY}&supervisorId=${ids.spv2}&format=pdf&locale=vi`,
    );
    const text = words(pdfText(pdf.rawPayload));
    expect(text).toContain('Báo cáo chuyên cần hằng ngày');
    expect(text).toContain('Nhóm Nguyễn Văn Hùng · Thứ Hai, ngày 5 tháng 1 năm 2026');
    expect(text).toContain('EMP010 | Trần Thị Thu | Có mặt | 08:00 | 17:00 | – | 9 giờ');
  });

  it('is for report:generate only, and only for this organization’s people', async () => {
    const member = await userWithRole(t.app, admin, 'member');
    expect((await member.get(`/api/reports/daily?date=${DAY}`)).statusCode).toBe(403);
    expect((await admin.get(`/api/reports/daily?date=${DAY}&supervisorId=nope`)).statusCode).toBe(400);
    expect((await admin.get(`/api/reports/daily?date=05-01-2026`)).statusCode).toBe(400);
  });

  it('sends each supervisor their report once a day at the configured time, in their language', async () => {
    // Hùng reads Vietnamese: his user account is linked to his employee record.
    await userWithRole(t.app, admin, 'manager', 'hung@maju.test');
    const user = await t.server.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'hung@maju.test')
      .executeTakeFirstOrThrow();
    await t.server.ctx.db.updateTable('users').set({ locale: 'vi' }).where('id', '=', user.id).execute();
    await t.server.ctx.db
      .updateTable('memberships')
      .set({ employeeId: ids.spv2 })
      .where('userId', '=', user.id)
      .execute();

    const reports = t.server.modules.reports;
    t.clock.set(wib(DAY, '17:59'));
    expect(await reports.sendDueReports()).toBe(0);
    t.clock.set(wib(DAY, '18:00'));
    // Andi, Budi (Eko's supervisor) and Hùng.
    expect(await reports.sendDueReports()).toBe(3);
    expect(await reports.sendDueReports()).toBe(0);
    expect(await reports.sendReport(orgId, ids.spv, DAY)).toBe(false);
    await t.server.ctx.jobs.drain();

    const toAndi = graph.messages.filter((m) => m.to === '6281200000001');
    expect(toAndi.map((m) => m.type)).toEqual(['text', 'document']);
    expect(toAndi[0]!.text).toBe(GOLDEN_TEXT_ID);
    expect(toAndi[1]!.payload).toMatchObject({
      document: {
        id: expect.stringMatching(/^media-/) as unknown,
        filename: 'laporan-kehadiran-2026-01-05.pdf',
      },
    });
    expect(graph.requests.some((r) => r.path.endsWith('/99/media'))).toBe(true);
    const toHung = graph.messages.filter((m) => m.to === '84912345678');
    expect(toHung[0]!.text.split('\n')[0]).toBe('*Báo cáo chuyên cần hằng ngày*');
    expect(toHung[1]!.payload).toMatchObject({ document: { filename: 'bao-cao-chuyen-can-2026-01-05.pdf' } });
    // Budi has no WhatsApp number: his report waits in the dashboard.
    const budi = await t.server.ctx.db
      .selectFrom('notifications')
      .select('status')
      .where('recipientEmployeeId', '=', ids.budi)
      .execute();
    expect(budi.map((b) => b.status)).toEqual(['dashboard_only', 'dashboard_only']);

    // After downtime: the next day's report is caught up late that day; yesterday's is not resent.
    t.clock.set(wib('2026-01-06', '23:10'));
    expect(await reports.sendDueReports()).toBe(3);
    const runs = await t.server.ctx.db.selectFrom('reportRuns').select(['localDate']).execute();
    expect(runs.map((r) => r.localDate).sort()).toEqual([
      DAY,
      DAY,
      DAY,
      '2026-01-06',
      '2026-01-06',
      '2026-01-06',
    ]);
  });
});
