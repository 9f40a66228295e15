import { randomBytes } from 'node:crypto';
import type {
  InvitationAccepted,
  InvitationCreate,
  InvitationCreated,
  InvitationList,
  InvitationPreview,
  InvitationRegister,
  RoleName,
} from '@hadir/contracts';
import type { Transaction } from 'kysely';
import { permissionsOf } from '@hadir/domain';
import { assertCanGrant } from './roles.service.js';
import type { ServerContext } from '../../context.js';
import type { DB } from '../../platform/db/schema.js';
import { toIso } from '../../platform/clock/clock.js';
import { sha256Hex } from '../../platform/crypto/secret-box.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, conflict, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import type { AuthService } from './auth.service.js';

/** How long an invitation can be accepted. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** One answer for a token that is unknown, expired, revoked or used: the token holder learns nothing more. */
const invalidToken = () =>
  new AppError(404, 'invitation_invalid', 'This invitation is not valid any more. Ask for a new one.');

/**
 * Invitations (security issue 9, item 12). An admin invites an email with a role; the answer never
 * depends on whether that email has an account anywhere (creating an invitation does not even look at
 * the users table). The invited person accepts: signed in with the invited email (an existing account),
 * or by choosing a name and password (a new account). No one joins an organization without accepting.
 */
export class InvitationsService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly auth: AuthService,
  ) {}

  async list(orgId: string): Promise<InvitationList> {
    const now = this.ctx.clock.nowMs();
    const rows = await this.ctx.db
      .selectFrom('invitations')
      .leftJoin('users', 'users.id', 'invitations.invitedByUserId')
      .select([
        'invitations.id',
        'invitations.email',
        'invitations.role',
        'invitations.employeeId',
        'invitations.createdAt',
        'invitations.expiresAt',
        'users.name as invitedBy',
      ])
      .where('invitations.organizationId', '=', orgId)
      .where('invitations.acceptedAt', 'is', null)
      .where('invitations.revokedAt', 'is', null)
      .where('invitations.expiresAt', '>', now)
      .orderBy('invitations.createdAt', 'desc')
      .limit(500)
      .execute();
    return { items: rows.map((r) => present(r)) };
  }

  async create(auth: AuthContext, orgId: string, input: InvitationCreate): Promise<InvitationCreated> {
    const now = this.ctx.clock.nowMs();
    const email = input.email.toLowerCase();
    // Inviting someone as a role is granting its rights: never more than the inviter holds.
    assertCanGrant(auth, permissionsOf(input.role), 'the role’s');
    if (input.employeeId) await this.assertEmployeeFree(orgId, input.employeeId);
    const token = randomBytes(32).toString('base64url');
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      // Someone already in THIS organization is visible on the users page anyway: no oracle here.
      const member = await trx
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.userId')
        .select('memberships.id')
        .where('memberships.organizationId', '=', orgId)
        .where('users.email', '=', email)
        .executeTakeFirst();
      if (member) throw conflict('already_member', 'That person is already a member of this organization');
      // A new invitation for the same email replaces the pending one (its link stops working).
      await trx
        .updateTable('invitations')
        .set({ revokedAt: now })
        .where('organizationId', '=', orgId)
        .where('email', '=', email)
        .where('acceptedAt', 'is', null)
        .where('revokedAt', 'is', null)
        .execute();
      await trx
        .insertInto('invitations')
        .values({
          id,
          organizationId: orgId,
          email,
          role: input.role,
          employeeId: input.employeeId ?? null,
          tokenHash: sha256Hex(token),
          invitedByUserId: auth.userId,
          createdAt: now,
          expiresAt: now + INVITATION_TTL_MS,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'user.invited',
        entityType: 'invitation',
        entityId: id,
        summary: `Invited ${email} as ${input.role}`,
      });
    });
    const inviter = auth.userId
      ? await this.ctx.db.selectFrom('users').select('name').where('id', '=', auth.userId).executeTakeFirst()
      : undefined;
    return {
      invitation: present({
        id,
        email,
        role: input.role,
        employeeId: input.employeeId ?? null,
        createdAt: now,
        expiresAt: now + INVITATION_TTL_MS,
        invitedBy: inviter?.name ?? null,
      }),
      token,
      acceptPath: `/invite#${token}`,
    };
  }

  async revoke(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('invitations')
        .set({ revokedAt: now })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .where('acceptedAt', 'is', null)
        .where('revokedAt', 'is', null)
        .returning(['email'])
        .executeTakeFirst();
      if (!res) throw notFound('Invitation');
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'user.invitation_revoked',
        entityType: 'invitation',
        entityId: id,
        summary: `Revoked the invitation of ${res.email}`,
      });
    });
  }

  /** What the invitation is for, to whoever holds the token (never whether the email has an account). */
  async preview(token: string): Promise<InvitationPreview> {
    const row = await this.findUsable(token);
    const org = await this.ctx.db
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', row.organizationId)
      .executeTakeFirstOrThrow();
    return { organizationName: org.name, email: row.email, role: row.role, expiresAt: toIso(row.expiresAt) };
  }

  /** A signed-in person accepts an invitation made out to their own email. */
  async acceptAsUser(auth: AuthContext, token: string): Promise<InvitationAccepted> {
    if (!auth.userId) throw new AppError(403, 'session_only', 'Sign in to accept an invitation');
    const userId = auth.userId;
    const user = await this.ctx.db
      .selectFrom('users')
      .select(['email'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const row = await this.findUsable(token);
    if (row.email !== user.email.toLowerCase()) {
      throw new AppError(
        403,
        'invitation_wrong_account',
        'This invitation was made out to another email address. Sign in with that account.',
      );
    }
    return this.join(row.id, userId, auth);
  }

  /**
   * A person without an account accepts by choosing a name and password. If the email already has an
   * account, they must sign in and accept instead (nobody takes over an existing account by invitation).
   */
  async register(input: InvitationRegister): Promise<InvitationAccepted> {
    const row = await this.findUsable(input.token);
    const passwordHash = await this.auth.hashPassword(input.password);
    const now = this.ctx.clock.nowMs();
    // One transaction: a failed join (a race with another acceptance) leaves no orphan account behind.
    return this.ctx.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('users')
        .select('id')
        .where('email', '=', row.email)
        .executeTakeFirst();
      if (existing) {
        throw conflict(
          'sign_in_to_accept',
          'An account with this email exists: sign in with it, then accept the invitation.',
        );
      }
      const id = newId(now);
      await trx
        .insertInto('users')
        .values({
          id,
          email: row.email,
          name: input.name,
          passwordHash,
          locale: 'id',
          lockedUntil: null,
          createdAt: now,
          updatedAt: now,
        })
        .execute();
      return this.joinIn(trx, row.id, id, null);
    });
  }

  /** Uses the invitation once (a conditional update) and adds the membership, in one transaction. */
  private join(invitationId: string, userId: string, actor: AuthContext | null) {
    return this.ctx.db.transaction().execute((trx) => this.joinIn(trx, invitationId, userId, actor));
  }

  private async joinIn(
    trx: Transaction<DB>,
    invitationId: string,
    userId: string,
    actor: AuthContext | null,
  ): Promise<InvitationAccepted> {
    const now = this.ctx.clock.nowMs();
    {
      const used = await trx
        .updateTable('invitations')
        .set({ acceptedAt: now, acceptedUserId: userId })
        .where('id', '=', invitationId)
        .where('acceptedAt', 'is', null)
        .where('revokedAt', 'is', null)
        .where('expiresAt', '>', now)
        .returning(['organizationId', 'role', 'employeeId', 'email'])
        .executeTakeFirst();
      if (!used) throw invalidToken();
      const member = await trx
        .selectFrom('memberships')
        .select('id')
        .where('organizationId', '=', used.organizationId)
        .where('userId', '=', userId)
        .executeTakeFirst();
      if (member) throw conflict('already_member', 'You are already a member of this organization');
      // The employee link is kept only if nobody took that employee meanwhile.
      let employeeId = used.employeeId;
      if (employeeId) {
        const linked = await trx
          .selectFrom('memberships')
          .select('id')
          .where('organizationId', '=', used.organizationId)
          .where('employeeId', '=', employeeId)
          .executeTakeFirst();
        if (linked) employeeId = null;
      }
      await trx
        .insertInto('memberships')
        .values({
          id: newId(now),
          userId,
          organizationId: used.organizationId,
          role: used.role,
          employeeId,
          createdAt: now,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: used.organizationId,
        actor: actor ?? null,
        action: 'user.invitation_accepted',
        entityType: 'user',
        entityId: userId,
        summary: `${used.email} accepted the invitation as ${used.role}`,
        changes: { invitationId },
      });
      return { organizationId: used.organizationId, userId, role: used.role };
    }
  }

  private async findUsable(token: string) {
    const row = await this.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('tokenHash', '=', sha256Hex(token))
      .executeTakeFirst();
    const now = this.ctx.clock.nowMs();
    if (!row || row.acceptedAt !== null || row.revokedAt !== null || row.expiresAt <= now) {
      throw invalidToken();
    }
    return row;
  }

  private async assertEmployeeFree(orgId: string, employeeId: string): Promise<void> {
    const e = await this.ctx.db
      .selectFrom('employees')
      .select('id')
      .where('id', '=', employeeId)
      .where('organizationId', '=', orgId)
      .executeTakeFirst();
    if (!e) throw notFound('Employee');
    const linked = await this.ctx.db
      .selectFrom('memberships')
      .select('userId')
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', employeeId)
      .executeTakeFirst();
    if (linked) {
      throw conflict('employee_linked', 'That employee is already linked to another user account', {
        field: 'employeeId',
      });
    }
  }
}

function present(r: {
  id: string;
  email: string;
  role: string;
  employeeId: string | null;
  createdAt: number;
  expiresAt: number;
  invitedBy: string | null;
}) {
  return {
    id: r.id,
    email: r.email,
    role: r.role as RoleName,
    employeeId: r.employeeId,
    invitedBy: r.invitedBy,
    createdAt: toIso(r.createdAt),
    expiresAt: toIso(r.expiresAt),
  };
}
