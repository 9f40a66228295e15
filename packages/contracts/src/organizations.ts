import { z } from 'zod';
import { Id, IsoDateTime, Locale, TimeZone } from './common.js';

const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

export const DaySchedule = z
  .object({ start: Hhmm, end: Hhmm })
  .nullable()
  .describe('Working window for the weekday, or null for a day off');
export const WeeklySchedule = z
  .object({
    mon: DaySchedule,
    tue: DaySchedule,
    wed: DaySchedule,
    thu: DaySchedule,
    fri: DaySchedule,
    sat: DaySchedule,
    sun: DaySchedule,
  })
  .describe('Working hours per weekday in the organization time zone');
export type WeeklySchedule = z.infer<typeof WeeklySchedule>;

export const DEFAULT_SCHEDULE: WeeklySchedule = {
  mon: { start: '08:00', end: '17:00' },
  tue: { start: '08:00', end: '17:00' },
  wed: { start: '08:00', end: '17:00' },
  thu: { start: '08:00', end: '17:00' },
  fri: { start: '08:00', end: '17:00' },
  sat: null,
  sun: null,
};

export const OrganizationSettings = z.object({
  timeZone: TimeZone,
  locale: Locale.describe('Default language for messages and reports'),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'expected a two-letter country code like ID')
    .describe('ISO 3166 country whose local phone numbers (0812…) people type, e.g. ID or VN'),
  workingHours: WeeklySchedule,
  lateGraceMinutes: z
    .number()
    .int()
    .min(0)
    .max(240)
    .describe('Minutes after start before a check-in counts as late'),
  absentAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .describe('Minutes unseen during working hours before a person is off'),
  recognitionThreshold: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('Cosine similarity threshold; null uses the model pack default'),
  snapshotRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(30)
    .describe('Days to keep event snapshots (at most 30)'),
  keepAlignedFaceCrops: z
    .boolean()
    .describe('Keep aligned 112×112 enrolment crops so a model change can re-embed'),
  escalateAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .describe('Minutes without acknowledgement before escalating'),
  dailyReportTime: Hhmm.describe('Local time the daily report is sent'),
  libraryAttendance: z
    .boolean()
    .describe(
      'Record attendance events for recognised employees from the browser camera (source webcam) and, when asked on applying a model, from videos (source video)',
    ),
  webcamAttendanceIntervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .describe('Minutes between two browser-camera attendance events of the same employee'),
});
export type OrganizationSettings = z.infer<typeof OrganizationSettings>;

export const DEFAULT_ORGANIZATION_SETTINGS: OrganizationSettings = {
  timeZone: 'Asia/Jakarta',
  locale: 'id',
  country: 'ID',
  workingHours: DEFAULT_SCHEDULE,
  lateGraceMinutes: 5,
  absentAfterMinutes: 5,
  recognitionThreshold: null,
  snapshotRetentionDays: 30,
  keepAlignedFaceCrops: true,
  escalateAfterMinutes: 15,
  dailyReportTime: '18:00',
  libraryAttendance: false,
  webcamAttendanceIntervalMinutes: 15,
};

export const Organization = z.object({
  id: Id,
  name: z.string(),
  settings: OrganizationSettings,
  createdAt: IsoDateTime,
});
export type Organization = z.infer<typeof Organization>;

export const OrganizationCreate = z.object({
  name: z.string().trim().min(2).max(120),
  settings: OrganizationSettings.partial().optional(),
});
export const OrganizationSettingsUpdate = OrganizationSettings.partial();

const NamedCreate = z.object({ name: z.string().trim().min(1).max(120) });
export const Department = z.object({ id: Id, name: z.string(), employeeCount: z.number().int().optional() });
export type Department = z.infer<typeof Department>;
export const DepartmentCreate = NamedCreate;
export const Position = z.object({ id: Id, name: z.string() });
export const PositionCreate = NamedCreate;
export const Site = z.object({ id: Id, name: z.string(), address: z.string().nullable() });
export const SiteCreate = NamedCreate.extend({ address: z.string().max(300).nullable().optional() });
export const Area = z.object({ id: Id, siteId: Id.nullable(), name: z.string() });
export const AreaCreate = NamedCreate.extend({ siteId: Id.nullable().optional() });
