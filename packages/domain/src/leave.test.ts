import { describe, expect, it } from 'vitest';
import {
  carryOverDays,
  chooseApprover,
  formatLeaveDecidedMessage,
  formatLeaveRequestedMessage,
  leaveBalance,
  leaveDays,
} from './leave.js';
import { weekdayOf } from './schedule.js';

/** Monday to Friday, as the default organization schedule. */
const weekdays = (date: string) => !['sat', 'sun'].includes(weekdayOf(date));

describe('leaveDays', () => {
  it('counts working days of a range and skips the weekend', () => {
    // 2025-03-06 is a Thursday; the range ends on the next Tuesday.
    const r = leaveDays('2025-03-06', '2025-03-11', 'full', weekdays);
    expect(r).toEqual({
      ok: true,
      total: 4,
      days: ['2025-03-06', '2025-03-07', '2025-03-10', '2025-03-11'].map((date) => ({
        date,
        portion: 'full',
        days: 1,
      })),
    });
  });

  it('a half day costs 0.5 and must be one date', () => {
    expect(leaveDays('2025-03-06', '2025-03-06', 'second_half', weekdays)).toEqual({
      ok: true,
      total: 0.5,
      days: [{ date: '2025-03-06', portion: 'second_half', days: 0.5 }],
    });
    expect(leaveDays('2025-03-06', '2025-03-07', 'first_half', weekdays)).toEqual({
      ok: false,
      reason: 'half_day_range',
    });
  });

  it('refuses reversed, invalid, weekend-only and over-long ranges', () => {
    expect(leaveDays('2025-03-07', '2025-03-06', 'full', weekdays)).toMatchObject({ reason: 'reversed' });
    expect(leaveDays('2025-02-30', '2025-03-01', 'full', weekdays)).toMatchObject({ reason: 'invalid_date' });
    expect(leaveDays('2025-03-08', '2025-03-09', 'full', weekdays)).toMatchObject({
      reason: 'no_working_day',
    });
    expect(leaveDays('2025-01-01', '2026-06-01', 'full', weekdays)).toMatchObject({ reason: 'too_long' });
  });
});

describe('balance and carry-over', () => {
  it('is allocated + carried − taken − pending, in half days', () => {
    expect(leaveBalance({ allocated: 12, carried: 2.5, taken: 3.5, pending: 1 })).toBe(10);
    expect(leaveBalance({ allocated: 0.1, carried: 0.2, taken: 0, pending: 0 })).toBe(0.5);
  });

  it('carries over what is left, capped, never negative, pending not counted', () => {
    expect(carryOverDays({ allocated: 12, carried: 0, taken: 4.5, pending: 2 }, 5)).toBe(5);
    expect(carryOverDays({ allocated: 12, carried: 1, taken: 10.5, pending: 0 }, 5)).toBe(2.5);
    expect(carryOverDays({ allocated: 12, carried: 0, taken: 13, pending: 0 }, 5)).toBe(0);
    expect(carryOverDays({ allocated: 12, carried: 0, taken: 0, pending: 0 }, 0)).toBe(0);
    expect(carryOverDays(null, 5)).toBe(0);
  });
});

describe('chooseApprover', () => {
  it('takes the direct supervisor when they have a user and are at work', () => {
    expect(
      chooseApprover([
        { employeeId: 'sup', userId: 'u-sup', onLeave: false },
        { employeeId: 'boss', userId: 'u-boss', onLeave: false },
      ]),
    ).toEqual({ kind: 'supervisor', employeeId: 'sup', userId: 'u-sup', skipped: [] });
  });

  it('escalates past a supervisor on leave or without an account, then to admins', () => {
    expect(
      chooseApprover([
        { employeeId: 'sup', userId: 'u-sup', onLeave: true },
        { employeeId: 'mid', userId: null, onLeave: false },
        { employeeId: 'boss', userId: 'u-boss', onLeave: false },
      ]),
    ).toEqual({ kind: 'supervisor', employeeId: 'boss', userId: 'u-boss', skipped: ['sup', 'mid'] });
    expect(chooseApprover([{ employeeId: 'sup', userId: 'u-sup', onLeave: true }])).toEqual({
      kind: 'admins',
      skipped: ['sup'],
    });
    expect(chooseApprover([])).toEqual({ kind: 'admins', skipped: [] });
  });
});

describe('leave messages', () => {
  const base = {
    employeeCode: 'EMP001',
    name: 'Budi Santoso',
    leaveTypeName: 'Annual leave',
    fromDate: '2025-03-06',
    toDate: '2025-03-11',
    portion: 'full' as const,
    days: 4,
    reason: 'Pulang kampung',
  };
  it('asks the approver in each language', () => {
    expect(formatLeaveRequestedMessage({ ...base, locale: 'id' })).toBe(
      '[CUTI] EMP001 - Budi Santoso mengajukan Annual leave 2025-03-06 – 2025-03-11 (4 hari). Alasan: Pulang kampung. Mohon setujui atau tolak di Hadir.',
    );
    expect(
      formatLeaveRequestedMessage({
        ...base,
        toDate: base.fromDate,
        portion: 'first_half',
        days: 0.5,
        reason: null,
        locale: 'en',
      }),
    ).toBe(
      '[LEAVE] EMP001 - Budi Santoso requests Annual leave 2025-03-06 (first half) (0.5 days). Please approve or reject in Hadir.',
    );
    expect(formatLeaveRequestedMessage({ ...base, locale: 'vi' })).toContain('xin Annual leave');
  });

  it('tells the employee the decision', () => {
    const d = { ...base, deciderName: 'Sari', comment: null };
    expect(formatLeaveDecidedMessage({ ...d, approved: true, locale: 'id' })).toBe(
      '[CUTI] Annual leave 2025-03-06 – 2025-03-11 disetujui oleh Sari.',
    );
    expect(formatLeaveDecidedMessage({ ...d, approved: false, comment: 'Stock take', locale: 'en' })).toBe(
      '[LEAVE] Annual leave 2025-03-06 – 2025-03-11 rejected by Sari. Comment: Stock take',
    );
    expect(formatLeaveDecidedMessage({ ...d, approved: false, locale: 'vi' })).toContain('đã bị từ chối');
  });
});
