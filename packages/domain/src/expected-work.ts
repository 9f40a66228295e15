/**
 * Whether one employee is expected at work at an instant, by the same rules that derive attendance
 * days: their own shift assignment (employee > department > organization, rosters included), holidays
 * and approved leave. Presence watches absence only inside the window this returns, so nobody is
 * called "off" outside their own shift, on a day off, on a holiday or while on approved leave.
 *
 * - A night shift belongs to the date it starts on, so yesterday's roster is consulted too: at 02:00 a
 *   22:00–06:00 shift that started yesterday is running (and yesterday's holiday or leave cancels it).
 * - Half-day leave moves the start (first half) or the end (second half) to the shift's midpoint,
 *   exactly as `deriveAttendanceDay` does, so the alert and the day agree on when work was expected.
 * - A flexible shift has no fixed hours (required hours only): there is no moment at which someone is
 *   "not there yet", so absence is not watched on such days.
 * - The window is the shift itself, not its check-in/check-out windows: being away an hour before the
 *   shift starts is not an absence.
 */
import { MS_PER_MINUTE } from './duration.js';
import type { LeavePortion } from './leave.js';
import { addDays, localDate, type LocalDate, type WorkingWindow } from './schedule.js';
import { rosterDayFor, shiftInstance, type ShiftAssignment, type ShiftType } from './shifts.js';

export interface ExpectedWorkEmployee {
  id: string;
  departmentId: string | null;
  /** Site of the employee's area; site holiday calendars apply only to it. */
  siteId: string | null;
}

export interface ExpectedWorkHoliday {
  date: LocalDate;
  name: string;
  /** null = an organization-wide calendar. */
  siteId: string | null;
}

export interface ExpectedWorkLeave {
  employeeId: string;
  date: LocalDate;
  portion: LeavePortion;
}

export interface ExpectedWorkRules {
  timeZone: string;
  shiftTypes: ReadonlyMap<string, ShiftType>;
  assignments: readonly ShiftAssignment[];
  /** Holidays covering at least yesterday and today (local dates). */
  holidays: readonly ExpectedWorkHoliday[];
  /** Approved leave covering at least yesterday and today (local dates). */
  leave: readonly ExpectedWorkLeave[];
}

/** Why nobody expects the employee now (shown nowhere yet; kept so tests assert the rule that fired). */
export type NotExpectedReason =
  'unassigned' | 'day_off' | 'holiday' | 'leave' | 'half_day_leave' | 'flexible_shift' | 'outside_shift';

export type ExpectedWork =
  | { expected: true; window: WorkingWindow; shiftTypeId: string }
  | { expected: false; reason: NotExpectedReason };

/**
 * The shift window an employee is expected to be at work in at `atMs`, or why not. Of the shifts that
 * start yesterday and today, the one running at `atMs` wins; when none runs, the reason reported is
 * today's (a holiday today says `holiday`, not `outside_shift`).
 */
export function expectedWorkAt(
  rules: ExpectedWorkRules,
  employee: ExpectedWorkEmployee,
  atMs: number,
): ExpectedWork {
  const today = localDate(rules.timeZone, atMs);
  let todayReason: NotExpectedReason = 'outside_shift';
  for (const date of [addDays(today, -1), today]) {
    const verdict = onDate(rules, employee, date, atMs);
    if (verdict.expected) return verdict;
    if (date === today) todayReason = verdict.reason;
  }
  return { expected: false, reason: todayReason };
}

function onDate(
  rules: ExpectedWorkRules,
  employee: ExpectedWorkEmployee,
  date: LocalDate,
  atMs: number,
): ExpectedWork {
  const roster = rosterDayFor(rules.assignments, rules.shiftTypes, employee, date);
  if (roster.kind === 'unassigned') return { expected: false, reason: 'unassigned' };
  if (roster.kind === 'day_off') return { expected: false, reason: 'day_off' };
  const holiday = rules.holidays.some(
    (h) => h.date === date && (h.siteId === null || h.siteId === employee.siteId),
  );
  if (holiday) return { expected: false, reason: 'holiday' };
  const leave = rules.leave.filter((l) => l.employeeId === employee.id && l.date === date);
  if (leave.some((l) => l.portion === 'full')) return { expected: false, reason: 'leave' };
  const shiftType = roster.shiftType;
  if (shiftType.kind === 'flexible') return { expected: false, reason: 'flexible_shift' };

  const shift = shiftInstance(shiftType, rules.timeZone, date);
  const midMs = shift.startMs + Math.floor((shift.endMs - shift.startMs) / 2 / MS_PER_MINUTE) * MS_PER_MINUTE;
  const firstHalfOff = leave.some((l) => l.portion === 'first_half');
  const secondHalfOff = leave.some((l) => l.portion === 'second_half');
  if (firstHalfOff && secondHalfOff) return { expected: false, reason: 'leave' };
  const startMs = firstHalfOff ? midMs : shift.startMs;
  const endMs = secondHalfOff ? midMs : shift.endMs;
  if (atMs >= shift.startMs && atMs < shift.endMs && !(atMs >= startMs && atMs < endMs))
    return { expected: false, reason: 'half_day_leave' };
  if (!(atMs >= startMs && atMs < endMs)) return { expected: false, reason: 'outside_shift' };
  return {
    expected: true,
    shiftTypeId: shiftType.id,
    window: { date, startMs, endMs, graceMinutes: shiftType.lateGraceMinutes },
  };
}
