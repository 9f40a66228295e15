import { createHmac } from 'node:crypto';
import type { WebhookDeliveryView, WebhookEndpointInput, WebhookEndpointView } from '@hadir/contracts';
import { z } from 'zod';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { newId, randomToken } from '../../platform/ids/ids.js';
import { guardedFetch } from '../../platform/net/guarded-fetch.js';
import { AddressPolicy, OutboundRefused, resolveAllowed } from '../../platform/net/outbound-policy.js';
import { PermanentJobError } from '../../platform/jobs/job-runner.js';
import { recordAudit } from '../audit/index.js';
import { encodeCursor, type SyncService } from './sync.service.js';

export const SIGNATURE_HEADER = 'x-hadir-signature';
const DELIVERY_TIMEOUT_MS = 10_000;
/** Changes turned into deliveries per fan-out transaction. */
const FANOUT_BATCH = 200;

/**
 * The signature a receiver checks: HMAC-SHA256 over "<unix seconds>.<raw body>" with the endpoint
 * secret, sent as `X-Hadir-Signature: t=<unix seconds>,v1=<hex>` (the timestamp bounds replays).
 */
export function signWebhook(secret: string, timestampS: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex');
  return `t=${timestampS},v1=${mac}`;
}

const Events = z.array(z.enum(['attendance.day.changed']));

type EndpointRow = {
  id: string;
  name: string;
  url: string;
  events: string;
  active: number;
  createdAt: number;
};

/**
 * Signed webhooks for attendance changes. Each endpoint keeps a cursor over the attendance change
 * sequence; a fan-out turns the changes past it into delivery rows (the outbox) and their jobs in one
 * transaction, and the job runner delivers them with retries and backoff. Nothing is lost if the
 * process stops between a change and its delivery: the next fan-out resumes from the cursor.
 */
export class WebhooksService {
  private readonly policy: AddressPolicy;
  private readonly send: typeof fetch;

  constructor(
    private readonly ctx: ServerContext,
    private readonly sync: SyncService,
  ) {
    this.policy = new AddressPolicy(ctx.env.outbound);
    this.send = guardedFetch(this.policy, 'channel');
  }

  async list(orgId: string): Promise<WebhookEndpointView[]> {
    const rows = await this.ctx.db
      .selectFrom('webhookEndpoints')
      .select(['id', 'name', 'url', 'events', 'active', 'createdAt'])
      .where('organizationId', '=', orgId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    const counts = await this.ctx.db
      .selectFrom('webhookDeliveries')
      .select(['endpointId', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('organizationId', '=', orgId)
      .where('status', 'in', ['pending', 'failed'])
      .groupBy(['endpointId', 'status'])
      .execute();
    return rows.map((r) => this.present(r, counts));
  }

  private present(
    r: EndpointRow,
    counts: { endpointId: string; status: string; n: number | string | bigint }[] = [],
  ): WebhookEndpointView {
    const count = (status: string) =>
      Number(counts.find((c) => c.endpointId === r.id && c.status === status)?.n ?? 0);
    return {
      id: r.id,
      name: r.name,
      url: r.url,
      events: Events.parse(JSON.parse(r.events)),
      active: r.active === 1,
      createdAt: toIso(r.createdAt),
      pending: count('pending'),
      failed: count('failed'),
    };
  }

  /** http(s) only, no credentials in the URL, and an address the outbound policy allows for channels. */
  private async checkUrl(raw: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw badRequest('invalid_webhook_url', 'The webhook URL is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw badRequest('invalid_webhook_url', 'The webhook URL must be http:// or https://');
    if (url.username !== '' || url.password !== '')
      throw badRequest('invalid_webhook_url', 'The webhook URL may not contain credentials');
    try {
      await resolveAllowed(this.policy, url.hostname, 'channel');
    } catch (error) {
      if (!(error instanceof OutboundRefused)) throw error;
      // A name that does not resolve now is accepted; every delivery checks again.
      if (!error.unresolved)
        throw badRequest('invalid_webhook_url', `The webhook URL is not allowed: ${error.message}`);
    }
  }

  /** Creates an endpoint that receives changes from now on; the signing secret is returned only here. */
  async create(
    auth: AuthContext,
    orgId: string,
    input: WebhookEndpointInput,
  ): Promise<WebhookEndpointView & { secret: string }> {
    await this.checkUrl(input.url);
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    const secret = `whsec_${randomToken(32)}`;
    const row = {
      id,
      organizationId: orgId,
      name: input.name,
      url: input.url,
      secret: this.ctx.secrets.seal(secret),
      events: JSON.stringify([...new Set(input.events)]),
      active: input.active ? 1 : 0,
      cursorSeq: 0,
      createdBy: auth.userId,
      createdAt: now,
      updatedAt: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      const seq = await trx
        .selectFrom('attendanceSequences')
        .select('lastSeq')
        .where('organizationId', '=', orgId)
        .executeTakeFirst();
      await trx
        .insertInto('webhookEndpoints')
        .values({ ...row, cursorSeq: Number(seq?.lastSeq ?? 0) })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'webhook.created',
        entityType: 'webhook',
        entityId: id,
        summary: `Created webhook "${input.name}" → ${input.url}`,
        changes: {},
      });
    });
    return { ...this.present(row), secret };
  }

  async update(
    auth: AuthContext,
    orgId: string,
    id: string,
    patch: { name?: string | undefined; url?: string | undefined; active?: boolean | undefined },
  ): Promise<WebhookEndpointView> {
    if (patch.url !== undefined) await this.checkUrl(patch.url);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('webhookEndpoints')
        .select(['id', 'name', 'url', 'active'])
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!before) throw notFound('Webhook');
      await trx
        .updateTable('webhookEndpoints')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
          updatedAt: now,
        })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'webhook.updated',
        entityType: 'webhook',
        entityId: id,
        summary: `Changed webhook "${before.name}"`,
        changes: {},
      });
    });
    const rows = await this.list(orgId);
    const found = rows.find((r) => r.id === id);
    if (!found) throw notFound('Webhook');
    return found;
  }

  async remove(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('webhookEndpoints')
        .select(['name'])
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!before) throw notFound('Webhook');
      await trx
        .deleteFrom('webhookDeliveries')
        .where('organizationId', '=', orgId)
        .where('endpointId', '=', id)
        .execute();
      await trx
        .deleteFrom('webhookEndpoints')
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'webhook.deleted',
        entityType: 'webhook',
        entityId: id,
        summary: `Deleted webhook "${before.name}"`,
        changes: {},
      });
    });
  }

  async deliveries(
    orgId: string,
    endpointId: string,
    q: { status?: 'pending' | 'delivered' | 'failed' | undefined; limit: number },
  ): Promise<WebhookDeliveryView[]> {
    const endpoint = await this.ctx.db
      .selectFrom('webhookEndpoints')
      .select('id')
      .where('organizationId', '=', orgId)
      .where('id', '=', endpointId)
      .executeTakeFirst();
    if (!endpoint) throw notFound('Webhook');
    let query = this.ctx.db
      .selectFrom('webhookDeliveries')
      .selectAll()
      .where('organizationId', '=', orgId)
      .where('endpointId', '=', endpointId)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.status) query = query.where('status', '=', q.status);
    return (await query.execute()).map((d) => ({
      id: d.id,
      endpointId: d.endpointId,
      event: 'attendance.day.changed' as const,
      status: d.status as WebhookDeliveryView['status'],
      attempts: d.attempts,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      createdAt: toIso(d.createdAt),
      lastAttemptAt: toIsoOrNull(d.lastAttemptAt),
      deliveredAt: toIsoOrNull(d.deliveredAt),
      payload: d.payload,
    }));
  }

  /** Sends a failed (or stuck) delivery again now. */
  async retry(orgId: string, deliveryId: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const d = await trx
        .selectFrom('webhookDeliveries')
        .select(['id', 'status'])
        .where('organizationId', '=', orgId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      if (!d) throw notFound('Delivery');
      if (d.status === 'delivered')
        throw conflict('already_delivered', 'This delivery was already delivered');
      await trx
        .updateTable('webhookDeliveries')
        .set({ status: 'pending' })
        .where('organizationId', '=', orgId)
        .where('id', '=', deliveryId)
        .execute();
      await this.ctx.jobs.enqueue(
        trx,
        'integrations.webhook.deliver',
        { organizationId: orgId, deliveryId },
        { organizationId: orgId, idempotencyKey: `webhook.deliver:${deliveryId}:retry:${now}` },
      );
    });
  }

  /** Organizations with at least one active endpoint (the periodic sweep visits these). */
  async organizationsWithEndpoints(): Promise<string[]> {
    const rows = await this.ctx.db
      .selectFrom('webhookEndpoints')
      .select('organizationId')
      .distinct()
      .where('active', '=', 1)
      .execute();
    return rows.map((r) => r.organizationId);
  }

  /**
   * Turns attendance changes past each active endpoint's cursor into deliveries. The cursor moves with a
   * compare-and-set in the same transaction as the inserts, so two concurrent fan-outs never create
   * the same delivery twice. Returns the number of deliveries created.
   */
  async fanout(orgId: string): Promise<number> {
    const endpoints = await this.ctx.db
      .selectFrom('webhookEndpoints')
      .select(['id', 'cursorSeq'])
      .where('organizationId', '=', orgId)
      .where('active', '=', 1)
      .execute();
    let created = 0;
    for (const endpoint of endpoints) {
      let cursor = Number(endpoint.cursorSeq);
      for (;;) {
        const page = await this.sync.dayChanges(orgId, { cursor: encodeCursor(cursor), limit: FANOUT_BATCH });
        if (page.items.length === 0) break;
        const last = page.items.at(-1)?.seq ?? cursor;
        const now = this.ctx.clock.nowMs();
        const won = await this.ctx.db.transaction().execute(async (trx) => {
          const moved = await trx
            .updateTable('webhookEndpoints')
            .set({ cursorSeq: last })
            .where('id', '=', endpoint.id)
            .where('organizationId', '=', orgId)
            .where('cursorSeq', '=', cursor)
            .where('active', '=', 1)
            .executeTakeFirst();
          if (Number(moved.numUpdatedRows) !== 1) return false;
          for (const change of page.items) {
            const id = newId(now);
            const payload = JSON.stringify({
              id,
              type: 'attendance.day.changed',
              createdAt: toIso(now),
              data: change,
            });
            await trx
              .insertInto('webhookDeliveries')
              .values({
                id,
                organizationId: orgId,
                endpointId: endpoint.id,
                event: 'attendance.day.changed',
                seq: change.seq,
                payload,
                status: 'pending',
                attempts: 0,
                lastStatusCode: null,
                lastError: null,
                createdAt: now,
                lastAttemptAt: null,
                deliveredAt: null,
              })
              .execute();
            await this.ctx.jobs.enqueue(
              trx,
              'integrations.webhook.deliver',
              { organizationId: orgId, deliveryId: id },
              { organizationId: orgId, idempotencyKey: `webhook.deliver:${id}` },
            );
          }
          return true;
        });
        if (!won) break; // another fan-out moved this cursor; it carries on from there
        created += page.items.length;
        cursor = last;
        if (!page.hasMore) break;
      }
    }
    return created;
  }

  /** One delivery attempt; throws (so the job runner retries with backoff) unless the receiver took it. */
  async deliver(orgId: string, deliveryId: string): Promise<void> {
    const d = await this.ctx.db
      .selectFrom('webhookDeliveries as d')
      .innerJoin('webhookEndpoints as e', 'e.id', 'd.endpointId')
      .select(['d.id', 'd.status', 'd.payload', 'd.event', 'e.url', 'e.secret', 'e.active'])
      .where('d.organizationId', '=', orgId)
      .where('e.organizationId', '=', orgId)
      .where('d.id', '=', deliveryId)
      .executeTakeFirst();
    if (!d || d.status === 'delivered') return;
    if (d.active !== 1) throw new PermanentJobError('The webhook endpoint is paused');
    const now = this.ctx.clock.nowMs();
    const timestampS = Math.floor(now / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await this.send(d.url, {
        method: 'POST',
        body: d.payload,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Hadir-Webhooks/1',
          'x-hadir-event': d.event,
          'x-hadir-delivery': d.id,
          [SIGNATURE_HEADER]: signWebhook(this.ctx.secrets.open(d.secret), timestampS, d.payload),
        },
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      statusCode = res.status;
      if (res.status < 200 || res.status > 299) error = `The receiver answered HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    await this.ctx.db
      .updateTable('webhookDeliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        lastAttemptAt: now,
        lastStatusCode: statusCode,
        lastError: error === null ? null : error.slice(0, 500),
        ...(error === null ? { status: 'delivered', deliveredAt: now } : {}),
      }))
      .where('organizationId', '=', orgId)
      .where('id', '=', deliveryId)
      .execute();
    if (error !== null) throw new Error(error);
  }

  /** The job runner gave up: the delivery shows as failed, ready for a manual retry. */
  async markFailed(orgId: string, deliveryId: string): Promise<void> {
    await this.ctx.db
      .updateTable('webhookDeliveries')
      .set({ status: 'failed' })
      .where('organizationId', '=', orgId)
      .where('id', '=', deliveryId)
      .where('status', '=', 'pending')
      .execute();
  }
}
