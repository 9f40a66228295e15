import type { Kysely, Transaction } from 'kysely';
import {
  DEFAULT_ORGANIZATION_SETTINGS,
  isTimeZone,
  OrganizationSettings,
  type Organization,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { diffFields, recordAudit } from '../audit/index.js';
import { isPhoneCountry } from '../people/phone.js';

/** Settings stored before a field existed get its default, so old rows always parse. */
export function parseSettings(json: string): OrganizationSettings {
  const raw = JSON.parse(json) as Partial<OrganizationSettings>;
  // A zone stored before zones were validated (or one a newer ICU dropped) must not break reports and
  // the presence tick for this organization: read it as UTC until an admin sets a real one.
  const stored = raw.timeZone ?? DEFAULT_ORGANIZATION_SETTINGS.timeZone;
  const timeZone = typeof stored === 'string' && isTimeZone(stored) ? stored : 'UTC';
  return OrganizationSettings.parse({ ...DEFAULT_ORGANIZATION_SETTINGS, ...raw, timeZone });
}

export async function getOrganizationSettings(db: Kysely<DB>, orgId: string): Promise<OrganizationSettings> {
  const row = await db
    .selectFrom('organizations')
    .select('settings')
    .where('id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw notFound('Organization');
  return parseSettings(row.settings);
}

type Catalog = 'departments' | 'positions' | 'sites' | 'areas';

/**
 * Inserts an organization, makes `adminUserId` its admin and records the audit entry, all inside the
 * caller's transaction. First-run setup (auth) and "create another organization" both go through here,
 * so an organization always starts with exactly one admin membership and an `organization.created` entry.
 */
export async function insertOrganizationWithAdmin(
  trx: Transaction<DB>,
  now: number,
  org: {
    id: string;
    name: string;
    settings: OrganizationSettings;
    adminUserId: string;
    actor: Pick<AuthContext, 'userId' | 'tokenId'>;
    summary: string;
  },
): Promise<void> {
  await trx
    .insertInto('organizations')
    .values({
      id: org.id,
      name: org.name,
      settings: JSON.stringify(org.settings),
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  await trx
    .insertInto('memberships')
    .values({
      id: newId(now),
      userId: org.adminUserId,
      organizationId: org.id,
      role: 'admin',
      employeeId: null,
      createdAt: now,
    })
    .execute();
  await recordAudit(trx, now, {
    organizationId: org.id,
    actor: org.actor,
    action: 'organization.created',
    entityType: 'organization',
    entityId: org.id,
    summary: org.summary,
  });
}

export class OrganizationsService {
  constructor(private readonly ctx: ServerContext) {}

  async get(orgId: string): Promise<Organization> {
    const row = await this.ctx.db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', orgId)
      .executeTakeFirst();
    if (!row) throw notFound('Organization');
    return {
      id: row.id,
      name: row.name,
      settings: parseSettings(row.settings),
      createdAt: toIso(row.createdAt),
    };
  }

  async updateSettings(
    auth: AuthContext,
    orgId: string,
    patch: Partial<OrganizationSettings>,
    name?: string,
  ): Promise<Organization> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('organizations')
        .selectAll()
        .where('id', '=', orgId)
        .executeTakeFirstOrThrow();
      const before = parseSettings(row.settings);
      const after = OrganizationSettings.parse({ ...before, ...patch });
      if (patch.country !== undefined && !isPhoneCountry(patch.country)) {
        throw badRequest(
          'unknown_country',
          `"${patch.country}" is not a country code we know (e.g. ID, VN)`,
          [{ path: 'settings.country', message: 'unknown country code' }],
        );
      }
      await trx
        .updateTable('organizations')
        .set({ settings: JSON.stringify(after), updatedAt: now, ...(name ? { name } : {}) })
        .where('id', '=', orgId)
        .execute();
      const changes: Record<string, unknown> = diffFields(
        Object.fromEntries(Object.entries(before).map(([k, v]) => [k, JSON.stringify(v)])),
        Object.fromEntries(Object.entries(after).map(([k, v]) => [k, JSON.stringify(v)])),
      );
      if (name && name !== row.name) changes.name = { from: row.name, to: name };
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'settings.updated',
        entityType: 'organization',
        entityId: orgId,
        summary: `Changed settings: ${Object.keys(changes).join(', ') || 'nothing'}`,
        changes,
      });
    });
    this.ctx.events.publish('settings.changed', { organizationId: orgId });
    return this.get(orgId);
  }

  /** A signed-in user creates another organization and becomes its admin. */
  async create(
    auth: AuthContext,
    name: string,
    settings: Partial<OrganizationSettings> = {},
  ): Promise<Organization> {
    // An operator right (the setup wizard's admin and those they allow), never a token's.
    const operator =
      auth.kind === 'session' && auth.userId
        ? await this.ctx.db
            .selectFrom('users')
            .select('isOperator')
            .where('id', '=', auth.userId)
            .executeTakeFirst()
        : undefined;
    if (operator?.isOperator !== 1) {
      throw forbidden('Only an operator of this installation may create organizations');
    }
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.ctx.db.transaction().execute((trx) =>
      insertOrganizationWithAdmin(trx, now, {
        id,
        name,
        settings: OrganizationSettings.parse({ ...DEFAULT_ORGANIZATION_SETTINGS, ...settings }),
        adminUserId: auth.userId ?? '',
        actor: auth,
        summary: `Created organization "${name}"`,
      }),
    );
    return this.get(id);
  }

  // ---- catalogs: departments, positions, sites, areas ----

  async list(table: Catalog, orgId: string) {
    if (table === 'departments') {
      const rows = await this.ctx.db
        .selectFrom('departments')
        .leftJoin('employees', 'employees.departmentId', 'departments.id')
        .select(['departments.id', 'departments.name'])
        .select((eb) => eb.fn.count<number>('employees.id').as('employeeCount'))
        .where('departments.organizationId', '=', orgId)
        .groupBy(['departments.id', 'departments.name'])
        .orderBy('departments.name')
        .execute();
      return rows.map((r) => ({ ...r, employeeCount: Number(r.employeeCount) }));
    }
    if (table === 'sites') {
      return this.ctx.db
        .selectFrom('sites')
        .select(['id', 'name', 'address'])
        .where('organizationId', '=', orgId)
        .orderBy('name')
        .execute();
    }
    if (table === 'areas') {
      return this.ctx.db
        .selectFrom('areas')
        .select(['id', 'name', 'siteId'])
        .where('organizationId', '=', orgId)
        .orderBy('name')
        .execute();
    }
    return this.ctx.db
      .selectFrom('positions')
      .select(['id', 'name'])
      .where('organizationId', '=', orgId)
      .orderBy('name')
      .execute();
  }

  async createCatalog(
    auth: AuthContext,
    table: Catalog,
    orgId: string,
    input: { name: string; address?: string | null | undefined; siteId?: string | null | undefined },
  ) {
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    if (input.siteId) {
      const site = await this.ctx.db
        .selectFrom('sites')
        .select('id')
        .where('id', '=', input.siteId)
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      if (!site) throw notFound('Site');
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      const dup = await trx
        .selectFrom(table)
        .select('id')
        .where('organizationId', '=', orgId)
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (dup) throw conflict('duplicate_name', `"${input.name}" already exists`);
      const base = { id, organizationId: orgId, name: input.name, createdAt: now };
      if (table === 'sites')
        await trx
          .insertInto('sites')
          .values({ ...base, address: input.address ?? null })
          .execute();
      else if (table === 'areas')
        await trx
          .insertInto('areas')
          .values({ ...base, siteId: input.siteId ?? null })
          .execute();
      else await trx.insertInto(table).values(base).execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: `${table}.created`,
        entityType: table,
        entityId: id,
        summary: `Created ${table.slice(0, -1)} "${input.name}"`,
      });
    });
    return id;
  }

  async renameCatalog(auth: AuthContext, table: Catalog, orgId: string, id: string, name: string) {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const dup = await trx
        .selectFrom(table)
        .select('id')
        .where('organizationId', '=', orgId)
        .where('name', '=', name)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (dup) throw conflict('duplicate_name', `"${name}" already exists`);
      const res = await trx
        .updateTable(table)
        .set({ name })
        .where('id', '=', id)
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw notFound(table.slice(0, -1));
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: `${table}.renamed`,
        entityType: table,
        entityId: id,
        summary: `Renamed to "${name}"`,
      });
    });
  }

  async deleteCatalog(auth: AuthContext, table: Catalog, orgId: string, id: string) {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .deleteFrom(table)
        .where('id', '=', id)
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound(table.slice(0, -1));
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: `${table}.deleted`,
        entityType: table,
        entityId: id,
        summary: `Deleted a ${table.slice(0, -1)}`,
      });
    });
  }
}

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'settings.changed': { organizationId: string };
  }
}
