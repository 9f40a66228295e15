import type { SiteMember, SiteOfficer, SiteSetup, SiteSetupInput, SiteSetupOverview } from '@hadir/contracts';
import { can, isRole } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { forbidden, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import type { MobileSitesService } from './mobile-sites.service.js';

const RECORD = 'attendance:record:create';

/** Whether a membership may record others' attendance (built-in officer, or a custom role that may). */
function mayRecord(role: string, customPermissions: string | null): boolean {
  if (customPermissions !== null) {
    try {
      const list = JSON.parse(customPermissions) as unknown;
      return Array.isArray(list) && list.includes(RECORD);
    } catch {
      return false;
    }
  }
  // Admins are never kept to sites: there is nothing to assign.
  return isRole(role) && role !== 'admin' && can(role, RECORD);
}

/**
 * The website's Sites page: each site with its geofence, recognition scope, member count and officers,
 * saved at once per site. The site itself (name, address) belongs to the organizations slice.
 */
export class SiteSetupService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly sites: MobileSitesService,
  ) {}

  async overview(orgId: string): Promise<SiteSetupOverview> {
    const db = this.ctx.db;
    const [settings, rows, fences, counts, assigned, officers] = await Promise.all([
      this.sites.settings(orgId),
      db
        .selectFrom('sites')
        .select(['id', 'name', 'address', 'recognitionSiteOnly'])
        .where('organizationId', '=', orgId)
        .orderBy('name')
        .limit(1000)
        .execute(),
      db.selectFrom('siteGeofences').selectAll().where('organizationId', '=', orgId).execute(),
      db
        .selectFrom('employees')
        .innerJoin('areas', 'areas.id', 'employees.areaId')
        .select(['areas.siteId', (eb) => eb.fn.countAll<number>().as('n')])
        .where('employees.organizationId', '=', orgId)
        .where('areas.organizationId', '=', orgId)
        .where('employees.status', '!=', 'terminated')
        .groupBy('areas.siteId')
        .execute(),
      db
        .selectFrom('officerSites')
        .select(['userId', 'siteId'])
        .where('organizationId', '=', orgId)
        .execute(),
      this.officers(orgId),
    ]);
    const fenceOf = new Map(fences.map((f) => [f.siteId, f]));
    const countOf = new Map(counts.map((c) => [c.siteId, Number(c.n)]));
    const officerIds = new Set(officers.map((o) => o.user_id));
    const sites: SiteSetup[] = rows.map((s) => {
      const f = fenceOf.get(s.id);
      return {
        id: s.id,
        name: s.name,
        address: s.address,
        geofence: f
          ? { latitude: Number(f.latitude), longitude: Number(f.longitude), radius_m: Number(f.radiusM) }
          : null,
        recognition_site_only: Number(s.recognitionSiteOnly) === 1,
        member_count: countOf.get(s.id) ?? 0,
        officer_ids: assigned
          .filter((a) => a.siteId === s.id && officerIds.has(a.userId))
          .map((a) => a.userId),
      };
    });
    const sitesOf = (userId: string) => assigned.filter((a) => a.userId === userId).map((a) => a.siteId);
    return {
      settings,
      sites,
      officers: officers.map((o) => ({ ...o, site_ids: sitesOf(o.user_id) })),
    };
  }

  /** The organization's users who may record others' attendance. */
  private async officers(orgId: string): Promise<Omit<SiteOfficer, 'site_ids'>[]> {
    const rows = await this.ctx.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.userId')
      .leftJoin('customRoles', (j) =>
        j
          .onRef('customRoles.id', '=', 'memberships.customRoleId')
          .onRef('customRoles.organizationId', '=', 'memberships.organizationId'),
      )
      .select([
        'users.id',
        'users.name',
        'users.email',
        'memberships.role',
        'memberships.customRoleId',
        'customRoles.permissions',
      ])
      .where('memberships.organizationId', '=', orgId)
      .orderBy('users.name')
      .execute();
    return rows
      .filter((r) => mayRecord(r.role, r.customRoleId ? (r.permissions ?? '[]') : null))
      .map((r) => ({ user_id: r.id, name: r.name, email: r.email }));
  }

  async one(orgId: string, siteId: string): Promise<SiteSetup> {
    const site = (await this.overview(orgId)).sites.find((s) => s.id === siteId);
    if (!site) throw notFound('Site');
    return site;
  }

  /**
   * Saves the phone-app side of a site in one transaction: geofence (or none), whether captures here
   * recognize only its members, and the officers assigned to it (needs user:manage when it changes).
   */
  async save(auth: AuthContext, orgId: string, siteId: string, input: SiteSetupInput): Promise<SiteSetup> {
    const before = await this.one(orgId, siteId);
    const wanted = [...new Set(input.officer_ids)];
    const officerChange =
      wanted.length !== before.officer_ids.length || wanted.some((id) => !before.officer_ids.includes(id));
    if (officerChange && !auth.permissions.has('user:manage'))
      throw forbidden('Assigning officers to a site needs the user:manage permission');
    const officers = new Set((await this.officers(orgId)).map((o) => o.user_id));
    for (const id of wanted) if (!officers.has(id)) throw notFound('Officer');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('sites')
        .set({ recognitionSiteOnly: input.recognition_site_only ? 1 : 0 })
        .where('organizationId', '=', orgId)
        .where('id', '=', siteId)
        .execute();
      await trx
        .deleteFrom('siteGeofences')
        .where('organizationId', '=', orgId)
        .where('siteId', '=', siteId)
        .execute();
      if (input.geofence)
        await trx
          .insertInto('siteGeofences')
          .values({
            siteId,
            organizationId: orgId,
            latitude: input.geofence.latitude,
            longitude: input.geofence.longitude,
            radiusM: input.geofence.radius_m,
            updatedAt: now,
          })
          .execute();
      if (officerChange) {
        await trx
          .deleteFrom('officerSites')
          .where('organizationId', '=', orgId)
          .where('siteId', '=', siteId)
          .execute();
        for (const userId of wanted)
          await trx
            .insertInto('officerSites')
            .values({ id: newId(now), organizationId: orgId, userId, siteId, createdAt: now })
            .execute();
      }
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'site.mobile.updated',
        entityType: 'site',
        entityId: siteId,
        summary: `Phone app settings of "${before.name}": ${
          input.geofence
            ? `geofence ${input.geofence.radius_m} m around ${input.geofence.latitude}, ${input.geofence.longitude}`
            : 'no geofence'
        }; ${input.recognition_site_only ? 'recognizes only its members' : 'its members first'}; ${wanted.length} officer(s)`,
        changes: {
          geofence: { from: before.geofence, to: input.geofence },
          recognition_site_only: { from: before.recognition_site_only, to: input.recognition_site_only },
          officer_ids: { from: before.officer_ids, to: wanted },
        },
      });
    });
    return this.one(orgId, siteId);
  }

  /** The members of a site (employees whose area is at it), by name; a search narrows by name or code. */
  async members(
    orgId: string,
    siteId: string,
    query: { search?: string | undefined; limit: number },
  ): Promise<SiteMember[]> {
    const site = await this.ctx.db
      .selectFrom('sites')
      .select('id')
      .where('organizationId', '=', orgId)
      .where('id', '=', siteId)
      .executeTakeFirst();
    if (!site) throw notFound('Site');
    let q = this.ctx.db
      .selectFrom('employees')
      .innerJoin('areas', 'areas.id', 'employees.areaId')
      .select([
        'employees.id',
        'employees.employeeCode',
        'employees.name',
        'areas.name as areaName',
        (eb) =>
          eb
            .exists(
              eb
                .selectFrom('faceSamples')
                .select('faceSamples.id')
                .whereRef('faceSamples.employeeId', '=', 'employees.id')
                .where('faceSamples.organizationId', '=', orgId)
                .where('faceSamples.status', '=', 'approved'),
            )
            .as('hasFace'),
      ])
      .where('employees.organizationId', '=', orgId)
      .where('areas.organizationId', '=', orgId)
      .where('areas.siteId', '=', siteId)
      .where('employees.status', '!=', 'terminated');
    const text = query.search?.trim().toLowerCase();
    if (text) {
      const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['employees.name']), 'like', like),
          eb(eb.fn('lower', ['employees.employeeCode']), 'like', like),
        ]),
      );
    }
    const rows = await q.orderBy('employees.name').limit(query.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      employee_code: r.employeeCode,
      name: r.name,
      area_name: r.areaName,
      face_registered: Boolean(Number(r.hasFace)),
    }));
  }
}
