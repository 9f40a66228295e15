import type { GeofenceInput, MobileSettings, MobileSettingsUpdate, MobileSite } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Whom an officer's 1:N search looks among at a site: its members first, and only them when `only`. */
export type RecognitionScope = { members: ReadonlySet<string>; only: boolean };

export type Place = { latitude: number; longitude: number; accuracy_m?: number | undefined };
export type FenceCheck =
  { ok: true; siteId: string | null; distanceM: number | null } | { ok: false; reason: string };

/**
 * Sites as the phone app sees them: geofences (centre + radius per site), officers assigned to sites
 * and the organization's choice to keep officers to their sites.
 */
export class MobileSitesService {
  constructor(private readonly ctx: ServerContext) {}

  async settings(orgId: string): Promise<MobileSettings> {
    const row = await this.ctx.db
      .selectFrom('mobileOrgSettings')
      .select(['officersRestrictedToSites', 'geofenceChecks', 'recognitionSiteOnly'])
      .where('organizationId', '=', orgId)
      .executeTakeFirst();
    return {
      officers_restricted_to_sites: Number(row?.officersRestrictedToSites ?? 0) === 1,
      // Without a row: fences are checked (a drawn geofence is meant to hold), site-first recognition.
      geofence_checks: Number(row?.geofenceChecks ?? 1) === 1,
      recognition_site_only: Number(row?.recognitionSiteOnly ?? 0) === 1,
    };
  }

  async updateSettings(
    auth: AuthContext,
    orgId: string,
    input: MobileSettingsUpdate,
  ): Promise<MobileSettings> {
    const now = this.ctx.clock.nowMs();
    const before = await this.settings(orgId);
    const next: MobileSettings = { ...before, ...stripUndefined(input) };
    const values = {
      officersRestrictedToSites: next.officers_restricted_to_sites ? 1 : 0,
      geofenceChecks: next.geofence_checks ? 1 : 0,
      recognitionSiteOnly: next.recognition_site_only ? 1 : 0,
      updatedAt: now,
    };
    const changed = (Object.keys(next) as (keyof MobileSettings)[]).filter((k) => next[k] !== before[k]);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('mobileOrgSettings')
        .values({ organizationId: orgId, ...values })
        .onConflict((oc) => oc.column('organizationId').doUpdateSet(values))
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'mobile.settings.updated',
        entityType: 'organization',
        entityId: orgId,
        summary: [
          `Officers ${next.officers_restricted_to_sites ? 'restricted to their sites' : 'may record at any site'}`,
          `geofence checks ${next.geofence_checks ? 'on' : 'off'}`,
          `site captures ${next.recognition_site_only ? 'recognize only the site’s members' : 'fall back to the organization'}`,
        ].join('; '),
        changes: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: next[k] }])),
      });
    });
    return next;
  }

  private async requireSite(orgId: string, siteId: string): Promise<{ id: string; name: string }> {
    const site = await this.ctx.db
      .selectFrom('sites')
      .select(['id', 'name'])
      .where('organizationId', '=', orgId)
      .where('id', '=', siteId)
      .executeTakeFirst();
    if (!site) throw notFound('Site');
    return site;
  }

  /** Sets (or, with null, removes) a site's geofence; audited. */
  async setGeofence(auth: AuthContext, orgId: string, siteId: string, fence: GeofenceInput | null) {
    const site = await this.requireSite(orgId, siteId);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('siteGeofences')
        .where('organizationId', '=', orgId)
        .where('siteId', '=', siteId)
        .execute();
      if (fence)
        await trx
          .insertInto('siteGeofences')
          .values({
            siteId,
            organizationId: orgId,
            latitude: fence.latitude,
            longitude: fence.longitude,
            radiusM: fence.radius_m,
            updatedAt: now,
          })
          .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: fence ? 'site.geofence.set' : 'site.geofence.removed',
        entityType: 'site',
        entityId: siteId,
        summary: fence
          ? `Geofence of "${site.name}": ${fence.radius_m} m around ${fence.latitude}, ${fence.longitude}`
          : `Geofence of "${site.name}" removed`,
        ...(fence ? { changes: fence } : {}),
      });
    });
    return fence ? { site_id: siteId, ...fence } : null;
  }

  /** Replaces the sites an officer is assigned to (all in the caller's organization). */
  async setOfficerSites(auth: AuthContext, orgId: string, userId: string, siteIds: readonly string[]) {
    const member = await this.ctx.db
      .selectFrom('memberships')
      .select('role')
      .where('organizationId', '=', orgId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    if (!member) throw notFound('User');
    const unique = [...new Set(siteIds)];
    for (const id of unique) await this.requireSite(orgId, id);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('officerSites')
        .where('organizationId', '=', orgId)
        .where('userId', '=', userId)
        .execute();
      for (const siteId of unique)
        await trx
          .insertInto('officerSites')
          .values({ id: newId(now), organizationId: orgId, userId, siteId, createdAt: now })
          .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'officer.sites.set',
        entityType: 'user',
        entityId: userId,
        summary: `Officer assigned to ${unique.length} site(s)`,
        changes: { site_ids: unique },
      });
    });
    return { user_id: userId, site_ids: unique };
  }

  private async assignedSiteIds(orgId: string, userId: string | null): Promise<Set<string>> {
    if (!userId) return new Set();
    const rows = await this.ctx.db
      .selectFrom('officerSites')
      .select('siteId')
      .where('organizationId', '=', orgId)
      .where('userId', '=', userId)
      .execute();
    return new Set(rows.map((r) => r.siteId));
  }

  /** The sites the app offers: all of them, or only the officer's own when the organization says so. */
  async sitesFor(auth: AuthContext, orgId: string): Promise<MobileSite[]> {
    const [rows, fences, mine, settings] = await Promise.all([
      this.ctx.db
        .selectFrom('sites')
        .select(['id', 'name'])
        .where('organizationId', '=', orgId)
        .orderBy('name')
        .limit(1000)
        .execute(),
      this.ctx.db.selectFrom('siteGeofences').selectAll().where('organizationId', '=', orgId).execute(),
      this.assignedSiteIds(orgId, auth.userId),
      this.settings(orgId),
    ]);
    const fenceOf = new Map(fences.map((f) => [f.siteId, f]));
    const restricted = settings.officers_restricted_to_sites && auth.role !== 'admin';
    return rows
      .filter((s) => !restricted || mine.has(s.id))
      .map((s) => {
        const f = fenceOf.get(s.id);
        return {
          id: s.id,
          name: s.name,
          geofence: f
            ? { latitude: Number(f.latitude), longitude: Number(f.longitude), radius_m: Number(f.radiusM) }
            : null,
          assigned: mine.has(s.id),
        };
      });
  }

  /** The site a member belongs to (through their area), or null. */
  async siteOfMember(orgId: string, memberId: string): Promise<string | null> {
    const row = await this.ctx.db
      .selectFrom('employees')
      .innerJoin('areas', 'areas.id', 'employees.areaId')
      .select('areas.siteId')
      .where('employees.organizationId', '=', orgId)
      .where('areas.organizationId', '=', orgId)
      .where('employees.id', '=', memberId)
      .executeTakeFirst();
    return row?.siteId ?? null;
  }

  /** Ids of the members of a site (their area is at the site). */
  async memberIdsOfSite(orgId: string, siteId: string): Promise<Set<string>> {
    const rows = await this.ctx.db
      .selectFrom('employees')
      .innerJoin('areas', 'areas.id', 'employees.areaId')
      .select('employees.id')
      .where('employees.organizationId', '=', orgId)
      .where('areas.organizationId', '=', orgId)
      .where('areas.siteId', '=', siteId)
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Whether the member's site has a geofence (the app then sends the location with check-ins). */
  async locationRequired(orgId: string, memberId: string): Promise<boolean> {
    if (!(await this.settings(orgId)).geofence_checks) return false;
    const siteId = await this.siteOfMember(orgId, memberId);
    if (!siteId) return false;
    const fence = await this.ctx.db
      .selectFrom('siteGeofences')
      .select('siteId')
      .where('organizationId', '=', orgId)
      .where('siteId', '=', siteId)
      .executeTakeFirst();
    return fence !== undefined;
  }

  /**
   * A member's check-in location against their site's geofence. No fence: accepted (the location, if
   * sent, is still kept). A fence: the location is required and must lie within the radius (plus the
   * reported accuracy, capped at 100 m, so a fair GPS reading at the edge is not refused).
   */
  async checkFence(orgId: string, memberId: string, place: Place | undefined): Promise<FenceCheck> {
    const siteId = await this.siteOfMember(orgId, memberId);
    const fence = siteId
      ? await this.ctx.db
          .selectFrom('siteGeofences')
          .selectAll()
          .where('organizationId', '=', orgId)
          .where('siteId', '=', siteId)
          .executeTakeFirst()
      : undefined;
    if (!fence) return { ok: true, siteId, distanceM: null };
    if (!(await this.settings(orgId)).geofence_checks) {
      // Checks are off: nothing is refused, a sent location is still kept with its distance.
      const d = place
        ? distanceM(
            { lat: place.latitude, lng: place.longitude },
            { lat: Number(fence.latitude), lng: Number(fence.longitude) },
          )
        : null;
      return { ok: true, siteId, distanceM: d };
    }
    if (!place)
      return {
        ok: false,
        reason: 'Your site asks for your location to check in: allow location and try again.',
      };
    const d = distanceM(
      { lat: place.latitude, lng: place.longitude },
      { lat: Number(fence.latitude), lng: Number(fence.longitude) },
    );
    const slack = Math.min(place.accuracy_m ?? 0, 100);
    if (d > Number(fence.radiusM) + slack)
      return {
        ok: false,
        reason: `You are ${Math.round(d)} m from your site; check-in is allowed within ${Math.round(Number(fence.radiusM))} m.`,
      };
    return { ok: true, siteId, distanceM: d };
  }

  async keepLocation(orgId: string, eventId: string, place: Place, fence: FenceCheck): Promise<void> {
    await this.ctx.db
      .insertInto('mobileCheckinLocations')
      .values({
        eventId,
        organizationId: orgId,
        siteId: fence.ok ? fence.siteId : null,
        latitude: place.latitude,
        longitude: place.longitude,
        accuracyM: place.accuracy_m ?? null,
        distanceM: fence.ok ? fence.distanceM : null,
        createdAt: this.ctx.clock.nowMs(),
      })
      .execute();
  }

  /**
   * Where the organization keeps officers to their sites: the site they work at must be theirs, and
   * the member must belong to it. Admins are not restricted.
   */
  async assertOfficerMayRecord(
    auth: AuthContext,
    orgId: string,
    memberId: string,
    siteId: string | undefined,
  ): Promise<void> {
    if (auth.role === 'admin' || !(await this.settings(orgId)).officers_restricted_to_sites) return;
    const mine = await this.assignedSiteIds(orgId, auth.userId);
    if (siteId && !mine.has(siteId))
      throw new AppError(403, 'site_not_assigned', 'You are not assigned to this site');
    const memberSite = await this.siteOfMember(orgId, memberId);
    if (!memberSite || !mine.has(memberSite) || (siteId && memberSite !== siteId))
      throw new AppError(
        403,
        'member_other_site',
        'This member belongs to another site; officers here record only their own sites’ members',
      );
  }

  /**
   * Whom an officer's 1:N search looks among, or null for the whole organization. At a site: its
   * members first, and only them when the organization or the site says so, or when officers are kept
   * to their sites (they could not record anyone else). Without a site, a restricted officer's search
   * covers the members of all their sites.
   */
  async recognitionScope(
    auth: AuthContext,
    orgId: string,
    siteId?: string,
  ): Promise<RecognitionScope | null> {
    const settings = await this.settings(orgId);
    const restricted = auth.role !== 'admin' && settings.officers_restricted_to_sites;
    if (siteId) {
      const site = await this.ctx.db
        .selectFrom('sites')
        .select('recognitionSiteOnly')
        .where('organizationId', '=', orgId)
        .where('id', '=', siteId)
        .executeTakeFirst();
      if (!site) throw notFound('Site');
      if (restricted && !(await this.assignedSiteIds(orgId, auth.userId)).has(siteId))
        throw new AppError(403, 'site_not_assigned', 'You are not assigned to this site');
      const only = restricted || settings.recognition_site_only || Number(site.recognitionSiteOnly) === 1;
      return { members: await this.memberIdsOfSite(orgId, siteId), only };
    }
    if (!restricted) return null;
    const scope = new Set<string>();
    for (const s of await this.assignedSiteIds(orgId, auth.userId))
      for (const id of await this.memberIdsOfSite(orgId, s)) scope.add(id);
    return { members: scope, only: true };
  }

  /** Records a member's consent to an officer registering their face: who, when, the words. */
  async recordConsent(auth: AuthContext, orgId: string, memberId: string, text: string): Promise<void> {
    if (text.trim().length < 3) throw badRequest('consent_required', 'The consent text is empty');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db
      .insertInto('faceConsents')
      .values({
        id: newId(now),
        organizationId: orgId,
        employeeId: memberId,
        recordedBy: auth.userId,
        consentText: text,
        createdAt: now,
      })
      .execute();
  }
}
