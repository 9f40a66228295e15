import type { Kysely, Transaction } from 'kysely';
import type { CustomRole, CustomRoleInput, RolesCatalog } from '@hadir/contracts';
import {
  isBuiltInRoleName,
  isPermission,
  isRole,
  permissionsOf,
  PERMISSIONS,
  ROLES,
  type Permission,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** The built-in role a membership keeps underneath a custom role (the mobile app reads it). */
export const CUSTOM_ROLE_BASE = 'member';

const parsePermissions = (json: string): Permission[] => {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? PERMISSIONS.filter((p) => list.includes(p)) : [];
  } catch {
    return [];
  }
};

/**
 * What a membership may do: its custom role's permissions when it has one (a role deleted meanwhile
 * grants nothing), otherwise its built-in role's. The one place sessions and tokens resolve rights.
 */
export async function effectivePermissions(
  db: Executor,
  orgId: string,
  membership: { role: string; customRoleId: string | null },
): Promise<{ permissions: Permission[]; customRoleName: string | null } | null> {
  if (membership.customRoleId) {
    const row = await db
      .selectFrom('customRoles')
      .select(['name', 'permissions'])
      .where('organizationId', '=', orgId)
      .where('id', '=', membership.customRoleId)
      .executeTakeFirst();
    return row ? { permissions: parsePermissions(row.permissions), customRoleName: row.name } : null;
  }
  return isRole(membership.role)
    ? { permissions: permissionsOf(membership.role), customRoleName: null }
    : null;
}

/** Refuses to hand out rights the caller does not hold (a role, a custom role, or an edit of one). */
export function assertCanGrant(auth: AuthContext, permissions: readonly Permission[], what: string): void {
  const missing = permissions.filter((p) => !auth.permissions.has(p));
  if (missing.length > 0)
    throw forbidden(`You cannot grant ${what} rights you do not hold yourself: ${missing.join(', ')}`);
}

/**
 * Custom roles: named sets of the existing permissions per organization. The five built-in roles are
 * listed read-only and never change here; a custom role is deleted only when no one holds it; nobody
 * grants more than they hold; every change is audited and re-checks the live sockets of its holders.
 */
export class RolesService {
  constructor(private readonly ctx: ServerContext) {}

  async catalog(orgId: string): Promise<RolesCatalog> {
    const rows = await this.ctx.db
      .selectFrom('customRoles')
      .selectAll()
      .where('organizationId', '=', orgId)
      .orderBy('name')
      .execute();
    const counts = await this.ctx.db
      .selectFrom('memberships')
      .select(['role', 'customRoleId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('organizationId', '=', orgId)
      .groupBy(['role', 'customRoleId'])
      .execute();
    const builtInCount = (role: string) =>
      counts.filter((c) => c.role === role && !c.customRoleId).reduce((a, c) => a + Number(c.n), 0);
    const customCount = (id: string) =>
      counts.filter((c) => c.customRoleId === id).reduce((a, c) => a + Number(c.n), 0);
    return {
      permissions: [...PERMISSIONS],
      builtIn: ROLES.map((role) => ({
        name: role,
        permissions: permissionsOf(role),
        userCount: builtInCount(role),
      })),
      custom: rows.map((r) => present(r, customCount(r.id))),
    };
  }

  async create(auth: AuthContext, orgId: string, input: CustomRoleInput): Promise<CustomRole> {
    const permissions = this.validate(auth, input);
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      await this.assertNameFree(trx, orgId, input.name, null);
      await trx
        .insertInto('customRoles')
        .values({
          id,
          organizationId: orgId,
          name: input.name,
          description: input.description ?? null,
          permissions: JSON.stringify(permissions),
          createdBy: auth.userId,
          createdAt: now,
          updatedAt: now,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'role.created',
        entityType: 'role',
        entityId: id,
        summary: `Created role ${input.name}`,
        changes: { permissions: { from: null, to: permissions } },
      });
    });
    return this.get(orgId, id);
  }

  async update(auth: AuthContext, orgId: string, id: string, input: CustomRoleInput): Promise<CustomRole> {
    const permissions = this.validate(auth, input);
    const now = this.ctx.clock.nowMs();
    const holders = await this.ctx.db.transaction().execute(async (trx) => {
      const row = await this.row(trx, orgId, id);
      await this.assertNameFree(trx, orgId, input.name, id);
      await trx
        .updateTable('customRoles')
        .set({
          name: input.name,
          description: input.description ?? null,
          permissions: JSON.stringify(permissions),
          updatedAt: now,
        })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      const before = parsePermissions(row.permissions);
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'role.updated',
        entityType: 'role',
        entityId: id,
        summary: `Changed role ${row.name}`,
        changes: {
          ...(row.name !== input.name ? { name: { from: row.name, to: input.name } } : {}),
          permissions: { from: before, to: permissions },
        },
      });
      return this.holders(trx, orgId, id);
    });
    for (const userId of holders) this.ctx.events.publish('auth.changed', { userId, tokenId: null });
    return this.get(orgId, id);
  }

  async remove(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const row = await this.row(trx, orgId, id);
      if ((await this.holders(trx, orgId, id)).length > 0)
        throw conflict('role_in_use', 'Give its users another role before deleting this role');
      await trx.deleteFrom('customRoles').where('organizationId', '=', orgId).where('id', '=', id).execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'role.deleted',
        entityType: 'role',
        entityId: id,
        summary: `Deleted role ${row.name}`,
      });
    });
  }

  /**
   * Gives a user a custom role (or takes it back with null: they fall back to the built-in member role).
   * An admin who is the organization's last stays admin.
   */
  async assign(auth: AuthContext, orgId: string, userId: string, customRoleId: string | null): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const m = await trx
        .selectFrom('memberships')
        .selectAll()
        .where('organizationId', '=', orgId)
        .where('userId', '=', userId)
        .executeTakeFirst();
      if (!m) throw notFound('User');
      const role = customRoleId ? await this.row(trx, orgId, customRoleId) : null;
      if (role) assertCanGrant(auth, parsePermissions(role.permissions), 'this role’s');
      if (m.role === 'admin' && !m.customRoleId) await assertNotLastAdmin(trx, orgId);
      await trx
        .updateTable('memberships')
        .set({ role: CUSTOM_ROLE_BASE, customRoleId })
        .where('id', '=', m.id)
        .execute();
      const from = m.customRoleId ? `custom:${m.customRoleId}` : m.role;
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'user.updated',
        entityType: 'user',
        entityId: userId,
        summary: role ? `Gave role ${role.name}` : 'Took back the custom role (now member)',
        changes: { role: { from, to: customRoleId ? `custom:${customRoleId}` : CUSTOM_ROLE_BASE } },
      });
    });
    this.ctx.events.publish('auth.changed', { userId, tokenId: null });
  }

  private validate(auth: AuthContext, input: CustomRoleInput): Permission[] {
    if (isBuiltInRoleName(input.name))
      throw badRequest('reserved_name', 'That name belongs to a built-in role', { field: 'name' });
    const unknown = input.permissions.filter((p) => !isPermission(p));
    if (unknown.length > 0)
      throw badRequest('unknown_permission', `Unknown permissions: ${unknown.join(', ')}`, {
        field: 'permissions',
      });
    const permissions = PERMISSIONS.filter((p) => input.permissions.includes(p));
    assertCanGrant(auth, permissions, 'a role');
    return permissions;
  }

  private async get(orgId: string, id: string): Promise<CustomRole> {
    const row = await this.row(this.ctx.db, orgId, id);
    return present(row, (await this.holders(this.ctx.db, orgId, id)).length);
  }

  private async row(db: Executor, orgId: string, id: string) {
    const row = await db
      .selectFrom('customRoles')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('Role');
    return row;
  }

  private async holders(db: Executor, orgId: string, id: string): Promise<string[]> {
    const rows = await db
      .selectFrom('memberships')
      .select('userId')
      .where('organizationId', '=', orgId)
      .where('customRoleId', '=', id)
      .execute();
    return rows.map((r) => r.userId);
  }

  private async assertNameFree(db: Executor, orgId: string, name: string, exceptId: string | null) {
    let q = db
      .selectFrom('customRoles')
      .select('id')
      .where('organizationId', '=', orgId)
      .where('name', '=', name);
    if (exceptId) q = q.where('id', '<>', exceptId);
    if (await q.executeTakeFirst())
      throw conflict('role_name_taken', 'Another role already has that name', { field: 'name' });
  }
}

/** At least one admin (with the built-in role, not a custom one) stays in every organization. */
export async function assertNotLastAdmin(trx: Executor, orgId: string): Promise<void> {
  const admins = await trx
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organizationId', '=', orgId)
    .where('role', '=', 'admin')
    .where('customRoleId', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(admins.n) <= 1) throw conflict('last_admin', 'An organization needs at least one admin');
}

function present(
  r: { id: string; name: string; description: string | null; permissions: string; updatedAt: number },
  userCount: number,
): CustomRole {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    permissions: parsePermissions(r.permissions),
    userCount,
    updatedAt: toIso(r.updatedAt),
  };
}
