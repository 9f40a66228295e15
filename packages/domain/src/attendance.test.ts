import { describe, expect, it } from 'vitest';
import {
  attendanceWindow,
  computeDailyAttendance,
  mergeIntervals,
  summarizeTeamDay,
  type ComputeDailyAttendanceInput,
  type DailyAttendance,
  type PresenceInterval,
} from './attendance.js';
import type { WeeklySchedule } from './schedule.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const TZ = 'Asia/Jakarta';
/** Jakarta wall clock on a day in March 2025 (3 = Monday). */
const at = (day: number, hh: number, mm = 0) => Date.UTC(2025, 2, day, hh - 7, mm);

const officeDay = { start: '08:00', end: '17:00' };
const office: WeeklySchedule = {
  days: { mon: officeDay, tue: officeDay, wed: officeDay, thu: officeDay, fri: officeDay },
  graceMinutes: 10,
  holidays: ['2025-03-31'],
};

const seen = (start: number, end: number, cameraId = 'cam-a', employeeId = 'budi'): PresenceInterval => ({
  employeeId,
  cameraId,
  startMs: start,
  endMs: end,
});

function day(overrides: Partial<ComputeDailyAttendanceInput>): DailyAttendance {
  return computeDailyAttendance({
    employeeId: 'budi',
    date: '2025-03-03',
    intervals: [],
    schedule: office,
    timeZone: TZ,
    ...overrides,
  });
}

describe('mergeIntervals', () => {
  it('unions overlaps and sorts', () => {
    expect(
      mergeIntervals([
        { startMs: 50, endMs: 60 },
        { startMs: 0, endMs: 10 },
        { startMs: 5, endMs: 20 },
        { startMs: 20, endMs: 25 },
      ]),
    ).toEqual([
      { startMs: 0, endMs: 25 },
      { startMs: 50, endMs: 60 },
    ]);
  });
  it('bridges gaps up to the tolerance, inclusive', () => {
    expect(
      mergeIntervals(
        [
          { startMs: 0, endMs: 10 },
          { startMs: 15, endMs: 20 },
        ],
        5,
      ),
    ).toEqual([{ startMs: 0, endMs: 20 }]);
    expect(
      mergeIntervals(
        [
          { startMs: 0, endMs: 10 },
          { startMs: 16, endMs: 20 },
        ],
        5,
      ),
    ).toHaveLength(2);
  });
  it('ignores empty and inverted intervals and does not mutate input', () => {
    const input = [
      { startMs: 10, endMs: 10 },
      { startMs: 30, endMs: 20 },
      { startMs: 0, endMs: 5 },
    ];
    expect(mergeIntervals(input)).toEqual([{ startMs: 0, endMs: 5 }]);
    expect(input[2]).toEqual({ startMs: 0, endMs: 5 });
  });
});

describe('computeDailyAttendance', () => {
  it('an on-time full day: check-in, check-out, hours', () => {
    const r = day({ intervals: [seen(at(3, 7, 55), at(3, 12)), seen(at(3, 13), at(3, 17, 2))] });
    expect(r).toMatchObject({
      status: 'present',
      checkInMs: at(3, 7, 55),
      checkOutMs: at(3, 17, 2),
      lateMinutes: 0,
      earlyLeaveMinutes: 0,
      presentMs: 4 * HOUR + 5 * MIN + 4 * HOUR + 2 * MIN,
      overtimeMinutes: 7,
    });
  });

  it('does not double count two cameras seeing the same person', () => {
    const r = day({
      intervals: [
        seen(at(3, 8), at(3, 12), 'cam-a'),
        seen(at(3, 10), at(3, 13), 'cam-b'),
        seen(at(3, 9), at(3, 11), 'cam-c'),
      ],
    });
    expect(r.presentMs).toBe(5 * HOUR);
  });

  it('counts gaps up to the absence window as present, not longer ones', () => {
    const short = day({ intervals: [seen(at(3, 8), at(3, 10)), seen(at(3, 10, 5), at(3, 12))] });
    expect(short.presentMs).toBe(4 * HOUR);
    const long = day({ intervals: [seen(at(3, 8), at(3, 10)), seen(at(3, 10, 6), at(3, 12))] });
    expect(long.presentMs).toBe(4 * HOUR - 6 * MIN);
  });

  it('ignores other employees and clips to the day', () => {
    const r = day({
      intervals: [
        seen(at(2, 22), at(3, 9)),
        seen(at(3, 8), at(3, 17), 'cam-a', 'siti'),
        seen(at(3, 23), at(4, 1)),
      ],
    });
    expect(r.checkInMs).toBe(at(3, 0));
    expect(r.checkOutMs).toBe(at(4, 0));
    expect(r.presentMs).toBe(9 * HOUR + HOUR);
  });

  it('is late only after the grace, counting minutes from the start', () => {
    expect(day({ intervals: [seen(at(3, 8, 10), at(3, 17))] }).lateMinutes).toBe(0);
    expect(day({ intervals: [seen(at(3, 8, 12), at(3, 17))] }).lateMinutes).toBe(12);
  });

  it('flags an early leave beyond the absence window, but not while the shift is running', () => {
    expect(day({ intervals: [seen(at(3, 8), at(3, 16, 40))] }).earlyLeaveMinutes).toBe(20);
    expect(day({ intervals: [seen(at(3, 8), at(3, 16, 56))] }).earlyLeaveMinutes).toBe(0);
    expect(day({ intervals: [seen(at(3, 8), at(3, 12))], asOfMs: at(3, 12, 30) }).earlyLeaveMinutes).toBe(0);
  });

  it('no sighting: absent, leave, holiday, day off, or pending before start + grace', () => {
    expect(day({}).status).toBe('absent');
    expect(day({ onLeave: true }).status).toBe('leave');
    expect(day({ date: '2025-03-31' }).status).toBe('holiday');
    expect(day({ date: '2025-03-08' }).status).toBe('off_day');
    expect(day({ asOfMs: at(3, 8, 5) }).status).toBe('pending');
    expect(day({ asOfMs: at(3, 8, 11) }).status).toBe('absent');
  });

  it('work on a day off is present and all overtime', () => {
    const r = day({ date: '2025-03-08', intervals: [seen(at(8, 9), at(8, 11))] });
    expect(r).toMatchObject({ status: 'present', shift: null, lateMinutes: 0, overtimeMinutes: 120 });
  });

  it('an overnight shift owns its after-midnight hours', () => {
    const night: WeeklySchedule = {
      days: { mon: { start: '22:00', end: '06:00' }, tue: { start: '22:00', end: '06:00' } },
    };
    expect(attendanceWindow(night, TZ, '2025-03-04')).toEqual({ startMs: at(4, 6), endMs: at(5, 6) });
    const intervals = [seen(at(3, 21, 55), at(4, 6, 5)), seen(at(4, 22, 20), at(5, 6))];
    const monday = day({ schedule: night, intervals });
    expect(monday).toMatchObject({
      checkInMs: at(3, 21, 55),
      checkOutMs: at(4, 6),
      lateMinutes: 0,
      presentMs: 8 * HOUR + 5 * MIN,
    });
    const tuesday = day({ schedule: night, date: '2025-03-04', intervals });
    // Monday's shift running over to 06:05 is not Tuesday's arrival: Tuesday starts at 22:20, late.
    expect(tuesday).toMatchObject({
      checkInMs: at(4, 22, 20),
      lateMinutes: 20,
      presentMs: 7 * HOUR + 40 * MIN,
    });
    const noShow = day({ schedule: night, date: '2025-03-04', intervals: [intervals[0]!] });
    expect(noShow.status).toBe('absent');
  });
});

describe('summarizeTeamDay', () => {
  const member = (code: string, name: string) => ({
    employeeId: code.toLowerCase(),
    employeeCode: code,
    name,
  });
  const records = [
    { member: member('EMP002', 'Siti Aminah'), attendance: day({ employeeId: 'emp002' }) },
    {
      member: member('EMP001', 'Budi Santoso'),
      attendance: day({ employeeId: 'emp001', intervals: [seen(at(3, 8, 12), at(3, 17), 'a', 'emp001')] }),
    },
    {
      member: member('EMP003', 'Rina Wati'),
      attendance: day({ employeeId: 'emp003', intervals: [seen(at(3, 8), at(3, 16), 'a', 'emp003')] }),
    },
    { member: member('EMP004', 'Andi'), attendance: day({ employeeId: 'emp004', onLeave: true }) },
  ];

  it('lists absent, late, early leave, leave and hours, sorted by code, with totals', () => {
    const s = summarizeTeamDay({ date: '2025-03-03', teamName: 'Gudang', records });
    expect(s.absent.map((m) => m.employeeCode)).toEqual(['EMP002']);
    expect(s.late).toEqual([
      { employeeId: 'emp001', employeeCode: 'EMP001', name: 'Budi Santoso', lateMinutes: 12 },
    ]);
    expect(s.earlyLeave.map((m) => [m.employeeCode, m.earlyLeaveMinutes])).toEqual([['EMP003', 60]]);
    expect(s.onLeave.map((m) => m.employeeCode)).toEqual(['EMP004']);
    expect(s.hours.map((h) => [h.employeeCode, h.presentMs])).toEqual([
      ['EMP001', 8 * HOUR + 48 * MIN],
      ['EMP003', 8 * HOUR],
    ]);
    expect(s.totals).toEqual({
      members: 4,
      scheduled: 3,
      present: 2,
      absent: 1,
      late: 1,
      onLeave: 1,
      presentMs: 16 * HOUR + 48 * MIN,
    });
  });
});
