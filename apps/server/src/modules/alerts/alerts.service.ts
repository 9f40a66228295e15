import { sql, type Kysely, type Transaction } from 'kysely';
import type { Alert, AlertsQuery, OrganizationSettings } from '@hadir/contracts';
import {
  DEFAULT_ALERT_SETTINGS,
  acknowledgeAlert,
  alertChain,
  endAlertEpisode,
  openAlertEpisode,
  orgChartFrom,
  planAlertActions,
  setAlertCoverageLost,
  type AbsenceEndReason,
  type AlertEpisode,
  type AlertPlan,
  type AlertSettings,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { DB } from '../../platform/db/schema.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { conflict, forbidden, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { TeamQueries, inTeamScope, teamScopeOf, type TeamScope } from '../people/index.js';
import { renderAlertMessage, type AlertMessage, type AlertNotifier } from './alert-notifier.js';

type Executor = Kysely<DB> | Transaction<DB>;
type AlertRow = DB['alerts'];

/** What changed in a transaction; published on the event bus only after it commits. */
export interface AlertChange {
  event: 'alert.opened' | 'alert.updated' | 'alert.resolved';
  organizationId: string;
  alertId: string;
}

/** Camera outage episode (the camera_down alert's `episode` column). */
interface CameraDownEpisode {
  cameraId: string;
  downSinceMs: number;
  notifiedIds: string[];
}

export function alertSettingsOf(s: OrganizationSettings): AlertSettings {
  return { ...DEFAULT_ALERT_SETTINGS, escalateAfterMinutes: s.escalateAfterMinutes, timeZone: s.timeZone };
}

function statusOf(e: AlertEpisode): string {
  if (e.status === 'open') return e.acknowledgedMs !== null ? 'acknowledged' : 'open';
  return e.status;
}

/**
 * Absence alerts: one per absence episode, routed to the employee's supervisor and escalated up the chain
 * by @hadir/domain's alert rules; resolved (with a "returned after …" message) when the person is seen
 * again. Camera alerts: one per outage. Every notification is enqueued inside the transaction that
 * changes the alert (outbox), under an idempotency key, so a crash or restart never loses or doubles one.
 */
export class AlertsService {
  private readonly team: TeamQueries;
  constructor(
    private readonly ctx: ServerContext,
    public notifier: AlertNotifier,
  ) {
    this.team = new TeamQueries(ctx.db);
  }

  publish(changes: AlertChange[]): void {
    for (const c of changes) {
      void this.present(c.organizationId, c.alertId).then(
        (alert) => alert && this.ctx.events.publish(c.event, { organizationId: c.organizationId, alert }),
        (err: unknown) => this.ctx.log.warn({ err }, 'alert event failed'),
      );
    }
  }

  // ---- absence episodes (called by presence inside its transaction) ----

  async openAbsence(
    trx: Executor,
    a: {
      organizationId: string;
      employeeId: string;
      awaySinceMs: number;
      cameraId: string | null;
      cameraName: string | null;
      nowMs: number;
      settings: OrganizationSettings;
    },
  ): Promise<AlertChange[]> {
    const existing = await trx
      .selectFrom('alerts')
      .select('id')
      .where('kind', '=', 'absence')
      .where('employeeId', '=', a.employeeId)
      .where('status', 'in', ['open', 'acknowledged'])
      .executeTakeFirst();
    if (existing) return [];
    const previous = await trx
      .selectFrom('alerts')
      .select('resolvedAt')
      .where('kind', '=', 'absence')
      .where('employeeId', '=', a.employeeId)
      .where('resolvedAt', 'is not', null)
      .orderBy('resolvedAt', 'desc')
      .limit(1)
      .executeTakeFirst();
    const people = await trx
      .selectFrom('employees')
      .select(['id', 'supervisorId', 'status'])
      .where('organizationId', '=', a.organizationId)
      .execute();
    const active = new Set(people.filter((p) => p.status === 'active').map((p) => p.id));
    const chain = alertChain(orgChartFrom(people), a.employeeId, (id) => active.has(id));
    const settings = alertSettingsOf(a.settings);
    const episode = openAlertEpisode(
      {
        employeeId: a.employeeId,
        awaySinceMs: a.awaySinceMs,
        openedMs: a.nowMs,
        chain,
        previousResolvedMs: previous?.resolvedAt ?? null,
      },
      settings,
    );
    const id = newId(a.nowMs);
    const row: AlertRow = {
      id,
      organizationId: a.organizationId,
      kind: 'absence',
      employeeId: a.employeeId,
      cameraId: a.cameraId,
      cameraName: a.cameraName,
      status: 'open',
      level: 0,
      openedAt: a.nowMs,
      lastSeenTs: a.awaySinceMs,
      acknowledgedBy: null,
      acknowledgedAt: null,
      escalatedAt: null,
      resolvedAt: null,
      resolution: null,
      message: null,
      episode: JSON.stringify(episode),
      snapshotId: null,
      createdAt: a.nowMs,
      updatedAt: a.nowMs,
    };
    await trx.insertInto('alerts').values(row).execute();
    await this.apply(trx, row, planAlertActions(episode, a.nowMs, settings), a.settings, a.nowMs);
    return [{ event: 'alert.opened', organizationId: a.organizationId, alertId: id }];
  }

  async endAbsence(
    trx: Executor,
    e: {
      organizationId: string;
      employeeId: string;
      ended: { atMs: number; awayMs: number; endedBy: AbsenceEndReason };
      nowMs: number;
      settings: OrganizationSettings;
    },
  ): Promise<AlertChange[]> {
    const row = await this.openAbsenceRow(trx, e.employeeId);
    if (!row) return [];
    const episode = endAlertEpisode(JSON.parse(row.episode) as AlertEpisode, e.ended);
    const plan = planAlertActions(episode, e.nowMs, alertSettingsOf(e.settings));
    await this.apply(trx, row, plan, e.settings, e.nowMs);
    return [{ event: 'alert.resolved', organizationId: e.organizationId, alertId: row.id }];
  }

  /**
   * Links an event snapshot to a freshly opened absence alert: the last face the pipeline saw of the
   * person (when this process still has it), else the snapshot of their last presence interval.
   */
  async attachSnapshot(
    orgId: string,
    alertId: string,
    employeeId: string,
    fromMemory: ((orgId: string, employeeId: string) => Promise<string | null>) | null,
  ): Promise<string | null> {
    let snapshotId = fromMemory ? await fromMemory(orgId, employeeId) : null;
    if (snapshotId === null) {
      const last = await this.ctx.db
        .selectFrom('presenceIntervals')
        .select('snapshotId')
        .where('organizationId', '=', orgId)
        .where('employeeId', '=', employeeId)
        .where('snapshotId', 'is not', null)
        .orderBy('lastSeenTs', 'desc')
        .limit(1)
        .executeTakeFirst();
      snapshotId = last?.snapshotId ?? null;
    }
    if (snapshotId === null) return null;
    await this.ctx.db
      .updateTable('alerts')
      .set({ snapshotId })
      .where('organizationId', '=', orgId)
      .where('id', '=', alertId)
      .execute();
    return snapshotId;
  }

  async setCoverageLost(trx: Executor, employeeId: string, lost: boolean, nowMs: number): Promise<void> {
    const row = await this.openAbsenceRow(trx, employeeId);
    if (!row) return;
    const episode = setAlertCoverageLost(JSON.parse(row.episode) as AlertEpisode, lost);
    await trx
      .updateTable('alerts')
      .set({ episode: JSON.stringify(episode), updatedAt: nowMs })
      .where('id', '=', row.id)
      .execute();
  }

  /** Escalation and deferred messages: plans every open absence alert of the organization. */
  async tickOrganization(
    orgId: string,
    settings: OrganizationSettings,
    nowMs: number,
  ): Promise<AlertChange[]> {
    const rows = await this.ctx.db
      .selectFrom('alerts')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('kind', '=', 'absence')
      .where('status', 'in', ['open', 'acknowledged'])
      .execute();
    const changes: AlertChange[] = [];
    const alertSettings = alertSettingsOf(settings);
    for (const row of rows) {
      const episode = JSON.parse(row.episode) as AlertEpisode;
      const plan = planAlertActions(episode, nowMs, alertSettings);
      if (plan.actions.length === 0 || plan.actions.every((x) => x.type === 'defer')) continue;
      await this.ctx.db.transaction().execute(async (trx) => {
        // Re-read under the transaction: another tick (another process) may have acted meanwhile.
        const fresh = await trx.selectFrom('alerts').selectAll().where('id', '=', row.id).executeTakeFirst();
        if (!fresh || fresh.episode !== row.episode) return;
        await this.apply(trx, fresh, plan, settings, nowMs);
        changes.push({ event: 'alert.updated', organizationId: orgId, alertId: row.id });
      });
    }
    return changes;
  }

  private async openAbsenceRow(trx: Executor, employeeId: string): Promise<AlertRow | undefined> {
    return trx
      .selectFrom('alerts')
      .selectAll()
      .where('kind', '=', 'absence')
      .where('employeeId', '=', employeeId)
      .where('status', 'in', ['open', 'acknowledged'])
      .executeTakeFirst();
  }

  /** Carries out a plan's actions (enqueueing messages) and persists the next episode. */
  private async apply(
    trx: Executor,
    row: AlertRow,
    plan: AlertPlan,
    settings: OrganizationSettings,
    nowMs: number,
  ): Promise<void> {
    const locale = settings.locale;
    const person = row.employeeId
      ? await trx
          .selectFrom('employees')
          .select(['employeeCode', 'name'])
          .where('id', '=', row.employeeId)
          .executeTakeFirst()
      : undefined;
    const who = { employeeCode: person?.employeeCode ?? '?', employeeName: person?.name ?? '?' };
    const cameraName = row.cameraName ?? '?';
    let message = row.message;
    let escalatedAt = row.escalatedAt;
    let resolution = row.resolution;
    const send = async (
      kind: 'alert' | 'alert_escalated' | 'alert_returned',
      to: string,
      m: AlertMessage,
      key: string,
    ) => {
      await this.notifier.enqueue(trx, {
        organizationId: row.organizationId,
        kind,
        recipientEmployeeId: to,
        message: m,
        relatedAlertId: row.id,
        idempotencyKey: key,
      });
    };
    for (const action of plan.actions) {
      switch (action.type) {
        case 'notify': {
          const m: AlertMessage = { type: 'absence', ...who, cameraName, awayMs: action.awayMs };
          message = renderAlertMessage(m, locale);
          await send('alert', action.recipientId, m, `alert:${row.id}:level:0`);
          break;
        }
        case 'escalate': {
          const m: AlertMessage = {
            type: 'escalation',
            ...who,
            cameraName,
            awayMs: action.awayMs,
            level: action.level,
          };
          message = renderAlertMessage(m, locale);
          escalatedAt = nowMs;
          await send('alert_escalated', action.recipientId, m, `alert:${row.id}:level:${action.level}`);
          break;
        }
        case 'resolve': {
          resolution = action.outcome;
          const m: AlertMessage = { type: 'returned', ...who, awayMs: action.awayMs };
          if (action.outcome === 'returned') message = renderAlertMessage(m, locale);
          for (const to of action.notifyRecipientIds) {
            await send('alert_returned', to, m, `alert:${row.id}:returned:${to}`);
          }
          break;
        }
        case 'unroutable':
          message ??= renderAlertMessage(
            { type: 'absence', ...who, cameraName, awayMs: nowMs - (row.lastSeenTs ?? nowMs) },
            locale,
          );
          this.ctx.log.warn(
            { alertId: row.id, employeeId: row.employeeId },
            'absence alert has no supervisor to notify',
          );
          break;
        case 'defer':
        case 'drop':
          break;
        default: {
          const never: never = action;
          throw new Error(`unknown alert action ${JSON.stringify(never)}`);
        }
      }
    }
    const e = plan.episode;
    await trx
      .updateTable('alerts')
      .set({
        episode: JSON.stringify(e),
        status: statusOf(e),
        level: Math.max(0, e.level),
        acknowledgedAt: e.acknowledgedMs,
        resolvedAt: e.resolvedMs,
        resolution,
        message,
        escalatedAt,
        updatedAt: nowMs,
      })
      .where('id', '=', row.id)
      .execute();
  }

  // ---- camera outages ----

  async cameraDown(
    trx: Executor,
    c: {
      organizationId: string;
      cameraId: string;
      cameraName: string;
      downSinceMs: number;
      nowMs: number;
      settings: OrganizationSettings;
    },
  ): Promise<AlertChange[]> {
    const open = await trx
      .selectFrom('alerts')
      .select('id')
      .where('kind', '=', 'camera_down')
      .where('cameraId', '=', c.cameraId)
      .where('status', 'in', ['open', 'acknowledged'])
      .executeTakeFirst();
    if (open) return [];
    // Admins linked to an employee record get camera alerts; the dashboard always shows them.
    const admins = await trx
      .selectFrom('memberships')
      .select('employeeId')
      .where('organizationId', '=', c.organizationId)
      .where('role', '=', 'admin')
      .where('employeeId', 'is not', null)
      .execute();
    const recipients = admins.map((r) => r.employeeId as string);
    const id = newId(c.nowMs);
    const m: AlertMessage = {
      type: 'camera_down',
      cameraName: c.cameraName,
      downMs: c.nowMs - c.downSinceMs,
    };
    const episode: CameraDownEpisode = {
      cameraId: c.cameraId,
      downSinceMs: c.downSinceMs,
      notifiedIds: recipients,
    };
    await trx
      .insertInto('alerts')
      .values({
        id,
        organizationId: c.organizationId,
        kind: 'camera_down',
        employeeId: null,
        cameraId: c.cameraId,
        cameraName: c.cameraName,
        status: 'open',
        level: 0,
        openedAt: c.nowMs,
        lastSeenTs: c.downSinceMs,
        acknowledgedBy: null,
        acknowledgedAt: null,
        escalatedAt: null,
        resolvedAt: null,
        resolution: null,
        message: renderAlertMessage(m, c.settings.locale),
        episode: JSON.stringify(episode),
        snapshotId: null,
        createdAt: c.nowMs,
        updatedAt: c.nowMs,
      })
      .execute();
    for (const to of recipients) {
      await this.notifier.enqueue(trx, {
        organizationId: c.organizationId,
        kind: 'camera_down',
        recipientEmployeeId: to,
        message: m,
        relatedAlertId: id,
        idempotencyKey: `alert:${id}:camera_down:${to}`,
      });
    }
    return [{ event: 'alert.opened', organizationId: c.organizationId, alertId: id }];
  }

  async cameraUp(trx: Executor, orgId: string, cameraId: string, nowMs: number): Promise<AlertChange[]> {
    const open = await trx
      .selectFrom('alerts')
      .select('id')
      .where('kind', '=', 'camera_down')
      .where('cameraId', '=', cameraId)
      .where('status', 'in', ['open', 'acknowledged'])
      .executeTakeFirst();
    if (!open) return [];
    await trx
      .updateTable('alerts')
      .set({ status: 'resolved', resolvedAt: nowMs, resolution: 'camera_up', updatedAt: nowMs })
      .where('id', '=', open.id)
      .execute();
    return [{ event: 'alert.resolved', organizationId: orgId, alertId: open.id }];
  }

  // ---- API ----

  /**
   * Employees whose absence alerts the caller may see (and acknowledge): the presence team scope
   * (people/team-scope.ts), so the alerts list, the live socket and the presence board agree.
   */
  private visibleEmployees(auth: AuthContext, orgId: string): Promise<TeamScope> {
    return teamScopeOf(this.team, orgId, auth);
  }

  async list(auth: AuthContext, orgId: string, q: AlertsQuery) {
    const visible = await this.visibleEmployees(auth, orgId);
    let query = this.ctx.db
      .selectFrom('alerts')
      .leftJoin('employees', 'employees.id', 'alerts.employeeId')
      .where('alerts.organizationId', '=', orgId);
    if (q.scope === 'open') query = query.where('alerts.status', 'in', ['open', 'acknowledged']);
    if (q.scope === 'past') query = query.where('alerts.status', 'in', ['resolved', 'suppressed']);
    if (q.kind) query = query.where('alerts.kind', '=', q.kind);
    if (q.employeeId) query = query.where('alerts.employeeId', '=', q.employeeId);
    if (q.cameraId) query = query.where('alerts.cameraId', '=', q.cameraId);
    if (q.from) query = query.where('alerts.openedAt', '>=', Date.parse(q.from));
    if (q.to) query = query.where('alerts.openedAt', '<', Date.parse(q.to));
    if (!visible.all) {
      const ids = [...visible.employeeIds];
      query = query.where((eb) =>
        eb.or([
          eb('alerts.kind', '=', 'camera_down'),
          ...(ids.length ? [eb('alerts.employeeId', 'in', ids)] : []),
        ]),
      );
    }
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll('alerts')
      .select(['employees.employeeCode', 'employees.name as employeeName'])
      .orderBy('alerts.openedAt', 'desc')
      .orderBy('alerts.id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return { items: rows.map(presentAlert), total: Number(total.n), page: q.page, pageSize: q.pageSize };
  }

  async present(orgId: string, id: string): Promise<Alert | null> {
    const row = await this.ctx.db
      .selectFrom('alerts')
      .leftJoin('employees', 'employees.id', 'alerts.employeeId')
      .selectAll('alerts')
      .select(['employees.employeeCode', 'employees.name as employeeName'])
      .where('alerts.organizationId', '=', orgId)
      .where('alerts.id', '=', id)
      .executeTakeFirst();
    return row ? presentAlert(row) : null;
  }

  async acknowledge(auth: AuthContext, orgId: string, id: string): Promise<Alert> {
    const visible = await this.visibleEmployees(auth, orgId);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('alerts')
        .selectAll()
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound('Alert');
      if (!inTeamScope(visible, row.employeeId)) throw forbidden('Not your team');
      if (row.status !== 'open') throw conflict('alert_not_open', `The alert is already ${row.status}`);
      let episode = row.episode;
      if (row.kind === 'absence') {
        const e = acknowledgeAlert(
          JSON.parse(row.episode) as AlertEpisode,
          auth.employeeId ?? auth.userId ?? '',
          now,
        );
        episode = JSON.stringify(e);
      }
      await trx
        .updateTable('alerts')
        .set({
          status: 'acknowledged',
          acknowledgedAt: now,
          acknowledgedBy: auth.userId,
          episode,
          updatedAt: now,
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'alert.acknowledged',
        entityType: 'alert',
        entityId: id,
        summary: `Acknowledged ${row.kind} alert`,
      });
    });
    this.publish([{ event: 'alert.updated', organizationId: orgId, alertId: id }]);
    const alert = await this.present(orgId, id);
    if (!alert) throw notFound('Alert');
    return alert;
  }

  /** Counts of open alerts, for health checks and tests. */
  async openCount(orgId: string): Promise<number> {
    const r = await this.ctx.db
      .selectFrom('alerts')
      .select(sql<number>`count(*)`.as('n'))
      .where('organizationId', '=', orgId)
      .where('status', 'in', ['open', 'acknowledged'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  settingsOf(orgId: string): Promise<OrganizationSettings> {
    return getOrganizationSettings(this.ctx.db, orgId);
  }
}

export function presentAlert(
  row: AlertRow & { employeeCode: string | null; employeeName: string | null },
): Alert {
  return {
    id: row.id,
    kind: row.kind as Alert['kind'],
    status: row.status as Alert['status'],
    level: row.level,
    employeeId: row.employeeId,
    employeeCode: row.employeeCode,
    employeeName: row.employeeName,
    cameraId: row.cameraId,
    cameraName: row.cameraName,
    openedAt: toIso(row.openedAt),
    lastSeenAt: toIsoOrNull(row.lastSeenTs),
    acknowledgedAt: toIsoOrNull(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
    escalatedAt: toIsoOrNull(row.escalatedAt),
    resolvedAt: toIsoOrNull(row.resolvedAt),
    resolution: row.resolution,
    message: row.message,
    snapshotId: row.snapshotId ?? null,
  };
}

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'alert.opened': { organizationId: string; alert: Alert };
    'alert.updated': { organizationId: string; alert: Alert };
    'alert.resolved': { organizationId: string; alert: Alert };
  }
}
