/**
 * Working hours in a local time zone. All instants are epoch ms; all calendar values are local strings
 * ("YYYY-MM-DD", "HH:MM"). Conversion goes through Intl.DateTimeFormat so zones with DST are handled
 * even though Asia/Jakarta and Asia/Ho_Chi_Minh have none.
 *
 * A shift belongs to the local date it STARTS on: Monday 22:00–06:00 is Monday's shift, runs into
 * Tuesday, and a holiday on Monday cancels it. Windows are half-open [startMs, endMs).
 */
import { MS_PER_DAY, MS_PER_MINUTE } from './duration.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "YYYY-MM-DD" in the schedule's time zone. */
export type LocalDate = string;
/** "HH:MM", 24-hour; "24:00" is allowed as an end. */
export type LocalTime = string;

export interface DaySchedule {
  start: LocalTime;
  /** End ≤ start means the shift crosses midnight into the next day. */
  end: LocalTime;
  /** Overrides the schedule-wide grace for lateness. */
  graceMinutes?: number;
}

export interface WeeklySchedule {
  /** Missing or null weekday = day off. */
  days: Partial<Record<Weekday, DaySchedule | null>>;
  /** Minutes after start before a check-in counts as late. Default 0. */
  graceMinutes?: number;
  /** Local dates with no work; cancels the shift that starts on that date. */
  holidays?: readonly LocalDate[];
}

export interface WorkingWindow {
  /** The local date the shift starts on (its attendance day). */
  date: LocalDate;
  startMs: number;
  endMs: number;
  graceMinutes: number;
}

export interface Interval {
  startMs: number;
  endMs: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes since local midnight; throws on anything that is not "HH:MM" (24:00 allowed). */
export function parseLocalTime(time: LocalTime): number {
  const match = TIME_RE.exec(time);
  if (match === null) throw new RangeError(`invalid local time "${time}", expected HH:MM`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (minutes > 24 * 60) throw new RangeError(`invalid local time "${time}"`);
  return minutes;
}

function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const match = DATE_RE.exec(date);
  if (match === null) throw new RangeError(`invalid local date "${date}", expected YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new RangeError(`invalid local date "${date}"`);
  }
  return { year, month, day };
}

export function isValidLocalDate(date: string): boolean {
  try {
    parseLocalDate(date);
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatDate(year: number, month: number, day: number): LocalDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Calendar arithmetic on local dates (no time zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function weekdayOf(date: LocalDate): Weekday {
  const { year, month, day } = parseLocalDate(date);
  return WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()] as Weekday;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalDateTime {
  date: LocalDate;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

export function localDateTime(timeZone: string, atMs: number): LocalDateTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(atMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? 0;
  const month = fields.month ?? 1;
  const day = fields.day ?? 1;
  const hour = (fields.hour ?? 0) % 24;
  const minute = fields.minute ?? 0;
  const date = formatDate(year, month, day);
  return {
    date,
    year,
    month,
    day,
    hour,
    minute,
    second: fields.second ?? 0,
    weekday: weekdayOf(date),
    minuteOfDay: hour * 60 + minute,
  };
}

/** The local calendar date at an instant: "2025-03-03". */
export function localDate(timeZone: string, atMs: number): LocalDate {
  return localDateTime(timeZone, atMs).date;
}

/** UTC offset of the zone at an instant, in ms (Asia/Jakarta: +7 h). */
export function timeZoneOffsetMs(timeZone: string, atMs: number): number {
  const wholeSecondMs = Math.floor(atMs / 1000) * 1000;
  const l = localDateTime(timeZone, wholeSecondMs);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - wholeSecondMs;
}

/**
 * The instant a local wall-clock time occurs. Ambiguous times (DST fall-back) resolve to the earlier
 * instant; non-existent times (spring-forward gap) move forward by the gap, like Temporal's
 * "compatible" disambiguation. `minuteOfDay` may be ≥ 1440 to mean the following day(s).
 */
export function zonedTimeToMs(timeZone: string, date: LocalDate, minuteOfDay: number): number {
  const { year, month, day } = parseLocalDate(date);
  const naiveMs = Date.UTC(year, month - 1, day) + minuteOfDay * MS_PER_MINUTE;
  const offsetBefore = timeZoneOffsetMs(timeZone, naiveMs - MS_PER_DAY);
  const offsetAfter = timeZoneOffsetMs(timeZone, naiveMs + MS_PER_DAY);
  const candidates = [naiveMs - offsetBefore, naiveMs - offsetAfter].filter(
    (ms) => ms + timeZoneOffsetMs(timeZone, ms) === naiveMs,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return naiveMs - offsetBefore;
}

/** [start of local day, start of next local day): 24 h, or 23/25 h on DST change days. */
export function zonedDayBounds(timeZone: string, date: LocalDate): Interval {
  return { startMs: zonedTimeToMs(timeZone, date, 0), endMs: zonedTimeToMs(timeZone, addDays(date, 1), 0) };
}

/** The shift that starts on `date`, or null on a day off or holiday. */
export function workingWindowForDate(
  schedule: WeeklySchedule,
  timeZone: string,
  date: LocalDate,
): WorkingWindow | null {
  if (schedule.holidays?.includes(date) === true) return null;
  const day = schedule.days[weekdayOf(date)] ?? null;
  if (day === null) return null;
  const startMinute = parseLocalTime(day.start);
  let endMinute = parseLocalTime(day.end);
  if (endMinute <= startMinute) endMinute += 24 * 60; // crosses midnight (equal = a 24 h shift)
  return {
    date,
    startMs: zonedTimeToMs(timeZone, date, startMinute),
    endMs: zonedTimeToMs(timeZone, date, endMinute),
    graceMinutes: day.graceMinutes ?? schedule.graceMinutes ?? 0,
  };
}

/**
 * Shifts overlapping [fromMs, toMs), clipped to it, in start order. Not merged: each keeps its own
 * attendance date. Use `mergeIntervals` when only coverage matters.
 */
export function workingWindowsBetween(
  schedule: WeeklySchedule,
  timeZone: string,
  fromMs: number,
  toMs: number,
): WorkingWindow[] {
  if (toMs <= fromMs) return [];
  const windows: WorkingWindow[] = [];
  const lastDate = localDate(timeZone, toMs);
  // Start a day early: yesterday's overnight shift may still be running at fromMs.
  for (let date = addDays(localDate(timeZone, fromMs), -1); date <= lastDate; date = addDays(date, 1)) {
    const window = workingWindowForDate(schedule, timeZone, date);
    if (window === null || window.endMs <= fromMs || window.startMs >= toMs) continue;
    windows.push({
      ...window,
      startMs: Math.max(window.startMs, fromMs),
      endMs: Math.min(window.endMs, toMs),
    });
  }
  return windows;
}

/** The (unclipped) shift containing `atMs`, or null outside working hours. */
export function currentWorkingWindow(
  schedule: WeeklySchedule,
  timeZone: string,
  atMs: number,
): WorkingWindow | null {
  const today = localDate(timeZone, atMs);
  for (const date of [addDays(today, -1), today]) {
    const window = workingWindowForDate(schedule, timeZone, date);
    if (window !== null && window.startMs <= atMs && atMs < window.endMs) return window;
  }
  return null;
}

export function isWithinWorkingHours(schedule: WeeklySchedule, timeZone: string, atMs: number): boolean {
  return currentWorkingWindow(schedule, timeZone, atMs) !== null;
}

export interface LocalTimeRange {
  start: LocalTime;
  end: LocalTime;
}

/** Whether the local time of day at `atMs` is in [start, end); ranges may cross midnight (22:00–06:00). */
export function isWithinLocalTimeRange(timeZone: string, atMs: number, range: LocalTimeRange): boolean {
  const start = parseLocalTime(range.start);
  const end = parseLocalTime(range.end);
  const minute = localDateTime(timeZone, atMs).minuteOfDay;
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The first instant at or after `atMs` whose local time is `time`. */
export function nextLocalTimeMs(timeZone: string, atMs: number, time: LocalTime): number {
  const minute = parseLocalTime(time);
  let date = localDate(timeZone, atMs);
  for (let i = 0; i < 3; i += 1, date = addDays(date, 1)) {
    const candidate = zonedTimeToMs(timeZone, date, minute);
    if (candidate >= atMs) return candidate;
  }
  throw new RangeError(`no ${time} after ${atMs} in ${timeZone}`);
}

/** Time zone and schedule for an org, possibly overridden per camera or per employee. */
export interface WorkCalendar {
  timeZone: string;
  schedule: WeeklySchedule;
}

/**
 * Most specific wins, field by field: pass layers general → specific, e.g.
 * `resolveWorkCalendar(org, camera?.calendar, employee?.calendar)`.
 */
export function resolveWorkCalendar(
  base: WorkCalendar,
  ...overrides: (Partial<WorkCalendar> | null | undefined)[]
): WorkCalendar {
  let resolved = base;
  for (const layer of overrides) {
    if (layer == null) continue;
    resolved = {
      timeZone: layer.timeZone ?? resolved.timeZone,
      schedule: layer.schedule ?? resolved.schedule,
    };
  }
  return resolved;
}

/** Human-readable problems, empty when valid. */
export function validateWorkCalendar(calendar: WorkCalendar): string[] {
  const issues: string[] = [];
  if (!isValidTimeZone(calendar.timeZone)) issues.push(`unknown time zone "${calendar.timeZone}"`);
  const { schedule } = calendar;
  for (const weekday of WEEKDAYS) {
    const day = schedule.days[weekday];
    if (day == null) continue;
    for (const [field, value] of [
      ['start', day.start],
      ['end', day.end],
    ] as const) {
      try {
        parseLocalTime(value);
      } catch {
        issues.push(`${weekday}.${field}: "${value}" is not HH:MM`);
      }
    }
    if (day.graceMinutes !== undefined && !(day.graceMinutes >= 0 && day.graceMinutes <= 240)) {
      issues.push(`${weekday}.graceMinutes must be between 0 and 240`);
    }
  }
  if (schedule.graceMinutes !== undefined && !(schedule.graceMinutes >= 0 && schedule.graceMinutes <= 240)) {
    issues.push('graceMinutes must be between 0 and 240');
  }
  for (const holiday of schedule.holidays ?? []) {
    if (!isValidLocalDate(holiday)) issues.push(`holiday "${holiday}" is not a valid YYYY-MM-DD date`);
  }
  return issues;
}
