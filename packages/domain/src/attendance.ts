/**
 * Daily attendance from presence intervals (spans during which a camera kept seeing someone).
 *
 * - Intervals from several cameras overlap; they are merged so time is never counted twice.
 * - Gaps no longer than the absence window count as present (the person was never "off").
 * - Each local day owns an attendance window: the local calendar day, extended to the end of a shift
 *   that starts that day and crosses midnight, and starting after the previous day's overnight shift.
 *   A night worker's 02:00 sightings therefore belong to the shift that started the evening before,
 *   and a night shift running over its end is not an arrival for the next day.
 * - Late = first sighting after start + grace; late minutes are counted from the shift START (HR
 *   practice: 08:12 with 10 min grace is "12 minutes late").
 */
import { MS_PER_MINUTE, minutesToMs, wholeMinutes } from './duration.js';
import { DEFAULT_ABSENT_AFTER_MINUTES } from './presence.js';
import {
  addDays,
  workingWindowForDate,
  zonedDayBounds,
  type Interval,
  type LocalDate,
  type WeeklySchedule,
  type WorkingWindow,
} from './schedule.js';

export interface PresenceInterval extends Interval {
  employeeId: string;
  cameraId: string;
}

/**
 * Sorted, non-overlapping union. Intervals whose gap is ≤ `gapToleranceMs` are joined. Empty or
 * inverted intervals are ignored.
 */
export function mergeIntervals(intervals: readonly Interval[], gapToleranceMs = 0): Interval[] {
  const sorted = intervals
    .filter((interval) => interval.endMs > interval.startMs)
    .map((interval) => ({ startMs: interval.startMs, endMs: interval.endMs }))
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.startMs <= last.endMs + gapToleranceMs) {
      last.endMs = Math.max(last.endMs, interval.endMs);
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

/** Parts of `intervals` inside `bounds`. */
export function clipIntervals(intervals: readonly Interval[], bounds: Interval): Interval[] {
  return intervals
    .map((i) => ({ startMs: Math.max(i.startMs, bounds.startMs), endMs: Math.min(i.endMs, bounds.endMs) }))
    .filter((i) => i.endMs > i.startMs);
}

export function totalDurationMs(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + (i.endMs - i.startMs), 0);
}

/** The span of instants whose sightings count for `date` (see module comment). */
export function attendanceWindow(schedule: WeeklySchedule, timeZone: string, date: LocalDate): Interval {
  const day = zonedDayBounds(timeZone, date);
  const shift = workingWindowForDate(schedule, timeZone, date);
  const previous = workingWindowForDate(schedule, timeZone, addDays(date, -1));
  return {
    startMs: Math.max(day.startMs, previous?.endMs ?? day.startMs),
    endMs: Math.max(day.endMs, shift?.endMs ?? day.endMs),
  };
}

export const ATTENDANCE_STATUSES = ['present', 'absent', 'leave', 'holiday', 'off_day', 'pending'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export interface DailyAttendance {
  employeeId: string;
  date: LocalDate;
  status: AttendanceStatus;
  /** The shift for this date, null on a day off or holiday. */
  shift: WorkingWindow | null;
  /** First sighting in the attendance window. */
  checkInMs: number | null;
  /** Last sighting in the attendance window. */
  checkOutMs: number | null;
  /** 0 unless checked in after start + grace; then minutes after start. */
  lateMinutes: number;
  /** 0 unless the last sighting was more than the absence window before the shift end. */
  earlyLeaveMinutes: number;
  /** Union of sightings (small gaps bridged), clipped to the attendance window. */
  presentMs: number;
  /** Present time outside the shift (all of it on days off and holidays). */
  overtimeMinutes: number;
}

export interface ComputeDailyAttendanceInput {
  employeeId: string;
  date: LocalDate;
  /** May include other employees' and other days' intervals; they are filtered out. */
  intervals: readonly PresenceInterval[];
  schedule: WeeklySchedule;
  timeZone: string;
  /** Gaps up to this long count as present. Default 5. */
  absentAfterMinutes?: number;
  /** Approved leave for this date. */
  onLeave?: boolean;
  /** For a day still in progress: no early-leave before the shift ends, "pending" before start + grace. */
  asOfMs?: number;
}

export function computeDailyAttendance(input: ComputeDailyAttendanceInput): DailyAttendance {
  const gapMs = minutesToMs(input.absentAfterMinutes ?? DEFAULT_ABSENT_AFTER_MINUTES);
  const window = attendanceWindow(input.schedule, input.timeZone, input.date);
  const shift = workingWindowForDate(input.schedule, input.timeZone, input.date);
  const own = input.intervals.filter((i) => i.employeeId === input.employeeId);
  const dayStartMs = zonedDayBounds(input.timeZone, input.date).startMs;
  const afterNightShift = window.startMs > dayStartMs;
  // After a night shift, a stay that began before this window is that shift running over: it is not
  // an arrival for today (its tail past the shift end is not credited to either day).
  const stays = mergeIntervals(own, gapMs).filter(
    (stay) => !(afterNightShift && stay.startMs < window.startMs),
  );
  const present = clipIntervals(stays, window);

  const first = present[0];
  const last = present.at(-1);
  const checkInMs = first?.startMs ?? null;
  const checkOutMs = last?.endMs ?? null;
  const presentMs = totalDurationMs(present);

  let lateMinutes = 0;
  let earlyLeaveMinutes = 0;
  let overtimeMs = presentMs;
  if (shift !== null && checkInMs !== null && checkOutMs !== null) {
    if (checkInMs > shift.startMs + shift.graceMinutes * MS_PER_MINUTE) {
      lateMinutes = wholeMinutes(checkInMs - shift.startMs);
    }
    const shiftOver = input.asOfMs === undefined || input.asOfMs >= shift.endMs;
    if (shiftOver && shift.endMs - checkOutMs > gapMs)
      earlyLeaveMinutes = wholeMinutes(shift.endMs - checkOutMs);
    overtimeMs = presentMs - totalDurationMs(clipIntervals(present, shift));
  }

  return {
    employeeId: input.employeeId,
    date: input.date,
    status: statusOf(input, shift, checkInMs !== null),
    shift,
    checkInMs,
    checkOutMs,
    lateMinutes,
    earlyLeaveMinutes,
    presentMs,
    overtimeMinutes: wholeMinutes(overtimeMs),
  };
}

function statusOf(
  input: ComputeDailyAttendanceInput,
  shift: WorkingWindow | null,
  seen: boolean,
): AttendanceStatus {
  if (seen) return 'present';
  if (input.onLeave === true) return 'leave';
  if (input.schedule.holidays?.includes(input.date) === true) return 'holiday';
  if (shift === null) return 'off_day';
  if (input.asOfMs !== undefined && input.asOfMs < shift.startMs + shift.graceMinutes * MS_PER_MINUTE) {
    return 'pending';
  }
  return 'absent';
}

export interface MemberRef {
  employeeId: string;
  employeeCode: string;
  name: string;
}

export interface TeamDaySummary {
  date: LocalDate;
  teamName: string;
  absent: MemberRef[];
  late: (MemberRef & { lateMinutes: number })[];
  earlyLeave: (MemberRef & { earlyLeaveMinutes: number })[];
  onLeave: MemberRef[];
  /** Everyone seen that day, with time present. */
  hours: (MemberRef & { presentMs: number; overtimeMinutes: number })[];
  totals: {
    members: number;
    /** Members expected at work: not on leave, not off, not holiday. */
    scheduled: number;
    present: number;
    absent: number;
    late: number;
    onLeave: number;
    presentMs: number;
  };
}

/** The daily supervisor report's numbers. Lists are sorted by employee code. */
export function summarizeTeamDay(input: {
  date: LocalDate;
  teamName: string;
  records: readonly { member: MemberRef; attendance: DailyAttendance }[];
}): TeamDaySummary {
  const records = [...input.records].sort((a, b) =>
    a.member.employeeCode.localeCompare(b.member.employeeCode),
  );
  const ref = (m: MemberRef): MemberRef => ({
    employeeId: m.employeeId,
    employeeCode: m.employeeCode,
    name: m.name,
  });
  const withStatus = (status: AttendanceStatus) => records.filter((r) => r.attendance.status === status);
  const presentRecords = withStatus('present');
  const late = presentRecords
    .filter((r) => r.attendance.lateMinutes > 0)
    .map((r) => ({ ...ref(r.member), lateMinutes: r.attendance.lateMinutes }));
  return {
    date: input.date,
    teamName: input.teamName,
    absent: withStatus('absent').map((r) => ref(r.member)),
    late,
    earlyLeave: presentRecords
      .filter((r) => r.attendance.earlyLeaveMinutes > 0)
      .map((r) => ({ ...ref(r.member), earlyLeaveMinutes: r.attendance.earlyLeaveMinutes })),
    onLeave: withStatus('leave').map((r) => ref(r.member)),
    hours: presentRecords.map((r) => ({
      ...ref(r.member),
      presentMs: r.attendance.presentMs,
      overtimeMinutes: r.attendance.overtimeMinutes,
    })),
    totals: {
      members: records.length,
      scheduled: records.filter((r) => r.attendance.shift !== null && r.attendance.status !== 'leave').length,
      present: presentRecords.length,
      absent: withStatus('absent').length,
      late: late.length,
      onLeave: withStatus('leave').length,
      presentMs: presentRecords.reduce((sum, r) => sum + r.attendance.presentMs, 0),
    },
  };
}
