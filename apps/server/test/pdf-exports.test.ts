import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/platform/ids/ids.js';
import { addEmployee } from './presence-fixtures.js';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

/**
 * The PDFs read back as a person would: pdftotext for the words, pdfinfo for the page size and count,
 * pdftoppm for the pixels of the charts. Set HADIR_PDF_OUT=<dir> to keep the files and PNGs to look at.
 */

const OUT = process.env.HADIR_PDF_OUT;

function poppler(pdf: Buffer, name: string): { text: string; pages: number; size: string; png: string } {
  const dir = OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-pdf-'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
  const size = /Page size:\s+([\d.]+ x [\d.]+)/.exec(info)?.[1] ?? '';
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(dir, name)]);
  const png = fs.readdirSync(dir).find((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))!;
  return { text, pages, size, png: path.join(dir, png) };
}

/** pdftotext -layout pads columns with runs of spaces: compare words between separators. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim().replace(/\s{2,}/g, ' | '))
    .filter(Boolean);

/** Pixels near an RGB colour on a rendered page: the charts are drawn, not just titled. */
async function pixelsNear(png: string, rgb: [number, number, number]): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (
      Math.abs(data[i]! - rgb[0]) < 12 &&
      Math.abs(data[i + 1]! - rgb[1]) < 12 &&
      Math.abs(data[i + 2]! - rgb[2]) < 12
    )
      n++;
  }
  return n;
}

const ISO = /\d{4}-\d{2}-\d{2}(T|\b)/;
const wib = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);

describe.each(await dialects())('PDF exports fit to hand over (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  const ids: Record<string, string> = {};

  const stay = async (employeeId: string, startMs: number, endMs: number, similarity: number) => {
    const id = newId(startMs);
    // The attendance PDF reads the stored attendance days, derived from the stay's camera events.
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
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const dept = (await admin.post('/api/departments', { name: 'Gudang' })).json<{ id: string }>().id;
    ids.budi = await addEmployee(t.server, orgId, {
      code: 'EMP001',
      name: 'Budi Santoso',
      departmentId: dept,
    });
    ids.nguyen = await addEmployee(t.server, orgId, {
      code: 'EMP002',
      name: 'Nguyễn Thị Phương Thảo Hoàng',
    });
    // Enough people for a second page of the per-employee table.
    for (let i = 3; i <= 40; i++) {
      await addEmployee(t.server, orgId, { code: `EMP${String(i).padStart(3, '0')}`, name: `Pegawai ${i}` });
    }
    await t.server.ctx.db
      .updateTable('employees')
      .set({ createdAt: Date.UTC(2025, 11, 1) })
      .where('organizationId', '=', orgId)
      .execute();
    // Friday 2 Jan 2026 in Jakarta (UTC+7); 1 Jan nobody came. A night stay at 23:30 local is 16:30 UTC.
    await stay(ids.budi, wib('2026-01-02', '07:55'), wib('2026-01-02', '16:05'), 0.81);
    await stay(ids.nguyen, wib('2026-01-02', '08:25'), wib('2026-01-02', '12:00'), 0.62);
    await stay(ids.budi, wib('2026-01-02', '23:30'), wib('2026-01-03', '00:40'), 0.77);
  });
  afterAll(async () => t?.close());

  it('attendance: landscape, zone-local localized dates, charts, per-employee rows, page numbers', async () => {
    const res = await admin.get('/api/analytics/attendance?from=2026-01-01&to=2026-01-02&format=pdf');
    expect(res.statusCode, res.body).toBe(200);
    const { text, pages, size, png } = poppler(res.rawPayload, `attendance-${dialect}`);
    const l = lines(text);
    expect(size).toBe('841.89 x 595.28');
    expect(text).not.toMatch(ISO);
    expect(l).toContain('Laporan kehadiran');
    expect(l).toContain('Periode: 1 Januari 2026 – 2 Januari 2026 · Departemen: Semua departemen');
    expect(l).toContain('Zona waktu: Asia/Jakarta');
    // The test clock is 02:00 UTC on 5 Jan: 09.00 in Jakarta.
    expect(text).toContain('Dibuat: 5 Januari 2026 09.00 (Asia/Jakarta)');
    for (const title of [
      'Kehadiran per hari',
      'Kehadiran per departemen',
      'Keterlambatan',
      'Rata-rata jam di tempat kerja',
    ]) {
      expect(text).toContain(title);
    }
    // The charts are drawn: on-time green, late amber and absent red bars on the first page.
    expect(await pixelsNear(png, [0x2f, 0x9e, 0x44])).toBeGreaterThan(30);
    expect(await pixelsNear(png, [0xc9, 0x2a, 0x2a])).toBeGreaterThan(100);
    // Per-employee table: every header word whole, one row per person, long names not cut.
    expect(text).not.toContain('…');
    for (const word of ['Kode', 'Nama', 'Departemen', 'Terjadwal', 'Hadir', 'Terlambat', 'Total', 'Tidak'])
      expect(text).toContain(word);
    expect(l).toContain('EMP001 | Budi Santoso | Gudang | 2 | 1 | – | – | 1 | 8 jam 10 menit');
    expect(l).toContain(
      'EMP002 | Nguyễn Thị Phương Thảo Hoàng | Tanpa departemen | 2 | 1 | 1 | 25 menit | 1 | 3 jam 35 menit',
    );
    expect(l.some((x) => x.startsWith('EMP040 | Pegawai 40 |'))).toBe(true);
    expect(l).toContain('1 Januari 2026 | 40 | 0 | 0 | 40 | –');
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Halaman ${p} dari ${pages}`);
  });

  it('presence log: one table per employee, zone-local times, the night stay on its own day', async () => {
    const q = new URLSearchParams({
      from: '2026-01-02T00:00:00+07:00',
      to: '2026-01-03T00:00:00+07:00',
      format: 'pdf',
    });
    const res = await admin.get(`/api/analytics/presence-log?${q.toString()}`);
    expect(res.statusCode, res.body).toBe(200);
    const { text, pages, size } = poppler(res.rawPayload, `presence-log-${dialect}`);
    const l = lines(text);
    expect(size).toBe('841.89 x 595.28');
    expect(text).not.toMatch(ISO);
    expect(l).toContain('Periode: 2 Januari 2026 00.00 – 3 Januari 2026 00.00');
    expect(l).toContain('EMP001 Budi Santoso');
    expect(l).toContain('Gudang · 2 kunjungan · 9 jam 20 menit');
    expect(l).toContain('Tanggal | Dari | Sampai | Durasi | Kamera | Kecocokan terbaik');
    expect(l).toContain('Jum, 2 Jan 2026 | 07.55 | 16.05 | 8 jam 10 menit | Camera Gudang A | 0,81');
    expect(l).toContain(
      'Jum, 2 Jan 2026 | 23.30 | Sab, 3 Jan 2026 00.40 | 1 jam 10 menit | Camera Gudang A | 0,77',
    );
    expect(l).toContain('EMP002 Nguyễn Thị Phương Thảo Hoàng');
    expect(text).toContain(`Halaman 1 dari ${pages}`);
  });

  it("is written in the reader's language", async () => {
    expect((await admin.request('PATCH', '/api/auth/me', { locale: 'vi' })).statusCode).toBe(200);
    try {
      const att = poppler(
        (await admin.get('/api/analytics/attendance?from=2026-01-01&to=2026-01-02&format=pdf')).rawPayload,
        `attendance-vi-${dialect}`,
      );
      expect(att.text).toContain('Khoảng thời gian: 1 tháng 1, 2026 – 2 tháng 1, 2026');
      expect(att.text).toContain('Chuyên cần theo ngày');
      expect(att.text).toContain(`Trang 1/${att.pages}`);
      await admin.request('PATCH', '/api/auth/me', { locale: 'en' });
      const log = poppler(
        (await admin.get('/api/analytics/presence-log?format=pdf')).rawPayload,
        `presence-log-en-${dialect}`,
      );
      expect(lines(log.text)).toContain(
        'Fri, 2 Jan 2026 | 07:55 | 16:05 | 8 hours 10 minutes | Camera Gudang A | 0.81',
      );
      expect(log.text).toContain('Period: all recorded stays');
      expect(log.text).toContain('Page 1 of 1');
    } finally {
      await admin.request('PATCH', '/api/auth/me', { locale: 'id' });
    }
  });
});
