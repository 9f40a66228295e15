/**
 * Leave rules: which days a request covers, how much it costs, the balance, carry-over and who approves.
 * Pure functions; the caller supplies the working-day rule (the organization's weekly schedule today,
 * shifts and holidays once they exist) and today's date.
 */
import type { Locale } from './duration.js';
import { addDays, isValidLocalDate, type LocalDate } from './schedule.js';

export const LEAVE_PORTIONS = ['full', 'first_half', 'second_half'] as const;
export type LeavePortion = (typeof LEAVE_PORTIONS)[number];

export interface LeaveDay {
  date: LocalDate;
  portion: LeavePortion;
  /** 1 for a full day, 0.5 for a half day. */
  days: number;
}

/** Longest request we accept in one go: a year; longer absences are several requests. */
export const MAX_LEAVE_SPAN_DAYS = 366;

export type LeaveDaysResult =
  | { ok: true; days: LeaveDay[]; total: number }
  | { ok: false; reason: 'invalid_date' | 'reversed' | 'too_long' | 'half_day_range' | 'no_working_day' };

/**
 * The working days between `fromDate` and `toDate` (inclusive) that a request takes. Days off (the
 * caller's `isWorkingDay` says no) cost nothing. A half day is a single date.
 */
export function leaveDays(
  fromDate: LocalDate,
  toDate: LocalDate,
  portion: LeavePortion,
  isWorkingDay: (date: LocalDate) => boolean,
): LeaveDaysResult {
  if (!isValidLocalDate(fromDate) || !isValidLocalDate(toDate)) return { ok: false, reason: 'invalid_date' };
  if (toDate < fromDate) return { ok: false, reason: 'reversed' };
  if (portion !== 'full' && toDate !== fromDate) return { ok: false, reason: 'half_day_range' };
  const days: LeaveDay[] = [];
  let date = fromDate;
  for (let i = 0; date <= toDate; i++, date = addDays(date, 1)) {
    if (i >= MAX_LEAVE_SPAN_DAYS) return { ok: false, reason: 'too_long' };
    if (isWorkingDay(date)) days.push({ date, portion, days: portion === 'full' ? 1 : 0.5 });
  }
  if (days.length === 0) return { ok: false, reason: 'no_working_day' };
  return { ok: true, days, total: days.reduce((sum, d) => sum + d.days, 0) };
}

export interface LeaveBalanceInput {
  /** Days granted for the year. */
  allocated: number;
  /** Days brought over from last year. */
  carried: number;
  /** Approved days in the year. */
  taken: number;
  /** Days of requests still waiting for a decision (reserved so two requests cannot overdraw). */
  pending: number;
}

/** allocated + carried − taken − pending. */
export function leaveBalance(b: LeaveBalanceInput): number {
  return roundHalf(b.allocated + b.carried - b.taken - b.pending);
}

/** What is left of last year, capped at the type's carry-over maximum; never negative. */
export function carryOverDays(previous: LeaveBalanceInput | null, maxCarryOverDays: number): number {
  if (previous === null || maxCarryOverDays <= 0) return 0;
  const left = previous.allocated + previous.carried - previous.taken;
  return roundHalf(Math.max(0, Math.min(maxCarryOverDays, left)));
}

/** Leave is counted in half days; this keeps 0.1+0.2 style noise out of balances. */
function roundHalf(n: number): number {
  return Math.round(n * 2) / 2;
}

export interface ApproverCandidate {
  employeeId: string;
  /** The linked user account, if the supervisor has one. */
  userId: string | null;
  /** On approved leave today: cannot approve now. */
  onLeave: boolean;
}

export type ApproverChoice =
  | { kind: 'supervisor'; employeeId: string; userId: string; skipped: string[] }
  /** Nobody in the chain can approve: the organization's admins decide. */
  | { kind: 'admins'; skipped: string[] };

/**
 * The first supervisor up the chain (direct supervisor first) who has a user account and is not on
 * leave; the ones passed over are returned in `skipped` (for the audit trail).
 */
export function chooseApprover(chain: readonly ApproverCandidate[]): ApproverChoice {
  const skipped: string[] = [];
  for (const c of chain) {
    if (c.userId !== null && !c.onLeave) {
      return { kind: 'supervisor', employeeId: c.employeeId, userId: c.userId, skipped };
    }
    skipped.push(c.employeeId);
  }
  return { kind: 'admins', skipped };
}

// ---------------------------------------------------------------- WhatsApp texts

export interface LeaveRequestedMessageInput {
  employeeCode: string;
  name: string;
  leaveTypeName: string;
  fromDate: LocalDate;
  toDate: LocalDate;
  portion: LeavePortion;
  days: number;
  reason: string | null;
  locale: Locale;
}

const PORTION_TEXT: Record<Locale, Record<LeavePortion, string>> = {
  id: { full: '', first_half: ' (setengah hari pertama)', second_half: ' (setengah hari kedua)' },
  en: { full: '', first_half: ' (first half)', second_half: ' (second half)' },
  vi: { full: '', first_half: ' (nửa ngày đầu)', second_half: ' (nửa ngày sau)' },
};

function span(fromDate: LocalDate, toDate: LocalDate, portion: LeavePortion, locale: Locale): string {
  const dates = fromDate === toDate ? fromDate : `${fromDate} – ${toDate}`;
  return `${dates}${PORTION_TEXT[locale][portion]}`;
}

/** To the approver: `[CUTI] EMP001 - Budi Santoso mengajukan Annual leave 2025-03-03 – 2025-03-05 (3 hari)…` */
export function formatLeaveRequestedMessage(m: LeaveRequestedMessageInput): string {
  const when = span(m.fromDate, m.toDate, m.portion, m.locale);
  const reason = m.reason ? ` ${m.reason}` : '';
  switch (m.locale) {
    case 'id':
      return `[CUTI] ${m.employeeCode} - ${m.name} mengajukan ${m.leaveTypeName} ${when} (${m.days} hari).${reason ? ` Alasan:${reason}.` : ''} Mohon setujui atau tolak di Hadir.`;
    case 'en':
      return `[LEAVE] ${m.employeeCode} - ${m.name} requests ${m.leaveTypeName} ${when} (${m.days} ${m.days === 1 ? 'day' : 'days'}).${reason ? ` Reason:${reason}.` : ''} Please approve or reject in Hadir.`;
    case 'vi':
      return `[NGHỈ PHÉP] ${m.employeeCode} - ${m.name} xin ${m.leaveTypeName} ${when} (${m.days} ngày).${reason ? ` Lý do:${reason}.` : ''} Vui lòng duyệt hoặc từ chối trên Hadir.`;
  }
}

export interface LeaveDecidedMessageInput {
  leaveTypeName: string;
  fromDate: LocalDate;
  toDate: LocalDate;
  portion: LeavePortion;
  approved: boolean;
  deciderName: string;
  comment: string | null;
  locale: Locale;
}

/** To the employee: `[CUTI] Annual leave 2025-03-03 disetujui oleh Sari. Catatan: …` */
export function formatLeaveDecidedMessage(m: LeaveDecidedMessageInput): string {
  const when = span(m.fromDate, m.toDate, m.portion, m.locale);
  switch (m.locale) {
    case 'id':
      return `[CUTI] ${m.leaveTypeName} ${when} ${m.approved ? 'disetujui' : 'ditolak'} oleh ${m.deciderName}.${m.comment ? ` Catatan: ${m.comment}` : ''}`;
    case 'en':
      return `[LEAVE] ${m.leaveTypeName} ${when} ${m.approved ? 'approved' : 'rejected'} by ${m.deciderName}.${m.comment ? ` Comment: ${m.comment}` : ''}`;
    case 'vi':
      return `[NGHỈ PHÉP] ${m.leaveTypeName} ${when} ${m.approved ? 'đã được duyệt' : 'đã bị từ chối'} bởi ${m.deciderName}.${m.comment ? ` Ghi chú: ${m.comment}` : ''}`;
  }
}
