import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { localDateTime, type AttendanceDayStatus, type Locale } from '@hadir/domain';
import { dejavuFontPath } from '../../platform/export/pdf-fonts.js';

/** One employee's month in the export: their days by date and the month's totals. */
export interface MonthExportRow {
  employeeCode: string;
  name: string;
  department: string | null;
  days: Map<
    string,
    {
      status: AttendanceDayStatus;
      checkInMs: number | null;
      checkOutMs: number | null;
      workedMinutes: number;
      lateMinutes: number;
      reasonText: string;
    }
  >;
  totals: { present: number; late: number; absent: number; excused: number; workedMinutes: number };
}

export interface MonthExport {
  organizationName: string;
  /** YYYY-MM */
  month: string;
  /** Every date of the month, YYYY-MM-DD. */
  dates: string[];
  timeZone: string;
  locale: Locale;
  generatedAtMs: number;
  rows: MonthExportRow[];
}

const WORDS = {
  en: {
    title: 'Monthly attendance',
    timeZone: 'Time zone',
    generated: 'Generated',
    code: 'Code',
    name: 'Name',
    department: 'Department',
    date: 'Date',
    status: 'Status',
    checkIn: 'Check-in',
    checkOut: 'Check-out',
    worked: 'Worked (min)',
    lateMin: 'Late (min)',
    reason: 'Why',
    present: 'Present',
    late: 'Late',
    absent: 'Absent',
    excused: 'Excused',
    hours: 'Hours',
    total: 'Total',
    legend: 'Legend',
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    sheetMonth: 'Month',
    sheetDays: 'Days',
    statuses: {
      present: ['P', 'Present'],
      late: ['L', 'Late'],
      early_leave: ['E', 'Early leave'],
      half_day: ['½', 'Half day'],
      absent: ['A', 'Absent'],
      excused: ['X', 'Excused'],
      day_off: ['O', 'Day off'],
      holiday: ['H', 'Holiday'],
      pending: ['…', 'Pending'],
    },
  },
  id: {
    title: 'Kehadiran bulanan',
    timeZone: 'Zona waktu',
    generated: 'Dibuat',
    code: 'Kode',
    name: 'Nama',
    department: 'Departemen',
    date: 'Tanggal',
    status: 'Status',
    checkIn: 'Masuk',
    checkOut: 'Pulang',
    worked: 'Kerja (menit)',
    lateMin: 'Terlambat (menit)',
    reason: 'Alasan',
    present: 'Hadir',
    late: 'Terlambat',
    absent: 'Tidak hadir',
    excused: 'Izin/cuti',
    hours: 'Jam',
    total: 'Total',
    legend: 'Keterangan',
    page: (n: number, of: number) => `Halaman ${n} dari ${of}`,
    sheetMonth: 'Bulan',
    sheetDays: 'Harian',
    statuses: {
      present: ['H', 'Hadir'],
      late: ['T', 'Terlambat'],
      early_leave: ['PC', 'Pulang cepat'],
      half_day: ['½', 'Setengah hari'],
      absent: ['A', 'Tidak hadir'],
      excused: ['I', 'Izin/cuti'],
      day_off: ['L', 'Libur'],
      holiday: ['HL', 'Hari libur'],
      pending: ['…', 'Menunggu'],
    },
  },
  vi: {
    title: 'Chấm công theo tháng',
    timeZone: 'Múi giờ',
    generated: 'Tạo lúc',
    code: 'Mã',
    name: 'Họ tên',
    department: 'Phòng ban',
    date: 'Ngày',
    status: 'Trạng thái',
    checkIn: 'Giờ vào',
    checkOut: 'Giờ ra',
    worked: 'Làm việc (phút)',
    lateMin: 'Đi muộn (phút)',
    reason: 'Lý do',
    present: 'Có mặt',
    late: 'Đi muộn',
    absent: 'Vắng mặt',
    excused: 'Có phép',
    hours: 'Giờ',
    total: 'Tổng',
    legend: 'Chú thích',
    page: (n: number, of: number) => `Trang ${n}/${of}`,
    sheetMonth: 'Tháng',
    sheetDays: 'Từng ngày',
    statuses: {
      present: ['C', 'Có mặt'],
      late: ['M', 'Đi muộn'],
      early_leave: ['S', 'Về sớm'],
      half_day: ['½', 'Nửa ngày'],
      absent: ['V', 'Vắng mặt'],
      excused: ['P', 'Có phép'],
      day_off: ['N', 'Ngày nghỉ'],
      holiday: ['L', 'Ngày lễ'],
      pending: ['…', 'Đang chờ'],
    },
  },
} as const satisfies Record<Locale, unknown>;

const TAG: Record<Locale, string> = { en: 'en-GB', id: 'id-ID', vi: 'vi-VN' };

/** "Desember 2026" / "December 2026" / "tháng 12 năm 2026". */
export function monthTitle(month: string, locale: Locale): string {
  return new Intl.DateTimeFormat(TAG[locale], { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-15T12:00:00Z`),
  );
}

const hhmm = (timeZone: string, ms: number | null) => {
  if (ms === null) return '';
  const t = localDateTime(timeZone, ms);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
};
const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
const stamp = (m: MonthExport) => {
  const t = localDateTime(m.timeZone, m.generatedAtMs);
  return `${t.date} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')} (${m.timeZone})`;
};

/** XLSX: a month sheet (one row per employee, one column per day, totals) and a day-by-day sheet. */
export async function monthXlsx(m: MonthExport): Promise<Buffer> {
  const w = WORDS[m.locale];
  const wb = new ExcelJS.Workbook();
  wb.created = new Date(m.generatedAtMs);
  const ws = wb.addWorksheet(w.sheetMonth, { pageSetup: { orientation: 'landscape', fitToPage: true } });
  ws.addRow([`${w.title} – ${m.organizationName} – ${monthTitle(m.month, m.locale)}`]).font = {
    bold: true,
    size: 14,
  };
  ws.addRow([`${w.timeZone}: ${m.timeZone}`, '', `${w.generated}: ${stamp(m)}`]);
  const header = [
    w.code,
    w.name,
    w.department,
    ...m.dates.map((d) => Number(d.slice(8))),
    w.present,
    w.late,
    w.absent,
    w.excused,
    w.hours,
  ];
  ws.addRow(header).font = { bold: true };
  const sum = { present: 0, late: 0, absent: 0, excused: 0, workedMinutes: 0 };
  for (const r of m.rows) {
    ws.addRow([
      r.employeeCode,
      r.name,
      r.department ?? '',
      ...m.dates.map((d) => {
        const day = r.days.get(d);
        return day ? w.statuses[day.status][0] : '';
      }),
      r.totals.present,
      r.totals.late,
      r.totals.absent,
      r.totals.excused,
      hours(r.totals.workedMinutes),
    ]);
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += r.totals[k];
  }
  ws.addRow([
    w.total,
    '',
    '',
    ...m.dates.map(() => ''),
    sum.present,
    sum.late,
    sum.absent,
    sum.excused,
    hours(sum.workedMinutes),
  ]).font = { bold: true };
  ws.addRow([]);
  ws.addRow([
    `${w.legend}: ${Object.values(w.statuses)
      .map(([c, l]) => `${c} = ${l}`)
      .join(', ')}`,
  ]);
  ws.getColumn(1).width = 12;
  ws.getColumn(2).width = 26;
  ws.getColumn(3).width = 16;
  for (let i = 0; i < m.dates.length; i++) ws.getColumn(4 + i).width = 4.5;

  const days = wb.addWorksheet(w.sheetDays);
  days.addRow([w.code, w.name, w.date, w.status, w.checkIn, w.checkOut, w.worked, w.lateMin, w.reason]).font =
    { bold: true };
  for (const r of m.rows) {
    for (const d of m.dates) {
      const day = r.days.get(d);
      if (!day) continue;
      days.addRow([
        r.employeeCode,
        r.name,
        d,
        w.statuses[day.status][1],
        hhmm(m.timeZone, day.checkInMs),
        hhmm(m.timeZone, day.checkOutMs),
        day.workedMinutes,
        day.lateMinutes,
        day.reasonText,
      ]);
    }
  }
  days.columns.forEach((c, i) => (c.width = i === 8 ? 70 : i === 1 ? 26 : 12));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** PDF: A4 landscape, one row per employee with a status letter per day, totals, legend, page numbers. */
export function monthPdf(m: MonthExport): Promise<Buffer> {
  const w = WORDS[m.locale];
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: 30, bottom: 40, left: 30, right: 30 },
    bufferPages: true,
    info: { Title: `${w.title} - ${m.organizationName} - ${m.month}`, Creator: 'Hadir' },
  });
  doc.registerFont('body', dejavuFontPath());
  doc.registerFont('bold', dejavuFontPath(true));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font('bold').fontSize(14).fillColor('#2E3192').text(`${w.title} – ${m.organizationName}`, left, 30);
  doc.font('body').fontSize(10).fillColor('#333333').text(monthTitle(m.month, m.locale));
  doc.fontSize(8).text(`${w.timeZone}: ${m.timeZone}`);
  doc.moveDown(0.5);

  const totalsHeader = [w.present, w.late, w.absent, w.excused, w.hours];
  const codeW = 48;
  const nameW = 110;
  const totalW = 34;
  const dayW = (width - codeW - nameW - totalW * totalsHeader.length) / m.dates.length;
  const rowH = 14;
  const widths = [codeW, nameW, ...m.dates.map(() => dayW), ...totalsHeader.map(() => totalW)];
  const drawRow = (cells: string[], bold: boolean, fill: string | null) => {
    if (doc.y + rowH > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      doc.y = doc.page.margins.top;
      drawRow(headerCells, true, '#F5F5F5');
    }
    const y = doc.y;
    if (fill) doc.rect(left, y, width, rowH).fill(fill);
    let x = left;
    doc.fillColor('#000000').font(bold ? 'bold' : 'body');
    cells.forEach((c, i) => {
      const small = i >= 2 && i < 2 + m.dates.length;
      doc.fontSize(small ? 6.5 : 7).text(c, x + 1, y + 3.5, {
        width: widths[i]! - 2,
        height: rowH,
        ellipsis: true,
        lineBreak: false,
        align: small || i >= 2 ? 'center' : 'left',
      });
      x += widths[i]!;
    });
    doc
      .moveTo(left, y + rowH)
      .lineTo(left + width, y + rowH)
      .lineWidth(0.4)
      .strokeColor('#cccccc')
      .stroke();
    doc.x = left;
    doc.y = y + rowH;
  };
  const headerCells = [w.code, w.name, ...m.dates.map((d) => String(Number(d.slice(8)))), ...totalsHeader];
  drawRow(headerCells, true, '#F5F5F5');
  const sum = { present: 0, late: 0, absent: 0, excused: 0, workedMinutes: 0 };
  for (const r of m.rows) {
    drawRow(
      [
        r.employeeCode,
        r.name,
        ...m.dates.map((d) => {
          const day = r.days.get(d);
          return day ? w.statuses[day.status][0] : '';
        }),
        String(r.totals.present),
        String(r.totals.late),
        String(r.totals.absent),
        String(r.totals.excused),
        String(hours(r.totals.workedMinutes)),
      ],
      false,
      null,
    );
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += r.totals[k];
  }
  drawRow(
    [
      w.total,
      '',
      ...m.dates.map(() => ''),
      String(sum.present),
      String(sum.late),
      String(sum.absent),
      String(sum.excused),
      String(hours(sum.workedMinutes)),
    ],
    true,
    '#F5F5F5',
  );
  doc.moveDown(0.8);
  doc
    .font('body')
    .fontSize(7)
    .fillColor('#333333')
    .text(
      `${w.legend}: ${Object.values(w.statuses)
        .map(([c, l]) => `${c} = ${l}`)
        .join(' · ')}`,
      left,
      doc.y,
      { width },
    );

  const footer = `${w.generated}: ${stamp(m)}`;
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const fy = doc.page.height - 26;
    doc.page.margins.bottom = 0;
    doc
      .fillColor('#666666')
      .font('body')
      .fontSize(7)
      .text(footer, left, fy, {
        width: width / 2,
        lineBreak: false,
      });
    doc.text(w.page(p - range.start + 1, range.count), left + width / 2, fy, {
      width: width / 2,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.end();
  return done;
}
