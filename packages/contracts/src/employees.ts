import { z } from 'zod';
import { Id, IsoDateTime, PageQuery, paginated } from './common.js';

export const EmployeeStatus = z.enum(['active', 'inactive', 'on_leave', 'terminated']);
export type EmployeeStatus = z.infer<typeof EmployeeStatus>;

/**
 * A phone number as typed: local (`0812-3456-7890`, read in the organization's country) or international
 * (`+62 812…`). Separators are stripped here; the server normalizes to E.164 and refuses invalid numbers.
 */
export const PhoneNumber = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+?\d{6,15}$/, 'expected a phone number like 0812 3456 7890 or +6281234567890'));

export const EmployeeCode = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only')
  .describe('Company employee code, e.g. EMP001');

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((s) => (s === '' ? null : s));

export const EmployeeInput = z.object({
  employeeCode: EmployeeCode,
  badgeId: optionalText(64).describe('Badge / card id used by ERP and access systems'),
  name: z.string().trim().min(1).max(120),
  departmentId: Id.nullable().optional(),
  positionId: Id.nullable().optional(),
  areaId: Id.nullable().optional(),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .email()
    .max(254)
    .nullable()
    .optional()
    .or(z.literal('').transform(() => null)),
  phone: PhoneNumber.nullable()
    .optional()
    .or(z.literal('').transform(() => null)),
  whatsapp: PhoneNumber.nullable()
    .optional()
    .or(z.literal('').transform(() => null))
    .describe('WhatsApp number for alerts'),
  supervisorId: Id.nullable().optional(),
  status: EmployeeStatus.default('active'),
});
export type EmployeeInput = z.infer<typeof EmployeeInput>;
export const EmployeeUpdate = EmployeeInput.partial();
export type EmployeeUpdate = z.infer<typeof EmployeeUpdate>;

export const Employee = z.object({
  id: Id,
  employeeCode: z.string(),
  badgeId: z.string().nullable(),
  name: z.string(),
  departmentId: Id.nullable(),
  departmentName: z.string().nullable(),
  positionId: Id.nullable(),
  positionName: z.string().nullable(),
  areaId: Id.nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  whatsapp: z.string().nullable(),
  supervisorId: Id.nullable(),
  supervisorName: z.string().nullable(),
  status: EmployeeStatus,
  faceSamples: z.number().int().describe('Enrolled face samples for the active model pack'),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Employee = z.infer<typeof Employee>;

export const EmployeeSort = z.enum([
  'employeeCode',
  'name',
  'department',
  'status',
  'createdAt',
  'updatedAt',
]);
export const EmployeeListQuery = PageQuery.extend({
  q: z.string().trim().max(100).optional().describe('Search in code, badge, name, email'),
  departmentId: Id.optional(),
  status: EmployeeStatus.optional(),
  supervisorId: Id.optional(),
  sort: EmployeeSort.default('employeeCode'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type EmployeeListQuery = z.infer<typeof EmployeeListQuery>;
export const EmployeeList = paginated(Employee);

/** Lookup for ERP sync: by the company code or the badge. */
export const EmployeeLookupQuery = z
  .object({
    employeeCode: z.string().trim().min(1).max(32).optional(),
    badgeId: z.string().trim().min(1).max(64).optional(),
  })
  .refine((q) => Boolean(q.employeeCode ?? q.badgeId), 'give employeeCode or badgeId');

/** A link in the supervisor chain (direct supervisor first). */
export const EmployeeSummary = z.object({
  id: Id,
  employeeCode: z.string(),
  name: z.string(),
  supervisorId: Id.nullable(),
});
export type EmployeeSummary = z.infer<typeof EmployeeSummary>;

export const EmployeeExportQuery = EmployeeListQuery.pick({
  q: true,
  departmentId: true,
  status: true,
  supervisorId: true,
}).extend({
  format: z.enum(['csv', 'xlsx']).default('csv'),
});
export type EmployeeExportQuery = z.infer<typeof EmployeeExportQuery>;

export const ImportRowIssue = z.object({
  row: z.number().int().describe('1-based data row (header excluded)'),
  field: z.string().nullable(),
  code: z.enum([
    'missing_field',
    'invalid_value',
    'duplicate_in_file',
    'duplicate_existing',
    'unknown_supervisor',
    'unknown_department',
    'bad_phone',
    'invalid_email',
    'supervisor_cycle',
  ]),
  message: z.string(),
});
export type ImportRowIssue = z.infer<typeof ImportRowIssue>;

export const ImportPreview = z.object({
  importId: Id.describe('Pass back to commit this preview'),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().describe('Text encoding detected for CSV'),
  totalRows: z.number().int(),
  validRows: z.number().int(),
  invalidRows: z.number().int(),
  toCreate: z.number().int(),
  toUpdate: z.number().int(),
  columns: z
    .array(z.object({ header: z.string(), field: z.string().nullable() }))
    .describe('How each header was understood; field null means the column is ignored'),
  unrecognizedColumns: z
    .array(z.string())
    .describe('Headers the import does not understand: their data is not imported'),
  understood: z
    .array(z.object({ field: z.string(), header: z.string().nullable(), accepts: z.array(z.string()) }))
    .describe('Every field the import understands, the header that supplied it, and header names it accepts'),
  issues: z.array(ImportRowIssue).describe('First issues found (capped at 1000)'),
  sample: z.array(z.record(z.string(), z.string().nullable())).describe('First rows as read'),
});
export type ImportPreview = z.infer<typeof ImportPreview>;
export const ImportCommitRequest = z.object({
  importId: Id,
  onlyValidRows: z.boolean().default(false).describe('Import the valid rows even if some rows have errors'),
});
export const ImportCommitResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
});
export type ImportCommitResult = z.infer<typeof ImportCommitResult>;

export const EMPLOYEE_IMPORT_COLUMNS = [
  'employee_code',
  'badge_id',
  'name',
  'department',
  'position',
  'email',
  'phone',
  'whatsapp',
  'supervisor_code',
  'status',
] as const;
