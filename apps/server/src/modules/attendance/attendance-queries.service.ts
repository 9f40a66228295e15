import type {
  AttendanceDayView,
  AttendanceDaysPage,
  AttendanceDaysQuery,
  AttendanceMonth,
} from '@hadir/contracts';
import {
  describeAttendanceReason,
  isValidLocalDate,
  zonedDayBounds,
  addDays,
  localDate,
  type Locale,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { dayFromRow, type AttendanceDaysService } from './attendance-days.service.js';
import type { AttendanceEventsService } from './attendance-events.service.js';
import type { MonthExport, MonthExportRow } from './month-export.writer.js';

type DayCell = MonthExportRow['days'] extends Map<string, infer V> ? V : never;

function encodeCursor(date: string, employeeId: string): string {
  return Buffer.from(`${date}|${employeeId}`).toString('base64url');
}

function decodeCursor(cursor: string): { date: string; employeeId: string } {
  const [date = '', employeeId = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!isValidLocalDate(date) || employeeId === '')
    throw badRequest('invalid_cursor', 'The cursor is not valid');
  return { date, employeeId };
}

/** Reads for the attendance pages: the list (keyset by date, employee) and one day with its events. */
export class AttendanceQueries {
  constructor(
    private readonly ctx: ServerContext,
    private readonly events: AttendanceEventsService,
    private readonly days: AttendanceDaysService,
  ) {}

  /**
   * Everyone's month (active employees, optionally one department) for the XLSX/PDF export: days up to
   * today, derived first where missing, per-employee rows with totals, in the organization's zone.
   */
  async monthExport(
    organizationId: string,
    month: string,
    departmentId: string | undefined,
    localeIn: Locale | undefined,
  ): Promise<MonthExport> {
    const org = await this.ctx.db
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', organizationId)
      .executeTakeFirstOrThrow();
    const settings = await getOrganizationSettings(this.ctx.db, organizationId);
    const locale: Locale = localeIn ?? settings.locale;
    const first = `${month}-01`;
    const last = addDays(addDays(first, 31).slice(0, 8) + '01', -1);
    const dates: string[] = [];
    for (let d = first; d <= last; d = addDays(d, 1)) dates.push(d);
    let q = this.ctx.db
      .selectFrom('employees')
      .leftJoin('departments', 'departments.id', 'employees.departmentId')
      .select(['employees.id', 'employees.employeeCode', 'employees.name', 'departments.name as department'])
      .where('employees.organizationId', '=', organizationId)
      .where('employees.status', '=', 'active')
      .orderBy('employees.employeeCode');
    if (departmentId) q = q.where('employees.departmentId', '=', departmentId);
    const employees = await q.execute();
    const today = localDate(settings.timeZone, this.ctx.clock.nowMs());
    const to = last < today ? last : today;
    const days =
      first <= to && employees.length > 0
        ? await this.days.daysFor(
            organizationId,
            first,
            to,
            employees.map((e) => e.id),
          )
        : [];
    const byEmployee = new Map<string, MonthExportRow['days']>();
    for (const d of days) {
      const map: MonthExportRow['days'] = byEmployee.get(d.employeeId) ?? new Map<string, DayCell>();
      map.set(d.date, {
        status: d.status,
        checkInMs: d.checkInMs,
        checkOutMs: d.checkOutMs,
        workedMinutes: d.workedMinutes,
        lateMinutes: d.lateMinutes,
        reasonText: describeAttendanceReason(d.reason, locale, settings.timeZone),
      });
      byEmployee.set(d.employeeId, map);
    }
    const PRESENT = ['present', 'late', 'early_leave', 'half_day'];
    return {
      organizationName: org.name,
      month,
      dates,
      timeZone: settings.timeZone,
      locale,
      generatedAtMs: this.ctx.clock.nowMs(),
      rows: employees.map((e) => {
        const map: MonthExportRow['days'] = byEmployee.get(e.id) ?? new Map<string, DayCell>();
        const list = [...map.values()];
        return {
          employeeCode: e.employeeCode,
          name: e.name,
          department: e.department,
          days: map,
          totals: {
            present: list.filter((d) => PRESENT.includes(d.status)).length,
            late: list.filter((d) => d.lateMinutes > 0).length,
            absent: list.filter((d) => d.status === 'absent').length,
            excused: list.filter((d) => d.status === 'excused').length,
            workedMinutes: list.reduce((sum, d) => sum + d.workedMinutes, 0),
          },
        };
      }),
    };
  }

  /**
   * One employee's month up to today (organization zone), oldest day first, with totals. Days not
   * derived yet (nobody records an absence as an event) are derived first, so every date has a status.
   */
  async month(
    organizationId: string,
    employeeId: string,
    month: string,
    localeIn?: Locale,
  ): Promise<AttendanceMonth> {
    const employee = await this.ctx.db
      .selectFrom('employees')
      .select(['id', 'employeeCode', 'name'])
      .where('organizationId', '=', organizationId)
      .where('id', '=', employeeId)
      .executeTakeFirst();
    if (!employee) throw notFound('Employee');
    const settings = await getOrganizationSettings(this.ctx.db, organizationId);
    const first = `${month}-01`;
    const last = addDays(addDays(first, 31).slice(0, 8) + '01', -1);
    const today = localDate(settings.timeZone, this.ctx.clock.nowMs());
    const to = last < today ? last : today;
    const items: AttendanceDayView[] = [];
    if (first <= to) {
      await this.days.daysFor(organizationId, first, to, [employeeId]);
      const page = await this.list(organizationId, {
        from: first,
        to,
        employeeId,
        limit: 31,
        locale: localeIn,
      });
      items.push(...page.items.reverse());
    }
    const count = (...statuses: string[]) => items.filter((d) => statuses.includes(d.status)).length;
    return {
      employeeId,
      employeeCode: employee.employeeCode,
      employeeName: employee.name,
      month,
      timeZone: settings.timeZone,
      days: items,
      totals: {
        present: count('present', 'late', 'early_leave', 'half_day'),
        late: items.filter((d) => d.lateMinutes > 0).length,
        absent: count('absent'),
        excused: count('excused'),
        dayOff: count('day_off'),
        holiday: count('holiday'),
        workedMinutes: items.reduce((sum, d) => sum + d.workedMinutes, 0),
        lateMinutes: items.reduce((sum, d) => sum + d.lateMinutes, 0),
      },
    };
  }

  async list(organizationId: string, q: AttendanceDaysQuery): Promise<AttendanceDaysPage> {
    if (!isValidLocalDate(q.from) || !isValidLocalDate(q.to))
      throw badRequest('invalid_date', 'Invalid date');
    if (q.to < q.from) throw badRequest('invalid_range', 'The end date is before the start date');
    const settings = await getOrganizationSettings(this.ctx.db, organizationId);
    const locale: Locale = q.locale ?? settings.locale;
    let query = this.ctx.db
      .selectFrom('attendanceDays as d')
      .innerJoin('employees as e', 'e.id', 'd.employeeId')
      .selectAll('d')
      .select(['e.employeeCode', 'e.name as employeeName'])
      .where('d.organizationId', '=', organizationId)
      .where('e.organizationId', '=', organizationId)
      .where('d.workDate', '>=', q.from)
      .where('d.workDate', '<=', q.to)
      .orderBy('d.workDate', 'desc')
      .orderBy('d.employeeId')
      .limit(q.limit + 1);
    if (q.status) query = query.where('d.status', '=', q.status);
    if (q.employeeId) query = query.where('d.employeeId', '=', q.employeeId);
    if (q.departmentId) query = query.where('e.departmentId', '=', q.departmentId);
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      query = query.where((eb) =>
        eb.or([
          eb('d.workDate', '<', c.date),
          eb.and([eb('d.workDate', '=', c.date), eb('d.employeeId', '>', c.employeeId)]),
        ]),
      );
    }
    const rows = await query.execute();
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => this.present(r, locale, settings.timeZone)),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.workDate, last.employeeId) : null,
    };
  }

  async detail(organizationId: string, employeeId: string, date: string, localeIn?: Locale) {
    const settings = await getOrganizationSettings(this.ctx.db, organizationId);
    const page = await this.list(organizationId, {
      from: date,
      to: date,
      employeeId,
      limit: 1,
      locale: localeIn,
    });
    const fromMs = zonedDayBounds(settings.timeZone, addDays(date, -1)).startMs;
    const toMs = zonedDayBounds(settings.timeZone, addDays(date, 1)).endMs;
    const events = await this.events.listForEmployee(organizationId, employeeId, fromMs, toMs);
    return {
      day: page.items[0] ?? null,
      events: events.map((e) => ({
        id: e.id,
        occurredAt: toIso(e.occurredAtMs),
        kind: e.kind,
        source: e.source,
        label: e.label,
      })),
    };
  }

  present(
    r: Parameters<typeof dayFromRow>[0] & { employeeCode: string; employeeName: string },
    locale: Locale,
    timeZone: string,
  ): AttendanceDayView {
    const day = dayFromRow(r);
    return {
      employeeId: r.employeeId,
      employeeCode: r.employeeCode,
      employeeName: r.employeeName,
      date: r.workDate,
      status: day.status,
      reason: day.reason,
      reasonText: describeAttendanceReason(day.reason, locale, timeZone),
      shiftTypeId: day.shiftTypeId,
      checkInAt: toIsoOrNull(day.checkInMs),
      checkOutAt: toIsoOrNull(day.checkOutMs),
      workedMinutes: day.workedMinutes,
      breakMinutes: day.breakMinutes,
      lateMinutes: day.lateMinutes,
      earlyLeaveMinutes: day.earlyLeaveMinutes,
      sources: day.sources,
      version: r.version,
    };
  }
}
