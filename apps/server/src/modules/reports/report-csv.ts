import type { DailyReport } from '@hadir/contracts';
import { csvText } from '../../platform/export/csv.js';

/**
 * Machine-friendly columns (stable English headers) for spreadsheets and payroll imports. Check-in and
 * check-out are local times in the organization's zone, named in the `time_zone` column.
 */
export function renderReportCsv(report: DailyReport): string {
  return csvText(
    [
      'date',
      'employee_code',
      'name',
      'status',
      'check_in',
      'check_out',
      'time_zone',
      'late_minutes',
      'early_leave_minutes',
      'present_minutes',
      'overtime_minutes',
    ],
    report.rows.map((r) => [
      report.date,
      r.employeeCode,
      r.name,
      r.status,
      r.checkInLocal ?? '',
      r.checkOutLocal ?? '',
      report.timeZone,
      r.lateMinutes,
      r.earlyLeaveMinutes,
      r.presentMinutes,
      r.overtimeMinutes,
    ]),
  );
}
