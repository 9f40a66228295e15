/**
 * Shift types, rosters and which shift an employee works on a local date.
 *
 * - A fixed shift has a start and an end; end ≤ start crosses midnight and the shift belongs to the date
 *   it STARTS on. Its attendance window opens `checkInWindowMinutes` before the start and closes
 *   `checkOutWindowMinutes` after the end (Frappe HRMS uses 60 each; so do we by default).
 * - A flexible shift only requires hours: its window is the local day from `start` (default 00:00)
 *   to the same time next day, and lateness / early leave are never judged.
 * - Assignments say which shift an employee works: per employee, per department, or organization-wide
 *   (both null), each with effective dates. The most specific level covering the date wins; within a
 *   level the latest `effectiveFrom` wins (ties by id, so the answer is deterministic).
 * - A pattern is weekly (a shift or a day off per weekday) or a rotation (a cycle of shifts and days
 *   off counted from an anchor date, e.g. 2 morning / 2 night / 2 off).
 */
import { MS_PER_DAY, MS_PER_MINUTE } from './duration.js';
import {
  WEEKDAYS,
  isValidLocalDate,
  parseLocalTime,
  weekdayOf,
  zonedTimeToMs,
  type Interval,
  type LocalDate,
  type LocalTime,
  type Weekday,
  type WeeklySchedule,
} from './schedule.js';

export const DEFAULT_CHECK_IN_WINDOW_MINUTES = 60;
export const DEFAULT_CHECK_OUT_WINDOW_MINUTES = 60;

export interface ShiftType {
  id: string;
  name: string;
  kind: 'fixed' | 'flexible';
  /** Fixed: shift start. Flexible: where the attendance day begins (default "00:00"). */
  start: LocalTime;
  /** Fixed: shift end (≤ start crosses midnight). Ignored for flexible shifts. */
  end: LocalTime;
  /** A check-in later than start + this is late. */
  lateGraceMinutes: number;
  /** A check-out earlier than end − this is an early leave. */
  earlyLeaveGraceMinutes: number;
  /** Events this long before the start count for this shift. Default 60. */
  checkInWindowMinutes?: number;
  /** Events this long after the end count for this shift. Default 60. */
  checkOutWindowMinutes?: number;
  /** Worked minutes below this (with a check-out) make the day a half day; 0 = never. */
  halfDayThresholdMinutes: number;
  /** Unpaid break deducted from the worked time. */
  breakMinutes: number;
  /** Flexible shifts: minutes required for a full day. */
  requiredMinutes?: number;
}

export type RosterPattern =
  | { kind: 'weekly'; days: Partial<Record<Weekday, string | null>> }
  | { kind: 'rotation'; anchorDate: LocalDate; cycle: (string | null)[] };

export interface ShiftAssignment {
  id: string;
  /** Set for one employee; null with departmentId null = the whole organization. */
  employeeId: string | null;
  departmentId: string | null;
  effectiveFrom: LocalDate;
  /** Inclusive; null = open-ended. */
  effectiveTo: LocalDate | null;
  pattern: RosterPattern;
}

/** The concrete shift of one date, in instants. */
export interface ShiftInstance {
  date: LocalDate;
  shiftType: ShiftType;
  /** Fixed: the shift; flexible: the attendance day. */
  startMs: number;
  endMs: number;
  /** Events inside this window belong to this shift. */
  window: Interval;
}

export type RosterDay =
  | { kind: 'shift'; assignmentId: string; shiftType: ShiftType }
  | { kind: 'day_off'; assignmentId: string }
  | { kind: 'unassigned' };

function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

/** The shift type id (or null = day off) a pattern gives a date. */
export function patternShiftFor(pattern: RosterPattern, date: LocalDate): string | null {
  if (pattern.kind === 'weekly') return pattern.days[weekdayOf(date)] ?? null;
  const n = pattern.cycle.length;
  if (n === 0) return null;
  const offset = daysBetween(pattern.anchorDate, date);
  return pattern.cycle[((offset % n) + n) % n] ?? null;
}

function covers(a: ShiftAssignment, date: LocalDate): boolean {
  return a.effectiveFrom <= date && (a.effectiveTo === null || date <= a.effectiveTo);
}

/** The assignment in force for an employee on a date (employee > department > organization). */
export function assignmentFor(
  assignments: readonly ShiftAssignment[],
  employee: { id: string; departmentId: string | null },
  date: LocalDate,
): ShiftAssignment | null {
  const levels = [
    (a: ShiftAssignment) => a.employeeId === employee.id,
    (a: ShiftAssignment) =>
      a.employeeId === null && a.departmentId !== null && a.departmentId === employee.departmentId,
    (a: ShiftAssignment) => a.employeeId === null && a.departmentId === null,
  ];
  for (const level of levels) {
    const candidates = assignments
      .filter((a) => level(a) && covers(a, date))
      .sort((x, y) => y.effectiveFrom.localeCompare(x.effectiveFrom) || x.id.localeCompare(y.id));
    if (candidates[0] !== undefined) return candidates[0];
  }
  return null;
}

export function rosterDayFor(
  assignments: readonly ShiftAssignment[],
  shiftTypes: ReadonlyMap<string, ShiftType>,
  employee: { id: string; departmentId: string | null },
  date: LocalDate,
): RosterDay {
  const assignment = assignmentFor(assignments, employee, date);
  if (assignment === null) return { kind: 'unassigned' };
  const shiftTypeId = patternShiftFor(assignment.pattern, date);
  const shiftType = shiftTypeId === null ? undefined : shiftTypes.get(shiftTypeId);
  // A pattern naming a deleted shift type reads as a day off rather than inventing hours.
  if (shiftType === undefined) return { kind: 'day_off', assignmentId: assignment.id };
  return { kind: 'shift', assignmentId: assignment.id, shiftType };
}

/** Instants of a shift type on a local date. */
export function shiftInstance(shiftType: ShiftType, timeZone: string, date: LocalDate): ShiftInstance {
  const startMinute = parseLocalTime(shiftType.start);
  const startMs = zonedTimeToMs(timeZone, date, startMinute);
  if (shiftType.kind === 'flexible') {
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + MS_PER_DAY).toISOString().slice(0, 10);
    const endMs = zonedTimeToMs(timeZone, next, startMinute);
    return { date, shiftType, startMs, endMs, window: { startMs, endMs } };
  }
  const endMinute = parseLocalTime(shiftType.end);
  const crosses = endMinute <= startMinute;
  const endDate = crosses
    ? new Date(Date.parse(`${date}T00:00:00Z`) + MS_PER_DAY).toISOString().slice(0, 10)
    : date;
  const endMs = zonedTimeToMs(timeZone, endDate, endMinute);
  const before = (shiftType.checkInWindowMinutes ?? DEFAULT_CHECK_IN_WINDOW_MINUTES) * MS_PER_MINUTE;
  const after = (shiftType.checkOutWindowMinutes ?? DEFAULT_CHECK_OUT_WINDOW_MINUTES) * MS_PER_MINUTE;
  return { date, shiftType, startMs, endMs, window: { startMs: startMs - before, endMs: endMs + after } };
}

/** Shift types and an organization-wide weekly assignment equivalent to a legacy weekly schedule. */
export function rosterFromWeeklySchedule(
  schedule: WeeklySchedule,
  effectiveFrom: LocalDate = '1970-01-01',
): { shiftTypes: ShiftType[]; assignment: ShiftAssignment } {
  const shiftTypes = new Map<string, ShiftType>();
  const days: Partial<Record<Weekday, string | null>> = {};
  for (const weekday of WEEKDAYS) {
    const day = schedule.days[weekday];
    if (day == null) {
      days[weekday] = null;
      continue;
    }
    const grace = day.graceMinutes ?? schedule.graceMinutes ?? 0;
    const id = `default-${day.start.replace(':', '')}-${day.end.replace(':', '')}-${grace}`;
    if (!shiftTypes.has(id)) {
      shiftTypes.set(id, {
        id,
        name: `${day.start}–${day.end}`,
        kind: 'fixed',
        start: day.start,
        end: day.end,
        lateGraceMinutes: grace,
        earlyLeaveGraceMinutes: 0,
        halfDayThresholdMinutes: 0,
        breakMinutes: 0,
      });
    }
    days[weekday] = id;
  }
  return {
    shiftTypes: [...shiftTypes.values()],
    assignment: {
      id: 'default',
      employeeId: null,
      departmentId: null,
      effectiveFrom,
      effectiveTo: null,
      pattern: { kind: 'weekly', days },
    },
  };
}

/** Human-readable problems of a shift type, empty when valid. */
export function validateShiftType(shiftType: Omit<ShiftType, 'id'>): string[] {
  const issues: string[] = [];
  for (const field of ['start', 'end'] as const) {
    try {
      parseLocalTime(shiftType[field]);
    } catch {
      issues.push(`${field}: "${shiftType[field]}" is not HH:MM`);
    }
  }
  const bounded: [string, number | undefined, number][] = [
    ['lateGraceMinutes', shiftType.lateGraceMinutes, 240],
    ['earlyLeaveGraceMinutes', shiftType.earlyLeaveGraceMinutes, 240],
    ['checkInWindowMinutes', shiftType.checkInWindowMinutes, 720],
    ['checkOutWindowMinutes', shiftType.checkOutWindowMinutes, 720],
    ['halfDayThresholdMinutes', shiftType.halfDayThresholdMinutes, 1440],
    ['breakMinutes', shiftType.breakMinutes, 720],
    ['requiredMinutes', shiftType.requiredMinutes, 1440],
  ];
  for (const [name, value, max] of bounded) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= max))
      issues.push(`${name} must be a whole number between 0 and ${max}`);
  }
  if (
    shiftType.kind === 'flexible' &&
    !(shiftType.requiredMinutes !== undefined && shiftType.requiredMinutes > 0)
  )
    issues.push('a flexible shift needs requiredMinutes > 0');
  return issues;
}

export function validateRosterPattern(pattern: RosterPattern): string[] {
  if (pattern.kind === 'weekly') return [];
  const issues: string[] = [];
  if (!isValidLocalDate(pattern.anchorDate))
    issues.push(`anchorDate "${pattern.anchorDate}" is not YYYY-MM-DD`);
  if (pattern.cycle.length === 0 || pattern.cycle.length > 62) issues.push('a rotation needs 1 to 62 days');
  return issues;
}
