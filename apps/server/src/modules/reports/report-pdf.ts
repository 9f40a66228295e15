import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { DailyReport, DailyReportRow } from '@hadir/contracts';
import { formatReportDate, humanDuration, minutesToMs, type Locale } from '@hadir/domain';
import { formatDateTimeOf } from '../../platform/export/local-format.js';

// DejaVu covers Latin with Vietnamese diacritics (ế, ữ, ơ…); the PDF standard fonts do not.
const fontDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
);
const FONT = path.join(fontDir, 'DejaVuSans.ttf');
const FONT_BOLD = path.join(fontDir, 'DejaVuSans-Bold.ttf');

type Status = DailyReportRow['status'];

interface PdfWords {
  title: string;
  team: (name: string) => string;
  fileStem: string;
  columns: {
    code: string;
    name: string;
    status: string;
    in: string;
    out: string;
    late: string;
    hours: string;
  };
  status: Record<Status, string>;
  cards: { present: string; absent: string; late: string; onLeave: string; hours: string };
  generated: string;
  page: (n: number, of: number) => string;
  empty: string;
}

/** PDF labels per locale; titles match the WhatsApp text of @hadir/domain's report. */
export const REPORT_WORDS: Record<Locale, PdfWords> = {
  id: {
    title: 'Laporan Kehadiran Harian',
    team: (name) => `Tim ${name}`,
    fileStem: 'laporan-kehadiran',
    columns: {
      code: 'Kode',
      name: 'Nama',
      status: 'Status',
      in: 'Masuk',
      out: 'Keluar',
      late: 'Terlambat',
      hours: 'Jam hadir',
    },
    status: {
      present: 'Hadir',
      absent: 'Tidak hadir',
      leave: 'Cuti',
      holiday: 'Libur',
      off_day: 'Hari libur',
      pending: 'Belum',
    },
    cards: {
      present: 'Hadir',
      absent: 'Tidak hadir',
      late: 'Terlambat',
      onLeave: 'Cuti',
      hours: 'Total jam',
    },
    generated: 'Dibuat',
    page: (n, of) => `Halaman ${n} dari ${of}`,
    empty: 'Tidak ada anggota tim.',
  },
  en: {
    title: 'Daily Attendance Report',
    team: (name) => `Team ${name}`,
    fileStem: 'attendance-report',
    columns: {
      code: 'Code',
      name: 'Name',
      status: 'Status',
      in: 'In',
      out: 'Out',
      late: 'Late',
      hours: 'Hours present',
    },
    status: {
      present: 'Present',
      absent: 'Absent',
      leave: 'On leave',
      holiday: 'Holiday',
      off_day: 'Day off',
      pending: 'Not yet',
    },
    cards: { present: 'Present', absent: 'Absent', late: 'Late', onLeave: 'On leave', hours: 'Total hours' },
    generated: 'Generated',
    page: (n, of) => `Page ${n} of ${of}`,
    empty: 'No team members.',
  },
  vi: {
    title: 'Báo cáo chuyên cần hằng ngày',
    team: (name) => `Nhóm ${name}`,
    fileStem: 'bao-cao-chuyen-can',
    columns: {
      code: 'Mã',
      name: 'Họ tên',
      status: 'Trạng thái',
      in: 'Vào',
      out: 'Ra',
      late: 'Đi muộn',
      hours: 'Số giờ có mặt',
    },
    status: {
      present: 'Có mặt',
      absent: 'Vắng mặt',
      leave: 'Nghỉ phép',
      holiday: 'Ngày lễ',
      off_day: 'Ngày nghỉ',
      pending: 'Chưa đến',
    },
    cards: {
      present: 'Có mặt',
      absent: 'Vắng mặt',
      late: 'Đi muộn',
      onLeave: 'Nghỉ phép',
      hours: 'Tổng số giờ',
    },
    generated: 'Tạo lúc',
    page: (n, of) => `Trang ${n}/${of}`,
    empty: 'Không có thành viên.',
  },
};

const INK = '#1f2933';
const MUTED = '#616e7c';
const LINE = '#d9e2ec';
const ZEBRA = '#f5f7fa';
const ACCENT = '#0b7285';
const RED = '#c92a2a';
const AMBER = '#b35c00';

/** A4 report: header with organization and date, summary cards, one row per person. */
export function renderReportPdf(report: DailyReport): Promise<Buffer> {
  const w = REPORT_WORDS[report.locale];
  const hours = (minutes: number) =>
    humanDuration(minutesToMs(minutes), report.locale, { largestUnit: 'hour', smallestUnit: 'minute' });
  const generated = new Date(report.generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 40, bottom: 50, left: 40, right: 40 },
    bufferPages: true,
    info: {
      Title: `${w.title} - ${report.teamName} - ${report.date}`,
      Author: report.organizationName,
      Creator: 'Hadir',
      CreationDate: generated,
      ModDate: generated,
    },
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  /** The largest size ≤ `size` at which `text` fits in `maxWidth` on one line (pdfkit would wrap). */
  const fit = (text: string, font: string, size: number, maxWidth: number): number => {
    doc.font(font);
    let s = size;
    while (s > 6 && doc.fontSize(s).widthOfString(text) > maxWidth) s -= 0.5;
    return s;
  };

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  // Header
  doc.rect(0, 0, doc.page.width, 6).fill(ACCENT);
  doc
    .fillColor(MUTED)
    .font('body')
    .fontSize(10)
    .text(report.organizationName, left, 28, { width: width - 60 });
  doc.fillColor(ACCENT).font('bold').fontSize(10).text('Hadir', left, 28, { width, align: 'right' });
  doc.fillColor(INK).font('bold').fontSize(20).text(w.title, left, 46, { width });
  doc
    .fillColor(MUTED)
    .font('body')
    .fontSize(11)
    .text(`${w.team(report.teamName)}  ·  ${formatReportDate(report.date, report.locale)}`, left, doc.y + 2, {
      width,
    });
  let y = doc.y + 12;
  doc
    .moveTo(left, y)
    .lineTo(left + width, y)
    .lineWidth(0.8)
    .strokeColor(LINE)
    .stroke();
  y += 14;

  // Summary cards
  const cards: [string, string, string][] = [
    [w.cards.present, `${report.totals.present} / ${report.totals.scheduled}`, INK],
    [w.cards.absent, String(report.totals.absent), report.totals.absent > 0 ? RED : INK],
    [w.cards.late, String(report.totals.late), report.totals.late > 0 ? AMBER : INK],
    [w.cards.onLeave, String(report.totals.onLeave), INK],
    [w.cards.hours, hours(report.totals.presentMinutes), INK],
  ];
  const gap = 8;
  const widths = [80, 80, 80, 80, width - 4 * 80 - 4 * gap];
  let x = left;
  cards.forEach(([label, value, color], i) => {
    const cw = widths[i] ?? 88;
    doc.roundedRect(x, y, cw, 52, 4).lineWidth(0.8).fillAndStroke('#ffffff', LINE);
    doc
      .fillColor(MUTED)
      .font('body')
      .fontSize(8)
      .text(label, x + 10, y + 9, { width: cw - 20 });
    const size = fit(value, 'bold', 16, cw - 20);
    doc
      .fillColor(color)
      .font('bold')
      .fontSize(size)
      .text(value, x + 10, y + 23 + (16 - size) / 2, { width: cw - 20, lineBreak: false });
    x += cw + gap;
  });
  y += 52 + 22;

  // Table
  const cols: { key: keyof PdfWords['columns']; width: number; align: 'left' | 'right' }[] = [
    { key: 'code', width: 54, align: 'left' },
    { key: 'name', width: 122, align: 'left' },
    { key: 'status', width: 70, align: 'left' },
    { key: 'in', width: 48, align: 'left' },
    { key: 'out', width: 48, align: 'left' },
    { key: 'late', width: 70, align: 'right' },
    { key: 'hours', width: width - 54 - 122 - 70 - 48 - 48 - 70, align: 'right' },
  ];
  const rowH = 20;
  const header = () => {
    doc.rect(left, y, width, rowH).fill(ACCENT);
    let cx = left;
    for (const c of cols) {
      const label = w.columns[c.key];
      doc
        .fillColor('#ffffff')
        .font('bold')
        .fontSize(fit(label, 'bold', 8.5, c.width - 12))
        .text(label, cx + 6, y + 6, { width: c.width - 12, align: c.align, lineBreak: false });
      cx += c.width;
    }
    y += rowH;
  };
  header();
  if (report.rows.length === 0) {
    doc
      .fillColor(MUTED)
      .font('body')
      .fontSize(10)
      .text(w.empty, left + 6, y + 8);
  }
  const bottom = doc.page.height - doc.page.margins.bottom;
  report.rows.forEach((r, i) => {
    if (y + rowH > bottom) {
      doc.addPage();
      y = doc.page.margins.top;
      header();
    }
    if (i % 2 === 1) doc.rect(left, y, width, rowH).fill(ZEBRA);
    const cells: Record<keyof PdfWords['columns'], [string, string]> = {
      code: [r.employeeCode, INK],
      name: [r.name, INK],
      status: [w.status[r.status], r.status === 'absent' ? RED : INK],
      in: [r.checkInLocal ?? '–', INK],
      out: [r.checkOutLocal ?? '–', INK],
      late: [r.lateMinutes > 0 ? hours(r.lateMinutes) : '–', r.lateMinutes > 0 ? AMBER : INK],
      hours: [r.status === 'present' ? hours(r.presentMinutes) : '–', INK],
    };
    let cx = left;
    for (const c of cols) {
      const [text, color] = cells[c.key];
      const font = c.key === 'code' ? 'bold' : 'body';
      const size = fit(text, font, 9, c.width - 12);
      doc
        .fillColor(color)
        .font(font)
        .fontSize(size)
        .text(text, cx + 6, y + 6 + (9 - size) / 2, {
          width: c.width - 12,
          align: c.align,
          lineBreak: false,
        });
      cx += c.width;
    }
    doc
      .moveTo(left, y + rowH)
      .lineTo(left + width, y + rowH)
      .lineWidth(0.5)
      .strokeColor(LINE)
      .stroke();
    y += rowH;
  });

  // Footer on every page: when it was generated (organization time) and page numbers.
  const stamp = `${w.generated}: ${formatDateTimeOf(generated.getTime(), report.timeZone, report.locale)} (${report.timeZone})`;
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const fy = doc.page.height - 32;
    // Writing inside the bottom margin would otherwise start a new page.
    doc.page.margins.bottom = 0;
    doc
      .fillColor(MUTED)
      .font('body')
      .fontSize(8)
      .text(stamp, left, fy, { width: width / 2, lineBreak: false });
    doc.text(w.page(p - range.start + 1, range.count), left + width / 2, fy, {
      width: width / 2,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.end();
  return done;
}
