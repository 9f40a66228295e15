import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { AttendanceAnalytics, FaceDetectResponse, PresenceLogPage } from '@hadir/contracts';
import { findSharedDir } from '@hadir/testing';
import { newId } from '../src/platform/ids/ids.js';
import { addEmployee } from './presence-fixtures.js';
import {
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type Client,
  type TestServer,
} from './support.js';

const shared = findSharedDir();
const MODELS_OK = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
const PHOTO = path.join(shared.dataDir, 'faces', 'Tony_Blair', 'Tony_Blair_0001.jpg');
const DETECT_SKIP = !MODELS_OK
  ? `no face models at ${shared.modelsDir}`
  : !fs.existsSync(PHOTO)
    ? `no LFW photo at ${PHOTO}`
    : null;

/** Jakarta is UTC+7: 08:00 local is 01:00 UTC. */
const jakarta = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);

describe.each(await dialects())('analytics (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let ontime: string;
  let late: string;
  let deptId: string;

  /** A camera stay: the presence interval and its first/last sighting as attendance events. */
  const interval = async (employeeId: string, startMs: number, endMs: number, similarity = 0.7) => {
    const id = newId(startMs);
    await t.server.modules.attendance.events.recordCameraStay({
      organizationId: orgId,
      employeeId,
      intervalId: id,
      cameraName: 'Camera Gudang A',
      startedAt: startMs,
      lastSeenTs: endMs,
      bestSimilarity: similarity,
      snapshotId: null,
    });
    await t.server.ctx.db
      .insertInto('presenceIntervals')
      .values({
        id,
        organizationId: orgId,
        employeeId,
        cameraId: 'gudang-a',
        cameraName: 'Camera Gudang A',
        startedAt: startMs,
        lastSeenTs: endMs,
        sightings: 10,
        bestSimilarity: similarity,
        trackId: null,
        snapshotId: null,
      })
      .execute();
  };

  beforeAll(async () => {
    t = await startTestServer(dialect, MODELS_OK ? { HADIR_MODELS_DIR: shared.modelsDir } : {});
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const dept = await admin.post('/api/departments', { name: 'Gudang' });
    deptId = dept.json<{ id: string }>().id;
    ontime = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso' });
    late = await addEmployee(t.server, orgId, { code: 'EMP002', name: 'Siti Rahma' });
    await t.server.ctx.db
      .updateTable('employees')
      .set({ departmentId: deptId })
      .where('id', '=', late)
      .execute();
    // Both joined in December; a third person joins "today" (5 Jan) and is not absent before that.
    await t.server.ctx.db
      .updateTable('employees')
      .set({ createdAt: Date.UTC(2025, 11, 1) })
      .where('id', 'in', [ontime, late])
      .execute();
    await addEmployee(t.server, orgId, { code: 'EMP003', name: 'Joko Baru' });
    // Friday 2 Jan 2026 (a working day, 08:00–17:00, 5 min grace); Thursday 1 Jan nobody came.
    await interval(ontime, jakarta('2026-01-02', '07:55'), jakarta('2026-01-02', '16:05'), 0.81);
    await interval(late, jakarta('2026-01-02', '08:25'), jakarta('2026-01-02', '12:00'), 0.62);
  });
  afterAll(async () => t?.close());

  it('aggregates attendance per day, department and lateness', async () => {
    const res = await admin.get('/api/analytics/attendance?from=2026-01-01&to=2026-01-02');
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json<AttendanceAnalytics>();
    expect(a.timeZone).toBe('Asia/Jakarta');
    expect(a.days.map((d) => [d.date, d.scheduled, d.present, d.absent, d.late])).toEqual([
      ['2026-01-01', 2, 0, 2, 0],
      ['2026-01-02', 2, 2, 0, 1],
    ]);
    expect(a.days[1]!.presentMinutes).toBe(8 * 60 + 10 + 3 * 60 + 35);
    expect(a.lateness.find((b) => b.fromMinutes === 16)!.count).toBe(1);
    expect(a.totals).toMatchObject({ employees: 3, present: 2, absent: 2, late: 1, attendanceRate: 0.5 });
    const gudang = a.departments.find((d) => d.departmentId === deptId)!;
    expect(gudang).toMatchObject({ name: 'Gudang', employees: 1, present: 1, absent: 1, late: 1 });
    expect(a.departments.find((d) => d.departmentId === null)!.employees).toBe(2);

    const filtered = await admin.get(
      `/api/analytics/attendance?from=2026-01-02&to=2026-01-02&departmentId=${deptId}`,
    );
    expect(filtered.json<{ totals: { employees: number } }>().totals.employees).toBe(1);
  });

  it('exports what the charts show as CSV, XLSX and PDF', async () => {
    const q = '/api/analytics/attendance?from=2026-01-01&to=2026-01-02';
    const csv = await admin.get(`${q}&format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe(
      'date,time_zone,scheduled,present,absent,late,pending,present_minutes,average_present_minutes',
    );
    expect(lines[2]).toMatch(/^2026-01-02,Asia\/Jakarta,2,2,0,1,0,/);

    const xlsx = await admin.get(`${q}&format=xlsx`);
    expect(xlsx.headers['content-disposition']).toContain('attendance-2026-01-01-2026-01-02.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tanggal', 'Departemen', 'Terlambat']);
    expect(wb.worksheets[0]!.getRow(3).values).toContain('2026-01-02');

    const pdf = await admin.get(`${q}&format=pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('validates the range and the role', async () => {
    expect((await admin.get('/api/analytics/attendance?from=2026-01-05&to=2026-01-01')).statusCode).toBe(400);
    expect((await admin.get('/api/analytics/attendance?from=2025-01-01&to=2026-01-01')).statusCode).toBe(400);
    const member = await userWithRole(t.app, admin, 'member');
    expect((await member.get('/api/analytics/attendance?from=2026-01-01&to=2026-01-02')).statusCode).toBe(
      403,
    );
    expect((await member.get('/api/analytics/presence-log')).statusCode).toBe(403);
  });

  it('pages the presence log by cursor, filters it and exports a PDF', async () => {
    const first = await admin.get('/api/analytics/presence-log?limit=1');
    expect(first.statusCode, first.body).toBe(200);
    const p1 = first.json<PresenceLogPage>();
    expect(p1.items).toHaveLength(1);
    expect(p1.items[0]).toMatchObject({ employeeCode: 'EMP001', departmentName: null, snapshotId: null });
    const p2 = (
      await admin.get(`/api/analytics/presence-log?limit=1&cursor=${encodeURIComponent(p1.nextCursor!)}`)
    ).json<PresenceLogPage>();
    expect(p2.items[0]).toMatchObject({ employeeCode: 'EMP002', departmentName: 'Gudang' });
    expect(p2.nextCursor).toBeNull();
    const strong = await admin.get('/api/analytics/presence-log?minSimilarity=0.7');
    expect(strong.json<{ items: unknown[] }>().items).toHaveLength(1);
    const byDept = await admin.get(`/api/analytics/presence-log?departmentId=${deptId}`);
    expect(byDept.json<{ items: { employeeCode: string }[] }>().items.map((i) => i.employeeCode)).toEqual([
      'EMP002',
    ]);
    const pdf = await admin.get('/api/analytics/presence-log?format=pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('has no avatar photo for a person without enrolled crops', async () => {
    expect((await admin.get(`/api/analytics/employees/${ontime}/photo.jpg`)).statusCode).toBe(404);
  });

  it.skipIf(DETECT_SKIP !== null)(
    `detects a face with hints for the enrolment camera${DETECT_SKIP ? ` (skipped: ${DETECT_SKIP})` : ''}`,
    async () => {
      const boundary = '----hadirdetect';
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="frame"; filename="f.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
        ),
        fs.readFileSync(PHOTO),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await admin.request('POST', '/api/faces/detect', body, {
        'content-type': `multipart/form-data; boundary=${boundary}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json<FaceDetectResponse>();
      expect(r.width).toBe(250);
      expect(r.faces.length).toBeGreaterThanOrEqual(1);
      const face = r.faces[0]!;
      expect(face.box.width).toBeGreaterThan(40);
      expect(face.hints).not.toContain('too_small');
      expect((await admin.post('/api/faces/detect', {})).statusCode).toBe(415);
    },
    120_000,
  );
});
