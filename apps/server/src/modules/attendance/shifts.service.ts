import {
  validateRosterPattern,
  validateShiftType,
  isValidLocalDate,
  type RosterPattern,
  type ShiftType,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import { shiftTypeFromRow, type Executor } from './attendance.repository.js';

type Actor = Pick<AuthContext, 'userId' | 'tokenId'> | null;
export type ShiftTypeInput = Omit<ShiftType, 'id'>;

export interface AssignmentInput {
  employeeId: string | null;
  departmentId: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  pattern: RosterPattern;
}

/**
 * Shift types and who works them. A rule change (including editing or deleting an assignment) does not
 * rewrite history: recompute a period for that.
 */
export class ShiftsService {
  constructor(private readonly ctx: ServerContext) {}

  async listTypes(organizationId: string): Promise<ShiftType[]> {
    const rows = await this.ctx.db
      .selectFrom('shiftTypes')
      .select(['id', 'name', 'definition'])
      .where('organizationId', '=', organizationId)
      .orderBy('name')
      .execute();
    return rows.map(shiftTypeFromRow);
  }

  async saveType(
    organizationId: string,
    id: string | null,
    input: ShiftTypeInput,
    actor: Actor,
  ): Promise<ShiftType> {
    const issues = validateShiftType(input);
    if (input.name.trim() === '' || input.name.length > 80) issues.push('name needs 1 to 80 characters');
    if (issues.length > 0) throw badRequest('invalid_shift_type', issues.join('; '), issues);
    const { name, ...rest } = input;
    const definition = JSON.stringify(rest);
    const now = this.ctx.clock.nowMs();
    const shiftId = id ?? newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom('shiftTypes')
        .select('id')
        .where('organizationId', '=', organizationId)
        .where('name', '=', name.trim())
        .executeTakeFirst();
      if (clash && clash.id !== shiftId)
        throw conflict('duplicate_name', `A shift type named "${name}" exists`);
      if (id === null) {
        await trx
          .insertInto('shiftTypes')
          .values({
            id: shiftId,
            organizationId,
            name: name.trim(),
            definition,
            createdAt: now,
            updatedAt: now,
          })
          .execute();
      } else {
        const res = await trx
          .updateTable('shiftTypes')
          .set({ name: name.trim(), definition, updatedAt: now })
          .where('organizationId', '=', organizationId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw notFound('Shift type');
      }
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: id === null ? 'shift_type.created' : 'shift_type.updated',
        entityType: 'shift_type',
        entityId: shiftId,
        summary: `Shift type "${name.trim()}" ${id === null ? 'created' : 'updated'}`,
        changes: rest,
      });
    });
    return { ...rest, id: shiftId, name: name.trim() };
  }

  async listAssignments(organizationId: string): Promise<(AssignmentInput & { id: string })[]> {
    const rows = await this.ctx.db
      .selectFrom('shiftAssignments')
      .select(['id', 'employeeId', 'departmentId', 'effectiveFrom', 'effectiveTo', 'pattern'])
      .where('organizationId', '=', organizationId)
      .orderBy('effectiveFrom', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, pattern: JSON.parse(r.pattern) as RosterPattern }));
  }

  async createAssignment(
    organizationId: string,
    input: AssignmentInput,
    actor: Actor,
  ): Promise<{ id: string }> {
    await this.validateAssignment(organizationId, input);
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('shiftAssignments')
        .values({ id, organizationId, ...input, pattern: JSON.stringify(input.pattern), createdAt: now })
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'shift_assignment.created',
        entityType: 'shift_assignment',
        entityId: id,
        summary: `Shift assignment from ${input.effectiveFrom}`,
        changes: input,
      });
    });
    return { id };
  }

  /** Replaces an assignment (who, dates, pattern); the audit keeps what it was before. */
  async updateAssignment(
    organizationId: string,
    id: string,
    input: AssignmentInput,
    actor: Actor,
  ): Promise<{ id: string }> {
    await this.validateAssignment(organizationId, input);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const before = await this.assignmentRow(trx, organizationId, id);
      await trx
        .updateTable('shiftAssignments')
        .set({ ...input, pattern: JSON.stringify(input.pattern) })
        .where('organizationId', '=', organizationId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'shift_assignment.updated',
        entityType: 'shift_assignment',
        entityId: id,
        summary: `Shift assignment changed (now from ${input.effectiveFrom})`,
        changes: { before, after: input },
      });
    });
    return { id };
  }

  async deleteAssignment(organizationId: string, id: string, actor: Actor): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const before = await this.assignmentRow(trx, organizationId, id);
      await trx
        .deleteFrom('shiftAssignments')
        .where('organizationId', '=', organizationId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: 'shift_assignment.deleted',
        entityType: 'shift_assignment',
        entityId: id,
        summary: `Shift assignment from ${before.effectiveFrom} deleted`,
        changes: { before },
      });
    });
  }

  private async assignmentRow(trx: Executor, organizationId: string, id: string) {
    const row = await trx
      .selectFrom('shiftAssignments')
      .select(['employeeId', 'departmentId', 'effectiveFrom', 'effectiveTo', 'pattern'])
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('Shift assignment');
    return { ...row, pattern: JSON.parse(row.pattern) as RosterPattern };
  }

  private async validateAssignment(organizationId: string, input: AssignmentInput): Promise<void> {
    const issues = validateRosterPattern(input.pattern);
    if (input.employeeId !== null && input.departmentId !== null)
      issues.push('an assignment is for one employee or one department, not both');
    if (!isValidLocalDate(input.effectiveFrom)) issues.push('effectiveFrom must be YYYY-MM-DD');
    if (
      input.effectiveTo !== null &&
      (!isValidLocalDate(input.effectiveTo) || input.effectiveTo < input.effectiveFrom)
    )
      issues.push('effectiveTo must be a date on or after effectiveFrom');
    if (issues.length > 0) throw badRequest('invalid_assignment', issues.join('; '), issues);
    const db = this.ctx.db;
    if (input.employeeId !== null) {
      const e = await db
        .selectFrom('employees')
        .select('id')
        .where('organizationId', '=', organizationId)
        .where('id', '=', input.employeeId)
        .executeTakeFirst();
      if (!e) throw notFound('Employee');
    }
    if (input.departmentId !== null) {
      const d = await db
        .selectFrom('departments')
        .select('id')
        .where('organizationId', '=', organizationId)
        .where('id', '=', input.departmentId)
        .executeTakeFirst();
      if (!d) throw notFound('Department');
    }
    const referenced = new Set(
      (input.pattern.kind === 'weekly' ? Object.values(input.pattern.days) : input.pattern.cycle).filter(
        (v): v is string => typeof v === 'string',
      ),
    );
    if (referenced.size > 0) {
      const found = await db
        .selectFrom('shiftTypes')
        .select('id')
        .where('organizationId', '=', organizationId)
        .where('id', 'in', [...referenced])
        .execute();
      if (found.length !== referenced.size) throw notFound('Shift type');
    }
  }
}
