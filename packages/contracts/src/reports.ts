import { z } from 'zod';
import { Id, IsoDateTime, LocalDate, Locale } from './common.js';

export const DailyReportQuery = z.object({
  date: LocalDate,
  supervisorId: Id.optional().describe(
    'Team of this supervisor (direct and indirect); omit for the whole organization',
  ),
  format: z.enum(['json', 'csv', 'pdf']).default('json'),
  locale: Locale.optional().describe('Defaults to the organization language'),
});
export type DailyReportQuery = z.infer<typeof DailyReportQuery>;

export const ReportAttendanceStatus = z.enum(['present', 'absent', 'leave', 'holiday', 'off_day', 'pending']);

export const DailyReportRow = z.object({
  employeeId: Id,
  employeeCode: z.string(),
  name: z.string(),
  status: ReportAttendanceStatus,
  checkIn: IsoDateTime.nullable(),
  checkOut: IsoDateTime.nullable(),
  /** Local "HH:MM" in the organization time zone, for display. */
  checkInLocal: z.string().nullable(),
  checkOutLocal: z.string().nullable(),
  lateMinutes: z.number().int(),
  earlyLeaveMinutes: z.number().int(),
  presentMinutes: z.number().int(),
  overtimeMinutes: z.number().int(),
});
export type DailyReportRow = z.infer<typeof DailyReportRow>;

export const DailyReport = z.object({
  organizationName: z.string(),
  date: LocalDate,
  timeZone: z.string(),
  locale: Locale,
  supervisorId: Id.nullable(),
  teamName: z.string(),
  generatedAt: IsoDateTime,
  totals: z.object({
    members: z.number().int(),
    scheduled: z.number().int(),
    present: z.number().int(),
    absent: z.number().int(),
    late: z.number().int(),
    onLeave: z.number().int(),
    presentMinutes: z.number().int(),
  }),
  rows: z.array(DailyReportRow),
  /** The WhatsApp text of the same report. */
  text: z.string(),
});
export type DailyReport = z.infer<typeof DailyReport>;
