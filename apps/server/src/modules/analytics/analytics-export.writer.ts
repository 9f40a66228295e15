import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { AttendanceAnalytics, Locale, PresenceLogEntry } from '@hadir/contracts';
import { csvText } from '../../platform/export/csv.js';
import { dejavuFontPath } from '../../platform/export/pdf-fonts.js';

/** Labels of the exported files, in the organization's language (Vietnamese needs a Unicode font). */
const LABELS = {
  en: {
    attendanceTitle: 'Attendance',
    presenceTitle: 'Presence log',
    period: 'Period',
    timeZone: 'Time zone',
    generated: 'Generated',
    date: 'Date',
    scheduled: 'Scheduled',
    present: 'Present',
    absent: 'Absent',
    late: 'Late',
    avgHours: 'Avg. hours',
    department: 'Department',
    employees: 'Employees',
    rate: 'Attendance rate',
    noDepartment: 'No department',
    lateness: 'Lateness (minutes)',
    count: 'Count',
    employee: 'Employee',
    code: 'Code',
    camera: 'Camera',
    from: 'From',
    to: 'To',
    duration: 'Duration',
    similarity: 'Similarity',
    truncated: 'Only the first rows are shown; narrow the filters for the rest.',
  },
  id: {
    attendanceTitle: 'Kehadiran',
    presenceTitle: 'Log kehadiran',
    period: 'Periode',
    timeZone: 'Zona waktu',
    generated: 'Dibuat',
    date: 'Tanggal',
    scheduled: 'Terjadwal',
    present: 'Hadir',
    absent: 'Tidak hadir',
    late: 'Terlambat',
    avgHours: 'Rata-rata jam',
    department: 'Departemen',
    employees: 'Karyawan',
    rate: 'Tingkat kehadiran',
    noDepartment: 'Tanpa departemen',
    lateness: 'Keterlambatan (menit)',
    count: 'Jumlah',
    employee: 'Karyawan',
    code: 'Kode',
    camera: 'Kamera',
    from: 'Dari',
    to: 'Sampai',
    duration: 'Durasi',
    similarity: 'Kemiripan',
    truncated: 'Hanya baris pertama yang ditampilkan; persempit filter untuk sisanya.',
  },
  vi: {
    attendanceTitle: 'Chuyên cần',
    presenceTitle: 'Nhật ký có mặt',
    period: 'Khoảng thời gian',
    timeZone: 'Múi giờ',
    generated: 'Tạo lúc',
    date: 'Ngày',
    scheduled: 'Theo lịch',
    present: 'Có mặt',
    absent: 'Vắng mặt',
    late: 'Đi muộn',
    avgHours: 'Số giờ TB',
    department: 'Phòng ban',
    employees: 'Nhân viên',
    rate: 'Tỷ lệ có mặt',
    noDepartment: 'Không có phòng ban',
    lateness: 'Đi muộn (phút)',
    count: 'Số lượng',
    employee: 'Nhân viên',
    code: 'Mã',
    camera: 'Camera',
    from: 'Từ',
    to: 'Đến',
    duration: 'Thời lượng',
    similarity: 'Độ tương đồng',
    truncated: 'Chỉ hiển thị các dòng đầu; hãy thu hẹp bộ lọc để xem phần còn lại.',
  },
} satisfies Record<Locale, Record<string, string>>;

type Labels = (typeof LABELS)['en'];
const labelsFor = (locale: string): Labels => LABELS[(locale in LABELS ? locale : 'en') as Locale];

const fontPath = dejavuFontPath;

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
const bucketLabel = (b: { fromMinutes: number; toMinutes: number | null }) =>
  b.toMinutes === null ? `> ${b.fromMinutes - 1}` : `${b.fromMinutes}–${b.toMinutes}`;

function attendanceTables(a: AttendanceAnalytics, l: Labels) {
  return {
    days: {
      header: [l.date, l.scheduled, l.present, l.absent, l.late, l.avgHours],
      rows: a.days.map((d) => [
        d.date,
        d.scheduled,
        d.present,
        d.absent,
        d.late,
        hours(d.averagePresentMinutes),
      ]),
    },
    departments: {
      header: [l.department, l.employees, l.present, l.absent, l.late, l.rate, l.avgHours],
      rows: a.departments.map((d) => [
        d.name ?? l.noDepartment,
        d.employees,
        d.present,
        d.absent,
        d.late,
        `${Math.round(d.attendanceRate * 100)}%`,
        hours(d.averagePresentMinutes),
      ]),
    },
    lateness: {
      header: [l.lateness, l.count],
      rows: a.lateness.map((b) => [bucketLabel(b), b.count]),
    },
  };
}

export function attendanceCsv(a: AttendanceAnalytics): string {
  // Machine-readable: one row per day (local dates in the named zone), stable English column names.
  return csvText(
    [
      'date',
      'time_zone',
      'scheduled',
      'present',
      'absent',
      'late',
      'pending',
      'present_minutes',
      'average_present_minutes',
    ],
    a.days.map((d) => [
      d.date,
      a.timeZone,
      d.scheduled,
      d.present,
      d.absent,
      d.late,
      d.pending,
      d.presentMinutes,
      d.averagePresentMinutes,
    ]),
  );
}

export async function attendanceXlsx(a: AttendanceAnalytics, locale: string): Promise<Buffer> {
  const l = labelsFor(locale);
  const wb = new ExcelJS.Workbook();
  wb.created = new Date(a.generatedAt);
  const t = attendanceTables(a, l);
  for (const [name, table] of [
    [l.date, t.days],
    [l.department, t.departments],
    [l.late, t.lateness],
  ] as const) {
    const ws = wb.addWorksheet(name.slice(0, 31));
    ws.addRow(table.header).font = { bold: true };
    for (const r of table.rows) ws.addRow(r);
    ws.columns.forEach((c) => (c.width = 18));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

type Cell = string | number;

function pdfTable(doc: PDFKit.PDFDocument, header: Cell[], rows: Cell[][], widths: number[]): void {
  const left = doc.page.margins.left;
  const rowHeight = 18;
  const drawRow = (cells: Cell[], bold: boolean) => {
    if (doc.y + rowHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    doc.font(bold ? 'bold' : 'regular').fontSize(9);
    cells.forEach((c, i) => {
      doc.text(String(c), x + 2, y + 4, {
        width: widths[i]! - 4,
        height: rowHeight,
        ellipsis: true,
        lineBreak: false,
      });
      x += widths[i]!;
    });
    doc
      .moveTo(left, y + rowHeight)
      .lineTo(left + widths.reduce((s, w) => s + w, 0), y + rowHeight)
      .strokeColor('#dddddd')
      .stroke();
    doc.x = left;
    doc.y = y + rowHeight;
  };
  drawRow(header, true);
  for (const r of rows) drawRow(r, false);
  doc.moveDown();
}

function pdfDoc(title: string, lines: string[]): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: title } });
  doc.registerFont('regular', fontPath());
  doc.registerFont('bold', fontPath(true));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('bold').fontSize(16).fillColor('#2E3192').text(title);
  doc.font('regular').fontSize(9).fillColor('#333333');
  for (const line of lines) doc.text(line);
  doc.moveDown();
  doc.fillColor('#000000');
  return { doc, done };
}

export async function attendancePdf(a: AttendanceAnalytics, organizationName: string, locale: string) {
  const l = labelsFor(locale);
  const { doc, done } = pdfDoc(`${l.attendanceTitle} – ${organizationName}`, [
    `${l.period}: ${a.from} – ${a.to}`,
    `${l.timeZone}: ${a.timeZone}`,
    `${l.generated}: ${a.generatedAt}`,
    `${l.present}: ${a.totals.present} · ${l.absent}: ${a.totals.absent} · ${l.late}: ${a.totals.late} · ${l.rate}: ${Math.round(a.totals.attendanceRate * 100)}%`,
  ]);
  const t = attendanceTables(a, l);
  pdfTable(doc, t.days.header, t.days.rows, [90, 80, 80, 80, 80, 85]);
  pdfTable(doc, t.departments.header, t.departments.rows, [140, 60, 60, 60, 55, 70, 70]);
  pdfTable(doc, t.lateness.header, t.lateness.rows, [160, 80]);
  doc.end();
  return done;
}

function localTime(iso: string, timeZone: string, locale: string): string {
  const tag = locale === 'id' ? 'id-ID' : locale === 'vi' ? 'vi-VN' : 'en-GB';
  return new Intl.DateTimeFormat(tag, { dateStyle: 'short', timeStyle: 'short', timeZone }).format(
    new Date(iso),
  );
}

function durationText(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 60 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${m}m`;
}

export async function presenceLogPdf(
  rows: PresenceLogEntry[],
  truncated: boolean,
  meta: { organizationName: string; timeZone: string; locale: string; period: string; generatedAt: string },
) {
  const l = labelsFor(meta.locale);
  const { doc, done } = pdfDoc(`${l.presenceTitle} – ${meta.organizationName}`, [
    `${l.period}: ${meta.period}`,
    `${l.timeZone}: ${meta.timeZone}`,
    `${l.generated}: ${meta.generatedAt}`,
  ]);
  pdfTable(
    doc,
    [l.employee, l.code, l.camera, l.from, l.to, l.duration, l.similarity],
    rows.map((r) => [
      r.employeeName,
      r.employeeCode,
      r.cameras.map((c) => c.cameraName).join(', ') || r.cameraName,
      localTime(r.startedAt, meta.timeZone, meta.locale),
      localTime(r.lastSeenAt, meta.timeZone, meta.locale),
      durationText(r.durationMs),
      r.bestSimilarity.toFixed(2),
    ]),
    [110, 55, 90, 80, 80, 50, 50],
  );
  if (truncated) doc.font('regular').fontSize(9).text(l.truncated);
  doc.end();
  return done;
}
