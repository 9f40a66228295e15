/**
 * The daily supervisor report as WhatsApp text (*bold* with asterisks, one item per line). Dates and
 * labels are hand-written per locale so the golden tests do not depend on the host's ICU data.
 */
import type { TeamDaySummary } from './attendance.js';
import { DEFAULT_LOCALE, humanDuration, minutesToMs, type Locale } from './duration.js';
import { weekdayOf, type LocalDate, type Weekday } from './schedule.js';

interface ReportWords {
  title: string;
  team: (name: string) => string;
  weekdays: Record<Weekday, string>;
  date: (weekday: string, day: number, month: number, year: number) => string;
  presentOf: (present: number, scheduled: number) => string;
  absent: string;
  late: string;
  earlyLeave: string;
  onLeave: string;
  hours: string;
  total: string;
  none: string;
}

const ID_MONTHS = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];
const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const WORDS: Record<Locale, ReportWords> = {
  id: {
    title: 'Laporan Kehadiran Harian',
    team: (name) => `Tim ${name}`,
    weekdays: {
      sun: 'Minggu',
      mon: 'Senin',
      tue: 'Selasa',
      wed: 'Rabu',
      thu: 'Kamis',
      fri: 'Jumat',
      sat: 'Sabtu',
    },
    date: (weekday, day, month, year) => `${weekday}, ${day} ${ID_MONTHS[month - 1]} ${year}`,
    presentOf: (present, scheduled) => `Hadir: ${present} dari ${scheduled}`,
    absent: 'Tidak hadir',
    late: 'Terlambat',
    earlyLeave: 'Pulang cepat',
    onLeave: 'Cuti',
    hours: 'Jam kehadiran',
    total: 'Total',
    none: 'tidak ada',
  },
  en: {
    title: 'Daily Attendance Report',
    team: (name) => `Team ${name}`,
    weekdays: {
      sun: 'Sunday',
      mon: 'Monday',
      tue: 'Tuesday',
      wed: 'Wednesday',
      thu: 'Thursday',
      fri: 'Friday',
      sat: 'Saturday',
    },
    date: (weekday, day, month, year) => `${weekday}, ${day} ${EN_MONTHS[month - 1]} ${year}`,
    presentOf: (present, scheduled) => `Present: ${present} of ${scheduled}`,
    absent: 'Absent',
    late: 'Late',
    earlyLeave: 'Left early',
    onLeave: 'On leave',
    hours: 'Hours present',
    total: 'Total',
    none: 'none',
  },
  vi: {
    title: 'Báo cáo chuyên cần hằng ngày',
    team: (name) => `Nhóm ${name}`,
    weekdays: {
      sun: 'Chủ Nhật',
      mon: 'Thứ Hai',
      tue: 'Thứ Ba',
      wed: 'Thứ Tư',
      thu: 'Thứ Năm',
      fri: 'Thứ Sáu',
      sat: 'Thứ Bảy',
    },
    date: (weekday, day, month, year) => `${weekday}, ngày ${day} tháng ${month} năm ${year}`,
    presentOf: (present, scheduled) => `Có mặt: ${present}/${scheduled}`,
    absent: 'Vắng mặt',
    late: 'Đi muộn',
    earlyLeave: 'Về sớm',
    onLeave: 'Nghỉ phép',
    hours: 'Số giờ có mặt',
    total: 'Tổng',
    none: 'không có',
  },
};

/** "Senin, 3 Maret 2025" / "Monday, 3 March 2025" / "Thứ Hai, ngày 3 tháng 3 năm 2025". */
export function formatReportDate(date: LocalDate, locale: Locale = DEFAULT_LOCALE): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const words = WORDS[locale];
  return words.date(words.weekdays[weekdayOf(date)], day, month, year);
}

export function formatDailyReportText(summary: TeamDaySummary, locale: Locale = DEFAULT_LOCALE): string {
  const w = WORDS[locale];
  const hours = (ms: number) => humanDuration(ms, locale, { largestUnit: 'hour', smallestUnit: 'minute' });
  const section = (title: string, items: string[]) => [
    '',
    `*${title} (${items.length})*`,
    ...(items.length === 0 ? [`- ${w.none}`] : items.map((item) => `- ${item}`)),
  ];
  const who = (m: { employeeCode: string; name: string }) => `${m.employeeCode} ${m.name}`;

  const lines = [
    `*${w.title}*`,
    `${w.team(summary.teamName)} - ${formatReportDate(summary.date, locale)}`,
    '',
    w.presentOf(summary.totals.present, summary.totals.scheduled),
    `${w.absent}: ${summary.totals.absent}`,
    `${w.late}: ${summary.totals.late}`,
    `${w.onLeave}: ${summary.totals.onLeave}`,
    ...section(w.absent, summary.absent.map(who)),
    ...section(
      w.late,
      summary.late.map((m) => `${who(m)}: ${hours(minutesToMs(m.lateMinutes))}`),
    ),
  ];
  if (summary.earlyLeave.length > 0) {
    lines.push(
      ...section(
        w.earlyLeave,
        summary.earlyLeave.map((m) => `${who(m)}: ${hours(minutesToMs(m.earlyLeaveMinutes))}`),
      ),
    );
  }
  if (summary.onLeave.length > 0) lines.push(...section(w.onLeave, summary.onLeave.map(who)));
  lines.push(
    ...section(
      w.hours,
      summary.hours.map((m) => `${who(m)}: ${hours(m.presentMs)}`),
    ),
    '',
    `${w.total}: ${hours(summary.totals.presentMs)}`,
  );
  return lines.join('\n');
}
