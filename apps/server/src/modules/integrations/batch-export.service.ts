import fs from 'node:fs/promises';
import path from 'node:path';
import type { IntegrationSettingsInput, IntegrationSettingsView } from '@hadir/contracts';
import { addDays, localDate, localDateTime } from '@hadir/domain';
import { z } from 'zod';
import type { ServerContext } from '../../context.js';
import { toIsoOrNull } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { csvText, localTimestamp, type CsvCell } from '../../platform/export/csv.js';
import { recordAudit } from '../audit/index.js';
import type { AttendanceModule } from '../attendance/index.js';
import { getOrganizationSettings } from '../organizations/index.js';

export type ExportLayout = 'hadir' | 'frappe';
const Layouts = z.array(z.enum(['hadir', 'frappe']));

const DEFAULTS: IntegrationSettingsInput = {
  exportEnabled: false,
  exportFolder: 'erp',
  exportTime: '01:00',
  exportLayouts: ['hadir', 'frappe'],
};

/** Columns of the Hadir layout; `employee_id` is the employee code the ERP knows, `badge_id` the card. */
export const HADIR_COLUMNS = [
  'employee_id',
  'badge_id',
  'employee_name',
  'department',
  'date',
  'status',
  'check_in',
  'check_out',
  'time_zone',
  'worked_minutes',
  'break_minutes',
  'late_minutes',
  'early_leave_minutes',
  'sources',
] as const;

/**
 * Frappe HRMS "Employee Checkin" as its Data Import expects it (field labels as headers): one IN row
 * at the day's check-in and one OUT row at its check-out, times as local wall time.
 */
export const FRAPPE_COLUMNS = [
  'Employee',
  'Employee Name',
  'Log Type',
  'Time',
  'Location / Device ID',
  'Skip Auto Attendance',
] as const;

export const fileNameFor = (layout: ExportLayout, date: string) =>
  layout === 'frappe' ? `employee-checkin-${date}.csv` : `attendance-${date}.csv`;

/** The previous day's attendance as CSV, for download or written into a folder on a schedule. */
export class BatchExportService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly attendance: AttendanceModule,
  ) {}

  /** Where an organization's files go: <data dir>/exports/<organization id>/<folder>. */
  private exportPath(orgId: string, folder: string): string {
    return path.join('exports', orgId, folder);
  }

  async settings(orgId: string): Promise<IntegrationSettingsView> {
    const row = await this.ctx.db
      .selectFrom('integrationSettings')
      .selectAll()
      .where('organizationId', '=', orgId)
      .executeTakeFirst();
    const base: IntegrationSettingsInput = row
      ? {
          exportEnabled: row.exportEnabled === 1,
          exportFolder: row.exportFolder,
          exportTime: row.exportTime,
          exportLayouts: Layouts.parse(JSON.parse(row.exportLayouts)),
        }
      : DEFAULTS;
    return {
      ...base,
      exportPath: this.exportPath(orgId, base.exportFolder),
      lastExportDate: row?.lastExportDate ?? null,
      lastExportAt: toIsoOrNull(row?.lastExportAt ?? null),
      lastExportError: row?.lastExportError ?? null,
    };
  }

  async saveSettings(
    auth: AuthContext,
    orgId: string,
    input: IntegrationSettingsInput,
  ): Promise<IntegrationSettingsView> {
    const now = this.ctx.clock.nowMs();
    const values = {
      exportEnabled: input.exportEnabled ? 1 : 0,
      exportFolder: input.exportFolder,
      exportTime: input.exportTime,
      exportLayouts: JSON.stringify([...new Set(input.exportLayouts)]),
      updatedAt: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('integrationSettings')
        .values({
          organizationId: orgId,
          ...values,
          lastExportDate: null,
          lastExportAt: null,
          lastExportError: null,
        })
        .onConflict((oc) => oc.column('organizationId').doUpdateSet(values))
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'integration.settings.updated',
        entityType: 'organization',
        entityId: orgId,
        summary: `Batch export ${input.exportEnabled ? 'on' : 'off'}, ${input.exportTime}, folder ${input.exportFolder}`,
        changes: {},
      });
    });
    return this.settings(orgId);
  }

  /**
   * One day's attendance as CSV. A closed day (before today) is derived first, so everyone appears,
   * absent people included; today's rows are as derived so far.
   */
  async dayCsv(orgId: string, date: string, layout: ExportLayout): Promise<string> {
    const { timeZone } = await getOrganizationSettings(this.ctx.db, orgId);
    if (date < localDate(timeZone, this.ctx.clock.nowMs()))
      await this.attendance.days.apply(orgId, date, date);
    const rows = await this.ctx.db
      .selectFrom('attendanceDays as d')
      .innerJoin('employees as e', 'e.id', 'd.employeeId')
      .leftJoin('departments as dep', 'dep.id', 'e.departmentId')
      .select([
        'e.employeeCode',
        'e.badgeId',
        'e.name',
        'dep.name as department',
        'd.workDate',
        'd.status',
        'd.checkIn',
        'd.checkOut',
        'd.workedMinutes',
        'd.breakMinutes',
        'd.lateMinutes',
        'd.earlyLeaveMinutes',
        'd.sources',
      ])
      .where('d.organizationId', '=', orgId)
      .where('e.organizationId', '=', orgId)
      .where('d.workDate', '=', date)
      .orderBy('e.employeeCode')
      .execute();
    const stamp = (ms: number | null) => (ms === null ? null : localTimestamp(timeZone, ms));
    if (layout === 'frappe') {
      const out: CsvCell[][] = [];
      for (const r of rows) {
        if (r.checkIn !== null) out.push([r.employeeCode, r.name, 'IN', stamp(r.checkIn), 'Hadir', 0]);
        if (r.checkOut !== null) out.push([r.employeeCode, r.name, 'OUT', stamp(r.checkOut), 'Hadir', 0]);
      }
      return csvText(FRAPPE_COLUMNS, out);
    }
    return csvText(
      HADIR_COLUMNS,
      rows.map((r) => [
        r.employeeCode,
        r.badgeId,
        r.name,
        r.department,
        r.workDate,
        r.status,
        stamp(r.checkIn),
        stamp(r.checkOut),
        timeZone,
        r.workedMinutes,
        r.breakMinutes,
        r.lateMinutes,
        r.earlyLeaveMinutes,
        (JSON.parse(r.sources) as string[]).join(' '),
      ]),
    );
  }

  /** Writes a day's files into the organization's export folder (atomically: temp file, then rename). */
  async writeDay(orgId: string, date: string): Promise<string[]> {
    const settings = await this.settings(orgId);
    const dir = path.join(this.ctx.env.dataDir, settings.exportPath);
    await fs.mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const layout of settings.exportLayouts) {
      const file = path.join(dir, fileNameFor(layout, date));
      const tmp = `${file}.tmp-${process.pid}`;
      await fs.writeFile(tmp, await this.dayCsv(orgId, date, layout), 'utf8');
      await fs.rename(tmp, file);
      written.push(file);
    }
    return written;
  }

  /**
   * The scheduled export: for each organization whose export time has passed today (in its zone),
   * yesterday's files are written once. Failures are kept on the settings row for the page to show.
   */
  async runDue(): Promise<number> {
    const rows = await this.ctx.db
      .selectFrom('integrationSettings')
      .select(['organizationId', 'exportTime', 'lastExportDate'])
      .where('exportEnabled', '=', 1)
      .execute();
    let done = 0;
    const now = this.ctx.clock.nowMs();
    for (const row of rows) {
      const { timeZone } = await getOrganizationSettings(this.ctx.db, row.organizationId);
      const local = localDateTime(timeZone, now);
      const hhmm = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
      if (hhmm < row.exportTime) continue;
      const yesterday = addDays(local.date, -1);
      if (row.lastExportDate !== null && row.lastExportDate >= yesterday) continue;
      let error: string | null = null;
      try {
        await this.writeDay(row.organizationId, yesterday);
        done++;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        this.ctx.log.error({ err, organizationId: row.organizationId }, 'integrations: batch export failed');
      }
      await this.ctx.db
        .updateTable('integrationSettings')
        .set(
          error === null
            ? { lastExportDate: yesterday, lastExportAt: now, lastExportError: null }
            : { lastExportError: error.slice(0, 500) },
        )
        .where('organizationId', '=', row.organizationId)
        .execute();
    }
    return done;
  }
}
