import { z } from 'zod';
import { Id, IsoDateTime, LocalDate, Locale } from './common.js';

const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

export const AttendanceStatus = z
  .enum(['present', 'late', 'early_leave', 'half_day', 'absent', 'excused', 'day_off', 'holiday', 'pending'])
  .describe('Status of an attendance day');
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;
export const AttendanceSource = z.enum([
  'camera',
  'mobile',
  'officer',
  'badge',
  'website',
  'import',
  'erp',
  'video',
  'webcam',
]);
export type AttendanceSource = z.infer<typeof AttendanceSource>;
export const AttendanceEventKind = z.enum(['check_in', 'check_out', 'sighting']);

export const AttendanceReason = z
  .object({ code: z.string().describe('present, late, early_leave, absent, leave, holiday, corrected, …') })
  .catchall(z.unknown())
  .describe('Structured explanation of the status (times are epoch ms)');

export const AttendanceDayView = z.object({
  employeeId: Id,
  employeeCode: z.string(),
  employeeName: z.string(),
  date: LocalDate,
  status: AttendanceStatus,
  reason: AttendanceReason,
  reasonText: z.string().describe('The reason as a sentence in the requested language'),
  shiftTypeId: Id.nullable(),
  checkInAt: IsoDateTime.nullable(),
  checkOutAt: IsoDateTime.nullable(),
  workedMinutes: z.number().int(),
  breakMinutes: z.number().int(),
  lateMinutes: z.number().int(),
  earlyLeaveMinutes: z.number().int(),
  sources: z.array(AttendanceSource),
  version: z.number().int(),
});
export type AttendanceDayView = z.infer<typeof AttendanceDayView>;

export const AttendanceDaysQuery = z.object({
  from: LocalDate,
  to: LocalDate,
  status: AttendanceStatus.optional(),
  employeeId: Id.optional(),
  departmentId: Id.optional(),
  locale: Locale.optional().describe('Language of reasonText; the organization default otherwise'),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AttendanceDaysQuery = z.infer<typeof AttendanceDaysQuery>;

export const AttendanceDaysPage = z.object({
  items: z.array(AttendanceDayView),
  nextCursor: z.string().nullable(),
});
export type AttendanceDaysPage = z.infer<typeof AttendanceDaysPage>;

export const AttendanceMonthQuery = z.object({
  employeeId: Id,
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'),
  locale: Locale.optional().describe('Language of reasonText; the organization default otherwise'),
});
export const AttendanceMonth = z.object({
  employeeId: Id,
  employeeCode: z.string(),
  employeeName: z.string(),
  month: z.string(),
  timeZone: z.string(),
  days: z.array(AttendanceDayView).describe('Derived days of the month up to today, oldest first'),
  totals: z.object({
    present: z.number().int().describe('present, late, early leave and half days'),
    late: z.number().int(),
    absent: z.number().int(),
    excused: z.number().int(),
    dayOff: z.number().int(),
    holiday: z.number().int(),
    workedMinutes: z.number().int(),
    lateMinutes: z.number().int(),
  }),
});
export type AttendanceMonth = z.infer<typeof AttendanceMonth>;
export const AttendanceMonthExportQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'),
  format: z.enum(['xlsx', 'pdf']),
  departmentId: Id.optional(),
  locale: Locale.optional().describe('Language of the file; the organization default otherwise'),
});

export const AttendanceEventView = z.object({
  id: Id,
  occurredAt: IsoDateTime,
  kind: AttendanceEventKind,
  source: AttendanceSource,
  label: z.string().nullable(),
});

export const AttendanceDayDetail = z.object({
  day: AttendanceDayView.nullable().describe('null until the day has been derived'),
  events: z.array(AttendanceEventView),
});

export const AttendanceDayParams = z.object({ employeeId: Id, date: LocalDate });
export const AttendanceDayDetailQuery = z.object({ locale: Locale.optional() });

export const AttendanceEventCreate = z.object({
  employeeId: Id,
  occurredAt: z.iso.datetime({ offset: true }),
  kind: AttendanceEventKind,
  source: z.enum(['officer', 'website', 'badge']).default('website'),
  label: z.string().trim().max(120).optional(),
});
export const AttendanceEventCreated = z.object({ id: Id, created: z.boolean() });

export const AttendanceCorrectionCreate = z.object({
  employeeId: Id,
  date: LocalDate,
  checkInAt: z.iso.datetime({ offset: true }).nullable().optional(),
  checkOutAt: z.iso.datetime({ offset: true }).nullable().optional(),
  status: AttendanceStatus.nullable().optional(),
  note: z.string().trim().min(1).max(500),
});
export const AttendanceCorrectionView = z.object({
  id: Id,
  employeeId: Id,
  date: LocalDate,
  checkInAt: IsoDateTime.nullable(),
  checkOutAt: IsoDateTime.nullable(),
  status: AttendanceStatus.nullable(),
  note: z.string(),
  kind: z.enum(['manual', 'request']),
  state: z.enum(['applied', 'pending', 'approved', 'rejected']),
  createdAt: IsoDateTime,
  decidedAt: IsoDateTime.nullable(),
  decisionComment: z.string().nullable(),
});
export const AttendanceCorrectionList = z.object({ items: z.array(AttendanceCorrectionView) });
export const AttendanceCorrectionsQuery = z.object({
  state: z.enum(['applied', 'pending', 'approved', 'rejected']).optional(),
});
export const AttendanceCorrectionDecision = z.object({
  decision: z.enum(['approved', 'rejected']),
  comment: z.string().trim().max(500).nullable().default(null),
});

export const RegularizationCreate = z.object({
  employeeId: Id.optional().describe('Your own employee record (the only one allowed); yours when left out'),
  date: LocalDate,
  checkInAt: z.iso.datetime({ offset: true }).nullable().optional(),
  checkOutAt: z.iso.datetime({ offset: true }).nullable().optional(),
  status: AttendanceStatus.nullable().optional(),
  note: z.string().trim().min(1).max(500),
});
export const RegularizationView = z.object({
  id: Id,
  employeeId: Id,
  employeeCode: z.string(),
  employeeName: z.string(),
  date: LocalDate,
  checkInAt: IsoDateTime.nullable(),
  checkOutAt: IsoDateTime.nullable(),
  status: AttendanceStatus.nullable(),
  note: z.string(),
  state: z.enum(['pending', 'approved', 'rejected']),
  requestedByName: z.string(),
  decidedByName: z.string().nullable(),
  decidedAt: IsoDateTime.nullable(),
  decisionComment: z.string().nullable(),
  createdAt: IsoDateTime,
  canDecide: z.boolean(),
});
export type RegularizationView = z.infer<typeof RegularizationView>;
export const RegularizationList = z.object({ items: z.array(RegularizationView) });
export const MyMonthQuery = AttendanceMonthQuery.omit({ employeeId: true });

export const ShiftTypeInput = z.object({
  name: z.string().trim().min(1).max(80),
  kind: z.enum(['fixed', 'flexible']),
  start: Hhmm,
  end: Hhmm,
  lateGraceMinutes: z.number().int().min(0).max(240),
  earlyLeaveGraceMinutes: z.number().int().min(0).max(240),
  checkInWindowMinutes: z.number().int().min(0).max(720).optional(),
  checkOutWindowMinutes: z.number().int().min(0).max(720).optional(),
  halfDayThresholdMinutes: z.number().int().min(0).max(1440),
  breakMinutes: z.number().int().min(0).max(720),
  requiredMinutes: z.number().int().min(1).max(1440).optional(),
});
export const ShiftTypeView = ShiftTypeInput.extend({ id: Id });
export const ShiftTypeList = z.object({ items: z.array(ShiftTypeView) });

const Weekly = z.object({
  kind: z.literal('weekly'),
  days: z.partialRecord(z.enum(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']), Id.nullable()),
});
const Rotation = z.object({
  kind: z.literal('rotation'),
  anchorDate: LocalDate,
  cycle: z.array(Id.nullable()).min(1).max(62),
});
export const RosterPattern = z.discriminatedUnion('kind', [Weekly, Rotation]);
export const ShiftAssignmentInput = z.object({
  employeeId: Id.nullable().default(null),
  departmentId: Id.nullable().default(null),
  effectiveFrom: LocalDate,
  effectiveTo: LocalDate.nullable().default(null),
  pattern: RosterPattern,
});
export const ShiftAssignmentView = ShiftAssignmentInput.extend({ id: Id });
export const ShiftAssignmentList = z.object({ items: z.array(ShiftAssignmentView) });

export const HolidayCalendarCreate = z.object({
  name: z.string().trim().min(1).max(120),
  siteId: Id.nullable().default(null),
});
export const HolidayCalendarView = z.object({
  id: Id,
  name: z.string(),
  siteId: Id.nullable(),
  holidays: z.array(z.object({ date: LocalDate, name: z.string() })),
});
export const HolidayCalendarList = z.object({ items: z.array(HolidayCalendarView) });
export const HolidayCalendarRename = z.object({ name: z.string().trim().min(1).max(120) });
export const HolidayParams = z.object({ id: Id, date: LocalDate });
export const HolidayUpdate = z.object({
  date: LocalDate,
  name: z.string().trim().min(1).max(120),
});
export const HolidayImport = z.object({
  filename: z.string().max(200),
  text: z.string().max(1_000_000).describe('CSV (date,name) or iCalendar text'),
});
export const NationalHolidayLoad = z.object({
  set: z.enum(['id-2026', 'id-2026-cuti-bersama', 'vn-2026']),
});
export const HolidaysAdded = z.object({ added: z.number().int(), skipped: z.number().int() });

export const RecomputeRequest = z.object({
  from: LocalDate,
  to: LocalDate,
  employeeId: Id.optional(),
  apply: z.boolean().default(false).describe('false: preview only'),
});
export const RecomputeResult = z.object({
  applied: z.boolean(),
  changes: z.array(
    z.object({
      employeeId: Id,
      employeeCode: z.string(),
      employeeName: z.string(),
      date: LocalDate,
      before: AttendanceStatus.nullable(),
      after: AttendanceStatus,
      reasonBefore: z.string().nullable(),
      reasonAfter: z.string(),
    }),
  ),
});
export const AttendanceIdParam = z.object({ id: Id });

export type ShiftTypeInput = z.infer<typeof ShiftTypeInput>;
export type ShiftTypeView = z.infer<typeof ShiftTypeView>;
export type ShiftAssignmentInput = z.input<typeof ShiftAssignmentInput>;
export type ShiftAssignmentView = z.infer<typeof ShiftAssignmentView>;
export type RosterPattern = z.infer<typeof RosterPattern>;
export type HolidayCalendarView = z.infer<typeof HolidayCalendarView>;
export type RecomputeResult = z.infer<typeof RecomputeResult>;
export type NationalHolidaySet = z.infer<typeof NationalHolidayLoad>['set'];
