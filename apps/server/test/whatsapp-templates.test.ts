import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '@hadir/testing';
import type { ChannelTestResult, Notification, NotificationMessage } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';
import { addEmployee } from './fixtures/employee-row.js';

const TOKEN = 'EAAG-template-test-token';
const APP_SECRET = 'template-app-secret';
const SUPERVISOR_WA = '6281200000009';

/**
 * WhatsApp only accepts approved templates from a business to someone who has not written within 24 h.
 * The fake refuses free text outside the window (131047) and checks template names and parameter
 * counts (132001/132000), so these tests fail the way production did before per-kind templates.
 */
describe.each(await dialects())('WhatsApp templates per message kind (%s)', (dialect) => {
  let t: TestServer;
  let graph: FakeGraphApi;
  let admin: Client;
  let orgId: string;
  let channelId: string;
  let supervisorId: string;
  let webhook: string;
  let seq = 0;

  async function enqueue(
    kind: 'alert' | 'alert_returned' | 'daily_report',
    message: NotificationMessage,
    document?: { path: string; fileName: string },
  ) {
    const n = await t.server.ctx.db.transaction().execute((trx) =>
      t.server.modules.notifications.enqueue(trx, {
        organizationId: orgId,
        kind,
        recipientEmployeeId: supervisorId,
        message,
        idempotencyKey: `tpl:${++seq}`,
        document: document ?? null,
      }),
    );
    await t.server.ctx.jobs.drain();
    return (await admin.get(`/api/notifications?pageSize=100`))
      .json<{ items: Notification[] }>()
      .items.find((x) => x.id === n.id) as Notification;
  }
  const absence: NotificationMessage = {
    type: 'absence',
    employeeCode: 'EMP001',
    employeeName: 'Budi Santoso',
    cameraName: 'Camera Gudang A',
    awayMs: 6 * 60_000 + 20_000,
  };
  const sentAs = (n: Notification) => graph.messages.find((m) => m.id === n.providerMessageId);

  beforeAll(async () => {
    t = await startTestServer(dialect);
    graph = await startFakeGraphApi({
      accessToken: TOKEN,
      appSecret: APP_SECRET,
      enforceServiceWindow: true,
      nowMs: () => t.clock.nowMs(),
      templates: [
        { name: 'hadir_absence', language: 'id', bodyParameters: 3 },
        { name: 'hadir_back', language: 'id', bodyParameters: 2 },
        { name: 'hadir_daily_report', language: 'id', bodyParameters: 1, documentHeader: true },
      ],
    });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    supervisorId = await addEmployee(t.server, orgId, {
      code: 'SPV09',
      name: 'Andi Wijaya',
      whatsapp: `+${SUPERVISOR_WA}`,
    });
    await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso', supervisorId });
    await admin.patch('/api/notification-settings', { cooldownMinutes: 0, maxAttempts: 1 });
    const res = await admin.post('/api/notification-channels', {
      type: 'whatsapp_cloud',
      name: 'WhatsApp',
      settings: { baseUrl: graph.baseUrl, phoneNumberId: '1234567890' },
      secrets: { accessToken: TOKEN, appSecret: APP_SECRET },
    });
    expect(res.statusCode, res.body).toBe(201);
    channelId = res.json<{ id: string }>().id;
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    webhook = `${address}/api/webhooks/whatsapp/${channelId}`;
  });
  afterAll(async () => {
    await graph.close();
    await t.close();
  });

  it('without a template, an alert outside the window is refused with the provider code, and resends as the template once one is set', async () => {
    const refused = await enqueue('alert', absence);
    expect(refused.status).toBe('failed');
    expect(refused.providerErrorCode).toBe('131047');
    expect(refused.lastError).toContain('131047');

    const bad = await admin.patch(`/api/notification-channels/${channelId}`, {
      settings: { templates: { alert: { name: 'Hadir Absence!', languageCode: 'id' } } },
    });
    expect(bad.statusCode).toBe(400);

    const saved = await admin.patch(`/api/notification-channels/${channelId}`, {
      settings: {
        templates: {
          alert: {
            name: 'hadir_absence',
            languageCode: 'id',
            parameters: ['employeeName', 'cameraName', 'duration'],
            bodyText: '{{1}} belum kembali ke {{2}} sejak {{3}}.',
          },
          returned: { name: 'hadir_back', languageCode: 'id', parameters: ['employeeName', 'duration'] },
          dailyReport: {
            name: 'hadir_daily_report',
            languageCode: 'id',
            parameters: ['message'],
            documentHeader: true,
          },
        },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<{ settings: { templates: { alert: { parameters: string[] } } } }>()).toMatchObject({
      settings: { templates: { alert: { parameters: ['employeeName', 'cameraName', 'duration'] } } },
    });

    const resent = await admin.post(`/api/notifications/${refused.id}/retry`);
    expect(resent.statusCode, resent.body).toBe(200);
    await t.server.ctx.jobs.drain();
    const after = (await admin.get('/api/notifications?pageSize=100'))
      .json<{ items: Notification[] }>()
      .items.find((x) => x.id === refused.id) as Notification;
    expect(after).toMatchObject({ status: 'sent', templateName: 'hadir_absence', providerErrorCode: null });
    const msg = sentAs(after);
    expect(msg?.type).toBe('template');
    // The parameters go in the configured order, rendered in the recipient's language.
    expect(msg?.text).toBe('Budi Santoso | Camera Gudang A | 6 menit');
  });

  it('uses each kind’s own template outside the window and free text inside it', async () => {
    const back = await enqueue('alert_returned', {
      type: 'returned',
      employeeCode: 'EMP001',
      employeeName: 'Budi Santoso',
      awayMs: 12 * 60_000,
    });
    expect(back).toMatchObject({ status: 'sent', templateName: 'hadir_back' });
    expect(sentAs(back)?.text).toBe('Budi Santoso | 12 menit');

    // The daily report PDF goes in the template's document header.
    fs.mkdirSync(path.join(t.dataDir, 'reports'), { recursive: true });
    fs.writeFileSync(path.join(t.dataDir, 'reports', 'daily.pdf'), '%PDF-1.4 fake');
    const report = await enqueue(
      'daily_report',
      { type: 'daily_report', text: 'Laporan Kehadiran Harian - Tim Gudang' },
      { path: 'reports/daily.pdf', fileName: 'laporan.pdf' },
    );
    expect(report).toMatchObject({ status: 'sent', templateName: 'hadir_daily_report' });
    const template = sentAs(report)?.payload.template as {
      components: { type: string; parameters: Record<string, unknown>[] }[];
    };
    expect(template.components[0]).toMatchObject({
      type: 'header',
      parameters: [{ type: 'document', document: { filename: 'laporan.pdf' } }],
    });

    // The supervisor writes: inside the window the alert goes as free text.
    const inbound = graph.inboundMessageWebhook(SUPERVISOR_WA, 'siap', t.clock.nowMs());
    expect(
      (await fetch(webhook, { method: 'POST', headers: inbound.headers, body: inbound.body })).status,
    ).toBe(200);
    const inside = await enqueue('alert', absence);
    expect(inside).toMatchObject({ status: 'sent', templateName: null });
    expect(sentAs(inside)?.type).toBe('text');

    // 25 hours later the window is closed again.
    t.clock.advance(25 * 3_600_000);
    const outside = await enqueue('alert', absence);
    expect(outside).toMatchObject({ status: 'sent', templateName: 'hadir_absence' });
  });

  it('"Send test" uses the chosen template and reports a refusal with the provider code', async () => {
    const ok = await admin.post(`/api/notification-channels/${channelId}/test`, {
      to: '+6281299999999',
      template: 'alert',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<ChannelTestResult>()).toMatchObject({
      ok: true,
      template: { name: 'hadir_absence', parameters: ['Test', 'Camera 1', '6 menit'] },
    });

    // A template whose parameter count does not match the approved one: WhatsApp says 132000.
    await admin.patch(`/api/notification-channels/${channelId}`, {
      settings: {
        templates: {
          alert: { name: 'hadir_absence', languageCode: 'id', parameters: ['message'] },
          returned: null,
          dailyReport: null,
        },
      },
    });
    const refused = await admin.post(`/api/notification-channels/${channelId}/test`, {
      to: '+6281299999999',
      template: 'alert',
    });
    expect(refused.json<ChannelTestResult>()).toMatchObject({ ok: false, providerErrorCode: '132000' });

    // Without any template a test to someone who never wrote is refused (131047), as in production.
    await admin.patch(`/api/notification-channels/${channelId}`, {
      settings: { templates: { alert: null, returned: null, dailyReport: null } },
    });
    const free = await admin.post(`/api/notification-channels/${channelId}/test`, { to: '+6281299999999' });
    expect(free.json<ChannelTestResult>()).toMatchObject({ ok: false, providerErrorCode: '131047' });
  });
});
