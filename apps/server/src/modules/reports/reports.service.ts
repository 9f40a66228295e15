import fs from 'node:fs';
import path from 'node:path';
import type { DailyReport, OrganizationSettings } from '@hadir/contracts';
import {
  formatDailyReportText,
  formatReportDate,
  localDate,
  localDateTime,
  orgChartFrom,
  overtimeMinutesOf,
  parseLocalTime,
  reportStatusOf,
  subordinatesOf,
  summarizeAttendanceDays,
  wholeMinutes,
  zonedTimeToMs,
  type AttendanceDay,
  type Locale,
  type WeeklySchedule,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import { newId } from '../../platform/ids/ids.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import type { NotificationsService } from '../notifications/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { renderReportCsv } from './report-csv.js';
import { REPORT_WORDS, renderReportPdf } from './report-pdf.js';

/** Employees who count as team members: on leave still belongs to the team (reported as leave). */
const MEMBER_STATUSES = ['active', 'on_leave'];

/** The organization's weekly hours in the domain's shape (grace from lateGraceMinutes). */
export function scheduleOf(settings: OrganizationSettings): WeeklySchedule {
  return { days: { ...settings.workingHours }, graceMinutes: settings.lateGraceMinutes };
}

function hhmm(timeZone: string, ms: number | null): string | null {
  if (ms === null) return null;
  const t = localDateTime(timeZone, ms);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

/** Stored attendance days of a period (the attendance slice provides them; see daysFor there). */
export interface AttendanceDaysSource {
  daysFor(
    organizationId: string,
    fromDate: string,
    toDate: string,
    employeeIds: readonly string[] | null,
  ): Promise<AttendanceDay[]>;
}

export interface ReportOptions {
  date: string;
  /** A supervisor's team (direct and indirect reports); null = the whole organization. */
  supervisorId: string | null;
  locale?: Locale | undefined;
}

/**
 * The daily attendance report: per person check-in/out, lateness and worked hours from the stored
 * attendance days (so they match the attendance pages), as JSON, WhatsApp text, CSV and PDF; and the scheduler
 * that sends it to each supervisor once a day.
 */
export class ReportsService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly notifications: NotificationsService,
    private readonly attendanceDays: AttendanceDaysSource,
  ) {}

  async dailyReport(orgId: string, opts: ReportOptions): Promise<DailyReport> {
    const org = await this.ctx.db
      .selectFrom('organizations')
      .select(['name'])
      .where('id', '=', orgId)
      .executeTakeFirst();
    if (!org) throw notFound('Organization');
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    const locale: Locale = opts.locale ?? settings.locale;
    const tz = settings.timeZone;

    const employees = await this.ctx.db
      .selectFrom('employees')
      .select(['id', 'employeeCode', 'name', 'supervisorId', 'status'])
      .where('organizationId', '=', orgId)
      .execute();
    let members = employees.filter((e) => MEMBER_STATUSES.includes(e.status));
    let teamName = org.name;
    if (opts.supervisorId) {
      const supervisor = employees.find((e) => e.id === opts.supervisorId);
      if (!supervisor) throw notFound('Supervisor');
      const team = new Set(subordinatesOf(orgChartFrom(employees), supervisor.id, { recursive: true }));
      members = members.filter((e) => team.has(e.id));
      teamName = supervisor.name;
    }

    // The stored attendance days (derived first where missing or stale): the same numbers the
    // attendance pages show.
    const days = await this.attendanceDays.daysFor(
      orgId,
      opts.date,
      opts.date,
      members.map((m) => m.id),
    );
    const dayOf = new Map(days.map((d) => [d.employeeId, d]));
    const nowMs = this.ctx.clock.nowMs();
    const records = members.map((m) => ({
      member: { employeeId: m.id, employeeCode: m.employeeCode, name: m.name },
      day: dayOf.get(m.id) ?? null,
    }));
    const summary = summarizeAttendanceDays({ date: opts.date, teamName, records });
    const sorted = [...records].sort((a, b) => a.member.employeeCode.localeCompare(b.member.employeeCode));
    return {
      organizationName: org.name,
      date: opts.date,
      timeZone: tz,
      locale,
      supervisorId: opts.supervisorId,
      teamName,
      generatedAt: toIso(nowMs),
      totals: {
        members: summary.totals.members,
        scheduled: summary.totals.scheduled,
        present: summary.totals.present,
        absent: summary.totals.absent,
        late: summary.totals.late,
        onLeave: summary.totals.onLeave,
        presentMinutes: wholeMinutes(summary.totals.presentMs),
      },
      rows: sorted.map(({ member, day }) => ({
        employeeId: member.employeeId,
        employeeCode: member.employeeCode,
        name: member.name,
        status: reportStatusOf(day),
        checkIn: day?.checkInMs == null ? null : toIso(day.checkInMs),
        checkOut: day?.checkOutMs == null ? null : toIso(day.checkOutMs),
        checkInLocal: hhmm(tz, day?.checkInMs ?? null),
        checkOutLocal: hhmm(tz, day?.checkOutMs ?? null),
        lateMinutes: day?.lateMinutes ?? 0,
        earlyLeaveMinutes: day?.earlyLeaveMinutes ?? 0,
        presentMinutes: reportStatusOf(day) === 'present' ? (day?.workedMinutes ?? 0) : 0,
        overtimeMinutes: overtimeMinutesOf(day),
      })),
      text: formatDailyReportText(summary, locale),
    };
  }

  async render(
    orgId: string,
    opts: ReportOptions & { format: 'json' | 'csv' | 'pdf' },
  ): Promise<{ contentType: string; fileName: string; body: DailyReport | Buffer | string }> {
    if (opts.supervisorId) {
      const found = await this.ctx.db
        .selectFrom('employees')
        .select('id')
        .where('id', '=', opts.supervisorId)
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      if (!found) throw badRequest('unknown_supervisor', 'No such employee in this organization');
    }
    const report = await this.dailyReport(orgId, opts);
    const base = `hadir-report-${report.date}${opts.supervisorId ? `-${report.teamName.replace(/[^\w]+/g, '-')}` : ''}`;
    switch (opts.format) {
      case 'json':
        return { contentType: 'application/json', fileName: `${base}.json`, body: report };
      case 'csv':
        return {
          contentType: 'text/csv; charset=utf-8',
          fileName: `${base}.csv`,
          body: renderReportCsv(report),
        };
      case 'pdf':
        return {
          contentType: 'application/pdf',
          fileName: `${base}.pdf`,
          body: await renderReportPdf(report),
        };
      default: {
        const unreachable: never = opts.format;
        throw new Error(`unknown format ${String(unreachable)}`);
      }
    }
  }

  // ------------------------------------------------------------------ scheduler

  /**
   * Sends every report that is due today (organization-local date, at dailyReportTime or later) and
   * not sent yet. Exactly once per supervisor per day: the report_runs row and the outbox rows commit
   * together. After downtime it catches up for today only; yesterday's missed reports stay missed.
   */
  async sendDueReports(): Promise<number> {
    const nowMs = this.ctx.clock.nowMs();
    const orgs = await this.ctx.db.selectFrom('organizations').select(['id']).execute();
    let sent = 0;
    for (const org of orgs) {
      const settings = await getOrganizationSettings(this.ctx.db, org.id);
      const today = localDate(settings.timeZone, nowMs);
      const dueMs = zonedTimeToMs(settings.timeZone, today, parseLocalTime(settings.dailyReportTime));
      if (nowMs < dueMs) continue;
      for (const supervisorId of await this.pendingSupervisors(org.id, today)) {
        try {
          if (await this.sendReport(org.id, supervisorId, today)) sent += 1;
        } catch (err) {
          this.ctx.log.error({ err, organizationId: org.id, supervisorId }, 'daily report failed');
        }
      }
    }
    return sent;
  }

  /** Supervisors (active, with at least one active report) without a report_runs row for `date`. */
  private async pendingSupervisors(orgId: string, date: string): Promise<string[]> {
    const employees = await this.ctx.db
      .selectFrom('employees')
      .select(['id', 'supervisorId', 'status'])
      .where('organizationId', '=', orgId)
      .execute();
    const activeIds = new Set(employees.filter((e) => e.status === 'active').map((e) => e.id));
    const supervisors = new Set(
      employees
        .filter((e) => MEMBER_STATUSES.includes(e.status) && e.supervisorId && activeIds.has(e.supervisorId))
        .map((e) => e.supervisorId as string),
    );
    const done = await this.ctx.db
      .selectFrom('reportRuns')
      .select('supervisorEmployeeId')
      .where('organizationId', '=', orgId)
      .where('localDate', '=', date)
      .execute();
    for (const d of done) supervisors.delete(d.supervisorEmployeeId);
    return [...supervisors].sort();
  }

  /** One supervisor's report: text + PDF, in their language. False when another worker got there first. */
  async sendReport(orgId: string, supervisorId: string, date: string): Promise<boolean> {
    const locale = await this.notifications.recipientLocale(this.ctx.db, orgId, supervisorId);
    const report = await this.dailyReport(orgId, { date, supervisorId, locale });
    const pdf = await renderReportPdf(report);
    // Written before the transaction; the path is deterministic, so a lost race just rewrites it.
    const relPath = path.posix.join('reports', orgId, date, `${supervisorId}-${locale}.pdf`);
    const absPath = path.join(this.ctx.env.dataDir, relPath);
    fs.mkdirSync(path.dirname(absPath), { recursive: true, mode: 0o700 });
    fs.writeFileSync(absPath, pdf, { mode: 0o600 });

    const words = REPORT_WORDS[locale];
    const nowMs = this.ctx.clock.nowMs();
    return this.ctx.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('reportRuns')
        .values({
          id: newId(nowMs),
          organizationId: orgId,
          supervisorEmployeeId: supervisorId,
          localDate: date,
          createdAt: nowMs,
        })
        .onConflict((oc) => oc.columns(['organizationId', 'supervisorEmployeeId', 'localDate']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      const key = `report:${orgId}:${supervisorId}:${date}`;
      await this.notifications.enqueue(trx, {
        organizationId: orgId,
        kind: 'daily_report',
        recipientEmployeeId: supervisorId,
        message: { type: 'daily_report', text: report.text },
        idempotencyKey: `${key}:text`,
      });
      await this.notifications.enqueue(trx, {
        organizationId: orgId,
        kind: 'daily_report',
        recipientEmployeeId: supervisorId,
        message: {
          type: 'daily_report',
          text: `${words.title} - ${words.team(report.teamName)} - ${formatReportDate(date, locale)}`,
        },
        idempotencyKey: `${key}:pdf`,
        document: { path: relPath, fileName: `${words.fileStem}-${date}.pdf` },
      });
      return true;
    });
  }
}
