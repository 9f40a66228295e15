import { hash, verify } from '@node-rs/argon2';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import {
  DEFAULT_ORGANIZATION_SETTINGS,
  type ApiToken,
  type Membership,
  type OrgUser,
  type RoleName,
  type SessionInfo,
  type SetupRequest,
} from '@hadir/contracts';
import { isRole, permissionsOf, PERMISSIONS, type Permission } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import { sha256Hex } from '../../platform/crypto/secret-box.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, conflict, forbidden, notFound, unauthorized } from '../../platform/http/errors.js';
import { newId, randomToken } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import { insertOrganizationWithAdmin } from '../organizations/index.js';
import { assertCanGrant, assertNotLastAdmin, effectivePermissions } from './roles.service.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, LoginThrottle, throttled } from './login-throttle.js';

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    /** Someone's credentials or rights changed: open live sockets of that user or token re-check theirs. */
    'auth.changed': { userId: string | null; tokenId: string | null };
  }
}

export const SESSION_COOKIE = 'hadir_session';
export const SESSION_TTL_MS = 14 * 24 * 3600_000;
export const TOKEN_PREFIX = 'hdr_';

// OWASP's argon2id baseline (m=19 MiB, t=2, p=1).
const ARGON = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let dummyHash: Promise<string> | null = null;

export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly ctx: ServerContext) {
    this.throttle = new LoginThrottle(ctx.db);
  }

  /** Open live sockets of this user (and the tokens they created) or of this token re-check at once. */
  private changed(userId: string | null, tokenId: string | null): void {
    this.ctx.events.publish('auth.changed', { userId, tokenId });
  }

  hashPassword(password: string): Promise<string> {
    return hash(password, ARGON);
  }

  async needsSetup(): Promise<boolean> {
    const row = await this.ctx.db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
    return !row;
  }

  /** First run: creates the first organization and its admin. Refused once any organization exists. */
  async setup(input: SetupRequest, meta: { ip: string | null; userAgent: string | null }) {
    const now = this.ctx.clock.nowMs();
    const passwordHash = await this.hashPassword(input.admin.password);
    const { userId, orgId } = await this.ctx.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
      if (existing) throw conflict('already_set_up', 'Hadir is already set up; sign in instead');
      const orgId = newId(now);
      const userId = newId(now);
      await trx
        .insertInto('users')
        .values({
          id: userId,
          email: input.admin.email,
          name: input.admin.name,
          passwordHash,
          locale: input.organization.locale,
          lockedUntil: null,
          // The first admin runs the installation: they may create organizations and grant that right.
          isOperator: 1,
          createdAt: now,
          updatedAt: now,
        })
        .execute();
      await insertOrganizationWithAdmin(trx, now, {
        id: orgId,
        name: input.organization.name,
        settings: {
          ...DEFAULT_ORGANIZATION_SETTINGS,
          timeZone: input.organization.timeZone,
          locale: input.organization.locale,
        },
        adminUserId: userId,
        actor: { userId, tokenId: null },
        summary: `Set up organization "${input.organization.name}" with admin ${input.admin.email}`,
      });
      return { userId, orgId };
    });
    return this.createSession(userId, orgId, meta);
  }

  async login(email: string, password: string, meta: { ip: string | null; userAgent: string | null }) {
    const now = this.ctx.clock.nowMs();
    const accountKey = `account:${email.toLowerCase()}`;
    const addressKey = `ip:${meta.ip ?? 'unknown'}`;
    // Counted before the password is checked, atomically: a parallel burst cannot slip past the limit.
    const addressWait = await this.throttle.reserve(addressKey, ADDRESS_POLICY, now);
    if (addressWait !== null) throw throttled(addressWait);
    const accountWait = await this.throttle.reserve(accountKey, ACCOUNT_POLICY, now);
    if (accountWait !== null) throw throttled(accountWait);
    const user = await this.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    if (!user) {
      // Same work as a real check, so timing does not reveal which emails exist.
      dummyHash ??= this.hashPassword('not-a-real-password-000');
      await verify(await dummyHash, password).catch(() => false);
      throw unauthorized('Wrong email or password');
    }
    const ok = await verify(user.passwordHash, password).catch(() => false);
    if (!ok) throw unauthorized('Wrong email or password');
    await this.throttle.reset(accountKey);
    await this.throttle.release(addressKey);
    const memberships = await this.memberships(user.id);
    // One organization: select it at once; several: the user picks after sign-in.
    const orgId = memberships.length === 1 ? (memberships[0]?.organizationId ?? null) : null;
    return this.createSession(user.id, orgId, meta);
  }

  /**
   * A session for someone proven another way than their password: the phone app's PIN or face on a
   * device registered by that person (the caller checked the device, its key and the factor).
   */
  async sessionForDevice(
    userId: string,
    orgId: string,
    meta: { ip: string | null; userAgent: string | null },
  ) {
    return this.createSession(userId, orgId, meta);
  }

  private async createSession(
    userId: string,
    orgId: string | null,
    meta: { ip: string | null; userAgent: string | null },
  ) {
    const now = this.ctx.clock.nowMs();
    const token = randomToken(32);
    await this.ctx.db
      .insertInto('sessions')
      .values({
        id: sha256Hex(token),
        userId,
        organizationId: orgId,
        csrfToken: randomToken(24),
        createdAt: now,
        expiresAt: now + SESSION_TTL_MS,
        lastSeenAt: now,
        ip: meta.ip,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    return { token, expiresAtMs: now + SESSION_TTL_MS };
  }

  async memberships(userId: string): Promise<Membership[]> {
    const rows = await this.ctx.db
      .selectFrom('memberships')
      .innerJoin('organizations', 'organizations.id', 'memberships.organizationId')
      .select(['memberships.organizationId', 'organizations.name as organizationName', 'memberships.role'])
      .where('memberships.userId', '=', userId)
      .orderBy('organizations.name')
      .execute();
    return rows.map((r) => ({
      organizationId: r.organizationId,
      organizationName: r.organizationName,
      role: r.role as RoleName,
    }));
  }

  /** Resolves the caller from the session cookie or an `Authorization: Bearer hdr_…` token. */
  async authenticate(request: FastifyRequest): Promise<AuthContext | null> {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) return this.authenticateToken(header.slice(7).trim());
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return null;
    return this.authenticateSession(cookie);
  }

  async authenticateSession(cookie: string): Promise<AuthContext | null> {
    const now = this.ctx.clock.nowMs();
    const session = await this.ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sha256Hex(cookie))
      .executeTakeFirst();
    if (!session || session.expiresAt <= now) return null;
    if (now - session.lastSeenAt > 60_000) {
      await this.ctx.db
        .updateTable('sessions')
        .set({ lastSeenAt: now })
        .where('id', '=', session.id)
        .execute();
    }
    let role = null;
    let employeeId = null;
    let rights: Awaited<ReturnType<typeof effectivePermissions>> = null;
    if (session.organizationId) {
      const m = await this.ctx.db
        .selectFrom('memberships')
        .select(['role', 'employeeId', 'customRoleId'])
        .where('userId', '=', session.userId)
        .where('organizationId', '=', session.organizationId)
        .executeTakeFirst();
      if (m && isRole(m.role)) {
        role = m.role;
        employeeId = m.employeeId;
        rights = await effectivePermissions(this.ctx.db, session.organizationId, m);
      }
    }
    return {
      kind: 'session',
      userId: session.userId,
      tokenId: null,
      sessionId: session.id,
      organizationId: role ? session.organizationId : null,
      role,
      customRoleName: rights?.customRoleName ?? null,
      employeeId,
      permissions: new Set(rights?.permissions ?? []),
      csrfToken: session.csrfToken,
    };
  }

  async authenticateToken(token: string): Promise<AuthContext | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const now = this.ctx.clock.nowMs();
    const row = await this.ctx.db
      .selectFrom('apiTokens')
      .selectAll()
      .where('tokenHash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
    if (!row.lastUsedAt || now - row.lastUsedAt > 60_000) {
      await this.ctx.db.updateTable('apiTokens').set({ lastUsedAt: now }).where('id', '=', row.id).execute();
    }
    // A token acts for its creator and never beyond them: its rights are its scopes intersected with
    // what the creator may do in that organization NOW. A creator who left (or never had a membership)
    // leaves a dead token.
    if (!row.createdBy) return null;
    const creator = await this.ctx.db
      .selectFrom('memberships')
      .select(['role', 'customRoleId'])
      .where('userId', '=', row.createdBy)
      .where('organizationId', '=', row.organizationId)
      .executeTakeFirst();
    const rights = creator ? await effectivePermissions(this.ctx.db, row.organizationId, creator) : null;
    if (!rights) return null;
    const creatorRights = new Set<string>(rights.permissions);
    const scopes = (JSON.parse(row.scopes) as string[]).filter(
      (s): s is Permission => (PERMISSIONS as readonly string[]).includes(s) && creatorRights.has(s),
    );
    return {
      kind: 'token',
      userId: row.createdBy,
      tokenId: row.id,
      sessionId: null,
      organizationId: row.organizationId,
      role: null,
      employeeId: null,
      permissions: new Set(scopes),
      csrfToken: null,
    };
  }

  async sessionInfo(auth: AuthContext): Promise<SessionInfo> {
    if (!auth.userId || auth.kind !== 'session') throw unauthorized();
    const user = await this.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', auth.userId)
      .executeTakeFirstOrThrow();
    return {
      user: {
        id: user.id,
        name: user.name,
        email: user.email,
        locale: user.locale as SessionInfo['user']['locale'],
      },
      memberships: await this.memberships(user.id),
      activeOrganizationId: auth.organizationId,
      role: auth.role,
      customRoleName: auth.customRoleName ?? null,
      permissions: [...auth.permissions],
      csrfToken: auth.csrfToken ?? '',
    };
  }

  async selectOrganization(auth: AuthContext, organizationId: string): Promise<void> {
    if (!auth.sessionId || !auth.userId) throw unauthorized();
    const m = await this.ctx.db
      .selectFrom('memberships')
      .select('id')
      .where('userId', '=', auth.userId)
      .where('organizationId', '=', organizationId)
      .executeTakeFirst();
    if (!m) throw forbidden('You are not a member of that organization');
    await this.ctx.db
      .updateTable('sessions')
      .set({ organizationId })
      .where('id', '=', auth.sessionId)
      .execute();
  }

  async logout(auth: AuthContext, everywhere: boolean): Promise<void> {
    if (!auth.userId) return;
    let q = this.ctx.db.deleteFrom('sessions').where('userId', '=', auth.userId);
    if (!everywhere && auth.sessionId) q = q.where('id', '=', auth.sessionId);
    await q.execute();
    this.changed(auth.userId, null);
  }

  async updateMe(
    auth: AuthContext,
    input: {
      name?: string | undefined;
      locale?: string | undefined;
      currentPassword?: string | undefined;
      newPassword?: string | undefined;
    },
  ) {
    if (!auth.userId) throw unauthorized();
    const user = await this.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', auth.userId)
      .executeTakeFirstOrThrow();
    const now = this.ctx.clock.nowMs();
    const patch: { name?: string; locale?: string; passwordHash?: string; updatedAt: number } = {
      updatedAt: now,
    };
    if (input.name) patch.name = input.name;
    if (input.locale) patch.locale = input.locale;
    if (input.newPassword) {
      const ok = input.currentPassword
        ? await verify(user.passwordHash, input.currentPassword).catch(() => false)
        : false;
      if (!ok) throw new AppError(400, 'wrong_password', 'The current password is wrong');
      patch.passwordHash = await this.hashPassword(input.newPassword);
    }
    await this.ctx.db.updateTable('users').set(patch).where('id', '=', user.id).execute();
    if (input.newPassword) {
      // A new password signs out every other session.
      await this.ctx.db
        .deleteFrom('sessions')
        .where('userId', '=', user.id)
        .where('id', '!=', auth.sessionId ?? '')
        .execute();
      this.changed(user.id, null);
    }
  }

  // ---- API tokens -------------------------------------------------------------------------------

  async createToken(
    auth: AuthContext,
    orgId: string,
    input: { name: string; scopes: string[]; expiresInDays?: number | undefined },
  ) {
    const unknown = input.scopes.filter((s) => !(PERMISSIONS as readonly string[]).includes(s));
    if (unknown.length) throw new AppError(400, 'unknown_scope', `Unknown scopes: ${unknown.join(', ')}`);
    // A token never holds more than its creator.
    const beyond = input.scopes.filter((s) => !auth.permissions.has(s as Permission));
    if (beyond.length) throw forbidden(`You cannot grant scopes you do not hold: ${beyond.join(', ')}`);
    const now = this.ctx.clock.nowMs();
    const secret = TOKEN_PREFIX + randomToken(32);
    const row = {
      id: newId(now),
      organizationId: orgId,
      name: input.name,
      tokenHash: sha256Hex(secret),
      prefix: secret.slice(0, 10),
      scopes: JSON.stringify(input.scopes),
      createdBy: auth.userId,
      createdAt: now,
      lastUsedAt: null,
      expiresAt: input.expiresInDays ? now + input.expiresInDays * 86_400_000 : null,
      revokedAt: null,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('apiTokens').values(row).execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'token.created',
        entityType: 'api_token',
        entityId: row.id,
        summary: `Created API token "${input.name}" (${input.scopes.join(', ')})`,
      });
    });
    return { ...presentToken(row), token: secret };
  }

  async listTokens(orgId: string): Promise<ApiToken[]> {
    const rows = await this.ctx.db
      .selectFrom('apiTokens')
      .selectAll()
      .where('organizationId', '=', orgId)
      .orderBy('createdAt', 'desc')
      .execute();
    return rows.map(presentToken);
  }

  async revokeToken(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('apiTokens')
        .set({ revokedAt: now })
        .where('id', '=', id)
        .where('organizationId', '=', orgId)
        .where('revokedAt', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw notFound('API token');
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'token.revoked',
        entityType: 'api_token',
        entityId: id,
        summary: 'Revoked an API token',
      });
    });
    this.changed(null, id);
  }

  // ---- Users of an organization -----------------------------------------------------------------

  async listUsers(orgId: string): Promise<OrgUser[]> {
    const rows = await this.ctx.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.userId')
      .leftJoin('employees', (j) =>
        j
          .onRef('employees.id', '=', 'memberships.employeeId')
          .onRef('employees.organizationId', '=', 'memberships.organizationId'),
      )
      .leftJoin('customRoles', (j) =>
        j
          .onRef('customRoles.id', '=', 'memberships.customRoleId')
          .onRef('customRoles.organizationId', '=', 'memberships.organizationId'),
      )
      .select([
        'users.id as userId',
        'users.name',
        'users.email',
        'memberships.role',
        'memberships.employeeId',
        'employees.name as employeeName',
        'memberships.createdAt',
        'memberships.customRoleId',
        'customRoles.name as customRoleName',
      ])
      .where('memberships.organizationId', '=', orgId)
      .orderBy('users.name')
      .execute();
    return rows.map((r) => ({ ...r, role: r.role as RoleName, createdAt: toIso(r.createdAt) }));
  }

  async addUser(
    auth: AuthContext,
    orgId: string,
    input: {
      name: string;
      email: string;
      password?: string | undefined;
      role: RoleName;
      employeeId?: string | null | undefined;
    },
  ) {
    const now = this.ctx.clock.nowMs();
    assertCanGrant(auth, permissionsOf(input.role), 'the role’s');
    if (input.employeeId) await this.assertEmployeeInOrg(orgId, input.employeeId);
    const passwordHash = input.password ? await this.hashPassword(input.password) : null;
    return this.ctx.db.transaction().execute(async (trx) => {
      let user = await trx
        .selectFrom('users')
        .select(['id'])
        .where('email', '=', input.email)
        .executeTakeFirst();
      // Security issue 9, item 12: an existing account is never added by its email; its owner accepts an
      // invitation instead. Only operators reach this (the route), so the answer is no account oracle
      // for an organization's admins.
      if (user) {
        throw conflict(
          'account_exists',
          'An account with this email exists: invite it instead (POST /api/invitations); its owner accepts.',
        );
      }
      {
        if (!passwordHash) throw new AppError(400, 'password_required', 'A new user needs a password');
        user = { id: newId(now) };
        await trx
          .insertInto('users')
          .values({
            id: user.id,
            email: input.email,
            name: input.name,
            passwordHash,
            locale: 'id',
            lockedUntil: null,
            createdAt: now,
            updatedAt: now,
          })
          .execute();
      }
      const exists = await trx
        .selectFrom('memberships')
        .select('id')
        .where('userId', '=', user.id)
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      if (exists) throw conflict('already_member', 'That user is already a member of this organization');
      await trx
        .insertInto('memberships')
        .values({
          id: newId(now),
          userId: user.id,
          organizationId: orgId,
          role: input.role,
          employeeId: input.employeeId ?? null,
          createdAt: now,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'user.added',
        entityType: 'user',
        entityId: user.id,
        summary: `Added ${input.email} as ${input.role}`,
      });
      return user.id;
    });
  }

  async updateUser(
    auth: AuthContext,
    orgId: string,
    userId: string,
    input: { role?: RoleName | undefined; employeeId?: string | null | undefined },
  ) {
    const now = this.ctx.clock.nowMs();
    if (input.employeeId) await this.assertEmployeeInOrg(orgId, input.employeeId, userId);
    await this.ctx.db.transaction().execute(async (trx) => {
      const m = await this.membershipOf(trx, orgId, userId);
      if (input.role) assertCanGrant(auth, permissionsOf(input.role), 'the role’s');
      if (input.role && input.role !== 'admin' && m.role === 'admin' && !m.customRoleId)
        await assertNotLastAdmin(trx, orgId);
      await trx
        .updateTable('memberships')
        .set({
          // A built-in role replaces any custom role.
          ...(input.role ? { role: input.role, customRoleId: null } : {}),
          ...(input.employeeId !== undefined ? { employeeId: input.employeeId } : {}),
        })
        .where('id', '=', m.id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'user.updated',
        entityType: 'user',
        entityId: userId,
        summary:
          input.role && input.role !== m.role
            ? `Changed role from ${m.role} to ${input.role}`
            : 'Updated membership',
        changes: {
          role: { from: m.role, to: input.role ?? m.role },
          ...(input.employeeId !== undefined
            ? { employeeId: { from: m.employeeId, to: input.employeeId } }
            : {}),
        },
      });
    });
    this.changed(userId, null);
  }

  async removeUser(auth: AuthContext, orgId: string, userId: string) {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const m = await this.membershipOf(trx, orgId, userId);
      if (m.role === 'admin' && !m.customRoleId) await assertNotLastAdmin(trx, orgId);
      await trx.deleteFrom('memberships').where('id', '=', m.id).execute();
      await trx
        .updateTable('sessions')
        .set({ organizationId: null })
        .where('userId', '=', userId)
        .where('organizationId', '=', orgId)
        .execute();
      // Their API tokens in this organization die with the membership (and stay dead if they return).
      await trx
        .updateTable('apiTokens')
        .set({ revokedAt: now })
        .where('createdBy', '=', userId)
        .where('organizationId', '=', orgId)
        .where('revokedAt', 'is', null)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'user.removed',
        entityType: 'user',
        entityId: userId,
        summary: 'Removed a user from the organization',
      });
    });
    this.changed(userId, null);
  }

  /** The user's membership in this organization; a user of another organization is "not found". */
  private async membershipOf(trx: Transaction<DB>, orgId: string, userId: string) {
    const m = await trx
      .selectFrom('memberships')
      .selectAll()
      .where('userId', '=', userId)
      .where('organizationId', '=', orgId)
      .executeTakeFirst();
    if (!m) throw notFound('User');
    return m;
  }

  /** The employee exists in this organization and no other user of it is linked to them already. */
  private async assertEmployeeInOrg(orgId: string, employeeId: string, userId?: string) {
    const e = await this.ctx.db
      .selectFrom('employees')
      .select('id')
      .where('id', '=', employeeId)
      .where('organizationId', '=', orgId)
      .executeTakeFirst();
    if (!e) throw notFound('Employee');
    let linked = this.ctx.db
      .selectFrom('memberships')
      .select('userId')
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', employeeId);
    if (userId) linked = linked.where('userId', '<>', userId);
    if (await linked.executeTakeFirst()) {
      throw conflict('employee_linked', 'That employee is already linked to another user account', {
        field: 'employeeId',
      });
    }
  }
}

function presentToken(row: {
  id: string;
  name: string;
  scopes: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    prefix: row.prefix,
    createdAt: toIso(row.createdAt),
    lastUsedAt: toIsoOrNull(row.lastUsedAt),
    expiresAt: toIsoOrNull(row.expiresAt),
    revokedAt: toIsoOrNull(row.revokedAt),
  };
}
