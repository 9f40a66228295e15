import type {
  LeaveCalendarEntry,
  LeaveDecisionInput,
  LeaveRequest,
  LeaveRequestInput,
} from '@hadir/contracts';
import {
  chooseApprover,
  formatLeaveDecidedMessage,
  formatLeaveRequestedMessage,
  leaveBalance,
  leaveDays,
  localDate,
  supervisorChain,
  weekdayOf,
  type LeavePortion,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import type { NotificationsService } from '../notifications/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { TeamQueries } from '../people/index.js';
import type { LeaveTypesService } from './leave-types.service.js';
import { presentRequest, selectRequests, type Executor, type RequestRow } from './leave.repository.js';

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    /** Approved leave appeared or went away for these dates: attendance re-derives them. */
    'leave.changed': { organizationId: string; employeeId: string; fromDate: string; toDate: string };
  }
}

const DAYS_REASON: Record<string, string> = {
  invalid_date: 'A date is not a real calendar date.',
  reversed: 'The end date is before the start date.',
  too_long: 'A request covers at most a year; split longer absences.',
  half_day_range: 'A half day is a single date: use the same start and end date.',
  no_working_day: 'Those dates are all days off: there is nothing to request.',
};

/** Who the caller is in relation to a request. */
interface Relation {
  /** The request is about the caller's own employee record. */
  own: boolean;
  /** The caller filed it (possibly for someone else). */
  filedBy: boolean;
  /** The caller's employee record is above the employee in the hierarchy. */
  supervisor: boolean;
  /** The request is addressed to the caller. */
  approver: boolean;
  manage: boolean;
}

/**
 * Leave requests: submit (working days from the organization's weekly schedule, balance and overlap
 * checks, approver from the supervisor chain with escalation), decide, cancel, and what each caller
 * may see. WhatsApp notices are written to the outbox in the same transaction as the change.
 */
export class LeaveRequestsService {
  private readonly team: TeamQueries;

  constructor(
    private readonly ctx: ServerContext,
    private readonly types: LeaveTypesService,
    private readonly notifier: NotificationsService,
  ) {
    this.team = new TeamQueries(ctx.db);
  }

  // ------------------------------------------------------------------ submit

  async submit(auth: AuthContext, orgId: string, input: LeaveRequestInput): Promise<LeaveRequest> {
    const now = this.ctx.clock.nowMs();
    const employeeId = await this.subjectOf(auth, orgId, input.employeeId);
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    await this.types.listTypes(orgId); // seeds the built-in types on first use
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      const type = await this.types.typeOf(trx, orgId, input.leaveTypeId);
      if (type.archived === 1) throw badRequest('archived_type', `${type.name} is no longer offered`);
      if (input.portion !== 'full' && type.allowsHalfDay !== 1) {
        throw badRequest('no_half_day', `${type.name} is taken in whole days only`, { field: 'portion' });
      }
      if (input.fromDate.slice(0, 4) !== input.toDate.slice(0, 4)) {
        throw badRequest('spans_years', 'A request stays within one calendar year; split it at 31 December.');
      }
      const covered = leaveDays(
        input.fromDate,
        input.toDate,
        input.portion,
        (date) => settings.workingHours[weekdayOf(date)] !== null,
      );
      if (!covered.ok)
        throw badRequest(`dates_${covered.reason}`, DAYS_REASON[covered.reason] ?? covered.reason);

      const overlap = await trx
        .selectFrom('leaveRequestDays')
        .select(['date', 'portion'])
        .where('organizationId', '=', orgId)
        .where('employeeId', '=', employeeId)
        .where('status', 'in', ['pending', 'approved'])
        .where(
          'date',
          'in',
          covered.days.map((d) => d.date),
        )
        .execute();
      // Two different halves of one day may both be requested; anything else overlaps.
      const clash = overlap.find((o) =>
        covered.days.some(
          (d) =>
            d.date === o.date && (d.portion === 'full' || o.portion === 'full' || d.portion === o.portion),
        ),
      );
      if (clash) throw conflict('overlap', `You already have leave on ${clash.date}`, { date: clash.date });

      const year = Number(input.fromDate.slice(0, 4));
      const balance = await this.types.balanceInput(trx, orgId, employeeId, type, year);
      if (balance !== null && leaveBalance(balance) < covered.total) {
        throw conflict(
          'insufficient_balance',
          `${type.name}: ${leaveBalance(balance)} days left, this request needs ${covered.total}`,
          { balance: leaveBalance(balance), requested: covered.total },
        );
      }

      const approver = await this.approverFor(trx, orgId, employeeId, localDate(settings.timeZone, now));
      await trx
        .insertInto('leaveRequests')
        .values({
          id,
          organizationId: orgId,
          employeeId,
          leaveTypeId: type.id,
          fromDate: input.fromDate,
          toDate: input.toDate,
          portion: input.portion,
          days: covered.total,
          reason: input.reason ?? null,
          status: 'pending',
          requestedByUserId: auth.userId,
          approverEmployeeId: approver.kind === 'supervisor' ? approver.employeeId : null,
          approverUserId: approver.kind === 'supervisor' ? approver.userId : null,
          decidedByUserId: null,
          decidedAt: null,
          decisionComment: null,
          attachmentPath: null,
          attachmentName: null,
          attachmentType: null,
          attachmentSize: null,
          createdAt: now,
          updatedAt: now,
        })
        .execute();
      await trx
        .insertInto('leaveRequestDays')
        .values(
          covered.days.map((d) => ({
            requestId: id,
            organizationId: orgId,
            employeeId,
            date: d.date,
            portion: d.portion,
            days: d.days,
            status: 'pending',
          })),
        )
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'leave.requested',
        entityType: 'leave_request',
        entityId: id,
        summary: `Requested ${type.name} ${input.fromDate}–${input.toDate} (${covered.total} days)`,
        changes: {
          approver: approver.kind === 'supervisor' ? approver.employeeId : 'admins',
          skipped: approver.skipped,
        },
      });
      const row = await selectRequests(trx, orgId).where('r.id', '=', id).executeTakeFirstOrThrow();
      const recipients =
        approver.kind === 'supervisor'
          ? [{ employeeId: approver.employeeId, userId: approver.userId }]
          : await this.adminRecipients(trx, orgId);
      for (const to of recipients) {
        const locale = await this.notifier.recipientLocale(trx, orgId, to.employeeId);
        await this.notifier.enqueue(trx, {
          organizationId: orgId,
          kind: 'leave_requested',
          recipientEmployeeId: to.employeeId,
          recipientUserId: to.userId,
          subjectEmployeeId: employeeId,
          idempotencyKey: `leave:${id}:requested:${to.userId ?? to.employeeId ?? 'nobody'}`,
          message: {
            type: 'leave',
            text: formatLeaveRequestedMessage({
              employeeCode: row.employeeCode,
              name: row.employeeName,
              leaveTypeName: type.name,
              fromDate: input.fromDate,
              toDate: input.toDate,
              portion: input.portion,
              days: covered.total,
              reason: input.reason ?? null,
              locale,
            }),
          },
        });
      }
    });
    return this.get(auth, orgId, id);
  }

  /** The caller's own employee record, or (leave:manage only) someone else's. */
  private async subjectOf(auth: AuthContext, orgId: string, requested: string | undefined): Promise<string> {
    if (requested !== undefined && requested !== auth.employeeId) {
      if (!auth.permissions.has('leave:manage'))
        throw forbidden('Only leave managers request for someone else');
      const e = await this.ctx.db
        .selectFrom('employees')
        .select('id')
        .where('organizationId', '=', orgId)
        .where('id', '=', requested)
        .executeTakeFirst();
      if (!e) throw notFound('Employee');
      return e.id;
    }
    const own = auth.userId ? await this.team.employeeIdOfUser(orgId, auth.userId) : null;
    if (own === null) {
      throw conflict(
        'not_linked',
        'Your account is not linked to an employee record; ask an admin to link it.',
      );
    }
    return own;
  }

  /**
   * The first supervisor up the chain with a user account who is not on approved leave today; if
   * nobody qualifies, the organization's admins.
   */
  private async approverFor(trx: Executor, orgId: string, employeeId: string, today: string) {
    const chain = supervisorChain(await this.team.orgChart(orgId, trx), employeeId);
    const users = await this.team.usersOfEmployees(orgId, chain, trx);
    const away = chain.length
      ? await trx
          .selectFrom('leaveRequestDays')
          .select('employeeId')
          .where('organizationId', '=', orgId)
          .where('employeeId', 'in', chain)
          .where('date', '=', today)
          .where('status', '=', 'approved')
          .execute()
      : [];
    const onLeave = new Set(away.map((a) => a.employeeId));
    return chooseApprover(
      chain.map((e) => ({ employeeId: e, userId: users.get(e) ?? null, onLeave: onLeave.has(e) })),
    );
  }

  private async adminRecipients(trx: Executor, orgId: string) {
    const admins = await trx
      .selectFrom('memberships')
      .select(['userId', 'employeeId'])
      .where('organizationId', '=', orgId)
      .where('role', '=', 'admin')
      .orderBy('createdAt')
      .execute();
    // An admin without an employee record has no WhatsApp number: the row stays for the dashboard.
    return admins.map((a) => ({ employeeId: a.employeeId, userId: a.userId }));
  }

  // ------------------------------------------------------------------ decide / cancel

  async decide(
    auth: AuthContext,
    orgId: string,
    id: string,
    input: LeaveDecisionInput,
  ): Promise<LeaveRequest> {
    const now = this.ctx.clock.nowMs();
    const approved = input.decision === 'approve';
    let changed: RequestRow | null = null;
    await this.ctx.db.transaction().execute(async (trx) => {
      const row = await this.visibleRow(trx, auth, orgId, id);
      const rel = await this.relation(trx, auth, orgId, row);
      if (!this.canDecide(row, rel)) throw forbidden('You cannot decide on this request');
      if (row.status !== 'pending') throw conflict('not_pending', `This request is already ${row.status}`);
      const type = await this.types.typeOf(trx, orgId, row.leaveTypeId);
      if (approved && type.requiresAttachment === 1 && !row.attachmentPath) {
        throw conflict('attachment_required', `${type.name} needs an attachment before it can be approved`);
      }
      const status = approved ? 'approved' : 'rejected';
      await trx
        .updateTable('leaveRequests')
        .set({
          status,
          decidedByUserId: auth.userId,
          decidedAt: now,
          decisionComment: input.comment ?? null,
          updatedAt: now,
        })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      await trx
        .updateTable('leaveRequestDays')
        .set({ status })
        .where('organizationId', '=', orgId)
        .where('requestId', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: approved ? 'leave.approved' : 'leave.rejected',
        entityType: 'leave_request',
        entityId: id,
        summary: `${approved ? 'Approved' : 'Rejected'} ${row.leaveTypeName} of ${row.employeeName} ${row.fromDate}–${row.toDate}`,
        changes: { comment: input.comment ?? null },
      });
      const decider = auth.userId
        ? await trx.selectFrom('users').select('name').where('id', '=', auth.userId).executeTakeFirst()
        : undefined;
      const locale = await this.notifier.recipientLocale(trx, orgId, row.employeeId);
      await this.notifier.enqueue(trx, {
        organizationId: orgId,
        kind: 'leave_decided',
        recipientEmployeeId: row.employeeId,
        subjectEmployeeId: row.employeeId,
        idempotencyKey: `leave:${id}:decided`,
        message: {
          type: 'leave',
          text: formatLeaveDecidedMessage({
            leaveTypeName: row.leaveTypeName,
            fromDate: row.fromDate,
            toDate: row.toDate,
            portion: row.portion as LeavePortion,
            approved,
            deciderName: decider?.name ?? 'Hadir',
            comment: input.comment ?? null,
            locale,
          }),
        },
      });
      if (approved) changed = row;
    });
    if (changed) this.publishChanged(orgId, changed);
    return this.get(auth, orgId, id);
  }

  async cancel(auth: AuthContext, orgId: string, id: string, comment: string | null): Promise<LeaveRequest> {
    const now = this.ctx.clock.nowMs();
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    let wasApproved: RequestRow | null = null;
    await this.ctx.db.transaction().execute(async (trx) => {
      const row = await this.visibleRow(trx, auth, orgId, id);
      const rel = await this.relation(trx, auth, orgId, row);
      if (!this.canCancel(row, rel, localDate(settings.timeZone, now))) {
        throw row.status === 'pending' || row.status === 'approved'
          ? forbidden('You cannot cancel this request (it has started, or it is not yours to cancel)')
          : conflict('not_cancellable', `This request is already ${row.status}`);
      }
      await trx
        .updateTable('leaveRequests')
        .set({ status: 'cancelled', updatedAt: now, ...(comment ? { decisionComment: comment } : {}) })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      await trx
        .updateTable('leaveRequestDays')
        .set({ status: 'cancelled' })
        .where('organizationId', '=', orgId)
        .where('requestId', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'leave.cancelled',
        entityType: 'leave_request',
        entityId: id,
        summary: `Cancelled ${row.leaveTypeName} of ${row.employeeName} ${row.fromDate}–${row.toDate}`,
        changes: { from: row.status, comment },
      });
      if (row.status === 'approved') wasApproved = row;
    });
    if (wasApproved) this.publishChanged(orgId, wasApproved);
    return this.get(auth, orgId, id);
  }

  private publishChanged(orgId: string, row: RequestRow): void {
    this.ctx.events.publish('leave.changed', {
      organizationId: orgId,
      employeeId: row.employeeId,
      fromDate: row.fromDate,
      toDate: row.toDate,
    });
  }

  // ------------------------------------------------------------------ who may do what

  private async relation(db: Executor, auth: AuthContext, orgId: string, row: RequestRow): Promise<Relation> {
    const mine = auth.userId ? await this.team.employeeIdOfUser(orgId, auth.userId, db) : null;
    const supervisor =
      mine !== null && mine !== row.employeeId
        ? supervisorChain(await this.team.orgChart(orgId, db), row.employeeId).includes(mine)
        : false;
    return {
      own: mine !== null && mine === row.employeeId,
      filedBy: auth.userId !== null && auth.userId === row.requestedByUserId,
      supervisor,
      approver: auth.userId !== null && auth.userId === row.approverUserId,
      manage: auth.permissions.has('leave:manage'),
    };
  }

  /** Approvers: the addressed supervisor, anyone above the employee, or an admin; never the employee. */
  private canDecide(row: RequestRow, rel: Relation): boolean {
    if (row.status !== 'pending' || rel.own) return false;
    return rel.approver || rel.supervisor || rel.manage;
  }

  /** The requester before the first day (or any time while pending); an approver while it matters. */
  private canCancel(row: RequestRow, rel: Relation, today: string): boolean {
    if (row.status === 'pending')
      return rel.own || rel.filedBy || rel.approver || rel.supervisor || rel.manage;
    if (row.status !== 'approved') return false;
    if (rel.approver || rel.supervisor || (rel.manage && !rel.own)) return true;
    return (rel.own || rel.filedBy) && today < row.fromDate;
  }

  /** The row if the caller may see it; otherwise "not found" (ids of others leak nothing). */
  private async visibleRow(db: Executor, auth: AuthContext, orgId: string, id: string): Promise<RequestRow> {
    const row = await selectRequests(db, orgId).where('r.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Leave request');
    const rel = await this.relation(db, auth, orgId, row);
    if (!(rel.own || rel.filedBy || rel.supervisor || rel.approver || rel.manage))
      throw notFound('Leave request');
    return row;
  }

  private async present(
    db: Executor,
    auth: AuthContext,
    orgId: string,
    row: RequestRow,
  ): Promise<LeaveRequest> {
    const rel = await this.relation(db, auth, orgId, row);
    const settings = await getOrganizationSettings(db, orgId);
    return presentRequest(row, {
      cancel: this.canCancel(row, rel, localDate(settings.timeZone, this.ctx.clock.nowMs())),
      decide: this.canDecide(row, rel),
    });
  }

  // ------------------------------------------------------------------ reads

  /** Whose balance the caller may read: their own, a team member's, or anyone's with leave:manage. */
  async balanceSubject(auth: AuthContext, orgId: string, employeeId: string | undefined): Promise<string> {
    const mine = auth.userId ? await this.team.employeeIdOfUser(orgId, auth.userId) : null;
    if (employeeId === undefined || employeeId === mine) {
      if (mine === null) {
        throw conflict(
          'not_linked',
          'Your account is not linked to an employee record; ask an admin to link it.',
        );
      }
      return mine;
    }
    const e = await this.ctx.db
      .selectFrom('employees')
      .select('id')
      .where('organizationId', '=', orgId)
      .where('id', '=', employeeId)
      .executeTakeFirst();
    if (!e) throw notFound('Employee');
    if (auth.permissions.has('leave:manage')) return e.id;
    const team = auth.userId ? await this.team.teamOf(orgId, auth.userId) : [];
    if (!team.includes(e.id)) throw notFound('Employee');
    return e.id;
  }

  async get(auth: AuthContext, orgId: string, id: string): Promise<LeaveRequest> {
    const row = await this.visibleRow(this.ctx.db, auth, orgId, id);
    return this.present(this.ctx.db, auth, orgId, row);
  }

  /** The row for an attachment operation, with the caller's relation to it. */
  async rowFor(auth: AuthContext, orgId: string, id: string) {
    const row = await this.visibleRow(this.ctx.db, auth, orgId, id);
    return { row, rel: await this.relation(this.ctx.db, auth, orgId, row) };
  }

  async list(
    auth: AuthContext,
    orgId: string,
    q: { scope: 'mine' | 'team' | 'all'; status?: string | undefined; year?: number | undefined },
  ): Promise<LeaveRequest[]> {
    let query = selectRequests(this.ctx.db, orgId);
    if (q.scope === 'all') {
      if (!auth.permissions.has('leave:manage')) throw forbidden('Seeing every request needs leave:manage');
    } else {
      const ids =
        q.scope === 'mine'
          ? [auth.userId ? await this.team.employeeIdOfUser(orgId, auth.userId) : null].filter(
              (x): x is string => x !== null,
            )
          : auth.userId
            ? await this.team.teamOf(orgId, auth.userId)
            : [];
      if (ids.length === 0) return [];
      query = query.where('r.employeeId', 'in', ids);
    }
    if (q.status) query = query.where('r.status', '=', q.status);
    if (q.year)
      query = query.where('r.fromDate', '>=', `${q.year}-01-01`).where('r.fromDate', '<=', `${q.year}-12-31`);
    const rows = await query.orderBy('r.fromDate', 'desc').orderBy('r.id', 'desc').limit(1000).execute();
    return Promise.all(rows.map((r) => this.present(this.ctx.db, auth, orgId, r)));
  }

  /** Pending requests the caller may decide now: addressed to them, of their team, or (admins) any. */
  async approvals(auth: AuthContext, orgId: string): Promise<LeaveRequest[]> {
    let query = selectRequests(this.ctx.db, orgId).where('r.status', '=', 'pending');
    if (!auth.permissions.has('leave:manage')) {
      const team = auth.userId ? await this.team.teamOf(orgId, auth.userId) : [];
      query = query.where((eb) =>
        eb.or([
          eb('r.approverUserId', '=', auth.userId ?? '-'),
          ...(team.length ? [eb('r.employeeId', 'in', team)] : []),
        ]),
      );
    }
    const rows = await query.orderBy('r.fromDate').orderBy('r.id').limit(1000).execute();
    const out = await Promise.all(rows.map((r) => this.present(this.ctx.db, auth, orgId, r)));
    return out.filter((r) => r.canDecide);
  }

  /** Pending and approved leave days of the people the caller may see, for a month grid. */
  async calendar(
    auth: AuthContext,
    orgId: string,
    q: { from: string; to: string; departmentId?: string | undefined },
  ): Promise<LeaveCalendarEntry[]> {
    if (q.to < q.from) throw badRequest('reversed', 'The end date is before the start date');
    let query = this.ctx.db
      .selectFrom('leaveRequestDays as d')
      .innerJoin('leaveRequests as r', 'r.id', 'd.requestId')
      .innerJoin('employees as e', 'e.id', 'd.employeeId')
      .innerJoin('leaveTypes as t', 't.id', 'r.leaveTypeId')
      .select([
        'd.employeeId',
        'e.name as employeeName',
        'd.date',
        'd.portion',
        'd.status',
        't.name as leaveTypeName',
        'd.requestId',
      ])
      .where('d.organizationId', '=', orgId)
      .where('d.date', '>=', q.from)
      .where('d.date', '<=', q.to)
      .where('d.status', 'in', ['pending', 'approved']);
    if (q.departmentId) query = query.where('e.departmentId', '=', q.departmentId);
    if (!auth.permissions.has('leave:manage') && !auth.permissions.has('member:view')) {
      const mine = auth.userId ? await this.team.employeeIdOfUser(orgId, auth.userId) : null;
      const team = auth.userId ? await this.team.teamOf(orgId, auth.userId) : [];
      const ids = [...team, ...(mine ? [mine] : [])];
      if (ids.length === 0) return [];
      query = query.where('d.employeeId', 'in', ids);
    }
    const rows = await query.orderBy('d.date').orderBy('e.name').limit(20_000).execute();
    return rows.map((r) => ({
      ...r,
      portion: r.portion as LeavePortion,
      status: r.status as 'pending' | 'approved',
    }));
  }
}
