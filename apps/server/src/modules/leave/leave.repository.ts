import type { Kysely, Transaction } from 'kysely';
import type { LeaveRequest, LeaveType } from '@hadir/contracts';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { LeaveTypesTable } from '../../platform/db/tables/leave.js';
import { newId } from '../../platform/ids/ids.js';

export type Executor = Kysely<DB> | Transaction<DB>;

/** The kinds every organization starts with (Indonesian law: 12 days of annual leave). */
const DEFAULT_TYPES = [
  {
    code: 'annual',
    name: 'Annual leave',
    paid: 1,
    requiresAttachment: 0,
    daysPerYear: 12,
    maxCarryOverDays: 6,
  },
  {
    code: 'sick',
    name: 'Sick leave',
    paid: 1,
    requiresAttachment: 1,
    daysPerYear: null,
    maxCarryOverDays: 0,
  },
  {
    code: 'unpaid',
    name: 'Unpaid leave',
    paid: 0,
    requiresAttachment: 0,
    daysPerYear: null,
    maxCarryOverDays: 0,
  },
] as const;

/** Seeds the built-in types once per organization; a concurrent seed inserts nothing twice. */
export async function ensureDefaultLeaveTypes(db: Executor, orgId: string, nowMs: number): Promise<void> {
  const have = await db
    .selectFrom('leaveTypes')
    .select('code')
    .where('organizationId', '=', orgId)
    .where('code', '<>', 'custom')
    .execute();
  const codes = new Set(have.map((r) => r.code));
  for (const t of DEFAULT_TYPES) {
    if (codes.has(t.code)) continue;
    await db
      .insertInto('leaveTypes')
      .values({
        id: newId(nowMs),
        organizationId: orgId,
        ...t,
        allowsHalfDay: 1,
        archived: 0,
        createdAt: nowMs,
        updatedAt: nowMs,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export function presentLeaveType(row: LeaveTypesTable): LeaveType {
  return {
    id: row.id,
    code: row.code as LeaveType['code'],
    name: row.name,
    paid: row.paid === 1,
    requiresAttachment: row.requiresAttachment === 1,
    allowsHalfDay: row.allowsHalfDay === 1,
    daysPerYear: row.daysPerYear === null ? null : Number(row.daysPerYear),
    maxCarryOverDays: Number(row.maxCarryOverDays),
    archived: row.archived === 1,
  };
}

/** Requests with the names a presenter needs; always filter by `leave_requests.organization_id`. */
export function selectRequests(db: Executor, orgId: string) {
  return db
    .selectFrom('leaveRequests as r')
    .innerJoin('employees as e', 'e.id', 'r.employeeId')
    .innerJoin('leaveTypes as t', 't.id', 'r.leaveTypeId')
    .leftJoin('employees as ap', 'ap.id', 'r.approverEmployeeId')
    .leftJoin('users as dec', 'dec.id', 'r.decidedByUserId')
    .selectAll('r')
    .select([
      'e.employeeCode',
      'e.name as employeeName',
      't.name as leaveTypeName',
      'ap.name as approverName',
      'dec.name as decidedByName',
    ])
    .where('r.organizationId', '=', orgId);
}

export type RequestRow = Awaited<ReturnType<ReturnType<typeof selectRequests>['executeTakeFirstOrThrow']>>;

export function presentRequest(row: RequestRow, can: { cancel: boolean; decide: boolean }): LeaveRequest {
  return {
    id: row.id,
    employeeId: row.employeeId,
    employeeCode: row.employeeCode,
    employeeName: row.employeeName,
    leaveTypeId: row.leaveTypeId,
    leaveTypeName: row.leaveTypeName,
    fromDate: row.fromDate,
    toDate: row.toDate,
    portion: row.portion as LeaveRequest['portion'],
    days: Number(row.days),
    reason: row.reason,
    status: row.status as LeaveRequest['status'],
    approverEmployeeId: row.approverEmployeeId,
    approverName: row.approverName,
    decidedByName: row.decidedByName,
    decidedAt: toIsoOrNull(row.decidedAt),
    decisionComment: row.decisionComment,
    attachment:
      row.attachmentPath && row.attachmentName && row.attachmentType
        ? {
            fileName: row.attachmentName,
            contentType: row.attachmentType,
            sizeBytes: Number(row.attachmentSize),
          }
        : null,
    createdAt: toIso(row.createdAt),
    canCancel: can.cancel,
    canDecide: can.decide,
  };
}

/** Days of the employee's pending and approved requests (of one type, or all) within [from, to]. */
export async function sumDays(
  db: Executor,
  orgId: string,
  employeeId: string,
  from: string,
  to: string,
  leaveTypeId: string,
): Promise<{ taken: number; pending: number }> {
  const rows = await db
    .selectFrom('leaveRequestDays as d')
    .innerJoin('leaveRequests as r', 'r.id', 'd.requestId')
    .select(['d.status', (eb) => eb.fn.sum<number>('d.days').as('days')])
    .where('d.organizationId', '=', orgId)
    .where('d.employeeId', '=', employeeId)
    .where('d.date', '>=', from)
    .where('d.date', '<=', to)
    .where('r.leaveTypeId', '=', leaveTypeId)
    .where('d.status', 'in', ['pending', 'approved'])
    .groupBy('d.status')
    .execute();
  const of = (s: string) => Number(rows.find((r) => r.status === s)?.days ?? 0);
  return { taken: of('approved'), pending: of('pending') };
}
