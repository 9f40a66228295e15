import {
  addDays,
  attendanceDayChanged,
  deriveAttendanceDay,
  isValidLocalDate,
  rosterDayFor,
  zonedDayBounds,
  type AttendanceDay,
  type AttendanceDayStatus,
  type AttendanceEventInput,
  type AttendanceReason,
  type AttendanceSource,
  type LeaveForDay,
} from '@hadir/domain';
import { sql } from 'kysely';
import type { ServerContext } from '../../context.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { loadCorrections, loadHolidays, loadRoster, reserveSeqs } from './attendance.repository.js';
import { NO_LEAVE, type LeaveSource } from './leave-source.js';

/** The longest period one recompute may cover (a preview of a year for everyone is not a request). */
export const MAX_RECOMPUTE_DAYS = 62;

export interface DayChange {
  employeeId: string;
  date: string;
  before: AttendanceDay | null;
  after: AttendanceDay;
}

interface StoredRow {
  id: string;
  employeeId: string;
  workDate: string;
  shiftTypeId: string | null;
  checkIn: number | null;
  checkOut: number | null;
  workedMinutes: number;
  breakMinutes: number;
  lateMinutes: number;
  earlyLeaveMinutes: number;
  status: string;
  reason: string;
  sources: string;
  version: number;
  computedAt: number;
}

export function dayFromRow(r: StoredRow): AttendanceDay {
  return {
    employeeId: r.employeeId,
    date: r.workDate,
    status: r.status as AttendanceDayStatus,
    reason: JSON.parse(r.reason) as AttendanceReason,
    shiftTypeId: r.shiftTypeId,
    checkInMs: r.checkIn,
    checkOutMs: r.checkOut,
    workedMinutes: r.workedMinutes,
    breakMinutes: r.breakMinutes,
    lateMinutes: r.lateMinutes,
    earlyLeaveMinutes: r.earlyLeaveMinutes,
    sources: JSON.parse(r.sources) as AttendanceSource[],
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function datesBetween(fromDate: string, toDate: string): string[] {
  const out: string[] = [];
  for (let d = fromDate; d <= toDate; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * Derives attendance days from stored events and rules, and stores the ones that changed. Idempotent:
 * a second run over the same inputs writes nothing and publishes nothing.
 */
export class AttendanceDaysService {
  constructor(
    private readonly ctx: ServerContext,
    private leave: LeaveSource = NO_LEAVE,
  ) {}

  /** Wired by the composition root once the leave module exists. */
  setLeaveSource(source: LeaveSource): void {
    this.leave = source;
  }

  /** The leave source in force (other readers of the same rules use it too). */
  get leaveSource(): LeaveSource {
    return this.leave;
  }

  /** Re-derives one employee's days and stores what changed; the public seam for other modules. */
  async recomputeEmployeeRange(
    organizationId: string,
    employeeId: string,
    fromDate: string,
    toDate: string,
  ): Promise<DayChange[]> {
    return this.apply(organizationId, fromDate, toDate, [employeeId]);
  }

  /**
   * Stored days of a period for reports, derived first where they may be missing or stale: a day with
   * no row, a `pending` one, or one computed before the day was over (a night shift and its check-out
   * window reach two days on). Past days that were derived after they ended are read as stored, so a
   * report over a quarter derives each day once. `employeeIds` null = the active employees.
   */
  async daysFor(
    organizationId: string,
    fromDate: string,
    toDate: string,
    employeeIds: readonly string[] | null,
  ): Promise<AttendanceDay[]> {
    if (!isValidLocalDate(fromDate) || !isValidLocalDate(toDate))
      throw badRequest('invalid_date', 'Dates must be valid YYYY-MM-DD');
    if (employeeIds !== null && employeeIds.length === 0) return [];
    const settings = await getOrganizationSettings(this.ctx.db, organizationId);
    const tz = settings.timeZone;
    const read = async () => {
      const out: StoredRow[] = [];
      const slices = employeeIds === null ? [null] : chunk(employeeIds, 500);
      for (const slice of slices) {
        let q = this.ctx.db
          .selectFrom('attendanceDays')
          .innerJoin('employees', 'employees.id', 'attendanceDays.employeeId')
          .selectAll('attendanceDays')
          .where('attendanceDays.organizationId', '=', organizationId)
          .where('attendanceDays.workDate', '>=', fromDate)
          .where('attendanceDays.workDate', '<=', toDate);
        q =
          slice === null
            ? q.where('employees.status', '=', 'active')
            : q.where('attendanceDays.employeeId', 'in', slice);
        out.push(...(await q.execute()));
      }
      return out;
    };
    let expected = employeeIds?.length ?? 0;
    if (employeeIds === null) {
      const row = await this.ctx.db
        .selectFrom('employees')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organizationId', '=', organizationId)
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow();
      expected = Number(row.n);
    }
    const rows = await read();
    const perDate = new Map<string, { count: number; stale: boolean }>();
    for (const r of rows) {
      const entry = perDate.get(r.workDate) ?? { count: 0, stale: false };
      entry.count += 1;
      const settledMs = zonedDayBounds(tz, addDays(r.workDate, 2)).startMs;
      if (r.status === 'pending' || r.computedAt < settledMs) entry.stale = true;
      perDate.set(r.workDate, entry);
    }
    const todo = datesBetween(fromDate, toDate).filter((d) => {
      const entry = perDate.get(d);
      return entry === undefined || entry.count < expected || entry.stale;
    });
    if (todo.length === 0) return rows.map(dayFromRow);
    // Contiguous runs of dates to derive, at most MAX_RECOMPUTE_DAYS each.
    let runStart = todo[0] as string;
    let prev = runStart;
    const runs: [string, string][] = [];
    for (const d of todo.slice(1)) {
      if (d !== addDays(prev, 1) || datesBetween(runStart, d).length > MAX_RECOMPUTE_DAYS) {
        runs.push([runStart, prev]);
        runStart = d;
      }
      prev = d;
    }
    runs.push([runStart, prev]);
    for (const [from, to] of runs) await this.apply(organizationId, from, to, employeeIds);
    // Days now over that the derivation left unchanged are settled: mark them so they are read, not
    // derived again, next time (the change sequence is untouched, so no ERP cursor sees a change).
    const nowMs = this.ctx.clock.nowMs();
    for (const d of todo) {
      const settledMs = zonedDayBounds(tz, addDays(d, 2)).startMs;
      if (nowMs < settledMs) continue;
      for (const slice of employeeIds === null ? [null] : chunk(employeeIds, 500)) {
        let u = this.ctx.db
          .updateTable('attendanceDays')
          .set({ computedAt: nowMs })
          .where('organizationId', '=', organizationId)
          .where('workDate', '=', d)
          .where('computedAt', '<', settledMs);
        if (slice !== null) u = u.where('employeeId', 'in', slice);
        await u.execute();
      }
    }
    return (await read()).map(dayFromRow);
  }

  /** 404 unless the employee belongs to the organization. */
  async assertEmployee(organizationId: string, employeeId: string): Promise<void> {
    const row = await this.ctx.db
      .selectFrom('employees')
      .select('id')
      .where('organizationId', '=', organizationId)
      .where('id', '=', employeeId)
      .executeTakeFirst();
    if (!row) throw notFound('Employee');
  }

  /** What a recompute would change, without writing. */
  async preview(
    organizationId: string,
    fromDate: string,
    toDate: string,
    employeeIds: readonly string[] | null = null,
  ): Promise<DayChange[]> {
    return this.derive(organizationId, fromDate, toDate, employeeIds);
  }

  async apply(
    organizationId: string,
    fromDate: string,
    toDate: string,
    employeeIds: readonly string[] | null = null,
  ): Promise<DayChange[]> {
    const changes = await this.derive(organizationId, fromDate, toDate, employeeIds);
    if (changes.length === 0) return changes;
    const now = this.ctx.clock.nowMs();
    // Chunks keep a month for thousands of employees from holding one giant transaction; each chunk is
    // one multi-row upsert on (organization, employee, date): new days are inserted, changed ones
    // overwritten with their version bumped — no statement per day.
    for (let i = 0; i < changes.length; i += 400) {
      const chunk = changes.slice(i, i + 400);
      await this.ctx.db.transaction().execute(async (trx) => {
        const firstSeq = await reserveSeqs(trx, organizationId, chunk.length);
        const rows = chunk.map((change, k) => ({
          id: newId(now),
          organizationId,
          employeeId: change.after.employeeId,
          workDate: change.after.date,
          version: 1,
          ...this.rowValues(change.after, firstSeq + k, now),
        }));
        await trx
          .insertInto('attendanceDays')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['organizationId', 'employeeId', 'workDate']).doUpdateSet((eb) => ({
              shiftTypeId: eb.ref('excluded.shiftTypeId'),
              checkIn: eb.ref('excluded.checkIn'),
              checkOut: eb.ref('excluded.checkOut'),
              workedMinutes: eb.ref('excluded.workedMinutes'),
              breakMinutes: eb.ref('excluded.breakMinutes'),
              lateMinutes: eb.ref('excluded.lateMinutes'),
              earlyLeaveMinutes: eb.ref('excluded.earlyLeaveMinutes'),
              status: eb.ref('excluded.status'),
              reason: eb.ref('excluded.reason'),
              sources: eb.ref('excluded.sources'),
              changedSeq: eb.ref('excluded.changedSeq'),
              computedAt: eb.ref('excluded.computedAt'),
              version: sql<number>`attendance_days.version + 1`,
            })),
          )
          .execute();
      });
    }
    for (const change of changes) {
      this.ctx.events.publish('attendance.day.changed', {
        organizationId,
        employeeId: change.employeeId,
        date: change.date,
        status: change.after.status,
        previousStatus: change.before?.status ?? null,
      });
    }
    return changes;
  }

  private rowValues(a: AttendanceDay, seq: number, now: number) {
    return {
      shiftTypeId: a.shiftTypeId,
      checkIn: a.checkInMs,
      checkOut: a.checkOutMs,
      workedMinutes: a.workedMinutes,
      breakMinutes: a.breakMinutes,
      lateMinutes: a.lateMinutes,
      earlyLeaveMinutes: a.earlyLeaveMinutes,
      status: a.status,
      reason: JSON.stringify(a.reason),
      sources: JSON.stringify(a.sources),
      changedSeq: seq,
      computedAt: now,
    };
  }

  private async derive(
    organizationId: string,
    fromDate: string,
    toDate: string,
    employeeIds: readonly string[] | null,
  ): Promise<DayChange[]> {
    if (!isValidLocalDate(fromDate) || !isValidLocalDate(toDate))
      throw badRequest('invalid_date', 'Dates must be valid YYYY-MM-DD');
    if (toDate < fromDate) throw badRequest('invalid_range', 'The end date is before the start date');
    const dates = datesBetween(fromDate, toDate);
    if (dates.length > MAX_RECOMPUTE_DAYS)
      throw badRequest('range_too_long', `At most ${MAX_RECOMPUTE_DAYS} days at a time`);
    const db = this.ctx.db;
    const settings = await getOrganizationSettings(db, organizationId);
    const tz = settings.timeZone;

    let employeesQuery = db
      .selectFrom('employees')
      .leftJoin('areas', 'areas.id', 'employees.areaId')
      .select(['employees.id', 'employees.departmentId', 'areas.siteId'])
      .where('employees.organizationId', '=', organizationId)
      .orderBy('employees.id');
    if (employeeIds !== null) {
      if (employeeIds.length === 0) return [];
      employeesQuery = employeesQuery.where('employees.id', 'in', [...employeeIds]);
    } else {
      employeesQuery = employeesQuery.where('employees.status', '=', 'active');
    }
    const employees = await employeesQuery.execute();
    if (employeeIds !== null && employees.length !== new Set(employeeIds).size) throw notFound('Employee');
    if (employees.length === 0) return [];
    const ids = employees.map((e) => e.id);

    const { shiftTypes, assignments } = await loadRoster(db, organizationId, settings);
    const holidays = await loadHolidays(db, organizationId, fromDate, toDate);
    const corrections = await loadCorrections(db, organizationId, fromDate, toDate, employeeIds);
    const leave = new Map<string, LeaveForDay>();
    for (const l of await this.leave.approvedLeave(
      organizationId,
      fromDate,
      toDate,
      employeeIds ?? undefined,
    )) {
      const key = `${l.employeeId}|${l.date}`;
      // A full day wins over a half day recorded for the same date.
      if (!leave.has(key) || l.portion === 'full') leave.set(key, l);
    }

    // Night shifts and ±windows reach a day either side of the range.
    const fromMs = zonedDayBounds(tz, addDays(fromDate, -1)).startMs;
    const toMs = zonedDayBounds(tz, addDays(toDate, 2)).endMs;
    const eventsByEmployee = new Map<string, AttendanceEventInput[]>();
    const storedByKey = new Map<string, AttendanceDay>();
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      const events = await db
        .selectFrom('attendanceEvents')
        .select(['id', 'employeeId', 'occurredAt', 'kind', 'source', 'label'])
        .where('organizationId', '=', organizationId)
        .where('employeeId', 'in', slice)
        .where('occurredAt', '>=', fromMs)
        .where('occurredAt', '<', toMs)
        // A phone record a manager rejected no longer counts toward the day.
        .where((eb) => eb.or([eb('review', 'is', null), eb('review', '<>', 'rejected')]))
        .execute();
      for (const e of events) {
        const list = eventsByEmployee.get(e.employeeId) ?? [];
        list.push({
          id: e.id,
          occurredAtMs: e.occurredAt,
          kind: e.kind as AttendanceEventInput['kind'],
          source: e.source as AttendanceEventInput['source'],
          label: e.label,
        });
        eventsByEmployee.set(e.employeeId, list);
      }
      const stored = await db
        .selectFrom('attendanceDays')
        .selectAll()
        .where('organizationId', '=', organizationId)
        .where('employeeId', 'in', slice)
        .where('workDate', '>=', fromDate)
        .where('workDate', '<=', toDate)
        .execute();
      for (const row of stored) storedByKey.set(`${row.employeeId}|${row.workDate}`, dayFromRow(row));
    }

    const asOfMs = this.ctx.clock.nowMs();
    const changes: DayChange[] = [];
    for (const employee of employees) {
      const events = eventsByEmployee.get(employee.id) ?? [];
      for (const date of dates) {
        const key = `${employee.id}|${date}`;
        const roster = rosterDayFor(assignments, shiftTypes, employee, date);
        const holiday =
          holidays.find((h) => h.date === date && (h.siteId === null || h.siteId === employee.siteId)) ??
          null;
        const after = deriveAttendanceDay({
          employeeId: employee.id,
          date,
          timeZone: tz,
          shiftType: roster.kind === 'shift' ? roster.shiftType : null,
          holiday: holiday && { name: holiday.name },
          leave: leave.get(key) ?? null,
          events,
          correction: corrections.get(key) ?? null,
          asOfMs,
        });
        const before = storedByKey.get(key) ?? null;
        if (attendanceDayChanged(before, after))
          changes.push({ employeeId: employee.id, date, before, after });
      }
    }
    return changes;
  }
}

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'attendance.day.changed': {
      organizationId: string;
      employeeId: string;
      date: string;
      status: AttendanceDayStatus;
      previousStatus: AttendanceDayStatus | null;
    };
  }
}
