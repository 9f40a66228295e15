import {
  ANALYTICS_MAX_DAYS,
  type AttendanceAnalytics,
  type AttendanceAnalyticsQuery,
  type AttendanceDepartment,
  type LatenessBucket,
  type OrganizationSettings,
  type PresenceLogEntry,
  type PresenceLogPage,
  type PresenceLogQuery,
} from '@hadir/contracts';
import {
  addDays,
  isScheduledDay,
  localDate,
  reportStatusOf,
  type WeeklySchedule as DomainSchedule,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import { badRequest } from '../../platform/http/errors.js';
import { getOrganizationSettings } from '../organizations/index.js';
import type { AttendanceDaysSource } from '../reports/index.js';
import { decodeIntervalCursor, encodeIntervalCursor, stayCameras } from '../presence/index.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { MATCHES_NOBODY, TeamQueries, teamScopeIds, teamScopeOf, type TeamScope } from '../people/index.js';

/** Lateness histogram edges (minutes late, inclusive ranges); HR asks "how late", not "whether". */
const LATENESS_EDGES: readonly [number, number | null][] = [
  [1, 5],
  [6, 15],
  [16, 30],
  [31, 60],
  [61, null],
];

/** The organization's weekly hours as the domain's schedule (grace applies to every day). */
export function domainSchedule(settings: OrganizationSettings): DomainSchedule {
  return { days: { ...settings.workingHours }, graceMinutes: settings.lateGraceMinutes };
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length <= ANALYTICS_MAX_DAYS; d = addDays(d, 1)) out.push(d);
  return out;
}

/** One person's days in the period: the attendance PDF's per-employee table. */
export interface EmployeeAttendance {
  employeeCode: string;
  name: string;
  departmentName: string | null;
  scheduled: number;
  present: number;
  late: number;
  lateMinutes: number;
  absent: number;
  presentMinutes: number;
}

/**
 * Read-only aggregates for the reports page. Attendance per employee-day is the stored attendance day
 * (the attendance slice derives it from events and each employee's rules), so the charts, the daily
 * report and the attendance pages agree.
 */
export class AnalyticsService {
  private readonly team: TeamQueries;
  constructor(
    private readonly ctx: ServerContext,
    private readonly attendanceDays: AttendanceDaysSource,
  ) {
    this.team = new TeamQueries(ctx.db);
  }

  async attendance(orgId: string, q: AttendanceAnalyticsQuery): Promise<AttendanceAnalytics> {
    return (await this.attendanceReport(orgId, q)).analytics;
  }

  /** The charts' aggregates plus one row per employee (the PDF's table; the JSON has no use for it). */
  async attendanceReport(
    orgId: string,
    q: AttendanceAnalyticsQuery,
  ): Promise<{ analytics: AttendanceAnalytics; employees: EmployeeAttendance[] }> {
    if (q.to < q.from) throw badRequest('invalid_range', '"to" must not be before "from".');
    const dates = daysBetween(q.from, q.to);
    if (dates.length > ANALYTICS_MAX_DAYS) {
      throw badRequest('range_too_long', `Choose at most ${ANALYTICS_MAX_DAYS} days.`);
    }
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    const tz = settings.timeZone;
    const nowMs = this.ctx.clock.nowMs();

    let employeesQuery = this.ctx.db
      .selectFrom('employees')
      .leftJoin('departments', 'departments.id', 'employees.departmentId')
      .select([
        'employees.id',
        'employees.employeeCode',
        'employees.name',
        'employees.departmentId',
        'employees.createdAt',
        'departments.name as departmentName',
      ])
      .where('employees.organizationId', '=', orgId)
      .where('employees.status', '=', 'active');
    if (q.departmentId) employeesQuery = employeesQuery.where('employees.departmentId', '=', q.departmentId);
    const employees = await employeesQuery.execute();

    // Stored attendance days (derived first where missing or stale): the numbers the attendance pages
    // and the daily report show.
    const stored = await this.attendanceDays.daysFor(
      orgId,
      dates[0]!,
      dates.at(-1)!,
      employees.map((e) => e.id),
    );
    const dayOf = new Map(stored.map((d) => [`${d.employeeId}|${d.date}`, d]));

    const days = dates.map((date) => ({
      date,
      scheduled: 0,
      present: 0,
      absent: 0,
      late: 0,
      pending: 0,
      presentMinutes: 0,
      averagePresentMinutes: 0,
    }));
    const departments = new Map<string, AttendanceDepartment & { minutes: number }>();
    const lateness: LatenessBucket[] = LATENESS_EDGES.map(([fromMinutes, toMinutes]) => ({
      fromMinutes,
      toMinutes,
      count: 0,
    }));

    const perEmployee: EmployeeAttendance[] = [];
    for (const e of employees) {
      const mine: EmployeeAttendance = {
        employeeCode: e.employeeCode,
        name: e.name,
        departmentName: e.departmentName,
        scheduled: 0,
        present: 0,
        late: 0,
        lateMinutes: 0,
        absent: 0,
        presentMinutes: 0,
      };
      perEmployee.push(mine);
      const key = e.departmentId ?? '';
      const dept = departments.get(key) ?? {
        departmentId: e.departmentId,
        name: e.departmentName,
        employees: 0,
        present: 0,
        absent: 0,
        late: 0,
        attendanceRate: 0,
        averagePresentMinutes: 0,
        minutes: 0,
      };
      dept.employees += 1;
      departments.set(key, dept);
      // Days before someone joined are not absences.
      const joined = localDate(tz, e.createdAt);
      for (const day of days) {
        if (day.date < joined) continue;
        const a = dayOf.get(`${e.id}|${day.date}`) ?? null;
        if (isScheduledDay(a)) {
          day.scheduled += 1;
          mine.scheduled += 1;
        }
        const status = reportStatusOf(a);
        if (status === 'present' && a !== null) {
          const minutes = a.workedMinutes;
          mine.present += 1;
          mine.presentMinutes += minutes;
          day.present += 1;
          day.presentMinutes += minutes;
          dept.present += 1;
          dept.minutes += minutes;
          if (a.lateMinutes > 0) {
            mine.late += 1;
            mine.lateMinutes += a.lateMinutes;
            day.late += 1;
            dept.late += 1;
            const bucket = lateness.find(
              (b) => a.lateMinutes >= b.fromMinutes && (b.toMinutes === null || a.lateMinutes <= b.toMinutes),
            );
            if (bucket) bucket.count += 1;
          }
        } else if (status === 'absent') {
          mine.absent += 1;
          day.absent += 1;
          dept.absent += 1;
        } else if (status === 'pending') {
          day.pending += 1;
        }
      }
    }
    for (const day of days) {
      day.averagePresentMinutes = day.present ? Math.round(day.presentMinutes / day.present) : 0;
    }
    const deptList = [...departments.values()]
      .map(({ minutes, ...d }) => ({
        ...d,
        attendanceRate: d.present + d.absent ? round3(d.present / (d.present + d.absent)) : 0,
        averagePresentMinutes: d.present ? Math.round(minutes / d.present) : 0,
      }))
      .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff'));
    const present = days.reduce((s, d) => s + d.present, 0);
    const absent = days.reduce((s, d) => s + d.absent, 0);
    const analytics: AttendanceAnalytics = {
      from: q.from,
      to: q.to,
      timeZone: tz,
      departmentId: q.departmentId ?? null,
      generatedAt: toIso(nowMs),
      totals: {
        employees: employees.length,
        present,
        absent,
        late: days.reduce((s, d) => s + d.late, 0),
        attendanceRate: present + absent ? round3(present / (present + absent)) : 0,
        presentMinutes: days.reduce((s, d) => s + d.presentMinutes, 0),
      },
      days,
      departments: deptList,
      lateness,
    };
    perEmployee.sort(
      (a, b) =>
        a.name.localeCompare(b.name, undefined, { numeric: true }) ||
        a.employeeCode.localeCompare(b.employeeCode, undefined, { numeric: true }),
    );
    return { analytics, employees: perEmployee };
  }

  /**
   * The presence log with department and snapshot id (the presence module's log has neither), narrowed
   * to the caller's team scope like every presence read (people/team-scope.ts).
   */
  async presenceLog(
    auth: AuthContext,
    orgId: string,
    q: Omit<PresenceLogQuery, 'format'>,
  ): Promise<PresenceLogPage> {
    return this.presenceLogIn(await teamScopeOf(this.team, orgId, auth), orgId, q);
  }

  private async presenceLogIn(
    teamScope: TeamScope,
    orgId: string,
    q: Omit<PresenceLogQuery, 'format'>,
  ): Promise<PresenceLogPage> {
    const scope = teamScopeIds(teamScope);
    let query = this.ctx.db
      .selectFrom('presenceIntervals as pi')
      .innerJoin('employees', 'employees.id', 'pi.employeeId')
      .leftJoin('departments', 'departments.id', 'employees.departmentId')
      .where('pi.organizationId', '=', orgId);
    if (scope) query = scope.length ? query.where('pi.employeeId', 'in', scope) : query.where(MATCHES_NOBODY);
    if (q.from) query = query.where('pi.lastSeenTs', '>=', Date.parse(q.from));
    if (q.to) query = query.where('pi.startedAt', '<', Date.parse(q.to));
    if (q.employeeId) query = query.where('pi.employeeId', '=', q.employeeId);
    if (q.cameraId) {
      const cameraId = q.cameraId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('presenceStayCameras as sc')
            .select('sc.intervalId')
            .whereRef('sc.intervalId', '=', 'pi.id')
            .where('sc.cameraId', '=', cameraId),
        ),
      );
    }
    if (q.departmentId) query = query.where('employees.departmentId', '=', q.departmentId);
    if (q.minSimilarity !== undefined) query = query.where('pi.bestSimilarity', '>=', q.minSimilarity);
    if (q.cursor) {
      const c = decodeIntervalCursor(q.cursor);
      query = query.where((eb) =>
        eb.or([
          eb('pi.lastSeenTs', '<', c.lastSeenTs),
          eb.and([eb('pi.lastSeenTs', '=', c.lastSeenTs), eb('pi.id', '<', c.id)]),
        ]),
      );
    }
    const rows = await query
      .select([
        'pi.id',
        'pi.employeeId',
        'employees.employeeCode',
        'employees.name as employeeName',
        'departments.name as departmentName',
        'pi.cameraId',
        'pi.cameraName',
        'pi.startedAt',
        'pi.lastSeenTs',
        'pi.sightings',
        'pi.bestSimilarity',
        'pi.snapshotId',
      ])
      .orderBy('pi.lastSeenTs', 'desc')
      .orderBy('pi.id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const page = rows.slice(0, q.limit);
    const cameras = await stayCameras(
      this.ctx.db,
      orgId,
      page.map((r) => r.id),
    );
    const last = page.at(-1);
    const items: PresenceLogEntry[] = page.map((r) => ({
      id: r.id,
      employeeId: r.employeeId,
      employeeCode: r.employeeCode,
      employeeName: r.employeeName,
      departmentName: r.departmentName,
      cameraId: r.cameraId,
      cameraName: r.cameraName,
      startedAt: toIso(r.startedAt),
      lastSeenAt: toIso(r.lastSeenTs),
      durationMs: Math.max(0, r.lastSeenTs - r.startedAt),
      sightings: r.sightings,
      bestSimilarity: Math.round(r.bestSimilarity * 1000) / 1000,
      cameras: cameras.get(r.id) ?? [],
      snapshotId: r.snapshotId,
    }));
    return {
      items,
      nextCursor: rows.length > q.limit && last ? encodeIntervalCursor(last.lastSeenTs, last.id) : null,
    };
  }

  /** Every matching row, bounded (a PDF of more than a few thousand rows helps nobody). */
  async presenceLogAll(auth: AuthContext, orgId: string, q: Omit<PresenceLogQuery, 'format'>, max = 5000) {
    const all: PresenceLogEntry[] = [];
    const scope = await teamScopeOf(this.team, orgId, auth);
    let cursor = q.cursor;
    for (;;) {
      const page = await this.presenceLogIn(scope, orgId, {
        ...q,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      all.push(...page.items);
      if (!page.nextCursor || all.length >= max)
        return { items: all.slice(0, max), truncated: !!page.nextCursor };
      cursor = page.nextCursor;
    }
  }

  async timeZone(orgId: string): Promise<{ timeZone: string; locale: string }> {
    const s = await getOrganizationSettings(this.ctx.db, orgId);
    return { timeZone: s.timeZone, locale: s.locale };
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
