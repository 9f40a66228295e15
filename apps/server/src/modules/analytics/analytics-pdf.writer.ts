import type { AttendanceAnalytics, PresenceLogEntry } from '@hadir/contracts';
import { humanDuration, minutesToMs } from '@hadir/domain';
import {
  formatDateTimeOf,
  formatDecimal,
  formatDayOf,
  formatLocalDate,
  formatShortDate,
  formatTimeOf,
  type ExportLocale,
} from '../../platform/export/local-format.js';
import { PDF_COLORS, PdfReport, type PdfCellInput } from '../../platform/export/pdf.js';
import type { EmployeeAttendance } from './analytics.service.js';

/** The words of the attendance and presence-log PDFs; chart titles match the reports page. */
const WORDS = {
  en: {
    attendanceTitle: 'Attendance report',
    presenceTitle: 'Presence log',
    period: 'Period',
    wholePeriod: 'all recorded stays',
    timeZone: 'Time zone',
    generated: 'Generated',
    department: 'Department',
    allDepartments: 'All departments',
    noDepartment: 'No department',
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    attendanceRate: 'Attendance rate',
    employees: 'Employees',
    present: 'Present',
    onTime: 'On time',
    late: 'Late',
    absent: 'Absent',
    totalHours: 'Time at work',
    perDay: 'Attendance per day',
    perDepartment: 'Attendance per department',
    lateness: 'Lateness',
    workingHours: 'Average hours at work',
    minutesRange: (from: number, to: number) => `${from}–${to} min`,
    minutesOver: (from: number) => `over ${from} min`,
    perEmployee: 'Per employee',
    perDayTable: 'Per day',
    perDepartmentTable: 'Per department',
    date: 'Date',
    scheduled: 'Scheduled',
    avgHours: 'Average at work',
    rate: 'Rate',
    code: 'Code',
    name: 'Name',
    lateTotal: 'Late in total',
    hoursPresent: 'Time at work',
    stays: 'Stays',
    people: 'People',
    from: 'From',
    to: 'To',
    duration: 'Duration',
    cameras: 'Cameras',
    similarity: 'Best match',
    stayCount: (n: number) => (n === 1 ? '1 stay' : `${n} stays`),
    none: 'Nothing was recorded in this period.',
    truncated: 'Only the first 5,000 stays are shown; narrow the filters for the rest.',
  },
  id: {
    attendanceTitle: 'Laporan kehadiran',
    presenceTitle: 'Log kehadiran',
    period: 'Periode',
    wholePeriod: 'semua kehadiran tercatat',
    timeZone: 'Zona waktu',
    generated: 'Dibuat',
    department: 'Departemen',
    allDepartments: 'Semua departemen',
    noDepartment: 'Tanpa departemen',
    page: (n: number, of: number) => `Halaman ${n} dari ${of}`,
    attendanceRate: 'Tingkat kehadiran',
    employees: 'Karyawan',
    present: 'Hadir',
    onTime: 'Tepat waktu',
    late: 'Terlambat',
    absent: 'Tidak hadir',
    totalHours: 'Waktu kerja',
    perDay: 'Kehadiran per hari',
    perDepartment: 'Kehadiran per departemen',
    lateness: 'Keterlambatan',
    workingHours: 'Rata-rata jam di tempat kerja',
    minutesRange: (from: number, to: number) => `${from}–${to} mnt`,
    minutesOver: (from: number) => `lebih dari ${from} mnt`,
    perEmployee: 'Per karyawan',
    perDayTable: 'Per hari',
    perDepartmentTable: 'Per departemen',
    date: 'Tanggal',
    scheduled: 'Terjadwal',
    avgHours: 'Rata-rata waktu kerja',
    rate: 'Tingkat',
    code: 'Kode',
    name: 'Nama',
    lateTotal: 'Total terlambat',
    hoursPresent: 'Waktu kerja',
    stays: 'Kunjungan',
    people: 'Orang',
    from: 'Dari',
    to: 'Sampai',
    duration: 'Durasi',
    cameras: 'Kamera',
    similarity: 'Kecocokan terbaik',
    stayCount: (n: number) => `${n} kunjungan`,
    none: 'Tidak ada yang tercatat pada periode ini.',
    truncated: 'Hanya 5.000 kunjungan pertama yang ditampilkan; persempit filter untuk sisanya.',
  },
  vi: {
    attendanceTitle: 'Báo cáo chuyên cần',
    presenceTitle: 'Nhật ký có mặt',
    period: 'Khoảng thời gian',
    wholePeriod: 'mọi lượt có mặt đã ghi',
    timeZone: 'Múi giờ',
    generated: 'Tạo lúc',
    department: 'Phòng ban',
    allDepartments: 'Tất cả phòng ban',
    noDepartment: 'Không có phòng ban',
    page: (n: number, of: number) => `Trang ${n}/${of}`,
    attendanceRate: 'Tỷ lệ có mặt',
    employees: 'Nhân viên',
    present: 'Có mặt',
    onTime: 'Đúng giờ',
    late: 'Đi muộn',
    absent: 'Vắng mặt',
    totalHours: 'Thời gian làm việc',
    perDay: 'Chuyên cần theo ngày',
    perDepartment: 'Chuyên cần theo phòng ban',
    lateness: 'Đi muộn',
    workingHours: 'Số giờ làm việc trung bình',
    minutesRange: (from: number, to: number) => `${from}–${to} phút`,
    minutesOver: (from: number) => `trên ${from} phút`,
    perEmployee: 'Theo nhân viên',
    perDayTable: 'Theo ngày',
    perDepartmentTable: 'Theo phòng ban',
    date: 'Ngày',
    scheduled: 'Theo lịch',
    avgHours: 'Thời gian làm việc TB',
    rate: 'Tỷ lệ',
    code: 'Mã',
    name: 'Họ tên',
    lateTotal: 'Tổng thời gian đi muộn',
    hoursPresent: 'Thời gian làm việc',
    stays: 'Lượt có mặt',
    people: 'Người',
    from: 'Từ',
    to: 'Đến',
    duration: 'Thời lượng',
    cameras: 'Camera',
    similarity: 'Độ khớp cao nhất',
    stayCount: (n: number) => `${n} lượt`,
    none: 'Không có gì được ghi nhận trong khoảng thời gian này.',
    truncated: 'Chỉ hiển thị 5.000 lượt đầu tiên; hãy thu hẹp bộ lọc để xem phần còn lại.',
  },
} satisfies Record<ExportLocale, unknown>;

const duration = (minutes: number, locale: ExportLocale) =>
  humanDuration(minutesToMs(minutes), locale, { largestUnit: 'hour', smallestUnit: 'minute' });
/** "Pegawai 3" before "Pegawai 10". */
const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });
const percent = (rate: number) => `${Math.round(rate * 100)}%`;

export interface PdfMeta {
  organizationName: string;
  timeZone: string;
  locale: ExportLocale;
  generatedMs: number;
}

function footer(w: (typeof WORDS)[ExportLocale], meta: PdfMeta): string {
  return `${w.generated}: ${formatDateTimeOf(meta.generatedMs, meta.timeZone, meta.locale)} (${meta.timeZone})`;
}

/**
 * Landscape A4: totals, the four charts of the reports page, then the per-day, per-department and
 * per-employee tables. Dates are local dates of the organization, written in the reader's language.
 */
export function attendancePdf(
  a: AttendanceAnalytics,
  employees: EmployeeAttendance[],
  meta: PdfMeta & { departmentName: string | null },
): Promise<Buffer> {
  const { locale } = meta;
  const w = WORDS[locale];
  const period = `${formatLocalDate(a.from, locale)} – ${formatLocalDate(a.to, locale)}`;
  const pdf = new PdfReport({
    title: `${w.attendanceTitle} – ${meta.organizationName} – ${period}`,
    author: meta.organizationName,
    createdMs: meta.generatedMs,
    landscape: true,
  });
  pdf.header(meta.organizationName, w.attendanceTitle, [
    `${w.period}: ${period}  ·  ${w.department}: ${meta.departmentName ?? w.allDepartments}`,
    `${w.timeZone}: ${a.timeZone}`,
  ]);
  pdf.cards([
    { label: w.attendanceRate, value: percent(a.totals.attendanceRate) },
    { label: w.employees, value: String(a.totals.employees) },
    { label: w.present, value: String(a.totals.present), color: PDF_COLORS.present },
    { label: w.late, value: String(a.totals.late), color: a.totals.late ? PDF_COLORS.late : undefined },
    {
      label: w.absent,
      value: String(a.totals.absent),
      color: a.totals.absent ? PDF_COLORS.absent : undefined,
    },
    { label: w.totalHours, value: duration(a.totals.presentMinutes, locale) },
  ]);
  const days = a.days.map((d) => formatShortDate(d.date, locale));
  const deptName = (name: string | null) => name ?? w.noDepartment;
  pdf.charts(
    [
      {
        title: w.perDay,
        kind: 'stacked-bar',
        categories: days,
        series: [
          { label: w.onTime, color: PDF_COLORS.present, values: a.days.map((d) => d.present - d.late) },
          { label: w.late, color: PDF_COLORS.late, values: a.days.map((d) => d.late) },
          { label: w.absent, color: PDF_COLORS.absent, values: a.days.map((d) => d.absent) },
        ],
      },
      {
        title: w.perDepartment,
        kind: 'horizontal-stacked-bar',
        categories: a.departments.map((d) => deptName(d.name)),
        series: [
          {
            label: w.onTime,
            color: PDF_COLORS.present,
            values: a.departments.map((d) => d.present - d.late),
          },
          { label: w.late, color: PDF_COLORS.late, values: a.departments.map((d) => d.late) },
          { label: w.absent, color: PDF_COLORS.absent, values: a.departments.map((d) => d.absent) },
        ],
      },
      {
        title: w.lateness,
        kind: 'bar',
        categories: a.lateness.map((b) =>
          b.toMinutes === null
            ? w.minutesOver(b.fromMinutes - 1)
            : w.minutesRange(b.fromMinutes, b.toMinutes),
        ),
        series: [{ label: w.late, color: PDF_COLORS.late, values: a.lateness.map((b) => b.count) }],
      },
      {
        title: w.workingHours,
        kind: 'line',
        categories: days,
        series: [
          {
            label: w.workingHours,
            color: PDF_COLORS.accent,
            values: a.days.map((d) => Math.round((d.averagePresentMinutes / 60) * 10) / 10),
          },
        ],
      },
    ],
    2,
    170,
  );

  pdf.heading(w.perEmployee);
  pdf.table(
    [
      { label: w.code },
      { label: w.name, flexible: true },
      { label: w.department, flexible: true },
      { label: w.scheduled, align: 'right' },
      { label: w.present, align: 'right' },
      { label: w.late, align: 'right' },
      { label: w.lateTotal, align: 'right' },
      { label: w.absent, align: 'right' },
      { label: w.hoursPresent, align: 'right' },
    ],
    employees.map((e): PdfCellInput[] => [
      { text: e.employeeCode, bold: true },
      e.name,
      deptName(e.departmentName),
      e.scheduled,
      e.present,
      e.late ? { text: String(e.late), color: PDF_COLORS.late } : '–',
      e.lateMinutes ? { text: duration(e.lateMinutes, locale), color: PDF_COLORS.late } : '–',
      e.absent ? { text: String(e.absent), color: PDF_COLORS.absent } : '–',
      e.present ? duration(e.presentMinutes, locale) : '–',
    ]),
  );
  if (employees.length === 0) pdf.note(w.none);

  pdf.heading(w.perDayTable);
  pdf.table(
    [
      { label: w.date, flexible: true },
      { label: w.scheduled, align: 'right' },
      { label: w.present, align: 'right' },
      { label: w.late, align: 'right' },
      { label: w.absent, align: 'right' },
      { label: w.avgHours, align: 'right' },
    ],
    a.days.map((d) => [
      formatLocalDate(d.date, locale),
      d.scheduled,
      d.present,
      d.late,
      d.absent,
      d.present ? duration(d.averagePresentMinutes, locale) : '–',
    ]),
  );

  pdf.heading(w.perDepartmentTable);
  pdf.table(
    [
      { label: w.department, flexible: true },
      { label: w.employees, align: 'right' },
      { label: w.present, align: 'right' },
      { label: w.late, align: 'right' },
      { label: w.absent, align: 'right' },
      { label: w.rate, align: 'right' },
      { label: w.avgHours, align: 'right' },
    ],
    a.departments.map((d) => [
      deptName(d.name),
      d.employees,
      d.present,
      d.late,
      d.absent,
      percent(d.attendanceRate),
      d.present ? duration(d.averagePresentMinutes, locale) : '–',
    ]),
  );
  return pdf.finish(footer(w, meta), w.page);
}

/**
 * Landscape A4, one table per employee (their stays in time order, the cameras that saw them and how
 * long), so a supervisor can hand each person's page to them.
 */
export function presenceLogPdf(
  rows: PresenceLogEntry[],
  truncated: boolean,
  meta: PdfMeta & { fromMs: number | null; toMs: number | null },
): Promise<Buffer> {
  const { locale, timeZone } = meta;
  const w = WORDS[locale];
  const at = (ms: number) => formatDateTimeOf(ms, timeZone, locale);
  const period =
    meta.fromMs === null && meta.toMs === null
      ? w.wholePeriod
      : `${meta.fromMs === null ? '…' : at(meta.fromMs)} – ${meta.toMs === null ? '…' : at(meta.toMs)}`;
  const pdf = new PdfReport({
    title: `${w.presenceTitle} – ${meta.organizationName}`,
    author: meta.organizationName,
    createdMs: meta.generatedMs,
    landscape: true,
  });
  pdf.header(meta.organizationName, w.presenceTitle, [
    `${w.period}: ${period}`,
    `${w.timeZone}: ${timeZone}`,
  ]);
  const people = new Map<string, PresenceLogEntry[]>();
  for (const r of rows) people.set(r.employeeId, [...(people.get(r.employeeId) ?? []), r]);
  const totalMinutes = (list: PresenceLogEntry[]) =>
    Math.floor(list.reduce((s, r) => s + r.durationMs, 0) / 60_000);
  pdf.cards([
    { label: w.stays, value: String(rows.length) },
    { label: w.people, value: String(people.size) },
    { label: w.totalHours, value: duration(totalMinutes(rows), locale) },
  ]);
  if (truncated) pdf.note(w.truncated);
  if (rows.length === 0) pdf.note(w.none);
  const groups = [...people.values()].sort(
    (a, b) =>
      byName(a[0]!.employeeName, b[0]!.employeeName) || byName(a[0]!.employeeCode, b[0]!.employeeCode),
  );
  const stayRow = (r: PresenceLogEntry): PdfCellInput[] => {
    const start = Date.parse(r.startedAt);
    const end = Date.parse(r.lastSeenAt);
    const startDay = formatDayOf(start, timeZone, locale);
    const endDay = formatDayOf(end, timeZone, locale);
    return [
      startDay,
      formatTimeOf(start, timeZone, locale),
      // A stay past midnight says which day it ended.
      endDay === startDay
        ? formatTimeOf(end, timeZone, locale)
        : `${endDay} ${formatTimeOf(end, timeZone, locale)}`,
      humanDuration(r.durationMs, locale, { largestUnit: 'hour', smallestUnit: 'minute' }),
      r.cameras.map((c) => c.cameraName).join(', ') || r.cameraName,
      formatDecimal(r.bestSimilarity, locale),
    ];
  };
  // Every person's table has the same columns, measured once over all rows.
  const allRows = rows.map(stayRow);
  for (const list of groups) {
    const first = list[0]!;
    list.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    pdf.heading(
      `${first.employeeCode}  ${first.employeeName}`,
      [
        first.departmentName ?? w.noDepartment,
        w.stayCount(list.length),
        duration(totalMinutes(list), locale),
      ].join('  ·  '),
    );
    pdf.table(
      [
        { label: w.date },
        { label: w.from },
        { label: w.to },
        { label: w.duration, align: 'right' },
        { label: w.cameras, flexible: true },
        { label: w.similarity, align: 'right' },
      ],
      list.map(stayRow),
      allRows,
    );
  }
  return pdf.finish(footer(w, meta), w.page);
}
