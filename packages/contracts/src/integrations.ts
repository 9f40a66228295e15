import { z } from 'zod';
import { AttendanceEventKind, AttendanceSource, AttendanceStatus } from './attendance.js';
import { Id, IsoDateTime, LocalDate } from './common.js';
import { Employee, EmployeeInput, EmployeeStatus } from './employees.js';

// ERP and device integration (issue 10): a change feed over attendance, idempotent pushes of external
// check-ins and employees, signed webhooks, batch CSV export and the badge kiosk.

const Cursor = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9_-]*$/, 'not a cursor returned by this API')
  .describe('nextCursor of the previous page; omit to start from the beginning');

export const ChangesQuery = z.object({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type ChangesQuery = z.infer<typeof ChangesQuery>;

export const DayChange = z.object({
  seq: z.number().int().describe('Change sequence; strictly increasing within the feed'),
  employeeId: Id,
  employeeCode: z.string(),
  badgeId: z.string().nullable(),
  date: LocalDate,
  status: AttendanceStatus,
  checkInAt: IsoDateTime.nullable(),
  checkOutAt: IsoDateTime.nullable(),
  workedMinutes: z.number().int(),
  breakMinutes: z.number().int(),
  lateMinutes: z.number().int(),
  earlyLeaveMinutes: z.number().int(),
  sources: z.array(AttendanceSource),
  version: z.number().int().describe('Bumped on each change of this day'),
});
export type DayChange = z.infer<typeof DayChange>;

export const EventChange = z.object({
  seq: z.number().int(),
  id: Id,
  employeeId: Id,
  employeeCode: z.string(),
  badgeId: z.string().nullable(),
  occurredAt: IsoDateTime,
  kind: AttendanceEventKind,
  source: AttendanceSource,
  label: z.string().nullable(),
  deviceId: z.string().nullable(),
});
export type EventChange = z.infer<typeof EventChange>;

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().describe('Pass back as cursor; stays the same when nothing new arrived'),
    hasMore: z.boolean().describe('True when more changes are ready now'),
  });
export const DayChangesPage = page(DayChange);
export const EventChangesPage = page(EventChange);

/** Who an external check-in is for: exactly one of the three keys. */
const EmployeeRef = {
  employeeId: Id.optional(),
  employeeCode: z.string().trim().min(1).max(64).optional(),
  badgeId: z.string().trim().min(1).max(64).optional(),
};

export const CheckinPush = z
  .object({
    ...EmployeeRef,
    occurredAt: z.iso.datetime({ offset: true }),
    kind: z.enum(['check_in', 'check_out']),
    source: z.enum(['badge', 'erp']).default('erp'),
    deviceId: z.string().trim().min(1).max(64).optional().describe('Terminal serial or reader name'),
    idempotencyKey: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('The same key twice stores one check-in; the Idempotency-Key header works too'),
  })
  .refine(
    (v) => [v.employeeId, v.employeeCode, v.badgeId].filter((x) => x !== undefined).length === 1,
    'give exactly one of employeeId, employeeCode or badgeId',
  );
export type CheckinPush = z.infer<typeof CheckinPush>;

export const CheckinPushed = z.object({
  id: Id,
  created: z.boolean().describe('False when this idempotency key was already stored'),
  employeeId: Id,
  kind: AttendanceEventKind,
  occurredAt: IsoDateTime,
});
export type CheckinPushed = z.infer<typeof CheckinPushed>;

export const EmployeeUpsert = EmployeeInput.extend({
  status: EmployeeStatus.optional(),
  matchBy: z
    .enum(['employeeCode', 'badgeId'])
    .default('employeeCode')
    .describe('Which key finds the existing employee'),
});
export type EmployeeUpsert = z.infer<typeof EmployeeUpsert>;

export const EmployeeUpserted = z.object({
  action: z.enum(['created', 'updated', 'unchanged']),
  employee: Employee,
});

export const BadgeScan = z.object({
  badgeId: z.string().trim().min(1).max(64),
  kind: z.enum(['check_in', 'check_out']).optional().describe('Omitted: the opposite of the last scan today'),
  deviceId: z.string().trim().min(1).max(64).optional(),
  scanId: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Client id of this scan: a resent scan is stored once'),
});
export type BadgeScan = z.infer<typeof BadgeScan>;

export const BadgeScanResult = z.object({
  id: Id,
  created: z.boolean(),
  duplicate: z.boolean().describe('The same badge was scanned moments ago; the earlier scan stands'),
  kind: z.enum(['check_in', 'check_out']),
  occurredAt: IsoDateTime,
  employee: z.object({ id: Id, employeeCode: z.string(), name: z.string() }),
});
export type BadgeScanResult = z.infer<typeof BadgeScanResult>;

export const WEBHOOK_EVENTS = ['attendance.day.changed'] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);

export const WebhookEndpointInput = z.object({
  name: z.string().trim().min(1).max(80),
  url: z.string().trim().url().max(500).describe('http(s) URL; checked by the outbound-target policy'),
  events: z.array(WebhookEvent).min(1).default(['attendance.day.changed']),
  active: z.boolean().default(true),
});
export type WebhookEndpointInput = z.infer<typeof WebhookEndpointInput>;
export const WebhookEndpointUpdate = z.object({
  name: z.string().trim().min(1).max(80).optional(),
  url: z.string().trim().url().max(500).optional(),
  active: z.boolean().optional(),
});

export const WebhookEndpointView = z.object({
  id: Id,
  name: z.string(),
  url: z.string(),
  events: z.array(WebhookEvent),
  active: z.boolean(),
  createdAt: IsoDateTime,
  pending: z.number().int(),
  failed: z.number().int(),
});
export type WebhookEndpointView = z.infer<typeof WebhookEndpointView>;
export const WebhookEndpointList = z.object({ items: z.array(WebhookEndpointView) });
export const WebhookEndpointCreated = WebhookEndpointView.extend({
  secret: z.string().describe('HMAC-SHA256 signing secret; shown only now'),
});

export const WebhookDeliveryView = z.object({
  id: Id,
  endpointId: Id,
  event: WebhookEvent,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: IsoDateTime,
  lastAttemptAt: IsoDateTime.nullable(),
  deliveredAt: IsoDateTime.nullable(),
  payload: z.string().describe('The JSON body as sent'),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;
export const WebhookDeliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const WebhookDeliveryList = z.object({ items: z.array(WebhookDeliveryView) });

export const EXPORT_LAYOUTS = ['hadir', 'frappe'] as const;
export const ExportLayout = z.enum(EXPORT_LAYOUTS);

export const IntegrationSettingsInput = z.object({
  exportEnabled: z.boolean(),
  exportFolder: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, - and _ only')
    .describe('Folder under the data directory exports/ where the daily files are written'),
  exportTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
  exportLayouts: z.array(ExportLayout).min(1),
});
export type IntegrationSettingsInput = z.infer<typeof IntegrationSettingsInput>;
export const IntegrationSettingsView = IntegrationSettingsInput.extend({
  exportPath: z.string().describe('Folder relative to the data directory'),
  lastExportDate: LocalDate.nullable(),
  lastExportAt: IsoDateTime.nullable(),
  lastExportError: z.string().nullable(),
});
export type IntegrationSettingsView = z.infer<typeof IntegrationSettingsView>;

export const AttendanceExportQuery = z.object({
  date: LocalDate,
  layout: ExportLayout.default('hadir'),
});

export const CheckinImportPreview = z.object({
  importId: Id,
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string(),
  totalRows: z.number().int(),
  validRows: z.number().int(),
  invalidRows: z.number().int(),
  duplicateRows: z.number().int().describe('Rows already stored (same employee, time and kind)'),
  columns: z.array(z.object({ header: z.string(), field: z.string().nullable() })),
  unrecognizedColumns: z.array(z.string()),
  issues: z.array(z.object({ row: z.number().int(), field: z.string().nullable(), message: z.string() })),
  sample: z.array(z.record(z.string(), z.string().nullable())),
});
export type CheckinImportPreview = z.infer<typeof CheckinImportPreview>;
export const CheckinImportCommit = z.object({
  importId: Id,
  onlyValidRows: z.boolean().default(false),
});
export const CheckinImportResult = z.object({
  created: z.number().int(),
  duplicates: z.number().int(),
  skipped: z.number().int(),
});
