import { stringify } from 'csv-stringify/sync';
import type { DailyReport } from '@hadir/contracts';

/** Machine-friendly columns (stable English headers) for spreadsheets and payroll imports. */
export function renderReportCsv(report: DailyReport): string {
  // A BOM so Excel opens UTF-8 names (Vietnamese diacritics) correctly.
  return (
    '\uFEFF' +
    stringify(
      report.rows.map((r) => [
        report.date,
        r.employeeCode,
        r.name,
        r.status,
        r.checkInLocal ?? '',
        r.checkOutLocal ?? '',
        r.lateMinutes,
        r.earlyLeaveMinutes,
        r.presentMinutes,
        r.overtimeMinutes,
      ]),
      {
        header: true,
        columns: [
          'date',
          'employee_code',
          'name',
          'status',
          'check_in',
          'check_out',
          'late_minutes',
          'early_leave_minutes',
          'present_minutes',
          'overtime_minutes',
        ],
      },
    )
  );
}
