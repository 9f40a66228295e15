import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { ZodError } from 'zod';
import {
  NotificationMessage,
  NotificationSettings,
  templateSlotOf,
  type TemplateSlot,
  type ChannelTestResult,
  type Notification,
  type NotificationChannel,
  type NotificationChannelCreate,
  type NotificationChannelUpdate,
  type NotificationKind,
  type NotificationStatus,
} from '@hadir/contracts';
import { isLocale, isWithinLocalTimeRange, minutesToMs, nextLocalTimeMs, type Locale } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { NotificationsTable } from '../../platform/db/tables/notifications.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, notFound } from '../../platform/http/errors.js';
import { newId, randomToken } from '../../platform/ids/ids.js';
import { guardedFetch } from '../../platform/net/guarded-fetch.js';
import { AddressPolicy } from '../../platform/net/outbound-policy.js';
import { recordAudit } from '../audit/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { TeamQueries, normalizePhone, teamScopeIds, teamScopeOf } from '../people/index.js';
import {
  ChannelError,
  createChannelPlugin,
  parseChannelConfig,
  sanitizeProviderResponse,
  secretFlags,
  verifyHubSignature,
  type NotificationChannelPlugin,
} from './channels/index.js';
import { LogChannel } from './channels/log.channel.js';
import { MemoryRateLimiter, SharedRateLimiter, type RateLimiter } from './rate-limiter.js';
import { checkChannelDestination, requireSecretsForNewDestination } from './channel-destination.js';
import {
  getNotificationSettings,
  openChannel,
  sealChannelConfig,
  type ChannelRecord,
  type Executor,
} from './notifications.repository.js';
import { maskNumber, renderMessage, waDigits } from './render.js';
import {
  parseTemplateValues,
  providerErrorCode,
  sampleTemplateValues,
  templateValuesOf,
} from './template-values.js';

export interface EnqueueNotification {
  organizationId: string;
  kind: NotificationKind;
  /** Who receives it; null = nobody reachable (kept for the dashboard). */
  recipientEmployeeId: string | null;
  recipientUserId?: string | null;
  message: NotificationMessage;
  relatedAlertId?: string | null;
  /** Unique per intended message: a repeated enqueue (a retried transaction, a re-run tick) is a no-op. */
  idempotencyKey: string;
  /** The employee the message is about; found by employee code when left out. */
  subjectEmployeeId?: string | null;
  /** A PDF under the data dir to send as a document after (or instead of) the text. */
  document?: { path: string; fileName: string; caption?: string | null } | null;
}

export interface EnqueuedNotification {
  id: string;
  status: NotificationStatus;
  /** True when the idempotency key already existed; nothing new was written. */
  duplicate: boolean;
}

/** Messages about people and cameras respect quiet hours and cooldown; reports and tests do not. */
const POLICY_KINDS: ReadonlySet<NotificationKind> = new Set([
  'alert',
  'alert_escalated',
  'alert_returned',
  'camera_down',
]);
/** Kinds that HR recipients of the subject's department also receive. */
const HR_KINDS: ReadonlySet<NotificationKind> = new Set(['alert', 'alert_returned']);
const OPEN_STATUSES = ['pending', 'sending'] as const;
/** Webhook statuses only move forward: a late "delivered" never downgrades "read". */
const STATUS_RANK: Record<string, number> = { pending: 0, sending: 1, sent: 2, delivered: 3, read: 4 };
const DOCUMENT_LINK_TTL_MS = 7 * 24 * 3_600_000;
const STUCK_AFTER_MS = 15 * 60_000;

export interface NotificationsOptions {
  /** Replaces the network for provider calls (tests). */
  fetchImpl?: typeof fetch;
}

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'notification.updated': { organizationId: string; notificationId: string; status: NotificationStatus };
  }
}

/** Whether every id (distinct) names a row of this organization in `table`; no ids is trivially true. */
async function allInOrg(
  executor: Executor,
  table: 'employees' | 'departments',
  orgId: string,
  ids: readonly string[],
): Promise<boolean> {
  if (ids.length === 0) return true;
  const found = await executor
    .selectFrom(table)
    .select('id')
    .where('organizationId', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  return found.length === ids.length;
}

/**
 * The outbox and its delivery. `enqueue` renders and records a message inside the caller's transaction
 * and schedules its `notification.deliver` job in the same transaction; `deliver` (the job) sends it
 * through the organization's channel with rate limiting, retries and a final failed state.
 */
export class NotificationsService {
  /** On PostgreSQL several worker processes may deliver: they share each channel's rate in the database. */
  private readonly limiter: RateLimiter;
  private linkKey: Buffer | null = null;

  private readonly addressPolicy: AddressPolicy;
  /** Every provider call goes through the outbound-target policy (checked at connect, no redirects). */
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly ctx: ServerContext,
    private readonly opts: NotificationsOptions = {},
  ) {
    this.limiter =
      ctx.dialect === 'postgres' ? new SharedRateLimiter(ctx.db, ctx.dialect) : new MemoryRateLimiter();
    this.addressPolicy = new AddressPolicy(ctx.env.outbound);
    this.fetchImpl = opts.fetchImpl ?? guardedFetch(this.addressPolicy, 'channel');
  }

  // ------------------------------------------------------------------ enqueue

  async enqueue(executor: Executor, n: EnqueueNotification): Promise<EnqueuedNotification> {
    const message = NotificationMessage.parse(n.message);
    const existing = await executor
      .selectFrom('notifications')
      .select(['id', 'status'])
      .where('idempotencyKey', '=', n.idempotencyKey)
      .executeTakeFirst();
    if (existing) return { id: existing.id, status: existing.status as NotificationStatus, duplicate: true };

    const now = this.ctx.clock.nowMs();
    const [org, settings] = await Promise.all([
      getOrganizationSettings(executor, n.organizationId),
      getNotificationSettings(executor, n.organizationId),
    ]);
    const subjectId = n.subjectEmployeeId ?? (await this.subjectByCode(executor, n.organizationId, message));
    const primary = await this.insertOne(executor, n, message, subjectId, org, settings, now);

    if (HR_KINDS.has(n.kind) && subjectId) {
      const dept = await executor
        .selectFrom('employees')
        .select('departmentId')
        .where('id', '=', subjectId)
        .where('organizationId', '=', n.organizationId)
        .executeTakeFirst();
      const hr = dept?.departmentId ? (settings.hrRecipients[dept.departmentId] ?? []) : [];
      for (const hrId of new Set(hr)) {
        if (hrId === n.recipientEmployeeId || hrId === subjectId) continue;
        const key = `${n.idempotencyKey}:hr:${hrId}`;
        const dup = await executor
          .selectFrom('notifications')
          .select('id')
          .where('idempotencyKey', '=', key)
          .executeTakeFirst();
        if (dup) continue;
        await this.insertOne(
          executor,
          { ...n, recipientEmployeeId: hrId, recipientUserId: null, idempotencyKey: key },
          message,
          subjectId,
          org,
          settings,
          now,
        );
      }
    }
    return { ...primary, duplicate: false };
  }

  private async subjectByCode(
    executor: Executor,
    orgId: string,
    message: NotificationMessage,
  ): Promise<string | null> {
    if (!('employeeCode' in message)) return null;
    const row = await executor
      .selectFrom('employees')
      .select('id')
      .where('organizationId', '=', orgId)
      .where('employeeCode', '=', message.employeeCode)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** The language a person reads: their linked user's locale, else the organization's. */
  async recipientLocale(executor: Executor, orgId: string, employeeId: string | null): Promise<Locale> {
    const [org, recipient] = await Promise.all([
      getOrganizationSettings(executor, orgId),
      this.recipientOf(executor, orgId, employeeId, null),
    ]);
    if (isLocale(recipient.locale)) return recipient.locale;
    return isLocale(org.locale) ? org.locale : 'id';
  }

  private async recipientOf(
    executor: Executor,
    orgId: string,
    employeeId: string | null,
    userId: string | null,
  ) {
    let whatsapp: string | null = null;
    let active = true;
    let locale: string | null = null;
    if (employeeId) {
      const emp = await executor
        .selectFrom('employees')
        .select(['whatsapp', 'status'])
        .where('id', '=', employeeId)
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      if (!emp) throw notFound('Recipient employee');
      whatsapp = emp.whatsapp;
      active = emp.status === 'active' || emp.status === 'on_leave';
    }
    // The linked user's language wins over the organization's.
    let q = executor
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.userId')
      .select(['users.locale', 'users.id'])
      .where('memberships.organizationId', '=', orgId);
    if (userId) q = q.where('users.id', '=', userId);
    else if (employeeId) q = q.where('memberships.employeeId', '=', employeeId);
    if (userId || employeeId) {
      const user = await q.executeTakeFirst();
      locale = user?.locale ?? null;
    }
    return { whatsapp, active, locale };
  }

  private async insertOne(
    executor: Executor,
    n: EnqueueNotification,
    message: NotificationMessage,
    subjectId: string | null,
    org: { timeZone: string; locale: string },
    settings: NotificationSettings,
    now: number,
  ): Promise<Omit<EnqueuedNotification, 'duplicate'>> {
    const recipient = await this.recipientOf(
      executor,
      n.organizationId,
      n.recipientEmployeeId,
      n.recipientUserId ?? null,
    );
    const locale: Locale = isLocale(recipient.locale)
      ? recipient.locale
      : isLocale(org.locale)
        ? org.locale
        : 'id';
    const body = renderMessage(message, locale);
    const templateValues = templateValuesOf(message, body, locale, org.timeZone, now);

    let status: NotificationStatus = 'pending';
    let reason: string | null = null;
    let notBefore = now;
    if (!recipient.active) {
      status = 'suppressed';
      reason = 'Recipient is not active';
    } else if (POLICY_KINDS.has(n.kind)) {
      const quiet = settings.quietHours && isWithinLocalTimeRange(org.timeZone, now, settings.quietHours);
      if (quiet && settings.quietHours) {
        // A "returned" notice is never worth waking anyone, nor worth sending the next morning.
        if (settings.quietHoursBehaviour === 'drop' || n.kind === 'alert_returned') {
          status = 'suppressed';
          reason = 'Quiet hours';
        } else notBefore = nextLocalTimeMs(org.timeZone, now, settings.quietHours.end);
      }
      if (status === 'pending' && n.kind === 'alert' && subjectId && settings.cooldownMinutes > 0) {
        let recent = executor
          .selectFrom('notifications')
          .select('id')
          .where('organizationId', '=', n.organizationId)
          .where('kind', '=', 'alert')
          .where('subjectEmployeeId', '=', subjectId)
          .where('createdAt', '>', now - minutesToMs(settings.cooldownMinutes))
          .where('status', '!=', 'suppressed');
        recent = n.recipientEmployeeId
          ? recent.where('recipientEmployeeId', '=', n.recipientEmployeeId)
          : recent.where('recipientEmployeeId', 'is', null);
        if (n.relatedAlertId) recent = recent.where('relatedAlertId', '!=', n.relatedAlertId);
        if (await recent.executeTakeFirst()) {
          status = 'suppressed';
          reason = `Cooldown: already alerted about this person within ${settings.cooldownMinutes} min`;
        }
      }
    }
    if (status === 'pending' && !recipient.whatsapp) {
      status = 'dashboard_only';
      reason = 'Recipient has no WhatsApp number';
    }

    const channel = await this.defaultChannel(executor, n.organizationId);
    const id = newId(now);
    const document = n.document ?? null;
    await executor
      .insertInto('notifications')
      .values({
        id,
        organizationId: n.organizationId,
        channelId: channel?.id ?? null,
        kind: n.kind,
        recipientEmployeeId: n.recipientEmployeeId,
        recipientUserId: n.recipientUserId ?? null,
        subjectEmployeeId: subjectId,
        toNumber: recipient.whatsapp,
        locale,
        body,
        template: null,
        templateValues: JSON.stringify(templateValues),
        documentPath: document?.path ?? null,
        documentFileName: document?.fileName ?? null,
        idempotencyKey: n.idempotencyKey,
        status,
        attempts: 0,
        lastError: reason,
        providerMessageId: null,
        relatedAlertId: n.relatedAlertId ?? null,
        notBefore,
        createdAt: now,
        sentAt: null,
        deliveredAt: null,
        readAt: null,
        failedAt: null,
        updatedAt: now,
      })
      .execute();
    if (status === 'pending') {
      await this.ctx.jobs.enqueue(
        executor,
        'notification.deliver',
        { notificationId: id },
        {
          organizationId: n.organizationId,
          runAtMs: notBefore,
          idempotencyKey: `notification.deliver:${id}`,
        },
      );
    }
    return { id, status };
  }

  private async defaultChannel(executor: Executor, orgId: string) {
    return executor
      .selectFrom('notificationChannels')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('enabled', '=', 1)
      .orderBy('isDefault', 'desc')
      .orderBy('createdAt')
      .executeTakeFirst();
  }

  // ------------------------------------------------------------------ delivery

  /**
   * The `notification.deliver` job. Safe to run twice: only pending/sending rows are sent, and the row
   * is claimed (status 'sending', attempts + 1) by a conditional update before the provider call.
   * At-least-once window: a crash after the provider accepted the message but before 'sent' is recorded
   * resends it when the job is recovered; the HTTP gateway can dedupe by Idempotency-Key, the Cloud API
   * cannot. The window is one provider round trip plus one single-row UPDATE.
   */
  async deliver(notificationId: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    const row = await this.ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', notificationId)
      .executeTakeFirst();
    if (!row || !(OPEN_STATUSES as readonly string[]).includes(row.status)) return;
    if (row.notBefore > now) return this.continueLater(row, row.notBefore);
    const settings = await getNotificationSettings(this.ctx.db, row.organizationId);
    if (row.attempts >= settings.maxAttempts) {
      return this.markFailed(row, row.lastError ?? `Gave up after ${row.attempts} attempts`);
    }
    const channel = await this.channelFor(row);
    const waitMs = await this.limiter.take(channel.key, channel.plugin.ratePerSecond, now);
    if (waitMs > 0) return this.continueLater(row, now + waitMs);

    const attempts = row.attempts + 1;
    const claimed = await this.ctx.db
      .updateTable('notifications')
      .set({ status: 'sending', attempts, channelId: channel.id, updatedAt: now })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;

    try {
      const result = await channel.plugin.send({
        idempotencyKey: row.idempotencyKey,
        to: waDigits(row.toNumber ?? ''),
        text: row.body,
        document: row.documentPath ? this.documentFor(row) : null,
        lastInboundAtMs: await this.lastInbound(channel.id, row.toNumber),
        nowMs: now,
        templateSlot: templateSlotOf(row.kind as NotificationKind),
        templateValues: parseTemplateValues(row.templateValues),
      });
      const sentAt = this.ctx.clock.nowMs();
      await this.ctx.db
        .updateTable('notifications')
        .set({
          status: 'sent',
          providerMessageId: result.providerMessageId,
          template: result.template ? JSON.stringify(result.template) : null,
          lastError: null,
          sentAt,
          updatedAt: sentAt,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .execute();
      this.publish(row, 'sent');
    } catch (error) {
      const err =
        error instanceof ChannelError
          ? error
          : new ChannelError(error instanceof Error ? error.message : String(error), { retryable: true });
      if (!err.retryable || attempts >= settings.maxAttempts) return this.markFailed(row, err.message);
      const later = this.ctx.clock.nowMs();
      await this.ctx.db
        .updateTable('notifications')
        .set({ status: 'pending', lastError: err.message.slice(0, 2000), updatedAt: later })
        .where('id', '=', row.id)
        .execute();
      // 429: the provider said when; otherwise the job runner's backoff with jitter decides.
      if (err.retryAfterMs !== null) return this.continueLater(row, later + err.retryAfterMs, attempts);
      throw err;
    }
  }

  /** Reschedules delivery without spending the job's own retries (rate limit, Retry-After, deferral). */
  private async continueLater(row: NotificationsTable, atMs: number, attempts = row.attempts): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('notifications')
        .set({ notBefore: atMs, updatedAt: this.ctx.clock.nowMs() })
        .where('id', '=', row.id)
        .execute();
      await this.ctx.jobs.enqueue(
        trx,
        'notification.deliver',
        { notificationId: row.id },
        {
          organizationId: row.organizationId,
          runAtMs: atMs,
          idempotencyKey: `notification.deliver:${row.id}:${attempts}:${atMs}`,
        },
      );
    });
  }

  async markFailed(row: Pick<NotificationsTable, 'id' | 'organizationId'>, error: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    const res = await this.ctx.db
      .updateTable('notifications')
      .set({ status: 'failed', lastError: error.slice(0, 2000), failedAt: now, updatedAt: now })
      .where('id', '=', row.id)
      .where('status', 'in', [...OPEN_STATUSES])
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) {
      this.ctx.log.warn({ notificationId: row.id, err: error }, 'notification failed');
      this.publish(row, 'failed');
    }
  }

  /** The job's last attempt failed with something unexpected: do not leave the row pending forever. */
  async markFailedIfOpen(notificationId: string, error: string): Promise<void> {
    const row = await this.ctx.db
      .selectFrom('notifications')
      .select(['id', 'organizationId'])
      .where('id', '=', notificationId)
      .executeTakeFirst();
    if (row) await this.markFailed(row, error);
  }

  private publish(row: Pick<NotificationsTable, 'id' | 'organizationId'>, status: NotificationStatus) {
    this.ctx.events.publish('notification.updated', {
      organizationId: row.organizationId,
      notificationId: row.id,
      status,
    });
  }

  /** The row's channel if still enabled, else the organization's default, else the log. */
  private async channelFor(
    row: NotificationsTable,
  ): Promise<{ id: string | null; key: string; plugin: NotificationChannelPlugin }> {
    let channelRow = row.channelId
      ? await this.ctx.db
          .selectFrom('notificationChannels')
          .selectAll()
          .where('id', '=', row.channelId)
          .where('organizationId', '=', row.organizationId)
          .where('enabled', '=', 1)
          .executeTakeFirst()
      : undefined;
    channelRow ??= await this.defaultChannel(this.ctx.db, row.organizationId);
    if (!channelRow) {
      return { id: null, key: `log:${row.organizationId}`, plugin: new LogChannel(this.ctx.log) };
    }
    const record = openChannel(channelRow, this.ctx.secrets);
    return { id: channelRow.id, key: channelRow.id, plugin: this.plugin(record) };
  }

  private plugin(record: ChannelRecord): NotificationChannelPlugin {
    return createChannelPlugin(record.config, {
      log: this.ctx.log,
      fetchImpl: this.fetchImpl,
    });
  }

  private async lastInbound(channelId: string | null, toNumber: string | null): Promise<number | null> {
    if (!channelId || !toNumber) return null;
    const row = await this.ctx.db
      .selectFrom('whatsappContacts')
      .select('lastInboundAt')
      .where('channelId', '=', channelId)
      .where('waNumber', '=', waDigits(toNumber))
      .executeTakeFirst();
    return row?.lastInboundAt ?? null;
  }

  private documentFor(row: NotificationsTable) {
    const file = path.resolve(this.ctx.env.dataDir, row.documentPath ?? '');
    if (!file.startsWith(path.resolve(this.ctx.env.dataDir) + path.sep)) {
      throw new ChannelError('Document path escapes the data dir', { retryable: false });
    }
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      throw new ChannelError('The report file is gone (data dir cleaned?)', { retryable: false });
    }
    // A document notification's body is its caption; the report text travels as its own message.
    return {
      bytes,
      fileName: row.documentFileName ?? path.basename(file),
      caption: row.body,
      url: this.documentUrl(row.id),
    };
  }

  // ------------------------------------------------------------------ document links

  private async documentLinkKey(): Promise<Buffer> {
    if (this.linkKey) return this.linkKey;
    const key = 'notifications.documentLinkKey';
    const now = this.ctx.clock.nowMs();
    await this.ctx.db
      .insertInto('kv')
      .values({ key, value: this.ctx.secrets.seal(randomToken(32)), updatedAt: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await this.ctx.db
      .selectFrom('kv')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    this.linkKey = Buffer.from(this.ctx.secrets.open(row.value));
    return this.linkKey;
  }

  /** Loaded once at start so link signing stays synchronous. */
  async init(): Promise<void> {
    await this.documentLinkKey();
  }

  private sign(id: string, expiresMs: number): string {
    if (!this.linkKey) throw new Error('NotificationsService.init() was not called');
    return createHmac('sha256', this.linkKey).update(`${id}.${expiresMs}`).digest('base64url');
  }

  /** A signed, expiring public link to a notification's document (for link-mode channels and gateways). */
  documentUrl(id: string): string | null {
    const base = this.ctx.env.HADIR_PUBLIC_URL;
    if (!base || !this.linkKey) return null;
    const expires = this.ctx.clock.nowMs() + DOCUMENT_LINK_TTL_MS;
    return `${base.replace(/\/+$/, '')}/api/notification-documents/${id}?expires=${expires}&sig=${this.sign(id, expires)}`;
  }

  async openDocument(
    id: string,
    expiresMs: number,
    sig: string,
  ): Promise<{ file: string; fileName: string }> {
    await this.documentLinkKey();
    const expected = Buffer.from(this.sign(id, expiresMs));
    const sent = Buffer.from(sig);
    if (
      sent.length !== expected.length ||
      !timingSafeEqual(sent, expected) ||
      expiresMs < this.ctx.clock.nowMs()
    ) {
      throw new AppError(403, 'bad_signature', 'The link is invalid or expired');
    }
    const row = await this.ctx.db
      .selectFrom('notifications')
      .select(['documentPath', 'documentFileName'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row?.documentPath) throw notFound('Document');
    return {
      file: path.resolve(this.ctx.env.dataDir, row.documentPath),
      fileName: row.documentFileName ?? 'report.pdf',
    };
  }

  // ------------------------------------------------------------------ recovery

  /**
   * Rows left pending/sending without a live job (a job that died in a way the runner could not record)
   * get a fresh delivery job. Jobs themselves survive restarts; this is the belt to their braces.
   */
  async recoverStuck(): Promise<number> {
    const now = this.ctx.clock.nowMs();
    const stuck = await this.ctx.db
      .selectFrom('notifications')
      .select(['id', 'organizationId', 'attempts'])
      .where('status', 'in', [...OPEN_STATUSES])
      .where('updatedAt', '<', now - STUCK_AFTER_MS)
      .where('notBefore', '<', now - STUCK_AFTER_MS)
      .orderBy('updatedAt')
      .limit(500)
      .execute();
    const orphans = [];
    for (const row of stuck) {
      // Asked of the job engine (built-in table or pg-boss), not of one table.
      if (!(await this.ctx.jobs.hasOpenJob('notification.deliver', { notificationId: row.id }))) {
        orphans.push(row);
      }
    }
    for (const row of orphans) {
      await this.ctx.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('notifications')
          .set({ status: 'pending', updatedAt: now })
          .where('id', '=', row.id)
          .where('status', 'in', [...OPEN_STATUSES])
          .execute();
        await this.ctx.jobs.enqueue(
          trx,
          'notification.deliver',
          { notificationId: row.id },
          {
            organizationId: row.organizationId,
            idempotencyKey: `notification.deliver:${row.id}:recover:${now}`,
          },
        );
      });
    }
    if (orphans.length) this.ctx.log.warn({ count: orphans.length }, 'recovered stuck notifications');
    return orphans.length;
  }

  // ------------------------------------------------------------------ dashboard

  /**
   * The outbox. A caller without `presence:view:all` (a manager) sees only the messages about alerts they
   * may see (camera alerts and their team's absences): other messages name other teams' people.
   */
  async list(
    auth: AuthContext,
    orgId: string,
    q: {
      page: number;
      pageSize: number;
      status?: NotificationStatus | undefined;
      kind?: NotificationKind | undefined;
      alertId?: string | undefined;
      recipientEmployeeId?: string | undefined;
    },
  ): Promise<{ items: Notification[]; total: number; page: number; pageSize: number }> {
    let base = this.ctx.db.selectFrom('notifications').where('notifications.organizationId', '=', orgId);
    const team = teamScopeIds(await teamScopeOf(new TeamQueries(this.ctx.db), orgId, auth));
    if (team) {
      base = base.where('notifications.relatedAlertId', 'in', (eb) =>
        eb
          .selectFrom('alerts')
          .select('alerts.id')
          .where('alerts.organizationId', '=', orgId)
          .where((a) =>
            a.or([
              a('alerts.kind', '=', 'camera_down'),
              ...(team.length ? [a('alerts.employeeId', 'in', team)] : []),
            ]),
          ),
      );
    }
    if (q.status) base = base.where('notifications.status', '=', q.status);
    if (q.kind) base = base.where('notifications.kind', '=', q.kind);
    if (q.alertId) base = base.where('notifications.relatedAlertId', '=', q.alertId);
    if (q.recipientEmployeeId)
      base = base.where('notifications.recipientEmployeeId', '=', q.recipientEmployeeId);
    const [rows, count] = await Promise.all([
      base
        .leftJoin('employees', 'employees.id', 'notifications.recipientEmployeeId')
        .selectAll('notifications')
        .select('employees.name as recipientName')
        .orderBy('notifications.createdAt', 'desc')
        .orderBy('notifications.id', 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      total: Number(count.n),
      page: q.page,
      pageSize: q.pageSize,
      items: rows.map((r) => presentNotification(r, r.recipientName)),
    };
  }

  async retry(auth: AuthContext, orgId: string, id: string): Promise<Notification> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('notifications')
        .select(['id', 'status'])
        .where('id', '=', id)
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      if (!row) throw notFound('Notification');
      if (row.status !== 'failed') throw badRequest('not_failed', 'Only failed notifications can be retried');
      await trx
        .updateTable('notifications')
        .set({ status: 'pending', attempts: 0, failedAt: null, notBefore: now, updatedAt: now })
        .where('id', '=', id)
        .execute();
      await this.ctx.jobs.enqueue(
        trx,
        'notification.deliver',
        { notificationId: id },
        { organizationId: orgId, idempotencyKey: `notification.deliver:${id}:retry:${now}` },
      );
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'notification.retried',
        entityType: 'notification',
        entityId: id,
        summary: 'Retried a failed notification',
      });
    });
    return this.get(orgId, id);
  }

  async get(orgId: string, id: string): Promise<Notification> {
    const row = await this.ctx.db
      .selectFrom('notifications')
      .leftJoin('employees', 'employees.id', 'notifications.recipientEmployeeId')
      .selectAll('notifications')
      .select('employees.name as recipientName')
      .where('notifications.id', '=', id)
      .where('notifications.organizationId', '=', orgId)
      .executeTakeFirst();
    if (!row) throw notFound('Notification');
    return presentNotification(row, row.recipientName);
  }

  // ------------------------------------------------------------------ settings

  getSettings(orgId: string): Promise<NotificationSettings> {
    return getNotificationSettings(this.ctx.db, orgId);
  }

  async updateSettings(
    auth: AuthContext,
    orgId: string,
    patch: Partial<NotificationSettings>,
  ): Promise<NotificationSettings> {
    const now = this.ctx.clock.nowMs();
    return this.ctx.db.transaction().execute(async (trx) => {
      const before = await getNotificationSettings(trx, orgId);
      const after = NotificationSettings.parse({ ...before, ...patch });
      const employeeIds = [...new Set(Object.values(after.hrRecipients).flat())];
      const deptIds = Object.keys(after.hrRecipients);
      if (!(await allInOrg(trx, 'employees', orgId, employeeIds)))
        throw badRequest('unknown_employee', 'Unknown HR recipient');
      if (!(await allInOrg(trx, 'departments', orgId, deptIds)))
        throw badRequest('unknown_department', 'Unknown department');
      await trx
        .insertInto('notificationSettings')
        .values({ organizationId: orgId, settings: JSON.stringify(after), updatedAt: now })
        .onConflict((oc) =>
          oc.column('organizationId').doUpdateSet({ settings: JSON.stringify(after), updatedAt: now }),
        )
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'notification_settings.updated',
        entityType: 'notification_settings',
        entityId: orgId,
        summary: `Changed notification settings: ${Object.keys(patch).join(', ') || 'nothing'}`,
        changes: { from: before, to: after },
      });
      return after;
    });
  }

  // ------------------------------------------------------------------ channels

  private presentChannel(record: ChannelRecord): NotificationChannel {
    const { row, config } = record;
    const base = this.ctx.env.HADIR_PUBLIC_URL?.replace(/\/+$/, '') ?? '';
    return {
      id: row.id,
      type: config.type,
      name: row.name,
      enabled: row.enabled === 1,
      isDefault: row.isDefault === 1,
      settings: config.settings,
      secrets: secretFlags(config),
      webhookUrl: config.type === 'whatsapp_cloud' ? `${base}/api/webhooks/whatsapp/${row.id}` : null,
      createdAt: toIso(row.createdAt),
      updatedAt: toIso(row.updatedAt),
    };
  }

  private async channelRecord(executor: Executor, orgId: string, id: string): Promise<ChannelRecord> {
    const row = await executor
      .selectFrom('notificationChannels')
      .selectAll()
      .where('id', '=', id)
      .where('organizationId', '=', orgId)
      .executeTakeFirst();
    if (!row) throw notFound('Notification channel');
    return openChannel(row, this.ctx.secrets);
  }

  async listChannels(orgId: string): Promise<NotificationChannel[]> {
    const rows = await this.ctx.db
      .selectFrom('notificationChannels')
      .selectAll()
      .where('organizationId', '=', orgId)
      .orderBy('createdAt')
      .execute();
    return rows.map((row) => this.presentChannel(openChannel(row, this.ctx.secrets)));
  }

  async getChannel(orgId: string, id: string): Promise<NotificationChannel> {
    return this.presentChannel(await this.channelRecord(this.ctx.db, orgId, id));
  }

  async createChannel(
    auth: AuthContext,
    orgId: string,
    input: NotificationChannelCreate,
  ): Promise<NotificationChannel> {
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    const config = parseChannelConfig(input.type, input.settings, 'secrets' in input ? input.secrets : {});
    await checkChannelDestination(this.addressPolicy, config);
    await this.ctx.db.transaction().execute(async (trx) => {
      const count = await trx
        .selectFrom('notificationChannels')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organizationId', '=', orgId)
        .executeTakeFirstOrThrow();
      // The first channel becomes the default so a fresh install sends without another step.
      const isDefault = input.isDefault || Number(count.n) === 0;
      if (isDefault) await this.clearDefault(trx, orgId);
      await trx
        .insertInto('notificationChannels')
        .values({
          id,
          organizationId: orgId,
          type: input.type,
          name: input.name,
          enabled: input.enabled ? 1 : 0,
          config: sealChannelConfig(config, this.ctx.secrets),
          isDefault: isDefault ? 1 : 0,
          createdAt: now,
          updatedAt: now,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'notification_channel.created',
        entityType: 'notification_channel',
        entityId: id,
        summary: `Added ${input.type} channel "${input.name}"`,
      });
    });
    return this.getChannel(orgId, id);
  }

  private async clearDefault(trx: Executor, orgId: string) {
    await trx
      .updateTable('notificationChannels')
      .set({ isDefault: 0 })
      .where('organizationId', '=', orgId)
      .execute();
  }

  async updateChannel(
    auth: AuthContext,
    orgId: string,
    id: string,
    patch: NotificationChannelUpdate,
  ): Promise<NotificationChannel> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const current = await this.channelRecord(trx, orgId, id);
      const secrets: Record<string, unknown> = { ...current.config.secrets };
      for (const [k, v] of Object.entries(patch.secrets ?? {})) {
        if (v === null) delete secrets[k];
        else secrets[k] = v;
      }
      let config;
      try {
        config = parseChannelConfig(
          current.config.type,
          { ...(current.config.settings as object), ...(patch.settings ?? {}) },
          secrets,
        );
      } catch (error) {
        if (error instanceof ZodError) {
          throw badRequest(
            'invalid_channel',
            'The channel settings are not valid',
            error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          );
        }
        throw error;
      }
      requireSecretsForNewDestination(current.config, config, patch.secrets ?? undefined);
      await checkChannelDestination(this.addressPolicy, config);
      if (patch.isDefault) await this.clearDefault(trx, orgId);
      await trx
        .updateTable('notificationChannels')
        .set({
          config: sealChannelConfig(config, this.ctx.secrets),
          updatedAt: now,
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
          ...(patch.isDefault !== undefined ? { isDefault: patch.isDefault ? 1 : 0 } : {}),
        })
        .where('id', '=', id)
        .where('organizationId', '=', orgId)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'notification_channel.updated',
        entityType: 'notification_channel',
        entityId: id,
        // Field names only: secret values never reach the audit log.
        summary: `Changed ${
          [
            ...Object.keys(patch.settings ?? {}),
            ...Object.keys(patch.secrets ?? {}),
            ...(['name', 'enabled', 'isDefault'] as const).filter((k) => patch[k] !== undefined),
          ].join(', ') || 'nothing'
        }`,
      });
    });
    return this.getChannel(orgId, id);
  }

  async deleteChannel(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .deleteFrom('notificationChannels')
        .where('id', '=', id)
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound('Notification channel');
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'notification_channel.deleted',
        entityType: 'notification_channel',
        entityId: id,
        summary: 'Deleted a notification channel',
      });
    });
  }

  /** Sends one message right now (not through the outbox) and reports what the provider said. */
  async testChannel(
    auth: AuthContext,
    orgId: string,
    id: string,
    input: { to: string; text?: string | undefined; template?: TemplateSlot | undefined },
  ): Promise<ChannelTestResult> {
    const record = await this.channelRecord(this.ctx.db, orgId, id);
    const org = await getOrganizationSettings(this.ctx.db, orgId);
    // "0812…" typed the local way is read in the organization's country.
    const number = normalizePhone(input.to, org.country);
    if (!number.ok) throw badRequest('bad_phone', number.message, [{ path: 'to', message: number.message }]);
    const to = number.e164;
    const locale: Locale = isLocale(org.locale) ? org.locale : 'id';
    const text = input.text ?? TEST_TEXT[locale];
    const startedMs = Date.now();
    const now = this.ctx.clock.nowMs();
    const notificationId = newId(now);
    let result: ChannelTestResult;
    try {
      const sent = await this.plugin(record).send({
        idempotencyKey: `test:${notificationId}`,
        to: waDigits(to),
        text,
        document: null,
        lastInboundAtMs: await this.lastInbound(id, to),
        nowMs: now,
        templateSlot: input.template ?? 'alert',
        templateValues: sampleTemplateValues(text, locale, org.timeZone, now),
        forceTemplate: input.template !== undefined,
      });
      result = {
        ok: true,
        providerMessageId: sent.providerMessageId,
        httpStatus: sent.httpStatus,
        response: sanitizeProviderResponse(sent.response),
        error: null,
        providerErrorCode: null,
        template: sent.template,
        durationMs: Date.now() - startedMs,
      };
    } catch (error) {
      const err = error instanceof ChannelError ? error : null;
      result = {
        ok: false,
        providerMessageId: null,
        httpStatus: err?.httpStatus ?? null,
        response: sanitizeProviderResponse(err?.response ?? null),
        error: error instanceof Error ? error.message : String(error),
        providerErrorCode: providerErrorCode(error instanceof Error ? error.message : null),
        template: null,
        durationMs: Date.now() - startedMs,
      };
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notifications')
        .values({
          id: notificationId,
          organizationId: orgId,
          channelId: id,
          kind: 'test',
          recipientEmployeeId: null,
          recipientUserId: auth.userId,
          subjectEmployeeId: null,
          toNumber: to,
          locale: org.locale,
          body: text,
          template: result.template ? JSON.stringify(result.template) : null,
          templateValues: JSON.stringify(sampleTemplateValues(text, locale, org.timeZone, now)),
          documentPath: null,
          documentFileName: null,
          idempotencyKey: `test:${notificationId}`,
          status: result.ok ? 'sent' : 'failed',
          attempts: 1,
          lastError: result.error,
          providerMessageId: result.providerMessageId,
          relatedAlertId: null,
          notBefore: now,
          createdAt: now,
          sentAt: result.ok ? now : null,
          deliveredAt: null,
          readAt: null,
          failedAt: result.ok ? null : now,
          updatedAt: now,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'notification_channel.tested',
        entityType: 'notification_channel',
        entityId: id,
        summary: `Test message ${result.ok ? 'sent' : 'failed'}`,
      });
    });
    return result;
  }

  // ------------------------------------------------------------------ WhatsApp webhooks

  /** GET handshake: Meta sends hub.mode=subscribe, our verify token and a challenge to echo. */
  async verifyWebhookSubscription(
    channelId: string,
    mode: string,
    token: string,
    challenge: string,
  ): Promise<string> {
    const record = await this.webhookChannel(channelId);
    const expected =
      record.config.type === 'whatsapp_cloud' ? (record.config.secrets.verifyToken ?? null) : null;
    const a = Buffer.from(token);
    const b = Buffer.from(expected ?? '');
    if (mode !== 'subscribe' || !expected || a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new AppError(403, 'forbidden', 'Webhook verification failed');
    }
    return challenge;
  }

  private async webhookChannel(channelId: string): Promise<ChannelRecord> {
    const row = await this.ctx.db
      .selectFrom('notificationChannels')
      .selectAll()
      .where('id', '=', channelId)
      .executeTakeFirst();
    // Same answer for "no such channel" and "bad signature": the endpoint is public.
    if (!row || row.type !== 'whatsapp_cloud') throw new AppError(403, 'forbidden', 'Unknown webhook');
    return openChannel(row, this.ctx.secrets);
  }

  /**
   * Delivery statuses (sent, delivered, read, failed) and inbound messages (which open the 24-hour
   * window). Verified by X-Hub-Signature-256 over the raw body before anything is parsed.
   */
  async handleWebhook(
    channelId: string,
    rawBody: Buffer,
    signature: string | undefined,
  ): Promise<{ updated: number }> {
    const record = await this.webhookChannel(channelId);
    const appSecret = record.config.type === 'whatsapp_cloud' ? record.config.secrets.appSecret : null;
    if (!signature) throw new AppError(401, 'unauthorized', 'Missing X-Hub-Signature-256');
    if (!appSecret || !verifyHubSignature(rawBody, signature, appSecret)) {
      throw new AppError(403, 'bad_signature', 'Signature does not match');
    }
    let payload: WebhookPayload;
    try {
      payload = JSON.parse(rawBody.toString('utf8')) as WebhookPayload;
    } catch {
      throw badRequest('bad_json', 'Body is not JSON');
    }
    const orgId = record.row.organizationId;
    const now = this.ctx.clock.nowMs();
    let updated = 0;
    for (const entry of payload.entry ?? []) {
      for (const change of entry.changes ?? []) {
        const value = change.value ?? {};
        for (const m of value.messages ?? []) {
          if (typeof m.from !== 'string') continue;
          const at = m.timestamp ? Number(m.timestamp) * 1000 : now;
          await this.ctx.db
            .insertInto('whatsappContacts')
            .values({ channelId, waNumber: waDigits(m.from), lastInboundAt: at })
            .onConflict((oc) =>
              oc.columns(['channelId', 'waNumber']).doUpdateSet((eb) => ({
                lastInboundAt: sql<number>`case when ${eb.ref('excluded.lastInboundAt')} > ${eb.ref('whatsappContacts.lastInboundAt')} then ${eb.ref('excluded.lastInboundAt')} else ${eb.ref('whatsappContacts.lastInboundAt')} end`,
              })),
            )
            .execute();
        }
        for (const s of value.statuses ?? []) {
          if (typeof s.id !== 'string' || typeof s.status !== 'string') continue;
          if (await this.applyStatus(orgId, s, now)) updated += 1;
        }
      }
    }
    return { updated };
  }

  private async applyStatus(orgId: string, s: WebhookStatus, now: number): Promise<boolean> {
    const row = await this.ctx.db
      .selectFrom('notifications')
      .select(['id', 'organizationId', 'status', 'deliveredAt'])
      .where('organizationId', '=', orgId)
      .where('providerMessageId', '=', s.id as string)
      .executeTakeFirst();
    if (!row) return false;
    const at = s.timestamp ? Number(s.timestamp) * 1000 : now;
    const current = STATUS_RANK[row.status] ?? 5;
    let set: Partial<NotificationsTable> | null = null;
    switch (s.status) {
      case 'sent':
        if (current < STATUS_RANK.sent!) set = { status: 'sent', sentAt: at };
        break;
      case 'delivered':
        if (current < STATUS_RANK.delivered!) set = { status: 'delivered', deliveredAt: at };
        break;
      case 'read':
        if (current < STATUS_RANK.read!)
          set = { status: 'read', readAt: at, deliveredAt: row.deliveredAt ?? at };
        break;
      case 'failed': {
        // A failure after delivery is noise; before it, it is the provider's final word.
        if (current <= STATUS_RANK.sent!) {
          const e = s.errors?.[0];
          const detail = e
            ? `${e.title ?? e.message ?? 'failed'}${e.code !== undefined ? ` (code ${String(e.code)})` : ''}`
            : 'failed';
          set = { status: 'failed', failedAt: at, lastError: `Provider: ${detail}` };
        }
        break;
      }
      default:
        return false;
    }
    if (!set) return false;
    await this.ctx.db
      .updateTable('notifications')
      .set({ ...set, updatedAt: now })
      .where('id', '=', row.id)
      .execute();
    this.publish(row, set.status as NotificationStatus);
    return true;
  }
}

interface WebhookStatus {
  id?: unknown;
  status?: unknown;
  timestamp?: string;
  recipient_id?: string;
  errors?: { code?: number | string; title?: string; message?: string }[];
}
interface WebhookPayload {
  entry?: {
    changes?: {
      value?: { statuses?: WebhookStatus[]; messages?: { from?: unknown; timestamp?: string }[] };
    }[];
  }[];
}

const TEST_TEXT: Record<Locale, string> = {
  id: 'Hadir: pesan uji. Saluran notifikasi berfungsi.',
  en: 'Hadir: test message. The notification channel works.',
  vi: 'Hadir: tin nhắn thử. Kênh thông báo hoạt động.',
};

function templateNameOf(json: string | null): string | null {
  if (!json) return null;
  try {
    const name = (JSON.parse(json) as { name?: unknown }).name;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

export function presentNotification(r: NotificationsTable, recipientName: string | null): Notification {
  return {
    id: r.id,
    kind: r.kind as NotificationKind,
    status: r.status as NotificationStatus,
    channelId: r.channelId,
    recipientEmployeeId: r.recipientEmployeeId,
    recipientName,
    toNumber: maskNumber(r.toNumber),
    locale: r.locale,
    body: r.body,
    hasDocument: r.documentPath !== null,
    attempts: r.attempts,
    lastError: r.lastError,
    providerErrorCode:
      r.status === 'failed' || r.status === 'pending' ? providerErrorCode(r.lastError) : null,
    templateName: templateNameOf(r.template),
    providerMessageId: r.providerMessageId,
    relatedAlertId: r.relatedAlertId,
    createdAt: toIso(r.createdAt),
    sentAt: toIsoOrNull(r.sentAt),
    deliveredAt: toIsoOrNull(r.deliveredAt),
    readAt: toIsoOrNull(r.readAt),
    failedAt: toIsoOrNull(r.failedAt),
  };
}
