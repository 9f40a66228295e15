import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '@hadir/testing';
import { newId } from '../src/platform/ids/ids.js';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

const TOKEN = 'EAAG-webhook-test-token';
const APP_SECRET = 'webhook-app-secret';

describe.each(await dialects())('WhatsApp Cloud API webhooks and the 24-hour window (%s)', (dialect) => {
  let t: TestServer;
  let graph: FakeGraphApi;
  let admin: Client;
  let orgId: string;
  let channelId: string;
  let supervisorId: string;
  let base: string;
  let seq = 0;

  async function alert() {
    const key = `wh:${++seq}`;
    const n = await t.server.ctx.db.transaction().execute((trx) =>
      t.server.modules.notifications.enqueue(trx, {
        organizationId: orgId,
        kind: 'alert',
        recipientEmployeeId: supervisorId,
        message: {
          type: 'absence',
          employeeCode: 'EMP001',
          employeeName: 'Budi Santoso',
          cameraName: 'Camera Gudang A',
          awayMs: 6 * 60_000,
        },
        idempotencyKey: key,
      }),
    );
    await t.server.ctx.jobs.drain();
    return t.server.ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', n.id)
      .executeTakeFirstOrThrow();
  }
  const statusOf = async (id: string) =>
    (
      await t.server.ctx.db
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    graph = await startFakeGraphApi({ accessToken: TOKEN, appSecret: APP_SECRET });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const now = t.clock.nowMs();
    supervisorId = newId(now);
    await t.server.ctx.db
      .insertInto('employees')
      .values({
        id: supervisorId,
        organizationId: orgId,
        employeeCode: 'SPV01',
        badgeId: null,
        name: 'Andi Wijaya',
        departmentId: null,
        positionId: null,
        areaId: null,
        email: null,
        phone: null,
        whatsapp: '+6281200000001',
        supervisorId: null,
        status: 'active',
        createdAt: now,
        updatedAt: now,
      })
      .execute();
    await admin.patch('/api/notification-settings', { cooldownMinutes: 0 });
    const res = await admin.post('/api/notification-channels', {
      type: 'whatsapp_cloud',
      name: 'WhatsApp',
      settings: {
        baseUrl: graph.baseUrl,
        phoneNumberId: '1234567890',
        alertTemplate: { name: 'hadir_alert', languageCode: 'id' },
      },
      secrets: { accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: 'verify-me-please' },
    });
    channelId = res.json<{ id: string }>().id;
    // Hadir listens on loopback so the fake can call its webhook like Meta would.
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `${address}/api/webhooks/whatsapp/${channelId}`;
  });
  afterAll(async () => {
    await graph.close();
    await t.close();
  });

  it('answers the verification handshake only with the right verify token', async () => {
    const ok = await fetch(
      `${base}?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${base}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect(bad.status).toBe(403);
  });

  it('rejects forged and unsigned webhooks, and applies signed delivered/read statuses in order', async () => {
    const sent = await alert();
    expect(sent.status).toBe('sent');
    const messageId = sent.providerMessageId as string;

    expect(await graph.sendStatusWebhook(base, { messageId, status: 'read' }, 'not-the-app-secret')).toBe(
      403,
    );
    const unsigned = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: graph.statusWebhook({ messageId, status: 'read' }).body,
    });
    expect(unsigned.status).toBe(401);
    // A valid signature for one body does not cover another (the raw bytes are what is signed).
    const signed = graph.statusWebhook({ messageId, status: 'delivered' });
    const tampered = await fetch(base, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body.replace('delivered', 'read'),
    });
    expect(tampered.status).toBe(403);
    expect(await statusOf(sent.id)).toBe('sent');

    expect(
      await graph.sendStatusWebhook(base, { messageId, status: 'delivered', timestampMs: t.clock.nowMs() }),
    ).toBe(200);
    expect(await statusOf(sent.id)).toBe('delivered');
    expect(
      await graph.sendStatusWebhook(base, { messageId, status: 'read', timestampMs: t.clock.nowMs() }),
    ).toBe(200);
    // A late "delivered" (webhooks arrive out of order) never downgrades "read".
    expect(await graph.sendStatusWebhook(base, { messageId, status: 'delivered' })).toBe(200);
    const row = await t.server.ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', sent.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'read' });
    expect(row.readAt).toBe(Math.floor(t.clock.nowMs() / 1000) * 1000);
    const api = await admin.get(`/api/notifications?status=read`);
    expect(api.json<{ items: { id: string; readAt: string }[] }>().items[0]?.id).toBe(sent.id);
  });

  it('records a provider failure reported by webhook', async () => {
    const sent = await alert();
    const status = await graph.sendStatusWebhook(base, {
      messageId: sent.providerMessageId as string,
      status: 'failed',
      error: { code: 131047, title: 'Re-engagement message' },
    });
    expect(status).toBe(200);
    const row = await t.server.ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', sent.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'failed',
      lastError: 'Provider: Re-engagement message (code 131047)',
    });
  });

  it('uses the template outside the 24-hour window and free text inside it', async () => {
    const outside = await alert();
    expect(graph.messages.find((m) => m.id === outside.providerMessageId)).toMatchObject({
      type: 'template',
      text: '[ALERT] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 6 menit',
    });
    expect(JSON.parse(outside.template ?? 'null')).toMatchObject({ name: 'hadir_alert', languageCode: 'id' });

    // The supervisor replies on WhatsApp: the customer-service window opens.
    const inbound = graph.inboundMessageWebhook('6281200000001', 'ok, saya cek', t.clock.nowMs());
    const res = await fetch(base, { method: 'POST', headers: inbound.headers, body: inbound.body });
    expect(res.status).toBe(200);
    const inside = await alert();
    expect(graph.messages.find((m) => m.id === inside.providerMessageId)).toMatchObject({ type: 'text' });

    t.clock.advance(25 * 3_600_000);
    const closed = await alert();
    expect(graph.messages.find((m) => m.id === closed.providerMessageId)).toMatchObject({ type: 'template' });
  });
});
