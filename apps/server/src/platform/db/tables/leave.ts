/**
 * Leave tables (migration 0050). Dates are local `YYYY-MM-DD` text in the organization's time zone; days
 * are reals in half-day steps; booleans are 0/1; times are epoch ms.
 */
export interface LeaveTypesTable {
  id: string;
  organizationId: string;
  /** 'annual' | 'sick' | 'unpaid' (seeded once) | 'custom' */
  code: string;
  name: string;
  paid: number;
  requiresAttachment: number;
  allowsHalfDay: number;
  /** null: not counted against a yearly balance. */
  daysPerYear: number | null;
  maxCarryOverDays: number;
  archived: number;
  createdAt: number;
  updatedAt: number;
}

export interface LeaveAllocationsTable {
  id: string;
  organizationId: string;
  employeeId: string;
  leaveTypeId: string;
  year: number;
  days: number;
  carriedDays: number;
  createdAt: number;
  updatedAt: number;
}

export interface LeaveRequestsTable {
  id: string;
  organizationId: string;
  employeeId: string;
  leaveTypeId: string;
  fromDate: string;
  toDate: string;
  /** 'full' | 'first_half' | 'second_half' */
  portion: string;
  days: number;
  reason: string | null;
  /** 'pending' | 'approved' | 'rejected' | 'cancelled' */
  status: string;
  requestedByUserId: string | null;
  approverEmployeeId: string | null;
  /** null while pending: the organization's admins decide. */
  approverUserId: string | null;
  decidedByUserId: string | null;
  decidedAt: number | null;
  decisionComment: string | null;
  attachmentPath: string | null;
  attachmentName: string | null;
  attachmentType: string | null;
  attachmentSize: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface LeaveRequestDaysTable {
  requestId: string;
  organizationId: string;
  employeeId: string;
  date: string;
  portion: string;
  days: number;
  /** Mirrors the request's status so day queries need no join. */
  status: string;
}

export interface LeaveTables {
  leaveTypes: LeaveTypesTable;
  leaveAllocations: LeaveAllocationsTable;
  leaveRequests: LeaveRequestsTable;
  leaveRequestDays: LeaveRequestDaysTable;
}
