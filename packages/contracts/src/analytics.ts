// Report charts (attendance aggregates), the presence log with snapshots, and face detection for the
// enrolment camera. Served by the server's analytics module.
import { z } from 'zod';
import { Id, IsoDateTime, LocalDate } from './common.js';
import { PresenceInterval } from './presence.js';

export const ANALYTICS_MAX_DAYS = 92;

export const AttendanceAnalyticsQuery = z.object({
  from: LocalDate.describe('First local date (organization time zone), inclusive'),
  to: LocalDate.describe(`Last local date, inclusive; at most ${ANALYTICS_MAX_DAYS} days after from`),
  departmentId: Id.optional(),
  format: z.enum(['json', 'csv', 'pdf', 'xlsx']).default('json').describe('Export what the charts show'),
});
export type AttendanceAnalyticsQuery = z.infer<typeof AttendanceAnalyticsQuery>;

export const AttendanceDay = z.object({
  date: LocalDate,
  scheduled: z.number().int().describe('Employees with a shift that day'),
  present: z.number().int(),
  absent: z.number().int(),
  late: z.number().int().describe('Present, and checked in after start + grace'),
  pending: z.number().int().describe('Shift not started yet (today)'),
  presentMinutes: z.number().int().describe('Total time seen, all employees'),
  averagePresentMinutes: z.number().describe('Average time seen per present employee'),
});
export type AttendanceDay = z.infer<typeof AttendanceDay>;

export const AttendanceDepartment = z.object({
  departmentId: Id.nullable(),
  name: z.string().nullable().describe('null: employees without a department'),
  employees: z.number().int(),
  present: z.number().int().describe('Employee-days present'),
  absent: z.number().int().describe('Employee-days absent'),
  late: z.number().int().describe('Employee-days late'),
  attendanceRate: z.number().describe('present / (present + absent), 0..1'),
  averagePresentMinutes: z.number(),
});
export type AttendanceDepartment = z.infer<typeof AttendanceDepartment>;

export const LatenessBucket = z.object({
  fromMinutes: z.number().int(),
  toMinutes: z.number().int().nullable().describe('Inclusive; null = no upper bound'),
  count: z.number().int(),
});
export type LatenessBucket = z.infer<typeof LatenessBucket>;

export const AttendanceAnalytics = z.object({
  from: LocalDate,
  to: LocalDate,
  timeZone: z.string(),
  departmentId: Id.nullable(),
  generatedAt: IsoDateTime,
  totals: z.object({
    employees: z.number().int(),
    present: z.number().int(),
    absent: z.number().int(),
    late: z.number().int(),
    attendanceRate: z.number(),
    presentMinutes: z.number().int(),
  }),
  days: z.array(AttendanceDay),
  departments: z.array(AttendanceDepartment),
  lateness: z.array(LatenessBucket),
});
export type AttendanceAnalytics = z.infer<typeof AttendanceAnalytics>;

// ---- presence log with snapshots ----

export const PresenceLogQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  employeeId: Id.optional(),
  departmentId: Id.optional(),
  cameraId: z.string().max(64).optional(),
  minSimilarity: z.coerce.number().min(0).max(1).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  format: z.enum(['json', 'pdf']).default('json').describe('pdf: every matching row (up to 5,000)'),
});
export type PresenceLogQuery = z.infer<typeof PresenceLogQuery>;

export const PresenceLogEntry = PresenceInterval.extend({
  departmentName: z.string().nullable(),
  snapshotId: Id.nullable().describe('GET /api/snapshots/:id/face.jpg'),
});
export type PresenceLogEntry = z.infer<typeof PresenceLogEntry>;

export const PresenceLogPage = z.object({
  items: z.array(PresenceLogEntry),
  nextCursor: z.string().nullable(),
});
export type PresenceLogPage = z.infer<typeof PresenceLogPage>;

// ---- face detection for the enrolment camera ----

export const FaceHint = z
  .enum(['too_small', 'blurred', 'turned_away', 'too_dark', 'too_bright'])
  .describe('What to fix before capturing');
export type FaceHint = z.infer<typeof FaceHint>;

export const DetectedFaceView = z.object({
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  score: z.number(),
  quality: z.number().describe('0..1; the weakest factor'),
  yawDeg: z.number().nullable(),
  hints: z.array(FaceHint),
});
export type DetectedFaceView = z.infer<typeof DetectedFaceView>;

export const FaceDetectResponse = z.object({
  width: z.number().int(),
  height: z.number().int(),
  faces: z.array(DetectedFaceView),
  elapsedMs: z.number(),
});
export type FaceDetectResponse = z.infer<typeof FaceDetectResponse>;
