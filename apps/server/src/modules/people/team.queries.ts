import type { Kysely, Transaction } from 'kysely';
import { orgChartFrom, subordinatesOf, supervisorChain, type OrgChart } from '@hadir/domain';
import type { DB } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * The user ↔ employee link (memberships.employee_id, unique per organization) and what follows from it:
 * a user's "team" is every employee below their own employee record in the supervisor hierarchy.
 * Other slices (leave, attendance, alerts) reuse these instead of reading memberships themselves.
 */
export class TeamQueries {
  constructor(private readonly db: Kysely<DB>) {}

  /** The employee record linked to this user in this organization, or null. */
  async employeeIdOfUser(
    orgId: string,
    userId: string,
    executor: Executor = this.db,
  ): Promise<string | null> {
    const row = await executor
      .selectFrom('memberships')
      .select('employeeId')
      .where('organizationId', '=', orgId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return row?.employeeId ?? null;
  }

  /** employeeId → linked userId for the given employees (those without a user are absent). */
  async usersOfEmployees(
    orgId: string,
    employeeIds: readonly string[],
    executor: Executor = this.db,
  ): Promise<Map<string, string>> {
    if (employeeIds.length === 0) return new Map();
    const rows = await executor
      .selectFrom('memberships')
      .select(['employeeId', 'userId'])
      .where('organizationId', '=', orgId)
      .where('employeeId', 'in', [...employeeIds])
      .execute();
    return new Map(rows.flatMap((r) => (r.employeeId ? [[r.employeeId, r.userId] as const] : [])));
  }

  async orgChart(orgId: string, executor: Executor = this.db): Promise<OrgChart> {
    const rows = await executor
      .selectFrom('employees')
      .select(['id', 'supervisorId'])
      .where('organizationId', '=', orgId)
      .execute();
    return orgChartFrom(rows);
  }

  /** Everyone below the user's employee record, all levels down; empty when the user is not linked. */
  async teamOf(orgId: string, userId: string, executor: Executor = this.db): Promise<string[]> {
    const employeeId = await this.employeeIdOfUser(orgId, userId, executor);
    if (employeeId === null) return [];
    return subordinatesOf(await this.orgChart(orgId, executor), employeeId, { recursive: true });
  }

  /** The employee's supervisors, direct one first. */
  async supervisorsOf(orgId: string, employeeId: string, executor: Executor = this.db): Promise<string[]> {
    return supervisorChain(await this.orgChart(orgId, executor), employeeId);
  }
}
