import { describe, expect, it } from 'vitest';
import { expectedWorkAt, type ExpectedWorkRules } from './expected-work.js';
import { zonedTimeToMs } from './schedule.js';
import type { ShiftAssignment, ShiftType } from './shifts.js';

const TZ = 'Asia/Jakarta';
const at = (date: string, hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToMs(TZ, date, h * 60 + m);
};

const office: ShiftType = {
  id: 'office',
  name: 'Office',
  kind: 'fixed',
  start: '08:00',
  end: '17:00',
  lateGraceMinutes: 10,
  earlyLeaveGraceMinutes: 0,
  halfDayThresholdMinutes: 0,
  breakMinutes: 60,
};
const morning: ShiftType = { ...office, id: 'morning', name: 'Morning', start: '06:00', end: '14:00' };
const night: ShiftType = { ...office, id: 'night', name: 'Night', start: '22:00', end: '06:00' };
const flexible: ShiftType = { ...office, id: 'flex', name: 'Flex', kind: 'flexible', requiredMinutes: 420 };

// 2026-03-02 is a Monday.
const orgWide: ShiftAssignment = {
  id: 'org',
  employeeId: null,
  departmentId: null,
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  pattern: {
    kind: 'weekly',
    days: { mon: 'office', tue: 'office', wed: 'office', thu: 'office', fri: 'office', sat: null, sun: null },
  },
};

function rules(over: Partial<ExpectedWorkRules> = {}): ExpectedWorkRules {
  return {
    timeZone: TZ,
    shiftTypes: new Map([office, morning, night, flexible].map((s) => [s.id, s])),
    assignments: [orgWide],
    holidays: [],
    leave: [],
    ...over,
  };
}

const budi = { id: 'budi', departmentId: 'gudang', siteId: 'jkt' };

describe('expectedWorkAt', () => {
  it('inside the organization shift: expected, with the shift window and its grace', () => {
    const v = expectedWorkAt(rules(), budi, at('2026-03-02', '09:00'));
    expect(v).toEqual({
      expected: true,
      shiftTypeId: 'office',
      window: {
        date: '2026-03-02',
        startMs: at('2026-03-02', '08:00'),
        endMs: at('2026-03-02', '17:00'),
        graceMinutes: 10,
      },
    });
  });

  it('before and after the shift: not expected (outside_shift), check-in windows do not count', () => {
    expect(expectedWorkAt(rules(), budi, at('2026-03-02', '07:30'))).toEqual({
      expected: false,
      reason: 'outside_shift',
    });
    expect(expectedWorkAt(rules(), budi, at('2026-03-02', '17:00'))).toEqual({
      expected: false,
      reason: 'outside_shift',
    });
  });

  it('a weekly day off: not expected (day_off)', () => {
    expect(expectedWorkAt(rules(), budi, at('2026-03-07', '10:00'))).toEqual({
      expected: false,
      reason: 'day_off',
    });
  });

  it('the employee’s own assignment wins over the department and the organization', () => {
    const ownNight: ShiftAssignment = {
      ...orgWide,
      id: 'own',
      employeeId: 'budi',
      pattern: { kind: 'weekly', days: { mon: 'night', tue: 'night' } },
    };
    const deptMorning: ShiftAssignment = {
      ...orgWide,
      id: 'dept',
      departmentId: 'gudang',
      pattern: { kind: 'weekly', days: { mon: 'morning' } },
    };
    const r = rules({ assignments: [orgWide, deptMorning, ownNight] });
    // 09:00 Monday is inside the org and department shifts, but Budi works nights.
    expect(expectedWorkAt(r, budi, at('2026-03-02', '09:00')).expected).toBe(false);
    expect(expectedWorkAt(r, budi, at('2026-03-02', '23:00')).expected).toBe(true);
    // A colleague of the department follows the department's morning shift.
    const siti = { id: 'siti', departmentId: 'gudang', siteId: 'jkt' };
    expect(expectedWorkAt(r, siti, at('2026-03-02', '07:00')).expected).toBe(true);
    expect(expectedWorkAt(r, siti, at('2026-03-02', '15:00')).expected).toBe(false);
  });

  it('a night shift crossing midnight belongs to the day it starts on', () => {
    const ownNight: ShiftAssignment = {
      ...orgWide,
      id: 'own',
      employeeId: 'budi',
      pattern: { kind: 'weekly', days: { mon: 'night' } },
    };
    const r = rules({ assignments: [orgWide, ownNight] });
    const v = expectedWorkAt(r, budi, at('2026-03-03', '02:00'));
    expect(v.expected && v.window.date).toBe('2026-03-02');
    expect(v.expected && v.window.endMs).toBe(at('2026-03-03', '06:00'));
    // Tuesday has no night shift of its own: after 06:00 Budi is off.
    expect(expectedWorkAt(r, budi, at('2026-03-03', '07:00'))).toEqual({
      expected: false,
      reason: 'day_off',
    });
    // A holiday on Monday cancels the night shift that starts Monday, even after midnight.
    const withHoliday = rules({
      assignments: [orgWide, ownNight],
      holidays: [{ date: '2026-03-02', name: 'Nyepi', siteId: null }],
    });
    expect(expectedWorkAt(withHoliday, budi, at('2026-03-03', '02:00')).expected).toBe(false);
  });

  it('a rotating roster (2 morning / 2 night / 2 off) is followed day by day', () => {
    const rota: ShiftAssignment = {
      ...orgWide,
      id: 'rota',
      employeeId: 'budi',
      pattern: {
        kind: 'rotation',
        anchorDate: '2026-03-02',
        cycle: ['morning', 'morning', 'night', 'night', null, null],
      },
    };
    const r = rules({ assignments: [orgWide, rota] });
    expect(expectedWorkAt(r, budi, at('2026-03-03', '07:00')).expected).toBe(true); // morning #2
    expect(expectedWorkAt(r, budi, at('2026-03-04', '07:00')).expected).toBe(false); // night day, 07:00
    expect(expectedWorkAt(r, budi, at('2026-03-04', '23:00')).expected).toBe(true); // night #1
    expect(expectedWorkAt(r, budi, at('2026-03-06', '03:00')).expected).toBe(true); // night #2, after midnight
    expect(expectedWorkAt(r, budi, at('2026-03-06', '10:00'))).toEqual({
      expected: false,
      reason: 'day_off',
    });
    expect(expectedWorkAt(r, budi, at('2026-03-08', '07:00')).expected).toBe(true); // cycle restarts
  });

  it('a holiday: not expected (holiday); a site calendar applies only to its site', () => {
    const r = rules({ holidays: [{ date: '2026-03-02', name: 'Hari Raya', siteId: null }] });
    expect(expectedWorkAt(r, budi, at('2026-03-02', '09:00'))).toEqual({
      expected: false,
      reason: 'holiday',
    });
    const siteOnly = rules({ holidays: [{ date: '2026-03-02', name: 'Local', siteId: 'sby' }] });
    expect(expectedWorkAt(siteOnly, budi, at('2026-03-02', '09:00')).expected).toBe(true);
    expect(expectedWorkAt(siteOnly, { ...budi, siteId: 'sby' }, at('2026-03-02', '09:00'))).toEqual({
      expected: false,
      reason: 'holiday',
    });
  });

  it('approved full-day leave: not expected (leave); other employees are unaffected', () => {
    const r = rules({ leave: [{ employeeId: 'budi', date: '2026-03-02', portion: 'full' }] });
    expect(expectedWorkAt(r, budi, at('2026-03-02', '09:00'))).toEqual({ expected: false, reason: 'leave' });
    expect(expectedWorkAt(r, { ...budi, id: 'siti' }, at('2026-03-02', '09:00')).expected).toBe(true);
  });

  it('half-day leave: the first half moves the start, the second half the end, to the midpoint', () => {
    const first = rules({ leave: [{ employeeId: 'budi', date: '2026-03-02', portion: 'first_half' }] });
    // 08:00–17:00 → midpoint 12:30.
    expect(expectedWorkAt(first, budi, at('2026-03-02', '10:00'))).toEqual({
      expected: false,
      reason: 'half_day_leave',
    });
    const afternoon = expectedWorkAt(first, budi, at('2026-03-02', '13:00'));
    expect(afternoon.expected && afternoon.window.startMs).toBe(at('2026-03-02', '12:30'));

    const second = rules({ leave: [{ employeeId: 'budi', date: '2026-03-02', portion: 'second_half' }] });
    const morningHalf = expectedWorkAt(second, budi, at('2026-03-02', '10:00'));
    expect(morningHalf.expected && morningHalf.window.endMs).toBe(at('2026-03-02', '12:30'));
    expect(expectedWorkAt(second, budi, at('2026-03-02', '15:00'))).toEqual({
      expected: false,
      reason: 'half_day_leave',
    });
    const both = rules({
      leave: [
        { employeeId: 'budi', date: '2026-03-02', portion: 'first_half' },
        { employeeId: 'budi', date: '2026-03-02', portion: 'second_half' },
      ],
    });
    expect(expectedWorkAt(both, budi, at('2026-03-02', '10:00'))).toEqual({
      expected: false,
      reason: 'leave',
    });
  });

  it('a flexible shift has no fixed hours: absence is not watched', () => {
    const own: ShiftAssignment = {
      ...orgWide,
      id: 'own',
      employeeId: 'budi',
      pattern: { kind: 'weekly', days: { mon: 'flex' } },
    };
    expect(expectedWorkAt(rules({ assignments: [orgWide, own] }), budi, at('2026-03-02', '09:00'))).toEqual({
      expected: false,
      reason: 'flexible_shift',
    });
  });

  it('no assignment at all: not expected (unassigned)', () => {
    expect(expectedWorkAt(rules({ assignments: [] }), budi, at('2026-03-02', '09:00'))).toEqual({
      expected: false,
      reason: 'unassigned',
    });
  });
});
