import { z } from 'zod';
import { Id, IsoDateTime, LocalDate } from './common.js';

export const LeavePortion = z
  .enum(['full', 'first_half', 'second_half'])
  .describe('Whole days, or the first or second half of a single day');
export type LeavePortion = z.infer<typeof LeavePortion>;

export const LeaveStatus = z.enum(['pending', 'approved', 'rejected', 'cancelled']);
export type LeaveStatus = z.infer<typeof LeaveStatus>;

export const LeaveTypeCode = z
  .enum(['annual', 'sick', 'unpaid', 'custom'])
  .describe('Built-in kinds are seeded per organization; custom ones are added by an admin');

export const LeaveType = z.object({
  id: Id,
  code: LeaveTypeCode,
  name: z.string(),
  paid: z.boolean(),
  requiresAttachment: z.boolean().describe('A document (e.g. a doctor’s note) must be attached'),
  allowsHalfDay: z.boolean(),
  daysPerYear: z
    .number()
    .nullable()
    .describe('Default yearly allocation; null = not counted against a balance (e.g. unpaid)'),
  maxCarryOverDays: z.number().describe('Unused days that move to the next year, at most'),
  archived: z.boolean(),
});
export type LeaveType = z.infer<typeof LeaveType>;

const Days = z.number().min(0).max(366).multipleOf(0.5);

const LeaveTypeFields = z.object({
  name: z.string().trim().min(1).max(80),
  paid: z.boolean(),
  requiresAttachment: z.boolean(),
  allowsHalfDay: z.boolean(),
  daysPerYear: Days.nullable(),
  maxCarryOverDays: Days,
});
export const LeaveTypeInput = LeaveTypeFields.extend({
  paid: z.boolean().default(true),
  requiresAttachment: z.boolean().default(false),
  allowsHalfDay: z.boolean().default(true),
  daysPerYear: Days.nullable().default(null),
  maxCarryOverDays: Days.default(0),
});
export type LeaveTypeInput = z.infer<typeof LeaveTypeInput>;
/** Only the fields sent change (no defaults here: a rename must not reset the allocation). */
export const LeaveTypeUpdate = LeaveTypeFields.partial().extend({ archived: z.boolean().optional() });
export type LeaveTypeUpdate = z.infer<typeof LeaveTypeUpdate>;

export const Year = z.coerce.number().int().min(2000).max(2100);

export const LeaveAllocation = z.object({
  id: Id,
  employeeId: Id,
  employeeCode: z.string(),
  employeeName: z.string(),
  leaveTypeId: Id,
  year: z.number().int(),
  days: z.number(),
  carriedDays: z.number(),
});
export type LeaveAllocation = z.infer<typeof LeaveAllocation>;

export const LeaveAllocateRequest = z
  .object({
    leaveTypeId: Id,
    year: Year,
    days: Days,
    employeeIds: z.array(Id).max(5000).optional().describe('These employees'),
    departmentId: Id.optional().describe('Every active employee of this department'),
  })
  .refine((b) => (b.employeeIds?.length ?? 0) > 0 || b.departmentId !== undefined, {
    message: 'choose employees or a department',
  });
export type LeaveAllocateRequest = z.infer<typeof LeaveAllocateRequest>;

export const LeaveBalance = z.object({
  leaveTypeId: Id,
  leaveTypeName: z.string(),
  year: z.number().int(),
  counted: z.boolean().describe('False for types without a yearly allocation (no limit)'),
  allocated: z.number(),
  carried: z.number(),
  taken: z.number(),
  pending: z.number(),
  balance: z.number(),
});
export type LeaveBalance = z.infer<typeof LeaveBalance>;

export const LeaveRequestInput = z.object({
  leaveTypeId: Id,
  fromDate: LocalDate,
  toDate: LocalDate,
  portion: LeavePortion.default('full'),
  reason: z.string().trim().max(500).nullable().optional(),
  employeeId: Id.optional().describe('For someone else (leave:manage only); yourself when left out'),
});
export type LeaveRequestInput = z.infer<typeof LeaveRequestInput>;

export const LeaveRequest = z.object({
  id: Id,
  employeeId: Id,
  employeeCode: z.string(),
  employeeName: z.string(),
  leaveTypeId: Id,
  leaveTypeName: z.string(),
  fromDate: LocalDate,
  toDate: LocalDate,
  portion: LeavePortion,
  days: z.number(),
  reason: z.string().nullable(),
  status: LeaveStatus,
  approverEmployeeId: Id.nullable().describe('Who is asked to approve; null = the organization admins'),
  approverName: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: IsoDateTime.nullable(),
  decisionComment: z.string().nullable(),
  attachment: z
    .object({ fileName: z.string(), contentType: z.string(), sizeBytes: z.number().int() })
    .nullable(),
  createdAt: IsoDateTime,
  /** What the caller may do with it now. */
  canCancel: z.boolean(),
  canDecide: z.boolean(),
});
export type LeaveRequest = z.infer<typeof LeaveRequest>;

export const LeaveRequestQuery = z.object({
  scope: z.enum(['mine', 'team', 'all']).default('mine'),
  status: LeaveStatus.optional(),
  year: Year.optional(),
});

export const LeaveDecisionInput = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().trim().max(500).nullable().optional(),
});
export type LeaveDecisionInput = z.infer<typeof LeaveDecisionInput>;

export const LeaveCancelInput = z.object({ comment: z.string().trim().max(500).nullable().optional() });

export const LeaveCalendarQuery = z.object({
  from: LocalDate,
  to: LocalDate,
  departmentId: Id.optional(),
});
export const LeaveCalendarEntry = z.object({
  employeeId: Id,
  employeeName: z.string(),
  date: LocalDate,
  portion: LeavePortion,
  status: z.enum(['pending', 'approved']),
  leaveTypeName: z.string(),
  requestId: Id,
});
export type LeaveCalendarEntry = z.infer<typeof LeaveCalendarEntry>;

/** Attachments: a doctor's note as PDF, JPEG or PNG (checked by content, not by name). */
export const LEAVE_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const LEAVE_ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
