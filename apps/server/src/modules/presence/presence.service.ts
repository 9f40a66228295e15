import type { OrganizationSettings, PresenceChange } from '@hadir/contracts';
import {
  currentWorkingWindow,
  expectedWorkAt,
  nextPresence,
  type ExpectedWorkRules,
  type WorkingWindow,
  reconcileAfterRestart,
  type PresenceSnapshot,
  type PresenceTransition,
  type WeeklySchedule,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import { newId } from '../../platform/ids/ids.js';
import type { AlertChange, AlertsService } from '../alerts/index.js';
import type { CameraConfig, CameraStatus } from '@hadir/contracts';
import { parseSettings } from '../organizations/index.js';
import { recordStayCamera } from './presence-stays.repository.js';

/** One recognized person on one camera at one moment (after track consensus, never a single frame). */
export interface Sighting {
  organizationId: string;
  employeeId: string;
  cameraId: string;
  cameraName: string;
  atMs: number;
  /**
   * A sighting that stands for several (an edge box merges its sightings per second): the first of
   * them, and how many. Default: atMs, one.
   */
  firstMs?: number;
  count?: number;
  cosineSimilarity: number;
  trackId: string | null;
  /** Saves the event snapshot; called only when the sighting starts a new presence interval. */
  snapshot?: () => Promise<string | null>;
}

interface Pending {
  organizationId: string;
  employeeId: string;
  cameraId: string;
  cameraName: string;
  firstMs: number;
  lastMs: number;
  count: number;
  bestSimilarity: number;
  trackId: string | null;
  snapshot: (() => Promise<string | null>) | undefined;
}

export interface PresenceOptions {
  /** Test-only: absence window in seconds for every organization (HADIR_ABSENT_AFTER_SECONDS). */
  absentAfterSecondsOverride?: number | null;
  /** A camera unhealthy this long raises one camera_down alert (default 60 s). */
  cameraDownAfterMs?: number;
  /** A camera status older than this (no heartbeat from the pipeline) counts as down. */
  cameraStaleMs?: number;
}

interface CameraHealth {
  id: string;
  name: string;
  areaId: string | null;
  healthy: boolean;
  /** Since when the camera is in its current health (this process's view). */
  sinceMs: number;
  /** When this process saw it come back from down; null if it has not. */
  restoredAtMs: number | null;
  absentAfterMinutes: number | null;
  /** The camera file's own working hours (absence is watched then), or null: the organization's. */
  workingHours: CameraWorkingHours | null;
}

type CameraWorkingHours = NonNullable<CameraConfig['workingHours']>;

/**
 * The attendance rules (each employee's shift, roster, holidays, approved leave) around an instant. The
 * attendance slice provides it; without one, everybody follows the organization's weekly schedule.
 */
export interface WorkRulesSource {
  rulesAt(organizationId: string, settings: OrganizationSettings, nowMs: number): Promise<ExpectedWorkRules>;
}

function toDomainSchedule(s: OrganizationSettings): WeeklySchedule {
  return { days: { ...s.workingHours }, graceMinutes: s.lateGraceMinutes };
}

/**
 * Presence: sightings update the employee's last seen (compact intervals, batched writes); a tick
 * evaluates everyone with the domain state machine and opens/resolves alerts in the same transaction.
 */
export class PresenceService {
  private readonly pending = new Map<string, Pending>();
  /** Employees reconciled since this process started (reconcileAfterRestart runs once per person). */
  private readonly reconciled = new Set<string>();
  private readonly cameraHealth = new Map<
    string,
    { healthy: boolean; sinceMs: number; restoredAtMs: number | null }
  >();
  private flushing: Promise<number> | null = null;
  private ticking: Promise<void> | null = null;
  /**
   * Saves the last face the pipeline of this process saw of a person as an alert snapshot (set by the
   * pipeline role; null when it runs elsewhere: the alert then links the last presence snapshot).
   */
  lastFaceSnapshot: ((organizationId: string, employeeId: string) => Promise<string | null>) | null = null;
  /** Wired by the composition root: absence is watched only inside each employee's own shift. */
  private workRules: WorkRulesSource | null = null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly alerts: AlertsService,
    private readonly opts: PresenceOptions = {},
  ) {}

  setWorkRules(source: WorkRulesSource): void {
    this.workRules = source;
  }

  absenceWindowMinutes(settings: OrganizationSettings, cameraMinutes: number | null): number {
    const override = this.opts.absentAfterSecondsOverride;
    if (override !== undefined && override !== null) return override / 60;
    return cameraMinutes ?? settings.absentAfterMinutes;
  }

  recordSighting(s: Sighting): void {
    const key = `${s.employeeId}|${s.cameraId}`;
    const p = this.pending.get(key);
    if (!p) {
      this.pending.set(key, {
        organizationId: s.organizationId,
        employeeId: s.employeeId,
        cameraId: s.cameraId,
        cameraName: s.cameraName,
        firstMs: Math.min(s.firstMs ?? s.atMs, s.atMs),
        lastMs: s.atMs,
        count: s.count ?? 1,
        bestSimilarity: s.cosineSimilarity,
        trackId: s.trackId,
        snapshot: s.snapshot,
      });
      return;
    }
    p.firstMs = Math.min(p.firstMs, s.firstMs ?? s.atMs, s.atMs);
    p.lastMs = Math.max(p.lastMs, s.atMs);
    p.count += s.count ?? 1;
    p.bestSimilarity = Math.max(p.bestSimilarity, s.cosineSimilarity);
    p.trackId = s.trackId ?? p.trackId;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes buffered sightings: extends the current stay or opens a new one; updates last seen. */
  flush(): Promise<number> {
    if (this.flushing) return this.flushing;
    this.flushing = this.flushNow().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushNow(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = [...this.pending.values()].sort((a, b) => a.firstMs - b.firstMs);
    this.pending.clear();
    const settingsByOrg = new Map<string, OrganizationSettings>();
    const orgRows = await this.ctx.db
      .selectFrom('organizations')
      .select(['id', 'settings'])
      .where('id', 'in', [...new Set(batch.map((b) => b.organizationId))])
      .execute();
    for (const o of orgRows) {
      // One organization's unreadable settings must not drop every organization's sightings.
      try {
        settingsByOrg.set(o.id, parseSettings(o.settings));
      } catch (err) {
        this.ctx.log.error(
          { err, organizationId: o.id },
          'organization settings unreadable; sightings dropped',
        );
      }
    }
    const overrides = await this.cameraOverrides(batch);
    for (const p of batch) {
      const settings = settingsByOrg.get(p.organizationId);
      if (!settings) continue;
      const override = overrides.get(`${p.organizationId}\u0000${p.cameraId}`) ?? null;
      const windowMs = this.absenceWindowMinutes(settings, override) * 60_000;
      // The snapshot is written outside the transaction (files), only for a new stay.
      const last = await this.ctx.db
        .selectFrom('presenceIntervals')
        .select(['id', 'lastSeenTs'])
        .where('organizationId', '=', p.organizationId)
        .where('employeeId', '=', p.employeeId)
        .orderBy('lastSeenTs', 'desc')
        .limit(1)
        .executeTakeFirst();
      // One stay while ANY camera keeps seeing the person within the window: a switch between
      // overlapping cameras is not a new stay (the camera joins the stay's camera list instead).
      const extend = last && p.firstMs - last.lastSeenTs <= windowMs;
      let snapshotId: string | null = null;
      if (!extend && p.snapshot) {
        snapshotId = await p.snapshot().catch((err: unknown) => {
          this.ctx.log.warn({ err }, 'presence snapshot failed');
          return null;
        });
      }
      const now = this.ctx.clock.nowMs();
      const stay = await this.ctx.db.transaction().execute(async (trx) => {
        let intervalId: string;
        let recorded: Omit<PresenceStayRecorded, 'organizationId' | 'employeeId' | 'cameraName'>;
        if (extend) {
          intervalId = last.id;
          const cur = await trx
            .selectFrom('presenceIntervals')
            .select(['bestSimilarity', 'sightings', 'lastSeenTs', 'startedAt'])
            .where('id', '=', last.id)
            .executeTakeFirstOrThrow();
          await trx
            .updateTable('presenceIntervals')
            .set({
              startedAt: Math.min(cur.startedAt, p.firstMs),
              lastSeenTs: Math.max(p.lastMs, cur.lastSeenTs),
              sightings: cur.sightings + p.count,
              bestSimilarity: Math.max(cur.bestSimilarity, p.bestSimilarity),
            })
            .where('id', '=', last.id)
            .execute();
          const stayRow = await trx
            .selectFrom('presenceIntervals')
            .select(['startedAt', 'lastSeenTs', 'bestSimilarity', 'snapshotId'])
            .where('id', '=', last.id)
            .executeTakeFirstOrThrow();
          recorded = { intervalId: last.id, ...stayRow };
        } else {
          intervalId = newId(p.firstMs);
          recorded = {
            intervalId,
            startedAt: p.firstMs,
            lastSeenTs: p.lastMs,
            bestSimilarity: p.bestSimilarity,
            snapshotId,
          };
          await trx
            .insertInto('presenceIntervals')
            .values({
              id: intervalId,
              organizationId: p.organizationId,
              employeeId: p.employeeId,
              cameraId: p.cameraId,
              cameraName: p.cameraName,
              startedAt: p.firstMs,
              lastSeenTs: p.lastMs,
              sightings: p.count,
              bestSimilarity: p.bestSimilarity,
              trackId: p.trackId,
              snapshotId,
            })
            .execute();
        }
        await recordStayCamera(trx, {
          intervalId,
          organizationId: p.organizationId,
          cameraId: p.cameraId,
          cameraName: p.cameraName,
          firstMs: p.firstMs,
          lastMs: p.lastMs,
          count: p.count,
        });
        const current = await trx
          .selectFrom('employeePresence')
          .select(['lastSeenTs'])
          .where('employeeId', '=', p.employeeId)
          .executeTakeFirst();
        if (!current) {
          await trx
            .insertInto('employeePresence')
            .values({
              employeeId: p.employeeId,
              organizationId: p.organizationId,
              state: 'unknown',
              stateSince: now,
              lastSeenTs: p.lastMs,
              lastCameraId: p.cameraId,
              lastCameraName: p.cameraName,
              snapshot: null,
              updatedAt: now,
            })
            .execute();
        } else if ((current.lastSeenTs ?? 0) <= p.lastMs) {
          await trx
            .updateTable('employeePresence')
            .set({
              lastSeenTs: p.lastMs,
              lastCameraId: p.cameraId,
              lastCameraName: p.cameraName,
              updatedAt: now,
            })
            .where('employeeId', '=', p.employeeId)
            .execute();
        }
        return recorded;
      });
      // After commit: attendance turns the stay's first and last sighting into events.
      this.ctx.events.publish('presence.stay.recorded', {
        ...stay,
        organizationId: p.organizationId,
        employeeId: p.employeeId,
        cameraName: p.cameraName,
      });
    }
    return batch.length;
  }

  /** Per-camera absence overrides, keyed by organization and camera (a camera is only its own org's). */
  private async cameraOverrides(
    batch: { organizationId: string; cameraId: string }[],
  ): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    if (batch.length === 0) return out;
    // Camera ids are unique per organization only (migration 0090): match (organization, id) pairs.
    const pairs = new Map(batch.map((b) => [`${b.organizationId}\u0000${b.cameraId}`, b]));
    const rows = await this.ctx.db
      .selectFrom('cameras')
      .select(['id', 'organizationId', 'config'])
      .where((eb) =>
        eb.or(
          [...pairs.values()].map((b) =>
            eb.and([eb('organizationId', '=', b.organizationId), eb('id', '=', b.cameraId)]),
          ),
        ),
      )
      .execute();
    for (const r of rows) out.set(`${r.organizationId}\u0000${r.id}`, explicitAbsentMinutes(r.config));
    return out;
  }

  /** Evaluates every employee of every organization; one at a time (a slow tick is never overlapped). */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.tickNow().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async tickNow(): Promise<void> {
    const orgs = await this.ctx.db.selectFrom('organizations').select(['id', 'settings']).execute();
    for (const org of orgs) {
      try {
        await this.tickOrganization(org.id, parseSettings(org.settings));
      } catch (err) {
        this.ctx.log.error({ err, organizationId: org.id }, 'presence tick failed');
      }
    }
  }

  private async camerasOf(orgId: string, nowMs: number): Promise<CameraHealth[]> {
    const rows = await this.ctx.db
      .selectFrom('cameras')
      .select(['id', 'name', 'areaId', 'enabled', 'status', 'config', 'updatedAt'])
      .where('organizationId', '=', orgId)
      .execute();
    const staleMs = this.opts.cameraStaleMs ?? 30_000;
    const out: CameraHealth[] = [];
    for (const r of rows) {
      const status = JSON.parse(r.status) as CameraStatus & { issues?: string[] };
      if (r.enabled !== 1 || (status.issues ?? []).length > 0) continue;
      const healthy =
        (status.state === 'online' || status.state === 'degraded') && nowMs - r.updatedAt <= staleMs;
      const known = this.cameraHealth.get(r.id);
      let sinceMs = known?.sinceMs ?? (healthy ? nowMs : Math.min(nowMs, r.updatedAt));
      let restoredAtMs = known?.restoredAtMs ?? null;
      if (known && known.healthy !== healthy) {
        sinceMs = nowMs;
        if (healthy) restoredAtMs = nowMs;
      }
      this.cameraHealth.set(r.id, { healthy, sinceMs, restoredAtMs });
      out.push({
        id: r.id,
        name: r.name,
        areaId: r.areaId,
        healthy,
        sinceMs,
        restoredAtMs,
        absentAfterMinutes: explicitAbsentMinutes(r.config),
        workingHours: workingHoursOf(r.config),
      });
    }
    return out;
  }

  async tickOrganization(orgId: string, settings: OrganizationSettings): Promise<void> {
    const nowMs = this.ctx.clock.nowMs();
    const cameras = await this.camerasOf(orgId, nowMs);
    const changes: AlertChange[] = [];

    // One alert per dead camera, never one per person it covers.
    const downAfterMs = this.opts.cameraDownAfterMs ?? 60_000;
    for (const c of cameras) {
      if (!c.healthy && nowMs - c.sinceMs >= downAfterMs) {
        changes.push(
          ...(await this.ctx.db.transaction().execute((trx) =>
            this.alerts.cameraDown(trx, {
              organizationId: orgId,
              cameraId: c.id,
              cameraName: c.name,
              downSinceMs: c.sinceMs,
              nowMs,
              settings,
            }),
          )),
        );
      } else if (c.healthy) {
        changes.push(
          ...(await this.ctx.db
            .transaction()
            .execute((trx) => this.alerts.cameraUp(trx, orgId, c.id, nowMs))),
        );
      }
    }

    const employees = await this.ctx.db
      .selectFrom('employees')
      .leftJoin('employeePresence', 'employeePresence.employeeId', 'employees.id')
      .leftJoin('areas', 'areas.id', 'employees.areaId')
      .select([
        'employees.id',
        'employees.areaId',
        'employees.departmentId',
        'areas.siteId',
        'employeePresence.state',
        'employeePresence.lastSeenTs',
        'employeePresence.lastCameraId',
        'employeePresence.lastCameraName',
        'employeePresence.snapshot',
      ])
      .where('employees.organizationId', '=', orgId)
      .where('employees.status', '=', 'active')
      .execute();

    const schedule = toDomainSchedule(settings);
    const orgWindow = currentWorkingWindow(schedule, settings.timeZone, nowMs);
    // Nobody is "off" outside their own shift, on a day off, a holiday or approved leave. A camera's own
    // workingHours still replace the shift for the people it covers (a rule set on that camera on
    // purpose), but never on a holiday or during approved leave.
    const rules = this.workRules ? await this.workRules.rulesAt(orgId, settings, nowMs) : null;
    const employeeWindowOf = (e: {
      id: string;
      departmentId: string | null;
      siteId: string | null;
    }): { window: WorkingWindow | null; excused: boolean } => {
      if (rules === null) return { window: orgWindow, excused: false };
      const verdict = expectedWorkAt(rules, e, nowMs);
      if (verdict.expected) return { window: verdict.window, excused: false };
      const excused = ['holiday', 'leave', 'half_day_leave'].includes(verdict.reason);
      return { window: null, excused };
    };
    const cameraWindows = new Map<string, WorkingWindow | null>();
    for (const c of cameras) {
      if (!c.workingHours) continue;
      const own = { days: { ...c.workingHours.days }, graceMinutes: settings.lateGraceMinutes };
      cameraWindows.set(c.id, currentWorkingWindow(own, c.workingHours.timeZone, nowMs));
    }
    /**
     * Absence is watched while any covering camera watches: a camera with its own workingHours during
     * those, the others during the employee's own shift. The earliest running window decides "not
     * arrived". An employee on a holiday or on leave is never watched.
     */
    const windowFor = (
      covering: CameraHealth[],
      { window: own, excused }: { window: WorkingWindow | null; excused: boolean },
    ): WorkingWindow | null => {
      if (excused) return null;
      if (!covering.some((c) => c.workingHours)) return own;
      let best: WorkingWindow | null = null;
      for (const c of covering) {
        const w = c.workingHours ? (cameraWindows.get(c.id) ?? null) : own;
        if (w && (!best || w.startMs < best.startMs)) best = w;
      }
      return best;
    };
    const camerasByArea = new Map<string | null, CameraHealth[]>();
    for (const c of cameras) camerasByArea.set(c.areaId, [...(camerasByArea.get(c.areaId) ?? []), c]);

    for (const e of employees) {
      // Cameras covering the person: those of their area, else every camera of the organization.
      const covering = (e.areaId ? camerasByArea.get(e.areaId) : undefined) ?? cameras;
      const healthy = covering.length === 0 ? ('none' as const) : covering.some((c) => c.healthy);
      const downSince = healthy === false ? Math.max(...covering.map((c) => c.sinceMs)) : null;
      const restoredTimes = covering
        .filter((c) => c.healthy && c.restoredAtMs !== null)
        .map((c) => c.restoredAtMs as number);
      const restored = healthy === true && restoredTimes.length > 0 ? Math.max(...restoredTimes) : null;
      const lastCamera = cameras.find((c) => c.id === e.lastCameraId);
      const window = windowFor(covering, employeeWindowOf(e));
      const input = {
        lastSeenMs: e.lastSeenTs ?? null,
        nowMs,
        absentAfterMinutes: this.absenceWindowMinutes(settings, lastCamera?.absentAfterMinutes ?? null),
        withinWorkingHours: window !== null,
        workStartedMs: window?.startMs ?? null,
        coveringCamerasHealthy: healthy,
        camerasDownSinceMs: downSince,
        coverageRestoredMs: restored,
      };
      const prev = e.snapshot ? (JSON.parse(e.snapshot) as PresenceSnapshot) : null;
      let transition: PresenceTransition;
      if (!this.reconciled.has(e.id) && prev) {
        transition = reconcileAfterRestart(
          {
            lastSeenMs: input.lastSeenMs,
            openAbsence: prev.absence,
            checkedInForWindowMs: prev.checkedInForWindowMs,
          },
          input,
        );
        // Keep the state's "since" when reconciliation confirms the same state.
        if (transition.snapshot.state === prev.state && transition.snapshot.reason === prev.reason) {
          transition = { ...transition, snapshot: { ...transition.snapshot, changedAtMs: prev.changedAtMs } };
        }
      } else {
        transition = nextPresence(prev, input);
      }
      this.reconciled.add(e.id);
      const nextJson = JSON.stringify(transition.snapshot);
      if (nextJson === e.snapshot) continue;

      const stateChanged = !prev || prev.state !== transition.snapshot.state;
      const rowChanges = await this.ctx.db.transaction().execute(async (trx) => {
        const out: AlertChange[] = [];
        const values = {
          state: transition.snapshot.state,
          stateSince: transition.snapshot.changedAtMs,
          snapshot: nextJson,
          updatedAt: nowMs,
        };
        if (e.state === null) {
          await trx
            .insertInto('employeePresence')
            .values({
              employeeId: e.id,
              organizationId: orgId,
              ...values,
              lastSeenTs: null,
              lastCameraId: null,
              lastCameraName: null,
            })
            .onConflict((oc) => oc.column('employeeId').doUpdateSet(values))
            .execute();
        } else {
          await trx.updateTable('employeePresence').set(values).where('employeeId', '=', e.id).execute();
        }
        for (const ev of transition.events) {
          switch (ev.type) {
            case 'absence.started':
              out.push(
                ...(await this.alerts.openAbsence(trx, {
                  organizationId: orgId,
                  employeeId: e.id,
                  awaySinceMs: ev.awaySinceMs,
                  cameraId: e.lastCameraId,
                  cameraName: e.lastCameraName,
                  nowMs,
                  settings,
                })),
              );
              break;
            case 'absence.ended':
              out.push(
                ...(await this.alerts.endAbsence(trx, {
                  organizationId: orgId,
                  employeeId: e.id,
                  ended: { atMs: ev.atMs, awayMs: ev.awayMs, endedBy: ev.endedBy },
                  nowMs,
                  settings,
                })),
              );
              break;
            case 'coverage.lost':
              if (ev.duringAbsence) await this.alerts.setCoverageLost(trx, e.id, true, nowMs);
              break;
            case 'coverage.restored':
              await this.alerts.setCoverageLost(trx, e.id, false, nowMs);
              break;
            case 'presence.changed':
            case 'presence.checkedIn':
              break;
            default: {
              const never: never = ev;
              throw new Error(`unknown presence event ${JSON.stringify(never)}`);
            }
          }
        }
        return out;
      });
      changes.push(...rowChanges);
      for (const c of rowChanges) {
        if (c.event !== 'alert.opened') continue;
        // After the commit: files are written outside the transaction; the link is best effort.
        await this.alerts
          .attachSnapshot(orgId, c.alertId, e.id, this.lastFaceSnapshot)
          .catch((err: unknown) => this.ctx.log.warn({ err, alertId: c.alertId }, 'alert snapshot failed'));
      }
      if (stateChanged) {
        const presence: PresenceChange = {
          employeeId: e.id,
          state: transition.snapshot.state,
          reason: transition.snapshot.reason,
          since: toIso(transition.snapshot.changedAtMs),
          lastSeenAt: toIsoOrNull(input.lastSeenMs),
          lastCameraName: e.lastCameraName,
        };
        this.ctx.events.publish('presence.changed', { organizationId: orgId, presence });
      }
    }
    changes.push(...(await this.alerts.tickOrganization(orgId, settings, nowMs)));
    this.alerts.publish(changes);
  }
}

/** The camera's own working hours (from its file or the camera defaults), or null. */
function workingHoursOf(configJson: string): CameraWorkingHours | null {
  try {
    const cfg = JSON.parse(configJson) as { workingHours?: CameraWorkingHours };
    return cfg.workingHours && typeof cfg.workingHours.timeZone === 'string' ? cfg.workingHours : null;
  } catch {
    return null;
  }
}

/** absentAfterMinutes only when the camera file sets it (resolved configs always carry a default). */
function explicitAbsentMinutes(configJson: string): number | null {
  try {
    const cfg = JSON.parse(configJson) as { absentAfterMinutes?: unknown; overrides?: unknown };
    const explicit = Array.isArray(cfg.overrides) && cfg.overrides.includes('absentAfterMinutes');
    return explicit && typeof cfg.absentAfterMinutes === 'number' ? cfg.absentAfterMinutes : null;
  } catch {
    return null;
  }
}

/** A presence interval as it stands after a flush. */
export interface PresenceStayRecorded {
  organizationId: string;
  employeeId: string;
  intervalId: string;
  cameraName: string;
  startedAt: number;
  lastSeenTs: number;
  bestSimilarity: number;
  snapshotId: string | null;
}

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'presence.changed': { organizationId: string; presence: PresenceChange };
    /** A stay was opened or extended (one per flushed batch entry). */
    'presence.stay.recorded': PresenceStayRecorded;
  }
}
