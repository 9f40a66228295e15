import { describe, expect, it } from 'vitest';
import {
  assignmentFor,
  patternShiftFor,
  rosterDayFor,
  rosterFromWeeklySchedule,
  shiftInstance,
  validateShiftType,
  type ShiftAssignment,
  type ShiftType,
} from './shifts.js';

const morning: ShiftType = {
  id: 'morning',
  name: 'Morning',
  kind: 'fixed',
  start: '06:00',
  end: '14:00',
  lateGraceMinutes: 5,
  earlyLeaveGraceMinutes: 0,
  halfDayThresholdMinutes: 0,
  breakMinutes: 0,
};
const night: ShiftType = { ...morning, id: 'night', name: 'Night', start: '22:00', end: '06:00' };
const types = new Map([
  ['morning', morning],
  ['night', night],
]);

const a = (over: Partial<ShiftAssignment>): ShiftAssignment => ({
  id: 'a',
  employeeId: null,
  departmentId: null,
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  pattern: { kind: 'weekly', days: { mon: 'morning' } },
  ...over,
});

describe('rosters', () => {
  it('rotates 2 morning / 2 night / 2 off from the anchor, also before it', () => {
    const pattern = {
      kind: 'rotation' as const,
      anchorDate: '2026-03-02',
      cycle: ['morning', 'morning', 'night', 'night', null, null],
    };
    const days = [
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
    ];
    expect(days.map((d) => patternShiftFor(pattern, d))).toEqual([
      'morning',
      'morning',
      'night',
      'night',
      null,
      null,
      'morning',
    ]);
    expect(patternShiftFor(pattern, '2026-03-01')).toBeNull();
    expect(patternShiftFor(pattern, '2026-02-28')).toBeNull();
    expect(patternShiftFor(pattern, '2026-02-27')).toBe('night');
  });

  it('employee beats department beats organization; latest effective date wins within a level', () => {
    const assignments = [
      a({ id: 'org' }),
      a({ id: 'dept', departmentId: 'd1', effectiveFrom: '2026-02-01' }),
      a({ id: 'emp-old', employeeId: 'e1', effectiveFrom: '2026-01-01', effectiveTo: '2026-03-31' }),
      a({ id: 'emp-new', employeeId: 'e1', effectiveFrom: '2026-03-15', effectiveTo: '2026-03-31' }),
    ];
    expect(assignmentFor(assignments, { id: 'e1', departmentId: 'd1' }, '2026-03-02')?.id).toBe('emp-old');
    expect(assignmentFor(assignments, { id: 'e1', departmentId: 'd1' }, '2026-03-20')?.id).toBe('emp-new');
    expect(assignmentFor(assignments, { id: 'e1', departmentId: 'd1' }, '2026-04-01')?.id).toBe('dept');
    expect(assignmentFor(assignments, { id: 'e2', departmentId: 'd1' }, '2026-01-15')?.id).toBe('org');
    expect(assignmentFor(assignments, { id: 'e2', departmentId: null }, '2025-12-31')).toBeNull();
  });

  it('a weekday without a shift is a day off; no assignment is unassigned', () => {
    const assignments = [a({ id: 'org' })];
    expect(rosterDayFor(assignments, types, { id: 'e', departmentId: null }, '2026-03-02')).toMatchObject({
      kind: 'shift',
      shiftType: { id: 'morning' },
    });
    expect(rosterDayFor(assignments, types, { id: 'e', departmentId: null }, '2026-03-03')).toEqual({
      kind: 'day_off',
      assignmentId: 'org',
    });
    expect(rosterDayFor([], types, { id: 'e', departmentId: null }, '2026-03-03')).toEqual({
      kind: 'unassigned',
    });
  });

  it('the organization weekly schedule becomes shift types and a default assignment', () => {
    const { shiftTypes, assignment } = rosterFromWeeklySchedule({
      days: { mon: { start: '08:00', end: '17:00' }, fri: { start: '08:00', end: '11:30' } },
      graceMinutes: 10,
    });
    expect(shiftTypes.map((s) => [s.start, s.end, s.lateGraceMinutes])).toEqual([
      ['08:00', '17:00', 10],
      ['08:00', '11:30', 10],
    ]);
    expect(patternShiftFor(assignment.pattern, '2026-03-02')).toBe(shiftTypes[0]?.id);
    expect(patternShiftFor(assignment.pattern, '2026-03-03')).toBeNull();
  });

  it('a night shift instance ends the next morning and its window adds 60 min each side', () => {
    const inst = shiftInstance(night, 'Asia/Ho_Chi_Minh', '2026-03-02');
    expect(inst.startMs).toBe(Date.UTC(2026, 2, 2, 15));
    expect(inst.endMs).toBe(Date.UTC(2026, 2, 2, 23));
    expect(inst.window).toEqual({ startMs: Date.UTC(2026, 2, 2, 14), endMs: Date.UTC(2026, 2, 3, 0) });
  });

  it('validates shift types with readable messages', () => {
    expect(validateShiftType(morning)).toEqual([]);
    expect(validateShiftType({ ...morning, start: '25:00', lateGraceMinutes: -1 })).toEqual([
      'start: "25:00" is not HH:MM',
      'lateGraceMinutes must be a whole number between 0 and 240',
    ]);
    expect(validateShiftType({ ...morning, kind: 'flexible' })).toEqual([
      'a flexible shift needs requiredMinutes > 0',
    ]);
  });
});
