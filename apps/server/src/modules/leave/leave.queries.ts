import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

export interface ApprovedLeaveDay {
  employeeId: string;
  /** YYYY-MM-DD in the organization's time zone. */
  date: string;
  portion: 'full' | 'first_half' | 'second_half';
  leaveTypeName: string;
  requestId: string;
}

/**
 * Read side for other slices (attendance marks these days `excused`; alerts stay quiet): approved leave
 * only, one row per working day a request covers, scoped to one organization.
 */
export class LeaveQueries {
  constructor(private readonly db: Kysely<DB>) {}

  async approvedLeave(
    organizationId: string,
    fromDate: string,
    toDate: string,
    employeeIds?: readonly string[],
  ): Promise<ApprovedLeaveDay[]> {
    if (employeeIds !== undefined && employeeIds.length === 0) return [];
    let q = this.db
      .selectFrom('leaveRequestDays as d')
      .innerJoin('leaveRequests as r', 'r.id', 'd.requestId')
      .innerJoin('leaveTypes as t', 't.id', 'r.leaveTypeId')
      .select(['d.employeeId', 'd.date', 'd.portion', 't.name as leaveTypeName', 'd.requestId'])
      .where('d.organizationId', '=', organizationId)
      .where('r.organizationId', '=', organizationId)
      .where('d.status', '=', 'approved')
      .where('d.date', '>=', fromDate)
      .where('d.date', '<=', toDate);
    if (employeeIds !== undefined) q = q.where('d.employeeId', 'in', [...employeeIds]);
    const rows = await q.orderBy('d.date').orderBy('d.employeeId').execute();
    return rows.map((r) => ({ ...r, portion: r.portion as ApprovedLeaveDay['portion'] }));
  }
}
