import { describe, expect, it } from 'vitest';
import type { AttendanceDay } from './attendance-day.js';
import { isScheduledDay, reportStatusOf, summarizeAttendanceDays } from './attendance-report.js';

const ref = { atMs: 0, source: 'camera' as const, label: 'Gudang' };
const day = (employeeId: string, over: Partial<AttendanceDay>): AttendanceDay => ({
  employeeId,
  date: '2026-01-05',
  status: 'present',
  reason: { code: 'present', checkIn: ref, checkOut: ref, shiftStartMs: 0, workedMinutes: 480 },
  shiftTypeId: 's',
  checkInMs: 0,
  checkOutMs: 1,
  workedMinutes: 480,
  breakMinutes: 0,
  lateMinutes: 0,
  earlyLeaveMinutes: 0,
  sources: ['camera'],
  ...over,
});
const member = (code: string) => ({ employeeId: code, employeeCode: code, name: `Name ${code}` });

describe('report numbers from attendance days', () => {
  it('maps every attendance status to the report status', () => {
    expect(reportStatusOf(day('a', { status: 'late' }))).toBe('present');
    expect(reportStatusOf(day('a', { status: 'early_leave' }))).toBe('present');
    expect(reportStatusOf(day('a', { status: 'half_day' }))).toBe('present');
    expect(reportStatusOf(day('a', { status: 'absent' }))).toBe('absent');
    expect(reportStatusOf(day('a', { status: 'excused' }))).toBe('leave');
    expect(reportStatusOf(day('a', { status: 'day_off' }))).toBe('off_day');
    expect(reportStatusOf(day('a', { status: 'holiday' }))).toBe('holiday');
    expect(reportStatusOf(null)).toBe('pending');
  });

  it('work on a day off is present and overtime, never scheduled', () => {
    const worked = day('a', {
      reason: { code: 'worked_day_off', checkIn: ref, workedMinutes: 240 },
      workedMinutes: 240,
    });
    expect(isScheduledDay(worked)).toBe(false);
    const s = summarizeAttendanceDays({
      date: '2026-01-05',
      teamName: 'T',
      records: [{ member: member('A'), day: worked }],
    });
    expect(s.totals).toMatchObject({ scheduled: 0, present: 1 });
    expect(s.hours[0]).toMatchObject({ presentMs: 240 * 60_000, overtimeMinutes: 240 });
  });

  it('sums a team: absent, late, early leave, leave and worked hours as the days say', () => {
    const s = summarizeAttendanceDays({
      date: '2026-01-05',
      teamName: 'Gudang',
      records: [
        { member: member('E3'), day: day('E3', { status: 'absent', workedMinutes: 0, checkInMs: null }) },
        { member: member('E1'), day: day('E1', { status: 'late', lateMinutes: 17, workedMinutes: 463 }) },
        {
          member: member('E2'),
          day: day('E2', { status: 'early_leave', earlyLeaveMinutes: 60, workedMinutes: 420 }),
        },
        { member: member('E4'), day: day('E4', { status: 'excused', workedMinutes: 0 }) },
        { member: member('E5'), day: day('E5', { status: 'holiday', workedMinutes: 0 }) },
        { member: member('E6'), day: null },
      ],
    });
    expect(s.totals).toEqual({
      members: 6,
      scheduled: 4,
      present: 2,
      absent: 1,
      late: 1,
      onLeave: 1,
      presentMs: (463 + 420) * 60_000,
    });
    expect(s.late).toEqual([{ ...member('E1'), lateMinutes: 17 }]);
    expect(s.earlyLeave).toEqual([{ ...member('E2'), earlyLeaveMinutes: 60 }]);
    expect(s.absent.map((m) => m.employeeCode)).toEqual(['E3']);
    expect(s.onLeave.map((m) => m.employeeCode)).toEqual(['E4']);
  });
});
