import { describe, expect, it } from 'vitest';
import {
  addDays,
  currentWorkingWindow,
  isWithinLocalTimeRange,
  isWithinWorkingHours,
  localDate,
  localDateTime,
  nextLocalTimeMs,
  resolveWorkCalendar,
  validateWorkCalendar,
  weekdayOf,
  workingWindowsBetween,
  zonedDayBounds,
  zonedTimeToMs,
  type WeeklySchedule,
} from './schedule.js';

const JKT = 'Asia/Jakarta'; // UTC+7
const HCM = 'Asia/Ho_Chi_Minh'; // UTC+7
const NY = 'America/New_York'; // has DST
const HOUR = 3_600_000;
const MIN = 60_000;

/** Instant of a Jakarta wall-clock time. */
const jkt = (date: string, hh: number, mm = 0) =>
  Date.parse(`${date}T00:00:00Z`) + (hh - 7) * HOUR + mm * MIN;

const officeDay = { start: '08:00', end: '17:00' };
const office: WeeklySchedule = {
  days: { mon: officeDay, tue: officeDay, wed: officeDay, thu: officeDay, fri: officeDay, sat: null },
  graceMinutes: 10,
  holidays: ['2025-03-31'],
};
const night: WeeklySchedule = {
  days: { mon: { start: '22:00', end: '06:00' }, tue: { start: '22:00', end: '06:00' } },
};

describe('local dates', () => {
  it('localDate uses the zone, not UTC', () => {
    // 2025-03-02T18:30Z is already Monday 01:30 in Jakarta
    expect(localDate(JKT, Date.UTC(2025, 2, 2, 18, 30))).toBe('2025-03-03');
    expect(localDate('UTC', Date.UTC(2025, 2, 2, 18, 30))).toBe('2025-03-02');
  });
  it('localDateTime gives weekday and minute of day, midnight as 0', () => {
    expect(localDateTime(HCM, jkt('2025-03-03', 0))).toMatchObject({
      weekday: 'mon',
      hour: 0,
      minuteOfDay: 0,
    });
  });
  it('calendar arithmetic crosses months and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(weekdayOf('2025-03-03')).toBe('mon');
  });
  it('rejects malformed dates', () => {
    expect(() => zonedDayBounds(JKT, '2025-02-30')).toThrow(RangeError);
  });
});

describe('zonedDayBounds', () => {
  it('is 24 h in Jakarta', () => {
    expect(zonedDayBounds(JKT, '2025-03-03')).toEqual({
      startMs: jkt('2025-03-03', 0),
      endMs: jkt('2025-03-04', 0),
    });
  });
  it('is 23 h and 25 h on DST change days', () => {
    const spring = zonedDayBounds(NY, '2025-03-09');
    expect(spring.endMs - spring.startMs).toBe(23 * HOUR);
    const fall = zonedDayBounds(NY, '2025-11-02');
    expect(fall.endMs - fall.startMs).toBe(25 * HOUR);
  });
  it('resolves DST gaps forward and overlaps to the earlier instant', () => {
    expect(zonedTimeToMs(NY, '2025-03-09', 2 * 60 + 30)).toBe(Date.UTC(2025, 2, 9, 7, 30)); // 03:30 EDT
    expect(zonedTimeToMs(NY, '2025-11-02', 60 + 30)).toBe(Date.UTC(2025, 10, 2, 5, 30)); // 01:30 EDT
  });
});

describe('working hours', () => {
  it('is within at start, not at end (half-open)', () => {
    expect(isWithinWorkingHours(office, JKT, jkt('2025-03-03', 8))).toBe(true);
    expect(isWithinWorkingHours(office, JKT, jkt('2025-03-03', 7, 59))).toBe(false);
    expect(isWithinWorkingHours(office, JKT, jkt('2025-03-03', 16, 59))).toBe(true);
    expect(isWithinWorkingHours(office, JKT, jkt('2025-03-03', 17))).toBe(false);
  });
  it('respects days off, missing weekdays and holidays', () => {
    expect(isWithinWorkingHours(office, JKT, jkt('2025-03-08', 10))).toBe(false); // sat: null
    expect(isWithinWorkingHours(office, JKT, jkt('2025-03-09', 10))).toBe(false); // sun: missing
    expect(isWithinWorkingHours(office, JKT, jkt('2025-03-31', 10))).toBe(false); // holiday
  });
  it('handles shifts crossing midnight, owned by their start date', () => {
    expect(isWithinWorkingHours(night, JKT, jkt('2025-03-03', 23))).toBe(true); // mon 23:00
    expect(isWithinWorkingHours(night, JKT, jkt('2025-03-04', 5, 59))).toBe(true); // tue 05:59, monday shift
    expect(isWithinWorkingHours(night, JKT, jkt('2025-03-04', 6))).toBe(false);
    expect(isWithinWorkingHours(night, JKT, jkt('2025-03-05', 3))).toBe(true); // tuesday's shift
    expect(isWithinWorkingHours(night, JKT, jkt('2025-03-06', 3))).toBe(false); // no wednesday shift
    expect(currentWorkingWindow(night, JKT, jkt('2025-03-04', 2))).toEqual({
      date: '2025-03-03',
      startMs: jkt('2025-03-03', 22),
      endMs: jkt('2025-03-04', 6),
      graceMinutes: 0,
    });
  });
  it('uses per-day grace over the schedule-wide one', () => {
    const s: WeeklySchedule = { days: { mon: { ...officeDay, graceMinutes: 3 } }, graceMinutes: 10 };
    expect(currentWorkingWindow(s, JKT, jkt('2025-03-03', 9))?.graceMinutes).toBe(3);
  });
});

describe('workingWindowsBetween', () => {
  it('lists windows clipped to the range, including yesterday’s overnight tail', () => {
    expect(workingWindowsBetween(night, JKT, jkt('2025-03-04', 0), jkt('2025-03-05', 0))).toEqual([
      { date: '2025-03-03', startMs: jkt('2025-03-04', 0), endMs: jkt('2025-03-04', 6), graceMinutes: 0 },
      { date: '2025-03-04', startMs: jkt('2025-03-04', 22), endMs: jkt('2025-03-05', 0), graceMinutes: 0 },
    ]);
  });
  it('covers a week of office days, skipping the weekend', () => {
    const windows = workingWindowsBetween(office, JKT, jkt('2025-03-03', 0), jkt('2025-03-10', 0));
    expect(windows.map((w) => w.date)).toEqual([
      '2025-03-03',
      '2025-03-04',
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
    ]);
    expect(windows.every((w) => w.endMs - w.startMs === 9 * HOUR)).toBe(true);
  });
  it('is empty for an empty range', () => {
    expect(workingWindowsBetween(office, JKT, jkt('2025-03-03', 9), jkt('2025-03-03', 9))).toEqual([]);
  });
  it('measures real elapsed time across a DST change in New York', () => {
    const s: WeeklySchedule = { days: { sun: { start: '00:00', end: '09:00' } } };
    const [w] = workingWindowsBetween(s, NY, Date.UTC(2025, 2, 9), Date.UTC(2025, 2, 10));
    expect(w !== undefined && w.endMs - w.startMs).toBe(8 * HOUR); // wall clock 00–09 skips an hour
  });
});

describe('local time ranges (quiet hours)', () => {
  const quiet = { start: '22:00', end: '06:00' };
  it('crosses midnight', () => {
    expect(isWithinLocalTimeRange(JKT, jkt('2025-03-03', 23), quiet)).toBe(true);
    expect(isWithinLocalTimeRange(JKT, jkt('2025-03-04', 5, 59), quiet)).toBe(true);
    expect(isWithinLocalTimeRange(JKT, jkt('2025-03-04', 6), quiet)).toBe(false);
    expect(isWithinLocalTimeRange(JKT, jkt('2025-03-03', 12), { start: '12:00', end: '13:00' })).toBe(true);
  });
  it('finds the next occurrence of a local time', () => {
    expect(nextLocalTimeMs(JKT, jkt('2025-03-03', 23), '06:00')).toBe(jkt('2025-03-04', 6));
    expect(nextLocalTimeMs(JKT, jkt('2025-03-04', 6), '06:00')).toBe(jkt('2025-03-04', 6));
  });
});

describe('calendars', () => {
  it('resolves overrides field by field, most specific last', () => {
    const org = { timeZone: JKT, schedule: office };
    expect(resolveWorkCalendar(org, undefined, { timeZone: HCM })).toEqual({
      timeZone: HCM,
      schedule: office,
    });
    expect(resolveWorkCalendar(org, { schedule: night }, null)).toEqual({ timeZone: JKT, schedule: night });
  });
  it('validates time zone, times, grace and holidays', () => {
    expect(validateWorkCalendar({ timeZone: JKT, schedule: office })).toEqual([]);
    expect(
      validateWorkCalendar({
        timeZone: 'Mars/Olympus',
        schedule: {
          days: { mon: { start: '8am', end: '17:00', graceMinutes: -1 } },
          holidays: ['2025-13-01'],
        },
      }),
    ).toEqual([
      'unknown time zone "Mars/Olympus"',
      'mon.start: "8am" is not HH:MM',
      'mon.graceMinutes must be between 0 and 240',
      'holiday "2025-13-01" is not a valid YYYY-MM-DD date',
    ]);
  });
});
