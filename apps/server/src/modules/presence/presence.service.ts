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
import type { AlertChange, AlertsService } from '../alerts/index.js';
import type { CameraConfig, CameraStatus } from '@hadir/contracts';
import { parseSettings } from '../organizations/index.js';
import {
  explicitAbsentMinutes,
  foldSighting,
  PresenceStayWriter,
  type PendingSightings,
  type PresenceStayRecorded,
  type Sighting,
} from './presence-stay-writer.js';

export type { PresenceStayRecorded, Sighting } from './presence-stay-writer.js';

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
  private readonly pending = new Map<string, PendingSightings>();
  private readonly stays: PresenceStayWriter;
  /** The tail of the stay writes (see serially). */
  private writing: Promise<void> = Promise.resolve();
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
  ) {
    this.stays = new PresenceStayWriter(ctx, (settings, cameraMinutes) =>
      this.absenceWindowMinutes(settings, cameraMinutes),
    );
  }

  setWorkRules(source: WorkRulesSource): void {
    this.workRules = source;
  }

  absenceWindowMinutes(settings: OrganizationSettings, cameraMinutes: number | null): number {
    const override = this.opts.absentAfterSecondsOverride;
    if (override !== undefined && override !== null) return override / 60;
    return cameraMinutes ?? settings.absentAfterMinutes;
  }

  recordSighting(s: Sighting): void {
    foldSighting(this.pending, s);
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

  private flushNow(): Promise<number> {
    if (this.pending.size === 0) return Promise.resolve(0);
    const batch = [...this.pending.values()];
    this.pending.clear();
    return this.serially(() => this.stays.write([batch]));
  }

  /**
   * Records sightings that arrive in bulk (an edge box's queue) as if each step had been recorded and
   * flushed live, one after the other: same stays, same camera lists, same last seen, but written in
   * one transaction for all the steps. Serialized with the live flush.
   */
  recordSteps(steps: Sighting[][]): Promise<number> {
    const folded = steps.map((step) => {
      const pending = new Map<string, PendingSightings>();
      for (const s of step) foldSighting(pending, s);
      return [...pending.values()];
    });
    return this.serially(() => this.stays.write(folded));
  }

  /** Stay writes one at a time: each reads the rows the previous one wrote. */
  private serially<T>(write: () => Promise<T>): Promise<T> {
    const run = this.writing.then(write);
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
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

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'presence.changed': { organizationId: string; presence: PresenceChange };
    /** Stays opened or extended by one write (a flush or an edge's ingest batch), each once. */
    'presence.stays.recorded': { stays: PresenceStayRecorded[] };
  }
}
