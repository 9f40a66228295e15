import type {
  LeaveAllocateRequest,
  LeaveAllocation,
  LeaveBalance,
  LeaveType,
  LeaveTypeInput,
  LeaveTypeUpdate,
} from '@hadir/contracts';
import { carryOverDays, leaveBalance, type LeaveBalanceInput } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import { ensureDefaultLeaveTypes, presentLeaveType, sumDays, type Executor } from './leave.repository.js';

const isUniqueViolation = (error: unknown) =>
  /unique|duplicate/i.test(error instanceof Error ? error.message : String(error));

/** Leave types, yearly allocations (one by one or a whole department) and balances. */
export class LeaveTypesService {
  constructor(private readonly ctx: ServerContext) {}

  async listTypes(orgId: string): Promise<LeaveType[]> {
    await ensureDefaultLeaveTypes(this.ctx.db, orgId, this.ctx.clock.nowMs());
    const rows = await this.ctx.db
      .selectFrom('leaveTypes')
      .selectAll()
      .where('organizationId', '=', orgId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    return rows.map(presentLeaveType);
  }

  async typeOf(db: Executor, orgId: string, id: string) {
    const row = await db
      .selectFrom('leaveTypes')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('Leave type');
    return row;
  }

  async createType(auth: AuthContext, orgId: string, input: LeaveTypeInput): Promise<LeaveType> {
    const now = this.ctx.clock.nowMs();
    await ensureDefaultLeaveTypes(this.ctx.db, orgId, now);
    const id = newId(now);
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('leaveTypes')
          .values({
            id,
            organizationId: orgId,
            code: 'custom',
            name: input.name,
            paid: input.paid ? 1 : 0,
            requiresAttachment: input.requiresAttachment ? 1 : 0,
            allowsHalfDay: input.allowsHalfDay ? 1 : 0,
            daysPerYear: input.daysPerYear,
            maxCarryOverDays: input.maxCarryOverDays,
            archived: 0,
            createdAt: now,
            updatedAt: now,
          })
          .execute();
        await recordAudit(trx, now, {
          organizationId: orgId,
          actor: auth,
          action: 'leave_type.created',
          entityType: 'leave_type',
          entityId: id,
          summary: `Created leave type ${input.name}`,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict('duplicate_name', `A leave type named "${input.name}" exists`);
      throw error;
    }
    return presentLeaveType(await this.typeOf(this.ctx.db, orgId, id));
  }

  async updateType(auth: AuthContext, orgId: string, id: string, patch: LeaveTypeUpdate): Promise<LeaveType> {
    const now = this.ctx.clock.nowMs();
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        const before = await this.typeOf(trx, orgId, id);
        const flag = (b: boolean | undefined) => (b === undefined ? undefined : b ? 1 : 0);
        const set = {
          name: patch.name,
          paid: flag(patch.paid),
          requiresAttachment: flag(patch.requiresAttachment),
          allowsHalfDay: flag(patch.allowsHalfDay),
          daysPerYear: patch.daysPerYear,
          maxCarryOverDays: patch.maxCarryOverDays,
          archived: flag(patch.archived),
        };
        const changes = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
        await trx
          .updateTable('leaveTypes')
          .set({ ...changes, updatedAt: now })
          .where('organizationId', '=', orgId)
          .where('id', '=', id)
          .execute();
        await recordAudit(trx, now, {
          organizationId: orgId,
          actor: auth,
          action: 'leave_type.updated',
          entityType: 'leave_type',
          entityId: id,
          summary: `Updated leave type ${before.name}`,
          changes,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('duplicate_name', `A leave type with that name exists`);
      throw error;
    }
    return presentLeaveType(await this.typeOf(this.ctx.db, orgId, id));
  }

  async listAllocations(orgId: string, year: number, leaveTypeId?: string): Promise<LeaveAllocation[]> {
    let q = this.ctx.db
      .selectFrom('leaveAllocations as a')
      .innerJoin('employees as e', 'e.id', 'a.employeeId')
      .select([
        'a.id',
        'a.employeeId',
        'e.employeeCode',
        'e.name as employeeName',
        'a.leaveTypeId',
        'a.year',
        'a.days',
        'a.carriedDays',
      ])
      .where('a.organizationId', '=', orgId)
      .where('a.year', '=', year);
    if (leaveTypeId) q = q.where('a.leaveTypeId', '=', leaveTypeId);
    const rows = await q.orderBy('e.name').orderBy('a.id').limit(10_000).execute();
    return rows.map((r) => ({ ...r, days: Number(r.days), carriedDays: Number(r.carriedDays) }));
  }

  /**
   * Sets the year's allocation for each chosen employee (or every active employee of a department) and
   * works out the carry-over from the previous year at the same time. Re-running replaces the days.
   */
  async allocate(auth: AuthContext, orgId: string, req: LeaveAllocateRequest): Promise<{ count: number }> {
    const now = this.ctx.clock.nowMs();
    return this.ctx.db.transaction().execute(async (trx) => {
      const type = await this.typeOf(trx, orgId, req.leaveTypeId);
      if (type.daysPerYear === null) {
        throw badRequest('not_counted', `${type.name} has no yearly allocation; give it days per year first`);
      }
      const ids = new Set(req.employeeIds ?? []);
      if (req.departmentId !== undefined) {
        const dept = await trx
          .selectFrom('departments')
          .select('id')
          .where('organizationId', '=', orgId)
          .where('id', '=', req.departmentId)
          .executeTakeFirst();
        if (!dept) throw notFound('Department');
        const members = await trx
          .selectFrom('employees')
          .select('id')
          .where('organizationId', '=', orgId)
          .where('departmentId', '=', req.departmentId)
          .where('status', 'in', ['active', 'on_leave'])
          .execute();
        for (const m of members) ids.add(m.id);
      }
      const found = ids.size
        ? await trx
            .selectFrom('employees')
            .select('id')
            .where('organizationId', '=', orgId)
            .where('id', 'in', [...ids])
            .execute()
        : [];
      if (found.length !== ids.size) throw notFound('Employee');
      for (const { id: employeeId } of found) {
        const previous = await this.balanceInput(trx, orgId, employeeId, type, req.year - 1, true);
        const carried = carryOverDays(previous, Number(type.maxCarryOverDays));
        await trx
          .insertInto('leaveAllocations')
          .values({
            id: newId(now),
            organizationId: orgId,
            employeeId,
            leaveTypeId: type.id,
            year: req.year,
            days: req.days,
            carriedDays: carried,
            createdAt: now,
            updatedAt: now,
          })
          .onConflict((oc) =>
            oc
              .columns(['organizationId', 'employeeId', 'leaveTypeId', 'year'])
              .doUpdateSet({ days: req.days, carriedDays: carried, updatedAt: now }),
          )
          .execute();
      }
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'leave.allocated',
        entityType: 'leave_type',
        entityId: type.id,
        summary: `Allocated ${req.days} days of ${type.name} for ${req.year} to ${found.length} employees`,
        changes: { year: req.year, days: req.days, employees: found.length },
      });
      return { count: found.length };
    });
  }

  /**
   * The year's figures for a counted type: the allocation row if there is one, else the type's default
   * days, with carry-over from last year's allocation row (a year without a row, e.g. before the person
   * joined, carries nothing). Null for types without a yearly allocation.
   */
  async balanceInput(
    db: Executor,
    orgId: string,
    employeeId: string,
    type: { id: string; daysPerYear: number | null; maxCarryOverDays: number },
    year: number,
    onlyAllocated = false,
  ): Promise<LeaveBalanceInput | null> {
    if (type.daysPerYear === null) return null;
    const alloc = await db
      .selectFrom('leaveAllocations')
      .select(['days', 'carriedDays'])
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', employeeId)
      .where('leaveTypeId', '=', type.id)
      .where('year', '=', year)
      .executeTakeFirst();
    if (!alloc && onlyAllocated) return null;
    const used = await sumDays(db, orgId, employeeId, `${year}-01-01`, `${year}-12-31`, type.id);
    const carried = alloc
      ? Number(alloc.carriedDays)
      : carryOverDays(
          await this.balanceInput(db, orgId, employeeId, type, year - 1, true),
          Number(type.maxCarryOverDays),
        );
    return {
      allocated: alloc ? Number(alloc.days) : Number(type.daysPerYear),
      carried,
      taken: used.taken,
      pending: used.pending,
    };
  }

  async balances(orgId: string, employeeId: string, year: number): Promise<LeaveBalance[]> {
    const types = (await this.listTypes(orgId)).filter((t) => !t.archived);
    const out: LeaveBalance[] = [];
    for (const t of types) {
      const input = await this.balanceInput(this.ctx.db, orgId, employeeId, t, year);
      const used =
        input ?? (await sumDays(this.ctx.db, orgId, employeeId, `${year}-01-01`, `${year}-12-31`, t.id));
      out.push({
        leaveTypeId: t.id,
        leaveTypeName: t.name,
        year,
        counted: input !== null,
        allocated: input?.allocated ?? 0,
        carried: input?.carried ?? 0,
        taken: used.taken,
        pending: used.pending,
        balance: input ? leaveBalance(input) : 0,
      });
    }
    return out;
  }
}
