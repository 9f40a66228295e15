/**
 * The daily supervisor report and the report charts read stored attendance days (see attendance-day),
 * so their numbers (absent, late, hours) are the ones the attendance pages show. This maps a day to the
 * report's coarser status and sums a team's days.
 *
 * - `present`, `late`, `early_leave` and `half_day` are present; hours are the day's worked minutes
 *   (check-in to check-out, less the break), lateness and early leave its minutes.
 * - `excused` (approved leave or an excusing correction) reports as leave; `day_off` and `holiday` as
 *   themselves; `pending` (the shift has not started, or its window is still open) and a day not
 *   derived yet as pending.
 * - Scheduled = expected at work: not leave, day off or holiday, and not work done on a day off or a
 *   holiday (that is present and counted as overtime, never as scheduled).
 */
import type { AttendanceDay } from './attendance-day.js';
import type { AttendanceStatus, MemberRef, TeamDaySummary } from './attendance.js';
import { MS_PER_MINUTE } from './duration.js';
import type { LocalDate } from './schedule.js';

export function reportStatusOf(day: AttendanceDay | null): AttendanceStatus {
  if (day === null) return 'pending';
  switch (day.status) {
    case 'present':
    case 'late':
    case 'early_leave':
    case 'half_day':
      return 'present';
    case 'absent':
      return 'absent';
    case 'excused':
      return 'leave';
    case 'day_off':
      return 'off_day';
    case 'holiday':
      return 'holiday';
    case 'pending':
      return 'pending';
    default: {
      const unreachable: never = day.status;
      throw new Error(`unknown attendance status ${String(unreachable)}`);
    }
  }
}

/** Work on a day off or a holiday: present, all of it overtime, not scheduled. */
function workedOffDay(day: AttendanceDay): boolean {
  return day.reason.code === 'worked_day_off' || day.reason.code === 'worked_holiday';
}

export function isScheduledDay(day: AttendanceDay | null): boolean {
  if (day === null) return true;
  const status = reportStatusOf(day);
  return status !== 'leave' && status !== 'off_day' && status !== 'holiday' && !workedOffDay(day);
}

/** Minutes worked outside the schedule: all of the work done on a day off or a holiday. */
export function overtimeMinutesOf(day: AttendanceDay | null): number {
  return day !== null && workedOffDay(day) ? day.workedMinutes : 0;
}

/** The daily report's numbers from stored attendance days. Lists are sorted by employee code. */
export function summarizeAttendanceDays(input: {
  date: LocalDate;
  teamName: string;
  records: readonly { member: MemberRef; day: AttendanceDay | null }[];
}): TeamDaySummary {
  const records = [...input.records].sort((a, b) =>
    a.member.employeeCode.localeCompare(b.member.employeeCode),
  );
  const ref = (m: MemberRef): MemberRef => ({
    employeeId: m.employeeId,
    employeeCode: m.employeeCode,
    name: m.name,
  });
  const withStatus = (status: AttendanceStatus) => records.filter((r) => reportStatusOf(r.day) === status);
  const present = withStatus('present');
  const minutesOf = (r: { day: AttendanceDay | null }) => r.day?.workedMinutes ?? 0;
  const late = present
    .filter((r) => (r.day?.lateMinutes ?? 0) > 0)
    .map((r) => ({ ...ref(r.member), lateMinutes: r.day?.lateMinutes ?? 0 }));
  return {
    date: input.date,
    teamName: input.teamName,
    absent: withStatus('absent').map((r) => ref(r.member)),
    late,
    earlyLeave: present
      .filter((r) => (r.day?.earlyLeaveMinutes ?? 0) > 0)
      .map((r) => ({ ...ref(r.member), earlyLeaveMinutes: r.day?.earlyLeaveMinutes ?? 0 })),
    onLeave: withStatus('leave').map((r) => ref(r.member)),
    hours: present.map((r) => ({
      ...ref(r.member),
      presentMs: minutesOf(r) * MS_PER_MINUTE,
      overtimeMinutes: overtimeMinutesOf(r.day),
    })),
    totals: {
      members: records.length,
      scheduled: records.filter((r) => isScheduledDay(r.day)).length,
      present: present.length,
      absent: withStatus('absent').length,
      late: late.length,
      onLeave: withStatus('leave').length,
      presentMs: present.reduce((sum, r) => sum + minutesOf(r) * MS_PER_MINUTE, 0),
    },
  };
}
