/**
 * One attendance day per employee per work date, derived deterministically from raw events and rules.
 *
 * Order of precedence (first that applies):
 * 1. A correction with a status forces it (`corrected`); a correction with times replaces the events.
 * 2. Approved full-day leave → `excused`.
 * 3. No shift (day off / holiday): events → `present` (worked on a day off / holiday), none → `day_off` /
 *    `holiday`.
 * 4. No usable event in the shift's window → `absent` (or `pending` while the window is still open).
 * 5. Worked below the half-day threshold, or half-day leave → `half_day`; flexible shifts: worked below
 *    the required hours → `half_day`.
 * 6. Check-in after start + late grace → `late`; check-out before end − early grace → `early_leave`
 *    (late wins when both; both are kept as minutes). Otherwise `present`.
 *
 * Check-in is the earliest event that is not a `check_out`, check-out the latest event after it that is
 * not a `check_in` (a single sighting gives no check-out). Events from several sources may overlap and
 * repeat; only the extremes matter, so duplicates never double count. Half-day leave moves the expected
 * start (first half) or end (second half) to the shift's midpoint.
 */
import { MS_PER_MINUTE, wholeMinutes } from './duration.js';
import type { LeavePortion } from './leave.js';
import type { LocalDate } from './schedule.js';
import { shiftInstance, type ShiftInstance, type ShiftType } from './shifts.js';

export const ATTENDANCE_SOURCES = [
  'camera',
  'mobile',
  'officer',
  'badge',
  'website',
  'import',
  'erp',
  'video',
  'webcam',
] as const;
export type AttendanceSource = (typeof ATTENDANCE_SOURCES)[number];

export const ATTENDANCE_EVENT_KINDS = ['check_in', 'check_out', 'sighting'] as const;
export type AttendanceEventKind = (typeof ATTENDANCE_EVENT_KINDS)[number];

export const ATTENDANCE_DAY_STATUSES = [
  'present',
  'late',
  'early_leave',
  'half_day',
  'absent',
  'excused',
  'day_off',
  'holiday',
  'pending',
] as const;
export type AttendanceDayStatus = (typeof ATTENDANCE_DAY_STATUSES)[number];

export interface AttendanceEventInput {
  id: string;
  occurredAtMs: number;
  kind: AttendanceEventKind;
  source: AttendanceSource;
  /** Where: the camera name, device or kiosk; shown in reasons. */
  label: string | null;
}

export interface LeaveForDay {
  portion: LeavePortion;
  leaveTypeName: string;
  requestId: string;
}

export interface CorrectionForDay {
  id: string;
  /** Replace the check-in / check-out (both or one). */
  checkInMs?: number | null;
  checkOutMs?: number | null;
  /** Force a status (e.g. `excused` for an approved regularization). */
  status?: AttendanceDayStatus | null;
  note: string;
  byName: string;
}

/** An event reference inside a reason: when, from which source, where. */
export interface EventRef {
  atMs: number;
  source: AttendanceSource;
  label: string | null;
}

export type AttendanceReason =
  | {
      code: 'present';
      checkIn: EventRef;
      checkOut: EventRef | null;
      shiftStartMs: number | null;
      workedMinutes: number;
    }
  | { code: 'late'; checkIn: EventRef; shiftStartMs: number; graceMinutes: number; lateMinutes: number }
  | {
      code: 'early_leave';
      checkOut: EventRef;
      shiftEndMs: number;
      graceMinutes: number;
      earlyLeaveMinutes: number;
    }
  | { code: 'half_day_hours'; workedMinutes: number; thresholdMinutes: number }
  | {
      code: 'half_day_leave';
      leaveTypeName: string;
      portion: 'first_half' | 'second_half';
      workedMinutes: number;
    }
  | { code: 'short_hours'; workedMinutes: number; requiredMinutes: number }
  | {
      code: 'absent';
      windowStartMs: number;
      windowEndMs: number;
      notOnLeave: boolean;
      notHoliday: true;
      /** Half-day leave covered part of the day but nobody came for the rest. */
      halfLeave: { leaveTypeName: string; portion: 'first_half' | 'second_half' } | null;
    }
  | { code: 'pending'; windowStartMs: number; windowEndMs: number }
  | { code: 'leave'; leaveTypeName: string; requestId: string }
  | { code: 'day_off' }
  | { code: 'holiday'; holidayName: string }
  | { code: 'worked_day_off'; checkIn: EventRef; workedMinutes: number }
  | { code: 'worked_holiday'; checkIn: EventRef; holidayName: string; workedMinutes: number }
  | { code: 'corrected'; correctionId: string; note: string; byName: string };

export interface AttendanceDay {
  employeeId: string;
  date: LocalDate;
  status: AttendanceDayStatus;
  reason: AttendanceReason;
  shiftTypeId: string | null;
  checkInMs: number | null;
  checkOutMs: number | null;
  workedMinutes: number;
  breakMinutes: number;
  lateMinutes: number;
  earlyLeaveMinutes: number;
  /** Distinct sources of the events used, sorted. */
  sources: AttendanceSource[];
}

export interface DeriveAttendanceDayInput {
  employeeId: string;
  date: LocalDate;
  timeZone: string;
  /** The employee's shift that date; null = day off (or no assignment). */
  shiftType: ShiftType | null;
  holiday: { name: string } | null;
  leave: LeaveForDay | null;
  /** May include events outside the window; they are ignored. */
  events: readonly AttendanceEventInput[];
  /** The latest correction for this day, if any. */
  correction?: CorrectionForDay | null;
  /** Days whose window has not closed at this instant are judged leniently (pending, no early leave). */
  asOfMs?: number;
}

const ref = (e: AttendanceEventInput): EventRef => ({
  atMs: e.occurredAtMs,
  source: e.source,
  label: e.label,
});

/** Check-in/out picked from events (see module comment); events must already be in the window. */
export function pickCheckInOut(events: readonly AttendanceEventInput[]): {
  checkIn: AttendanceEventInput | null;
  checkOut: AttendanceEventInput | null;
} {
  const sorted = [...events].sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.id.localeCompare(b.id));
  const checkIn = sorted.find((e) => e.kind !== 'check_out') ?? null;
  if (checkIn === null) return { checkIn: null, checkOut: null };
  const after = sorted.filter((e) => e.occurredAtMs > checkIn.occurredAtMs && e.kind !== 'check_in');
  return { checkIn, checkOut: after.at(-1) ?? null };
}

function sourcesOf(events: readonly (AttendanceEventInput | null)[]): AttendanceSource[] {
  const set = new Set<AttendanceSource>();
  for (const e of events) if (e !== null) set.add(e.source);
  return [...set].sort();
}

/** The window an employee's events are read from for a date (day bounds when there is no shift). */
export function eventWindowFor(
  shiftType: ShiftType | null,
  timeZone: string,
  date: LocalDate,
): { startMs: number; endMs: number } {
  const shift: ShiftType = shiftType ?? {
    id: '',
    name: '',
    kind: 'flexible',
    start: '00:00',
    end: '00:00',
    lateGraceMinutes: 0,
    earlyLeaveGraceMinutes: 0,
    halfDayThresholdMinutes: 0,
    breakMinutes: 0,
    requiredMinutes: 1,
  };
  return shiftInstance(shift, timeZone, date).window;
}

export function deriveAttendanceDay(input: DeriveAttendanceDayInput): AttendanceDay {
  const shift: ShiftInstance | null =
    input.shiftType === null ? null : shiftInstance(input.shiftType, input.timeZone, input.date);
  const window = shift?.window ?? eventWindowFor(null, input.timeZone, input.date);
  const inWindow = input.events.filter(
    (e) => e.occurredAtMs >= window.startMs && e.occurredAtMs < window.endMs,
  );
  let { checkIn, checkOut } = pickCheckInOut(inWindow);

  const correction = input.correction ?? null;
  if (correction !== null) {
    const label = correction.byName;
    if (correction.checkInMs != null)
      checkIn = {
        id: `${correction.id}:in`,
        occurredAtMs: correction.checkInMs,
        kind: 'check_in',
        source: 'website',
        label,
      };
    if (correction.checkOutMs != null)
      checkOut = {
        id: `${correction.id}:out`,
        occurredAtMs: correction.checkOutMs,
        kind: 'check_out',
        source: 'website',
        label,
      };
  }

  const grossMinutes =
    checkIn !== null && checkOut !== null
      ? Math.max(0, wholeMinutes(checkOut.occurredAtMs - checkIn.occurredAtMs))
      : 0;
  const breakMinutes = Math.min(shift?.shiftType.breakMinutes ?? 0, grossMinutes);
  const workedMinutes = grossMinutes - breakMinutes;
  const base = {
    employeeId: input.employeeId,
    date: input.date,
    shiftTypeId: input.shiftType?.id ?? null,
    checkInMs: checkIn?.occurredAtMs ?? null,
    checkOutMs: checkOut?.occurredAtMs ?? null,
    workedMinutes,
    breakMinutes,
    lateMinutes: 0,
    earlyLeaveMinutes: 0,
    sources: sourcesOf([checkIn, checkOut]),
  };
  const day = (
    status: AttendanceDayStatus,
    reason: AttendanceReason,
    extra: Partial<AttendanceDay> = {},
  ) => ({
    ...base,
    ...extra,
    status,
    reason,
  });

  const windowOpen = input.asOfMs !== undefined && input.asOfMs < window.endMs;
  const derived = judge();
  if (correction?.status != null) {
    return {
      ...derived,
      status: correction.status,
      reason: {
        code: 'corrected',
        correctionId: correction.id,
        note: correction.note,
        byName: correction.byName,
      },
    };
  }
  return derived;

  function judge(): AttendanceDay {
    const leave = input.leave;
    if (leave !== null && leave.portion === 'full')
      return day('excused', {
        code: 'leave',
        leaveTypeName: leave.leaveTypeName,
        requestId: leave.requestId,
      });
    if (input.holiday !== null) {
      return checkIn === null
        ? day('holiday', { code: 'holiday', holidayName: input.holiday.name })
        : day('present', {
            code: 'worked_holiday',
            checkIn: ref(checkIn),
            holidayName: input.holiday.name,
            workedMinutes,
          });
    }
    if (shift === null) {
      return checkIn === null
        ? day('day_off', { code: 'day_off' })
        : day('present', { code: 'worked_day_off', checkIn: ref(checkIn), workedMinutes });
    }
    const halfLeave =
      leave !== null && leave.portion !== 'full'
        ? { leaveTypeName: leave.leaveTypeName, portion: leave.portion }
        : null;
    if (checkIn === null) {
      if (windowOpen)
        return day('pending', { code: 'pending', windowStartMs: window.startMs, windowEndMs: window.endMs });
      return day('absent', {
        code: 'absent',
        windowStartMs: window.startMs,
        windowEndMs: window.endMs,
        notOnLeave: halfLeave === null,
        notHoliday: true,
        halfLeave,
      });
    }
    const type = shift.shiftType;
    if (type.kind === 'flexible') {
      const required = type.requiredMinutes ?? 0;
      if (checkOut !== null && workedMinutes < required && !windowOpen)
        return day('half_day', { code: 'short_hours', workedMinutes, requiredMinutes: required });
      return day('present', {
        code: 'present',
        checkIn: ref(checkIn),
        checkOut: checkOut && ref(checkOut),
        shiftStartMs: null,
        workedMinutes,
      });
    }

    const midMs =
      shift.startMs + Math.floor((shift.endMs - shift.startMs) / 2 / MS_PER_MINUTE) * MS_PER_MINUTE;
    const expectedStartMs = halfLeave?.portion === 'first_half' ? midMs : shift.startMs;
    const expectedEndMs = halfLeave?.portion === 'second_half' ? midMs : shift.endMs;
    const lateMinutes =
      checkIn.occurredAtMs > expectedStartMs + type.lateGraceMinutes * MS_PER_MINUTE
        ? wholeMinutes(checkIn.occurredAtMs - expectedStartMs)
        : 0;
    const shiftOver = !(input.asOfMs !== undefined && input.asOfMs < expectedEndMs);
    const earlyLeaveMinutes =
      shiftOver &&
      checkOut !== null &&
      checkOut.occurredAtMs < expectedEndMs - type.earlyLeaveGraceMinutes * MS_PER_MINUTE
        ? wholeMinutes(expectedEndMs - checkOut.occurredAtMs)
        : 0;
    const minutes = { lateMinutes, earlyLeaveMinutes };

    if (halfLeave !== null)
      return day('half_day', { code: 'half_day_leave', ...halfLeave, workedMinutes }, minutes);
    if (
      shiftOver &&
      checkOut !== null &&
      type.halfDayThresholdMinutes > 0 &&
      workedMinutes < type.halfDayThresholdMinutes
    )
      return day(
        'half_day',
        { code: 'half_day_hours', workedMinutes, thresholdMinutes: type.halfDayThresholdMinutes },
        minutes,
      );
    if (lateMinutes > 0)
      return day(
        'late',
        {
          code: 'late',
          checkIn: ref(checkIn),
          shiftStartMs: expectedStartMs,
          graceMinutes: type.lateGraceMinutes,
          lateMinutes,
        },
        minutes,
      );
    if (earlyLeaveMinutes > 0 && checkOut !== null)
      return day(
        'early_leave',
        {
          code: 'early_leave',
          checkOut: ref(checkOut),
          shiftEndMs: expectedEndMs,
          graceMinutes: type.earlyLeaveGraceMinutes,
          earlyLeaveMinutes,
        },
        minutes,
      );
    return day(
      'present',
      {
        code: 'present',
        checkIn: ref(checkIn),
        checkOut: checkOut && ref(checkOut),
        shiftStartMs: shift.startMs,
        workedMinutes,
      },
      minutes,
    );
  }
}

/** Whether a re-derived day differs from the stored one in anything a person would see. */
export function attendanceDayChanged(before: AttendanceDay | null, after: AttendanceDay): boolean {
  if (before === null) return true;
  return (
    before.status !== after.status ||
    before.checkInMs !== after.checkInMs ||
    before.checkOutMs !== after.checkOutMs ||
    before.workedMinutes !== after.workedMinutes ||
    before.breakMinutes !== after.breakMinutes ||
    before.shiftTypeId !== after.shiftTypeId ||
    before.sources.join(',') !== after.sources.join(',') ||
    JSON.stringify(before.reason) !== JSON.stringify(after.reason)
  );
}
