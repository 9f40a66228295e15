import { ATTENDANCE_DAY_STATUSES, isValidLocalDate, type AttendanceDayStatus } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import type { AttendanceDaysService, DayChange } from './attendance-days.service.js';
import type { Executor } from './attendance.repository.js';

type Actor = Pick<AuthContext, 'userId' | 'tokenId'> & { userId: string };

/** Runs inside the write's transaction (the regularization flow writes its WhatsApp notices there). */
export type CorrectionHook = (
  trx: Executor,
  row: { id: string; employeeId: string; employeeName: string; employeeCode: string; date: string },
) => Promise<void>;

/** Who a request is addressed to (null/null: the organization's admins). */
export interface CorrectionApprover {
  approverEmployeeId: string | null;
  approverUserId: string | null;
}

export interface CorrectionInput {
  employeeId: string;
  date: string;
  checkInMs?: number | null;
  checkOutMs?: number | null;
  status?: AttendanceDayStatus | null;
  note: string;
}

export interface CorrectionView {
  id: string;
  employeeId: string;
  date: string;
  checkInMs: number | null;
  checkOutMs: number | null;
  status: AttendanceDayStatus | null;
  note: string;
  kind: 'manual' | 'request';
  state: 'applied' | 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  decidedBy: string | null;
  decidedAtMs: number | null;
  decisionComment: string | null;
  createdAtMs: number;
}

/**
 * Manual corrections (manager/HR, applied at once) and regularization requests (pending until a
 * supervisor approves or rejects). Every step is audited; the day is re-derived after each change.
 */
export class CorrectionsService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly days: AttendanceDaysService,
  ) {}

  async correct(
    organizationId: string,
    input: CorrectionInput,
    actor: Actor,
  ): Promise<{ id: string; changes: DayChange[] }> {
    const id = await this.insert(organizationId, input, actor, 'manual', 'applied');
    const changes = await this.days.recomputeEmployeeRange(
      organizationId,
      input.employeeId,
      input.date,
      input.date,
    );
    return { id, changes };
  }

  async request(
    organizationId: string,
    input: CorrectionInput,
    actor: Actor,
    approver: CorrectionApprover = { approverEmployeeId: null, approverUserId: null },
    onRequested?: CorrectionHook,
  ): Promise<{ id: string }> {
    return {
      id: await this.insert(organizationId, input, actor, 'request', 'pending', approver, onRequested),
    };
  }

  async decide(
    organizationId: string,
    id: string,
    decision: 'approved' | 'rejected',
    comment: string | null,
    actor: Actor,
    onDecided?: CorrectionHook,
  ): Promise<{ changes: DayChange[] }> {
    const now = this.ctx.clock.nowMs();
    const row = await this.ctx.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('attendanceCorrections')
        .innerJoin('employees', 'employees.id', 'attendanceCorrections.employeeId')
        .select([
          'attendanceCorrections.id',
          'attendanceCorrections.employeeId',
          'attendanceCorrections.workDate',
          'attendanceCorrections.state',
          'attendanceCorrections.requestedBy',
          'employees.name as employeeName',
          'employees.employeeCode',
        ])
        .where('attendanceCorrections.organizationId', '=', organizationId)
        .where('attendanceCorrections.id', '=', id)
        .executeTakeFirst();
      if (!current) throw notFound('Correction request');
      if (current.state !== 'pending')
        throw conflict('already_decided', `This request is already ${current.state}`);
      if (current.requestedBy === actor.userId)
        throw badRequest('own_request', 'A request is decided by someone other than its requester');
      await trx
        .updateTable('attendanceCorrections')
        .set({ state: decision, decidedBy: actor.userId, decidedAt: now, decisionComment: comment })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: `attendance_correction.${decision}`,
        entityType: 'attendance_correction',
        entityId: id,
        summary: `Correction request for ${current.workDate} ${decision}`,
        changes: comment === null ? undefined : { comment },
      });
      await onDecided?.(trx, { ...current, date: current.workDate });
      return current;
    });
    if (decision === 'rejected') return { changes: [] };
    return {
      changes: await this.days.recomputeEmployeeRange(
        organizationId,
        row.employeeId,
        row.workDate,
        row.workDate,
      ),
    };
  }

  async list(
    organizationId: string,
    filter: { state?: CorrectionView['state']; employeeId?: string },
  ): Promise<CorrectionView[]> {
    let q = this.ctx.db
      .selectFrom('attendanceCorrections')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(500);
    if (filter.state) q = q.where('state', '=', filter.state);
    if (filter.employeeId) q = q.where('employeeId', '=', filter.employeeId);
    return (await q.execute()).map((r) => ({
      id: r.id,
      employeeId: r.employeeId,
      date: r.workDate,
      checkInMs: r.checkIn,
      checkOutMs: r.checkOut,
      status: r.status as AttendanceDayStatus | null,
      note: r.note,
      kind: r.kind as CorrectionView['kind'],
      state: r.state as CorrectionView['state'],
      requestedBy: r.requestedBy,
      decidedBy: r.decidedBy,
      decidedAtMs: r.decidedAt,
      decisionComment: r.decisionComment,
      createdAtMs: r.createdAt,
    }));
  }

  private async insert(
    organizationId: string,
    input: CorrectionInput,
    actor: Actor,
    kind: 'manual' | 'request',
    state: 'applied' | 'pending',
    approver: CorrectionApprover = { approverEmployeeId: null, approverUserId: null },
    onInserted?: CorrectionHook,
  ): Promise<string> {
    if (!isValidLocalDate(input.date)) throw badRequest('invalid_date', 'date must be YYYY-MM-DD');
    const note = input.note.trim();
    if (note === '' || note.length > 500)
      throw badRequest('invalid_note', 'A reason of 1 to 500 characters is required');
    if (input.status != null && !ATTENDANCE_DAY_STATUSES.includes(input.status))
      throw badRequest('invalid_status', `Unknown status "${input.status}"`);
    if (input.checkInMs == null && input.checkOutMs == null && input.status == null)
      throw badRequest('empty_correction', 'Give a check-in, a check-out or a status');
    if (input.checkInMs != null && input.checkOutMs != null && input.checkOutMs <= input.checkInMs)
      throw badRequest('invalid_range', 'The check-out must be after the check-in');
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      const employee = await trx
        .selectFrom('employees')
        .select(['id', 'name', 'employeeCode'])
        .where('organizationId', '=', organizationId)
        .where('id', '=', input.employeeId)
        .executeTakeFirst();
      if (!employee) throw notFound('Employee');
      await trx
        .insertInto('attendanceCorrections')
        .values({
          id,
          organizationId,
          employeeId: input.employeeId,
          workDate: input.date,
          checkIn: input.checkInMs ?? null,
          checkOut: input.checkOutMs ?? null,
          status: input.status ?? null,
          note,
          kind,
          state,
          requestedBy: actor.userId,
          decidedBy: kind === 'manual' ? actor.userId : null,
          decidedAt: kind === 'manual' ? now : null,
          decisionComment: null,
          ...approver,
          createdAt: now,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId,
        actor,
        action: kind === 'manual' ? 'attendance_correction.applied' : 'attendance_correction.requested',
        entityType: 'attendance_correction',
        entityId: id,
        summary: `${kind === 'manual' ? 'Correction' : 'Correction request'} for ${employee.name} on ${input.date}: ${note}`,
        changes: {
          checkInMs: input.checkInMs ?? null,
          checkOutMs: input.checkOutMs ?? null,
          status: input.status ?? null,
        },
      });
      await onInserted?.(trx, {
        id,
        employeeId: employee.id,
        employeeName: employee.name,
        employeeCode: employee.employeeCode,
        date: input.date,
      });
    });
    return id;
  }
}
