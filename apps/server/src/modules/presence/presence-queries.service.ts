import type { Readable } from 'node:stream';
import type {
  PresenceEntry,
  PresenceInterval,
  PresenceIntervalsPage,
  PresenceIntervalsQuery,
  PresenceList,
  PresenceQuery,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import { csvStream, localTimestamp } from '../../platform/export/csv.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { decodeIntervalCursor, encodeIntervalCursor } from './interval-cursor.js';
import { stayCameras } from './presence-stays.repository.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import {
  MATCHES_NOBODY,
  TeamQueries,
  sqliteSearchCandidates,
  teamScopeIds,
  teamScopeOf,
  type TeamScope,
} from '../people/index.js';

const STATES = ['available', 'off', 'unknown', 'outside_hours'] as const;

/**
 * Read side of presence: the live board and the presence log (keyset-paginated, CSV export). Every read
 * is narrowed to the caller's team scope (people/team-scope.ts): managers see their reporting subtree,
 * `presence:view:all` sees the organization; counts and totals are of what the caller may see.
 */
export class PresenceQueries {
  private readonly team: TeamQueries;
  constructor(private readonly ctx: ServerContext) {
    this.team = new TeamQueries(ctx.db);
  }

  scopeOf(auth: AuthContext, orgId: string): Promise<TeamScope> {
    return teamScopeOf(this.team, orgId, auth);
  }

  async live(auth: AuthContext, orgId: string, q: PresenceQuery): Promise<PresenceList> {
    const scope = teamScopeIds(await this.scopeOf(auth, orgId));
    let base = this.ctx.db
      .selectFrom('employees')
      .leftJoin('employeePresence', 'employeePresence.employeeId', 'employees.id')
      .leftJoin('departments', 'departments.id', 'employees.departmentId')
      .leftJoin('areas', 'areas.id', 'employees.areaId')
      .where('employees.organizationId', '=', orgId)
      .where('employees.status', '=', 'active');
    if (scope) base = scope.length ? base.where('employees.id', 'in', scope) : base.where(MATCHES_NOBODY);
    if (q.areaId) base = base.where('employees.areaId', '=', q.areaId);
    if (q.departmentId) base = base.where('employees.departmentId', '=', q.departmentId);
    if (q.q) {
      const like = `%${q.q.toLowerCase()}%`;
      const candidates = await sqliteSearchCandidates(this.ctx.db, q.q);
      if (candidates) base = base.where(candidates);
      base = base.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['employees.name']), 'like', like),
          eb(eb.fn('lower', ['employees.employeeCode']), 'like', like),
        ]),
      );
    }
    const countRows = await base
      .select((eb) => [
        eb.fn.coalesce('employeePresence.state', eb.val('unknown')).as('state'),
        eb.fn.countAll<number>().as('n'),
      ])
      .groupBy('employeePresence.state')
      .execute();
    const counts = { available: 0, off: 0, unknown: 0, outside_hours: 0 };
    for (const r of countRows) {
      const s = (STATES as readonly string[]).includes(String(r.state))
        ? (r.state as keyof typeof counts)
        : 'unknown';
      counts[s] += Number(r.n);
    }
    let filtered = base;
    if (q.state === 'unknown') {
      filtered = filtered.where((eb) =>
        eb.or([eb('employeePresence.state', '=', 'unknown'), eb('employeePresence.state', 'is', null)]),
      );
    } else if (q.state) filtered = filtered.where('employeePresence.state', '=', q.state);
    const total = q.state ? counts[q.state] : Object.values(counts).reduce((a, b) => a + b, 0);
    const rows = await filtered
      .select([
        'employees.id',
        'employees.employeeCode',
        'employees.name',
        'employees.departmentId',
        'departments.name as departmentName',
        'employees.areaId',
        'areas.name as areaName',
        'employeePresence.state',
        'employeePresence.stateSince',
        'employeePresence.lastSeenTs',
        'employeePresence.lastCameraId',
        'employeePresence.lastCameraName',
        'employeePresence.snapshot',
        (eb) =>
          eb
            .exists(
              eb
                .selectFrom('faceSamples')
                .select('faceSamples.id')
                .whereRef('faceSamples.employeeId', '=', 'employees.id')
                .where('faceSamples.organizationId', '=', orgId)
                .where('faceSamples.alignedCrop', 'is not', null),
            )
            .as('hasPhoto'),
      ])
      .orderBy('employees.name')
      .orderBy('employees.id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    const items: PresenceEntry[] = rows.map((r) => {
      const snap = r.snapshot ? (JSON.parse(r.snapshot) as { reason?: PresenceEntry['reason'] }) : null;
      return {
        employeeId: r.id,
        employeeCode: r.employeeCode,
        name: r.name,
        departmentId: r.departmentId,
        departmentName: r.departmentName,
        areaId: r.areaId,
        areaName: r.areaName,
        state: (r.state ?? 'unknown') as PresenceEntry['state'],
        reason: snap?.reason ?? null,
        since: toIsoOrNull(r.stateSince),
        lastSeenAt: toIsoOrNull(r.lastSeenTs),
        lastCameraId: r.lastCameraId,
        lastCameraName: r.lastCameraName,
        hasPhoto: Boolean(r.hasPhoto),
      };
    });
    return { items, total, page: q.page, pageSize: q.pageSize, counts };
  }

  async intervals(
    auth: AuthContext,
    orgId: string,
    q: PresenceIntervalsQuery,
  ): Promise<PresenceIntervalsPage> {
    return this.intervalsIn(await this.scopeOf(auth, orgId), orgId, q);
  }

  private async intervalsIn(
    teamScope: TeamScope,
    orgId: string,
    q: PresenceIntervalsQuery,
  ): Promise<PresenceIntervalsPage> {
    const scope = teamScopeIds(teamScope);
    let query = this.ctx.db
      .selectFrom('presenceIntervals as pi')
      .innerJoin('employees', 'employees.id', 'pi.employeeId')
      .where('pi.organizationId', '=', orgId);
    if (scope) query = scope.length ? query.where('pi.employeeId', 'in', scope) : query.where(MATCHES_NOBODY);
    if (q.from) query = query.where('pi.lastSeenTs', '>=', Date.parse(q.from));
    if (q.to) query = query.where('pi.startedAt', '<', Date.parse(q.to));
    if (q.employeeId) query = query.where('pi.employeeId', '=', q.employeeId);
    if (q.cameraId) {
      const cameraId = q.cameraId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('presenceStayCameras as sc')
            .select('sc.intervalId')
            .whereRef('sc.intervalId', '=', 'pi.id')
            .where('sc.cameraId', '=', cameraId),
        ),
      );
    }
    if (q.departmentId) query = query.where('employees.departmentId', '=', q.departmentId);
    if (q.cursor) {
      const c = decodeIntervalCursor(q.cursor);
      query = query.where((eb) =>
        eb.or([
          eb('pi.lastSeenTs', '<', c.lastSeenTs),
          eb.and([eb('pi.lastSeenTs', '=', c.lastSeenTs), eb('pi.id', '<', c.id)]),
        ]),
      );
    }
    const rows = await query
      .select([
        'pi.id',
        'pi.employeeId',
        'employees.employeeCode',
        'employees.name as employeeName',
        'pi.cameraId',
        'pi.cameraName',
        'pi.startedAt',
        'pi.lastSeenTs',
        'pi.sightings',
        'pi.bestSimilarity',
      ])
      .orderBy('pi.lastSeenTs', 'desc')
      .orderBy('pi.id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const page = rows.slice(0, q.limit);
    const cameras = await stayCameras(
      this.ctx.db,
      orgId,
      page.map((r) => r.id),
    );
    const last = page[page.length - 1];
    const items: PresenceInterval[] = page.map((r) => ({
      id: r.id,
      employeeId: r.employeeId,
      employeeCode: r.employeeCode,
      employeeName: r.employeeName,
      cameraId: r.cameraId,
      cameraName: r.cameraName,
      startedAt: toIso(r.startedAt),
      lastSeenAt: toIso(r.lastSeenTs),
      durationMs: Math.max(0, r.lastSeenTs - r.startedAt),
      sightings: r.sightings,
      bestSimilarity: Math.round(r.bestSimilarity * 1000) / 1000,
      cameras: cameras.get(r.id) ?? [],
    }));
    return {
      items,
      nextCursor: rows.length > q.limit && last ? encodeIntervalCursor(last.lastSeenTs, last.id) : null,
    };
  }

  /**
   * Every matching interval as CSV, page by page (memory stays flat on a million rows). Times are local
   * in the organization's zone, which the `time_zone` column names.
   */
  async intervalsCsv(auth: AuthContext, orgId: string, q: PresenceIntervalsQuery): Promise<Readable> {
    const { timeZone } = await getOrganizationSettings(this.ctx.db, orgId);
    const local = (iso: string) => localTimestamp(timeZone, Date.parse(iso));
    // The scope is resolved once for the whole export: every page shows the same people.
    const scope = await this.scopeOf(auth, orgId);
    const page = (cursor: string | undefined) =>
      this.intervalsIn(scope, orgId, { ...q, limit: 1000, ...(cursor ? { cursor } : {}) });
    async function* rows() {
      let cursor: string | undefined = q.cursor;
      for (;;) {
        const next = await page(cursor);
        for (const r of next.items) {
          yield [
            r.employeeCode,
            r.employeeName,
            r.cameras.map((c) => c.cameraName).join('; ') || r.cameraName,
            local(r.startedAt),
            local(r.lastSeenAt),
            timeZone,
            Math.round(r.durationMs / 1000),
            r.sightings,
            r.bestSimilarity,
          ];
        }
        if (!next.nextCursor) return;
        cursor = next.nextCursor;
      }
    }
    return csvStream(
      [
        'employee_code',
        'employee_name',
        'camera',
        'started_at',
        'last_seen_at',
        'time_zone',
        'duration_s',
        'sightings',
        'best_similarity',
      ],
      rows(),
    );
  }
}
