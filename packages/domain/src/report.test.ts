import { describe, expect, it } from 'vitest';
import type { TeamDaySummary } from './attendance.js';
import { formatDailyReportText, formatReportDate } from './report.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const m = (code: string, name: string) => ({ employeeId: code.toLowerCase(), employeeCode: code, name });

const summary: TeamDaySummary = {
  date: '2025-03-03',
  teamName: 'Gudang',
  absent: [m('EMP002', 'Siti Aminah')],
  late: [{ ...m('EMP001', 'Budi Santoso'), lateMinutes: 12 }],
  earlyLeave: [{ ...m('EMP003', 'Rina Wati'), earlyLeaveMinutes: 65 }],
  onLeave: [m('EMP004', 'Andi')],
  hours: [
    { ...m('EMP001', 'Budi Santoso'), presentMs: 8 * HOUR + 48 * MIN, overtimeMinutes: 0 },
    { ...m('EMP003', 'Rina Wati'), presentMs: 7 * HOUR + 55 * MIN, overtimeMinutes: 0 },
  ],
  totals: {
    members: 4,
    scheduled: 3,
    present: 2,
    absent: 1,
    late: 1,
    onLeave: 1,
    presentMs: 16 * HOUR + 43 * MIN,
  },
};

describe('formatDailyReportText (golden)', () => {
  it('id', () => {
    expect(formatDailyReportText(summary, 'id')).toBe(
      [
        '*Laporan Kehadiran Harian*',
        'Tim Gudang - Senin, 3 Maret 2025',
        '',
        'Hadir: 2 dari 3',
        'Tidak hadir: 1',
        'Terlambat: 1',
        'Cuti: 1',
        '',
        '*Tidak hadir (1)*',
        '- EMP002 Siti Aminah',
        '',
        '*Terlambat (1)*',
        '- EMP001 Budi Santoso: 12 menit',
        '',
        '*Pulang cepat (1)*',
        '- EMP003 Rina Wati: 1 jam 5 menit',
        '',
        '*Cuti (1)*',
        '- EMP004 Andi',
        '',
        '*Jam kehadiran (2)*',
        '- EMP001 Budi Santoso: 8 jam 48 menit',
        '- EMP003 Rina Wati: 7 jam 55 menit',
        '',
        'Total: 16 jam 43 menit',
      ].join('\n'),
    );
  });

  it('en', () => {
    expect(formatDailyReportText(summary, 'en')).toBe(
      [
        '*Daily Attendance Report*',
        'Team Gudang - Monday, 3 March 2025',
        '',
        'Present: 2 of 3',
        'Absent: 1',
        'Late: 1',
        'On leave: 1',
        '',
        '*Absent (1)*',
        '- EMP002 Siti Aminah',
        '',
        '*Late (1)*',
        '- EMP001 Budi Santoso: 12 minutes',
        '',
        '*Left early (1)*',
        '- EMP003 Rina Wati: 1 hour 5 minutes',
        '',
        '*On leave (1)*',
        '- EMP004 Andi',
        '',
        '*Hours present (2)*',
        '- EMP001 Budi Santoso: 8 hours 48 minutes',
        '- EMP003 Rina Wati: 7 hours 55 minutes',
        '',
        'Total: 16 hours 43 minutes',
      ].join('\n'),
    );
  });

  it('vi', () => {
    expect(formatDailyReportText(summary, 'vi')).toBe(
      [
        '*Báo cáo chuyên cần hằng ngày*',
        'Nhóm Gudang - Thứ Hai, ngày 3 tháng 3 năm 2025',
        '',
        'Có mặt: 2/3',
        'Vắng mặt: 1',
        'Đi muộn: 1',
        'Nghỉ phép: 1',
        '',
        '*Vắng mặt (1)*',
        '- EMP002 Siti Aminah',
        '',
        '*Đi muộn (1)*',
        '- EMP001 Budi Santoso: 12 phút',
        '',
        '*Về sớm (1)*',
        '- EMP003 Rina Wati: 1 giờ 5 phút',
        '',
        '*Nghỉ phép (1)*',
        '- EMP004 Andi',
        '',
        '*Số giờ có mặt (2)*',
        '- EMP001 Budi Santoso: 8 giờ 48 phút',
        '- EMP003 Rina Wati: 7 giờ 55 phút',
        '',
        'Tổng: 16 giờ 43 phút',
      ].join('\n'),
    );
  });

  it('says "none" for empty lists and omits empty optional sections', () => {
    const quiet: TeamDaySummary = {
      ...summary,
      absent: [],
      late: [],
      earlyLeave: [],
      onLeave: [],
      hours: [],
      totals: { members: 0, scheduled: 0, present: 0, absent: 0, late: 0, onLeave: 0, presentMs: 0 },
    };
    const text = formatDailyReportText(quiet, 'id');
    expect(text).toContain('*Tidak hadir (0)*\n- tidak ada');
    expect(text).not.toContain('Pulang cepat');
    expect(text).not.toContain('*Cuti');
    expect(text.endsWith('Total: 0 menit')).toBe(true);
  });
});

describe('formatReportDate', () => {
  it('formats weekdays and months per locale, defaulting to Indonesian', () => {
    expect(formatReportDate('2025-08-17')).toBe('Minggu, 17 Agustus 2025');
    expect(formatReportDate('2025-09-02', 'vi')).toBe('Thứ Ba, ngày 2 tháng 9 năm 2025');
    expect(formatReportDate('2024-02-29', 'en')).toBe('Thursday, 29 February 2024');
  });
});
