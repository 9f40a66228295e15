import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttendanceMonth, RecomputeResult } from '@hadir/contracts';
import { newId } from '../src/platform/ids/ids.js';
import {
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type Client,
  type TestServer,
} from './support.js';
import { addEmployee } from './fixtures/employee-row.js';

/** Asia/Jakarta wall time → epoch ms. */
const wib = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);

function pdfTool(tool: 'pdftotext' | 'pdfinfo', pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-month-'));
  try {
    const file = path.join(dir, 'm.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync(tool, tool === 'pdftotext' ? ['-layout', file, '-'] : [file], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The month view and the month export on a real server and database: January 2026 in Jakarta with the
 * Indonesian national holidays loaded, Budi seen by a camera on two days, Siti never.
 */
describe.each(await dialects())('attendance month view and export (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let budi: string;
  let siti: string;

  const stay = async (employeeId: string, date: string, from: string, to: string) => {
    await t.server.modules.attendance.events.recordCameraStay({
      organizationId: orgId,
      employeeId,
      intervalId: newId(),
      cameraName: 'Camera Gudang A',
      startedAt: wib(date, from),
      lastSeenTs: wib(date, to),
      bestSimilarity: 0.8,
      snapshotId: null,
    });
  };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    // The end of January (sessions expire, so the clock is set before signing in).
    t.clock.set(wib('2026-01-31', '20:00'));
    ({ client: admin, orgId } = await setupOrganization(t.app));
    budi = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso' });
    siti = await addEmployee(t.server, orgId, { code: 'EMP002', name: 'Siti Rahayu' });
    await t.server.ctx.db
      .updateTable('employees')
      .set({ createdAt: Date.UTC(2025, 11, 1) })
      .where('id', 'in', [budi, siti])
      .execute();
    const cal = await admin.post('/api/attendance/holiday-calendars', { name: 'Nasional' });
    expect(cal.statusCode, cal.body).toBe(201);
    const loaded = await admin.post(
      `/api/attendance/holiday-calendars/${cal.json<{ id: string }>().id}/national`,
      {
        set: 'id-2026',
      },
    );
    expect(loaded.statusCode, loaded.body).toBe(200);
    await stay(budi, '2026-01-05', '08:17', '17:02');
    await stay(budi, '2026-01-06', '07:58', '17:00');
  }, 60_000);
  afterAll(async () => t?.close());

  it('shows every day of the month with its status and reason, derived where nothing was recorded', async () => {
    const res = await admin.get(`/api/attendance/month?employeeId=${budi}&month=2026-01&locale=en`);
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json<AttendanceMonth>();
    expect(m).toMatchObject({ employeeCode: 'EMP001', month: '2026-01', timeZone: 'Asia/Jakarta' });
    expect(m.days).toHaveLength(31);
    expect(m.days[0]!.date).toBe('2026-01-01');
    const on = (d: string) => m.days.find((x) => x.date === d)!;
    expect(on('2026-01-01').status).toBe('holiday'); // Tahun Baru
    expect(on('2026-01-03').status).toBe('day_off'); // Saturday
    expect(on('2026-01-05')).toMatchObject({ status: 'late', lateMinutes: 17 });
    expect(on('2026-01-05').reasonText).toContain('08:17');
    expect(on('2026-01-06').status).toBe('present');
    expect(on('2026-01-07').status).toBe('absent');
    for (const d of m.days) expect(d.reasonText.length, d.date).toBeGreaterThan(0);
    expect(m.totals.present).toBe(2);
    expect(m.totals.late).toBe(1);
    expect(m.totals.absent).toBe(m.days.filter((d) => d.status === 'absent').length);
    expect(m.totals.workedMinutes).toBe(on('2026-01-05').workedMinutes + on('2026-01-06').workedMinutes);

    // The same days are what the attendance list shows.
    const list = await admin.get(
      `/api/attendance/days?employeeId=${budi}&from=2026-01-01&to=2026-01-31&limit=100`,
    );
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(31);
  });

  it('refuses other organizations’ employees and bad months', async () => {
    const other = await admin.get(`/api/attendance/month?employeeId=${newId()}&month=2026-01`);
    expect(other.statusCode).toBe(404);
    expect((await admin.get(`/api/attendance/month?employeeId=${budi}&month=2026-13`)).statusCode).toBe(400);
    const member = await userWithRole(t.app, admin, 'member', 'member.month@maju.test');
    expect((await member.get(`/api/attendance/month?employeeId=${budi}&month=2026-01`)).statusCode).toBe(403);
    expect((await member.get('/api/attendance/month/export?month=2026-01&format=pdf')).statusCode).toBe(403);
  });

  it('previews a recompute with names after a rule change, and applies it', async () => {
    const shift = await admin.post('/api/attendance/shift-types', {
      name: 'Pagi 08:30',
      kind: 'fixed',
      start: '08:30',
      end: '17:00',
      lateGraceMinutes: 0,
      earlyLeaveGraceMinutes: 0,
      halfDayThresholdMinutes: 0,
      breakMinutes: 0,
    });
    expect(shift.statusCode, shift.body).toBe(201);
    const id = shift.json<{ id: string }>().id;
    const assigned = await admin.post('/api/attendance/assignments', {
      employeeId: budi,
      effectiveFrom: '2026-01-01',
      pattern: { kind: 'weekly', days: { mon: id, tue: id, wed: id, thu: id, fri: id } },
    });
    expect(assigned.statusCode, assigned.body).toBe(201);
    const preview = await admin.post('/api/attendance/recompute', {
      from: '2026-01-05',
      to: '2026-01-05',
      apply: false,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const changes = preview.json<RecomputeResult>().changes;
    // Budi's day changes with his new shift; Siti's day (nobody derived it yet) appears for the first time.
    expect(changes.map((c) => [c.employeeCode, c.employeeName, c.date, c.before, c.after])).toEqual([
      ['EMP001', 'Budi Santoso', '2026-01-05', 'late', 'present'],
      ['EMP002', 'Siti Rahayu', '2026-01-05', null, 'absent'],
    ]);
    const applied = await admin.post('/api/attendance/recompute', {
      from: '2026-01-05',
      to: '2026-01-05',
      apply: true,
    });
    expect(applied.json<RecomputeResult>().changes).toHaveLength(2);
    const m = (
      await admin.get(`/api/attendance/month?employeeId=${budi}&month=2026-01`)
    ).json<AttendanceMonth>();
    expect(m.days.find((d) => d.date === '2026-01-05')!.status).toBe('present');
  });

  it('exports the month as XLSX: one row per employee, a status per day, totals, and every day with its reason', async () => {
    const res = await admin.get('/api/attendance/month/export?month=2026-01&format=xlsx');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toContain('attendance-2026-01.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Bulan', 'Harian']);
    const month = wb.worksheets[0]!;
    expect(month.getRow(1).getCell(1).text).toBe('Kehadiran bulanan – PT Maju Jaya – Januari 2026');
    expect(month.getRow(2).getCell(1).text).toBe('Zona waktu: Asia/Jakarta');
    const header = month.getRow(3).values as unknown[];
    expect(header.slice(1, 6)).toEqual(['Kode', 'Nama', 'Departemen', 1, 2]);
    expect(header.slice(-5)).toEqual(['Hadir', 'Terlambat', 'Tidak hadir', 'Izin/cuti', 'Jam']);
    const budiRow = month.getRow(4).values as unknown[];
    expect(budiRow[1]).toBe('EMP001');
    expect(budiRow[3 + 1]).toBe('HL'); // 1 January: Tahun Baru
    expect(budiRow[3 + 5]).toBe('H'); // 5 January, present after the rule change
    expect(budiRow[3 + 7]).toBe('A');
    const sitiRow = month.getRow(5).values as unknown[];
    expect(sitiRow[1]).toBe('EMP002');
    const totalsRow = month.getRow(6).values as unknown[];
    expect(totalsRow[1]).toBe('Total');
    const n = 31;
    expect(totalsRow[3 + n + 1]).toBe(2); // present: Budi's two days
    expect(totalsRow[3 + n + 3]).toBe((budiRow[3 + n + 3] as number) + (sitiRow[3 + n + 3] as number));
    const days = wb.worksheets[1]!;
    expect(days.rowCount).toBe(1 + 2 * 31);
    const jan5 = (days.getSheetValues() as unknown[][]).find(
      (r) => r?.[1] === 'EMP001' && r[3] === '2026-01-05',
    )!;
    expect(jan5.slice(4, 7)).toEqual(['Hadir', '08:17', '17:02']);
    expect(String(jan5[9])).toMatch(/08:17/);
  });

  it('exports the month as an A4 landscape PDF with totals, a legend and page numbers, in the language asked', async () => {
    const res = await admin.get('/api/attendance/month/export?month=2026-01&format=pdf&locale=vi');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(pdfTool('pdfinfo', res.rawPayload)).toMatch(/Page size:\s+841\.89 x 595\.28/);
    const text = pdfTool('pdftotext', res.rawPayload);
    expect(text).toContain('Chấm công theo tháng – PT Maju Jaya');
    expect(text).toContain('tháng 1 năm 2026');
    expect(text).toContain('Múi giờ: Asia/Jakarta');
    expect(text).toContain('EMP001');
    expect(text).toContain('Budi Santoso');
    expect(text).toContain('Chú thích');
    expect(text).toContain('Trang 1/1');
    expect(text).toMatch(/Tạo lúc: 2026-01-31 20:00 \(Asia\/Jakarta\)/);
  });
});
