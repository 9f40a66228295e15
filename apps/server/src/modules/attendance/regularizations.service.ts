import {
  chooseApprover,
  describeCorrectionChange,
  formatCorrectionDecidedMessage,
  formatCorrectionRequestedMessage,
  localDate,
  localDateTime,
  supervisorChain,
  type AttendanceDayStatus,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { conflict, forbidden, notFound } from '../../platform/http/errors.js';
import type { NotificationsService } from '../notifications/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { TeamQueries } from '../people/index.js';
import type { DayChange } from './attendance-days.service.js';
import type { Executor } from './attendance.repository.js';
import type { CorrectionInput, CorrectionsService } from './corrections.service.js';
import type { LeaveSource } from './leave-source.js';

export interface RegularizationView {
  id: string;
  employeeId: string;
  employeeCode: string;
  employeeName: string;
  date: string;
  checkInMs: number | null;
  checkOutMs: number | null;
  status: AttendanceDayStatus | null;
  note: string;
  state: 'pending' | 'approved' | 'rejected';
  requestedByName: string;
  decidedByName: string | null;
  decidedAtMs: number | null;
  decisionComment: string | null;
  createdAtMs: number;
  canDecide: boolean;
}

interface Row {
  id: string;
  employeeId: string;
  employeeCode: string;
  employeeName: string;
  workDate: string;
  checkIn: number | null;
  checkOut: number | null;
  status: string | null;
  note: string;
  state: string;
  requestedBy: string;
  requestedByName: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
  decisionComment: string | null;
  approverUserId: string | null;
  createdAt: number;
}

function hhmm(timeZone: string, ms: number | null): string | null {
  if (ms === null) return null;
  const t = localDateTime(timeZone, ms);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

/**
 * Regularization: an employee (a user linked to an employee record) asks for a correction of their own
 * day; the request is addressed like leave (the first supervisor up the chain with an account who is
 * not on leave today, else the admins), who approve or reject it with a comment. WhatsApp notices go
 * through the outbox in the same transaction; an approval re-derives the day with the correction.
 */
export class RegularizationsService {
  private readonly team: TeamQueries;

  constructor(
    private readonly ctx: ServerContext,
    private readonly corrections: CorrectionsService,
    private readonly leave: () => LeaveSource,
    private readonly notifier: NotificationsService | null,
  ) {
    this.team = new TeamQueries(ctx.db);
  }

  /** The caller's own employee record; a clear refusal when the account is not linked to one. */
  async ownEmployee(auth: AuthContext, orgId: string): Promise<string> {
    const own = auth.userId ? await this.team.employeeIdOfUser(orgId, auth.userId) : null;
    if (own === null)
      throw conflict(
        'not_linked',
        'Your account is not linked to an employee record; ask an admin to link it.',
      );
    return own;
  }

  async request(
    auth: AuthContext,
    orgId: string,
    input: Omit<CorrectionInput, 'employeeId'> & { employeeId?: string },
  ): Promise<{ id: string }> {
    if (auth.userId === null) throw forbidden('Sign in to ask for a correction');
    const own = await this.team.employeeIdOfUser(orgId, auth.userId);
    if (input.employeeId !== undefined && input.employeeId !== own)
      throw forbidden('You can only ask for corrections of your own attendance');
    const employeeId = await this.ownEmployee(auth, orgId);
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    const today = localDate(settings.timeZone, this.ctx.clock.nowMs());
    if (input.date > today) throw conflict('future_date', 'A day can be corrected once it has started');
    const chain = await this.team.supervisorsOf(orgId, employeeId);
    const users = await this.team.usersOfEmployees(orgId, chain);
    const away = new Set(
      chain.length === 0
        ? []
        : (await this.leave().approvedLeave(orgId, today, today, chain))
            .filter((l) => l.portion === 'full')
            .map((l) => l.employeeId),
    );
    const choice = chooseApprover(
      chain.map((e) => ({ employeeId: e, userId: users.get(e) ?? null, onLeave: away.has(e) })),
    );
    const approver =
      choice.kind === 'supervisor'
        ? { approverEmployeeId: choice.employeeId, approverUserId: choice.userId }
        : { approverEmployeeId: null, approverUserId: null };
    return this.corrections.request(
      orgId,
      { ...input, employeeId },
      { userId: auth.userId, tokenId: auth.tokenId },
      approver,
      async (trx, row) => {
        if (!this.notifier) return;
        const recipients =
          choice.kind === 'supervisor'
            ? [{ employeeId: choice.employeeId, userId: choice.userId }]
            : await this.adminRecipients(trx, orgId);
        for (const to of recipients) {
          const locale = await this.notifier.recipientLocale(trx, orgId, to.employeeId);
          await this.notifier.enqueue(trx, {
            organizationId: orgId,
            kind: 'correction_requested',
            recipientEmployeeId: to.employeeId,
            recipientUserId: to.userId,
            subjectEmployeeId: employeeId,
            idempotencyKey: `correction:${row.id}:requested:${to.userId ?? to.employeeId ?? 'nobody'}`,
            message: {
              type: 'correction',
              text: formatCorrectionRequestedMessage({
                employeeCode: row.employeeCode,
                name: row.employeeName,
                date: row.date,
                change: describeCorrectionChange(
                  {
                    checkIn: hhmm(settings.timeZone, input.checkInMs ?? null),
                    checkOut: hhmm(settings.timeZone, input.checkOutMs ?? null),
                    status: input.status ?? null,
                  },
                  locale,
                ),
                note: input.note.trim(),
                locale,
              }),
            },
          });
        }
      },
    );
  }

  async decide(
    auth: AuthContext,
    orgId: string,
    id: string,
    decision: 'approved' | 'rejected',
    comment: string | null,
  ): Promise<{ changes: DayChange[] }> {
    const row = await this.visibleRow(auth, orgId, id);
    if (row.state !== 'pending') throw conflict('already_decided', `This request is already ${row.state}`);
    if (!(await this.canDecide(auth, orgId, row))) throw forbidden('You cannot decide on this request');
    const decider = auth.userId
      ? await this.ctx.db.selectFrom('users').select('name').where('id', '=', auth.userId).executeTakeFirst()
      : undefined;
    return this.corrections.decide(
      orgId,
      id,
      decision,
      comment,
      { userId: auth.userId ?? `token:${auth.tokenId ?? 'unknown'}`, tokenId: auth.tokenId },
      async (trx, r) => {
        if (!this.notifier) return;
        const locale = await this.notifier.recipientLocale(trx, orgId, r.employeeId);
        await this.notifier.enqueue(trx, {
          organizationId: orgId,
          kind: 'correction_decided',
          recipientEmployeeId: r.employeeId,
          subjectEmployeeId: r.employeeId,
          idempotencyKey: `correction:${r.id}:decided`,
          message: {
            type: 'correction',
            text: formatCorrectionDecidedMessage({
              date: r.date,
              approved: decision === 'approved',
              deciderName: decider?.name ?? 'Hadir',
              comment,
              locale,
            }),
          },
        });
      },
    );
  }

  /** The caller's own requests, newest first. */
  async mine(auth: AuthContext, orgId: string): Promise<RegularizationView[]> {
    const employeeId = await this.ownEmployee(auth, orgId);
    const rows = await this.select(this.ctx.db, orgId)
      .where('c.employeeId', '=', employeeId)
      .orderBy('c.createdAt', 'desc')
      .orderBy('c.id', 'desc')
      .limit(500)
      .execute();
    return Promise.all(rows.map(async (r) => this.present(r, await this.canDecide(auth, orgId, r))));
  }

  /** Pending requests the caller may decide: addressed to them, of their team, or (admins) any. */
  async inbox(auth: AuthContext, orgId: string): Promise<RegularizationView[]> {
    let q = this.select(this.ctx.db, orgId).where('c.state', '=', 'pending');
    if (!auth.permissions.has('attendance:approve')) {
      const team = auth.userId ? await this.team.teamOf(orgId, auth.userId) : [];
      q = q.where((eb) =>
        eb.or([
          eb('c.approverUserId', '=', auth.userId ?? '-'),
          ...(team.length ? [eb('c.employeeId', 'in', team)] : []),
        ]),
      );
    }
    const rows = await q.orderBy('c.workDate').orderBy('c.id').limit(500).execute();
    const out: RegularizationView[] = [];
    for (const r of rows) if (await this.canDecide(auth, orgId, r)) out.push(this.present(r, true));
    return out;
  }

  /** Approvers: the addressed supervisor, anyone above the employee, or attendance:approve; never oneself. */
  private async canDecide(auth: AuthContext, orgId: string, row: Row): Promise<boolean> {
    if (row.state !== 'pending' || auth.userId === null || row.requestedBy === auth.userId) return false;
    const mine = await this.team.employeeIdOfUser(orgId, auth.userId);
    if (mine !== null && mine === row.employeeId) return false;
    if (row.approverUserId === auth.userId || auth.permissions.has('attendance:approve')) return true;
    return mine !== null && supervisorChain(await this.team.orgChart(orgId), row.employeeId).includes(mine);
  }

  /** The request if the caller may see it; otherwise "not found" (ids of others leak nothing). */
  private async visibleRow(auth: AuthContext, orgId: string, id: string): Promise<Row> {
    const row = await this.select(this.ctx.db, orgId).where('c.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Correction request');
    if (auth.permissions.has('attendance:approve')) return row;
    if (auth.userId !== null && (row.approverUserId === auth.userId || row.requestedBy === auth.userId))
      return row;
    const mine = auth.userId ? await this.team.employeeIdOfUser(orgId, auth.userId) : null;
    if (mine !== null && mine === row.employeeId) return row;
    if (mine !== null && supervisorChain(await this.team.orgChart(orgId), row.employeeId).includes(mine))
      return row;
    throw notFound('Correction request');
  }

  private select(db: Executor, orgId: string) {
    return db
      .selectFrom('attendanceCorrections as c')
      .innerJoin('employees as e', 'e.id', 'c.employeeId')
      .leftJoin('users as rq', 'rq.id', 'c.requestedBy')
      .leftJoin('users as dc', 'dc.id', 'c.decidedBy')
      .select([
        'c.id',
        'c.employeeId',
        'e.employeeCode',
        'e.name as employeeName',
        'c.workDate',
        'c.checkIn',
        'c.checkOut',
        'c.status',
        'c.note',
        'c.state',
        'c.requestedBy',
        'rq.name as requestedByName',
        'dc.name as decidedByName',
        'c.decidedAt',
        'c.decisionComment',
        'c.approverUserId',
        'c.createdAt',
      ])
      .where('c.organizationId', '=', orgId)
      .where('c.kind', '=', 'request');
  }

  private present(r: Row, canDecide: boolean): RegularizationView {
    return {
      id: r.id,
      employeeId: r.employeeId,
      employeeCode: r.employeeCode,
      employeeName: r.employeeName,
      date: r.workDate,
      checkInMs: r.checkIn,
      checkOutMs: r.checkOut,
      status: r.status as AttendanceDayStatus | null,
      note: r.note,
      state: r.state as RegularizationView['state'],
      requestedByName: r.requestedByName ?? '',
      decidedByName: r.decidedByName,
      decidedAtMs: r.decidedAt,
      decisionComment: r.decisionComment,
      createdAtMs: r.createdAt,
      canDecide,
    };
  }

  private async adminRecipients(trx: Executor, orgId: string) {
    const admins = await trx
      .selectFrom('memberships')
      .select(['userId', 'employeeId'])
      .where('organizationId', '=', orgId)
      .where('role', '=', 'admin')
      .orderBy('createdAt')
      .execute();
    return admins.map((a) => ({ employeeId: a.employeeId, userId: a.userId }));
  }
}
