import ExcelJS from 'exceljs';
import type { AttendanceAnalytics, Locale } from '@hadir/contracts';
import { csvText } from '../../platform/export/csv.js';

/** Labels of the spreadsheet export, in the organization's language (the PDFs: analytics-pdf.writer). */
const LABELS = {
  en: {
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
  },
  id: {
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
  },
  vi: {
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
  },
} satisfies Record<Locale, Record<string, string>>;

type Labels = (typeof LABELS)['en'];
const labelsFor = (locale: string): Labels => LABELS[(locale in LABELS ? locale : 'en') as Locale];

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
