import { describe, expect, it } from 'vitest';
import {
  attendanceDayChanged,
  deriveAttendanceDay,
  type AttendanceEventInput,
  type DeriveAttendanceDayInput,
} from './attendance-day.js';
import { describeAttendanceReason } from './attendance-reason.js';
import type { ShiftType } from './shifts.js';

const TZ = 'Asia/Jakarta';
/** Jakarta wall clock in March 2026 (2 = Monday). */
const at = (day: number, hh: number, mm = 0) => Date.UTC(2026, 2, day, hh - 7, mm);

const office: ShiftType = {
  id: 'office',
  name: 'Office',
  kind: 'fixed',
  start: '08:00',
  end: '17:00',
  lateGraceMinutes: 10,
  earlyLeaveGraceMinutes: 5,
  halfDayThresholdMinutes: 240,
  breakMinutes: 60,
};
const night: ShiftType = {
  ...office,
  id: 'night',
  name: 'Night',
  start: '22:00',
  end: '06:00',
  breakMinutes: 0,
};
const flexible: ShiftType = {
  ...office,
  id: 'flex',
  name: 'Flexible',
  kind: 'flexible',
  start: '00:00',
  end: '00:00',
  breakMinutes: 0,
  requiredMinutes: 480,
};

let seq = 0;
const ev = (
  atMs: number,
  kind: AttendanceEventInput['kind'] = 'sighting',
  source: AttendanceEventInput['source'] = 'camera',
  label: string | null = 'Camera Gudang A',
): AttendanceEventInput => ({ id: `e${(seq += 1)}`, occurredAtMs: atMs, kind, source, label });

const derive = (over: Partial<DeriveAttendanceDayInput>) =>
  deriveAttendanceDay({
    employeeId: 'budi',
    date: '2026-03-02',
    timeZone: TZ,
    shiftType: office,
    holiday: null,
    leave: null,
    events: [],
    ...over,
  });

describe('deriveAttendanceDay', () => {
  it('within grace is present, with worked time net of the break', () => {
    const day = derive({ events: [ev(at(2, 8, 9)), ev(at(2, 17, 2))] });
    expect(day.status).toBe('present');
    expect(day).toMatchObject({
      checkInMs: at(2, 8, 9),
      checkOutMs: at(2, 17, 2),
      breakMinutes: 60,
      workedMinutes: 473,
    });
    expect(day.reason).toMatchObject({ code: 'present', shiftStartMs: at(2, 8), workedMinutes: 473 });
  });

  it('one minute past grace is late, counted from the shift start', () => {
    const day = derive({ events: [ev(at(2, 8, 17)), ev(at(2, 17, 0))] });
    expect(day.status).toBe('late');
    expect(day.lateMinutes).toBe(17);
    expect(day.reason).toEqual({
      code: 'late',
      checkIn: { atMs: at(2, 8, 17), source: 'camera', label: 'Camera Gudang A' },
      shiftStartMs: at(2, 8),
      graceMinutes: 10,
      lateMinutes: 17,
    });
    expect(describeAttendanceReason(day.reason, 'en', TZ)).toBe(
      'late: checked in 08:17 at Camera Gudang A, shift starts 08:00, grace 10 min',
    );
    expect(describeAttendanceReason(day.reason, 'id', TZ)).toBe(
      'terlambat: masuk 08:17 di Camera Gudang A, shift mulai 08:00, toleransi 10 menit',
    );
    expect(describeAttendanceReason(day.reason, 'vi', TZ)).toContain('đi muộn: vào 08:17');
  });

  it('leaving before end minus the early grace is an early leave', () => {
    const day = derive({ events: [ev(at(2, 7, 55)), ev(at(2, 16, 40), 'check_out', 'badge', 'Lobby')] });
    expect(day.status).toBe('early_leave');
    expect(day.earlyLeaveMinutes).toBe(20);
    expect(day.reason).toMatchObject({
      code: 'early_leave',
      shiftEndMs: at(2, 17),
      graceMinutes: 5,
      earlyLeaveMinutes: 20,
    });
    expect(day.sources).toEqual(['badge', 'camera']);
    // within the early grace it is not
    expect(derive({ events: [ev(at(2, 7, 55)), ev(at(2, 16, 56))] }).status).toBe('present');
  });

  it('worked below the half-day threshold is a half day', () => {
    const day = derive({ events: [ev(at(2, 8)), ev(at(2, 12, 30))] });
    expect(day.status).toBe('half_day');
    expect(day.reason).toEqual({ code: 'half_day_hours', workedMinutes: 210, thresholdMinutes: 240 });
  });

  it('a night shift across midnight belongs to the day it starts, and its window is the shift ± 60 min', () => {
    const events = [ev(at(2, 21, 58)), ev(at(3, 2, 0)), ev(at(3, 6, 30))];
    const day = derive({ shiftType: night, events });
    expect(day.status).toBe('present');
    expect(day.checkInMs).toBe(at(2, 21, 58));
    expect(day.checkOutMs).toBe(at(3, 6, 30));
    expect(day.workedMinutes).toBe(8 * 60 + 32);
    // Tuesday's night shift does not see Monday night's run-over (window opens 21:00 Tuesday)
    const tuesday = derive({ date: '2026-03-03', shiftType: night, events, asOfMs: at(4, 12) });
    expect(tuesday.status).toBe('absent');
    expect(tuesday.reason).toMatchObject({ code: 'absent', windowStartMs: at(3, 21), windowEndMs: at(4, 7) });
  });

  it('flexible shifts only require hours: no lateness, short hours is a half day', () => {
    const full = derive({ shiftType: flexible, events: [ev(at(2, 11)), ev(at(2, 19, 30))] });
    expect(full.status).toBe('present');
    expect(full.lateMinutes).toBe(0);
    const short = derive({ shiftType: flexible, events: [ev(at(2, 11)), ev(at(2, 17))] });
    expect(short.status).toBe('half_day');
    expect(short.reason).toEqual({ code: 'short_hours', workedMinutes: 360, requiredMinutes: 480 });
  });

  it('a day off without events is day_off; with events it is a worked day off', () => {
    const off = derive({ shiftType: null });
    expect(off.status).toBe('day_off');
    expect(off.reason).toEqual({ code: 'day_off' });
    const worked = derive({ shiftType: null, events: [ev(at(2, 9)), ev(at(2, 12))] });
    expect(worked.status).toBe('present');
    expect(worked.reason).toMatchObject({ code: 'worked_day_off', workedMinutes: 180 });
  });

  it('a holiday without events is holiday, never absent', () => {
    const day = derive({ holiday: { name: 'Nyepi' }, asOfMs: at(5, 0) });
    expect(day.status).toBe('holiday');
    expect(day.reason).toEqual({ code: 'holiday', holidayName: 'Nyepi' });
    expect(describeAttendanceReason(day.reason, 'id', TZ)).toBe('hari libur: Nyepi');
  });

  it('absent names the window and says not on leave and not a holiday', () => {
    const day = derive({ asOfMs: at(3, 0) });
    expect(day.status).toBe('absent');
    expect(day.reason).toEqual({
      code: 'absent',
      windowStartMs: at(2, 7),
      windowEndMs: at(2, 18),
      notOnLeave: true,
      notHoliday: true,
      halfLeave: null,
    });
    expect(describeAttendanceReason(day.reason, 'en', TZ)).toBe(
      'absent: no event between 07:00–18:00; not on leave; not a holiday',
    );
    // the same day while its window is still open is pending, not absent
    expect(derive({ asOfMs: at(2, 9) }).status).toBe('pending');
  });

  it('full-day leave excuses the day', () => {
    const day = derive({ leave: { portion: 'full', leaveTypeName: 'Annual', requestId: 'lr1' } });
    expect(day.status).toBe('excused');
    expect(day.reason).toEqual({ code: 'leave', leaveTypeName: 'Annual', requestId: 'lr1' });
    expect(describeAttendanceReason(day.reason, 'en', TZ)).toBe('excused: approved Annual leave');
    const named = derive({ leave: { portion: 'full', leaveTypeName: 'Annual leave', requestId: 'lr1' } });
    expect(describeAttendanceReason(named.reason, 'en', TZ)).toBe('excused: approved Annual leave');
    const cuti = derive({ leave: { portion: 'full', leaveTypeName: 'Cuti tahunan', requestId: 'lr1' } });
    expect(describeAttendanceReason(cuti.reason, 'id', TZ)).toBe('izin: Cuti tahunan disetujui');
    expect(describeAttendanceReason(day.reason, 'id', TZ)).toBe('izin: cuti Annual disetujui');
  });

  it('half-day leave moves the expected start and makes a half day', () => {
    const leave = { portion: 'first_half' as const, leaveTypeName: 'Sick', requestId: 'lr2' };
    // midpoint of 08:00–17:00 is 12:30; arriving 12:35 is within grace
    const day = derive({ leave, events: [ev(at(2, 12, 35)), ev(at(2, 17))] });
    expect(day.status).toBe('half_day');
    expect(day.lateMinutes).toBe(0);
    expect(day.reason).toEqual({
      code: 'half_day_leave',
      leaveTypeName: 'Sick',
      portion: 'first_half',
      workedMinutes: 205,
    });
    const lateAfterHalf = derive({ leave, events: [ev(at(2, 13, 0)), ev(at(2, 17))] });
    expect(lateAfterHalf.lateMinutes).toBe(30);
    // half leave and nobody came for the rest: absent, with the half leave named
    const absent = derive({ leave: { ...leave, portion: 'second_half' }, asOfMs: at(3, 0) });
    expect(absent.status).toBe('absent');
    expect(absent.reason).toMatchObject({
      code: 'absent',
      notOnLeave: false,
      halfLeave: { portion: 'second_half' },
    });
  });

  it('overlapping events from several sources use only the extremes', () => {
    const events = [
      ev(at(2, 8, 5), 'check_in', 'badge', 'Lobby'),
      ev(at(2, 8, 6)),
      ev(at(2, 8, 6), 'check_in', 'mobile', null),
      ev(at(2, 12)),
      ev(at(2, 17, 1), 'check_out', 'officer', null),
      ev(at(2, 17, 3)),
      ev(at(2, 20)), // outside the window (closes 18:00)
    ];
    const day = derive({ events });
    expect(day.status).toBe('present');
    expect(day.checkInMs).toBe(at(2, 8, 5));
    expect(day.checkOutMs).toBe(at(2, 17, 3));
    expect(day.sources).toEqual(['badge', 'camera']);
    // order of input does not matter
    expect(derive({ events: [...events].reverse() })).toEqual(day);
    // a check_out alone is not a check-in
    const onlyOut = derive({ events: [ev(at(2, 17), 'check_out', 'badge', 'Lobby')], asOfMs: at(3, 0) });
    expect(onlyOut.status).toBe('absent');
  });

  it('a correction replaces times or forces a status, and says who and why', () => {
    const events = [ev(at(2, 8, 40))];
    const late = derive({ events });
    expect(late.status).toBe('late');
    const fixedTimes = derive({
      events,
      correction: {
        id: 'c1',
        checkInMs: at(2, 8),
        checkOutMs: at(2, 17),
        note: 'camera missed him',
        byName: 'Sari',
      },
    });
    expect(fixedTimes.status).toBe('present');
    expect(fixedTimes.sources).toEqual(['website']);
    const excused = derive({
      events,
      correction: { id: 'c2', status: 'excused', note: 'client visit', byName: 'Sari' },
    });
    expect(excused.status).toBe('excused');
    expect(excused.reason).toEqual({
      code: 'corrected',
      correctionId: 'c2',
      note: 'client visit',
      byName: 'Sari',
    });
    expect(describeAttendanceReason(excused.reason, 'en', TZ)).toBe('corrected by Sari: client visit');
  });

  it('recompute after a rule change: more grace turns late into present, and the change is detected', () => {
    const events = [ev(at(2, 8, 12)), ev(at(2, 17))];
    const before = derive({ events });
    expect(before.status).toBe('late');
    const after = derive({ events, shiftType: { ...office, lateGraceMinutes: 15 } });
    expect(after.status).toBe('present');
    expect(after.reason.code).toBe('present');
    expect(attendanceDayChanged(before, after)).toBe(true);
    expect(
      attendanceDayChanged(after, derive({ events, shiftType: { ...office, lateGraceMinutes: 15 } })),
    ).toBe(false);
  });
});
