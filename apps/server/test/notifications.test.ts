import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '@hadir/testing';
import type { Notification, NotificationMessage } from '@hadir/contracts';
import { FakeClock } from '../src/platform/clock/clock.js';
import { parseEnv } from '../src/platform/config/env.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { composeServer, type HadirServer } from '../src/roles/compose.js';
import {
  dialects,
  freshDatabaseUrl,
  setupOrganization,
  startTestServer,
  userWithRole,
  type Client,
  type DialectName,
  type TestServer,
} from './support.js';
import { addEmployee } from './fixtures/employee-row.js';

const TOKEN = 'EAAG-test-access-token';
const APP_SECRET = 'app-secret-for-signatures';

const absence = (awayMs = 6 * 60_000 + 30_000): Extract<NotificationMessage, { type: 'absence' }> => ({
  type: 'absence',
  employeeCode: 'EMP001',
  employeeName: 'Budi Santoso',
  cameraName: 'Camera Gudang A',
  awayMs,
});

/** What the alerts module does: enqueue inside the transaction that opens the alert. */
async function enqueueAlert(
  server: HadirServer,
  orgId: string,
  recipientEmployeeId: string,
  key: string,
  extra: { relatedAlertId?: string; message?: NotificationMessage } = {},
) {
  return server.ctx.db.transaction().execute((trx) =>
    server.modules.notifications.enqueue(trx, {
      organizationId: orgId,
      kind: 'alert',
      recipientEmployeeId,
      message: extra.message ?? absence(),
      relatedAlertId: extra.relatedAlertId ?? null,
      idempotencyKey: key,
    }),
  );
}

async function row(server: HadirServer, id: string) {
  return server.ctx.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe.each(await dialects())('notifications outbox and delivery (%s)', (dialect) => {
  let t: TestServer;
  let graph: FakeGraphApi;
  let admin: Client;
  let orgId: string;
  let channelId: string;
  let supervisorId: string;
  let employeeId: string;
  const drain = () => t.server.ctx.jobs.drain();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    graph = await startFakeGraphApi({ accessToken: TOKEN, appSecret: APP_SECRET });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    supervisorId = await addEmployee(t.server, orgId, {
      code: 'SPV01',
      name: 'Andi Wijaya',
      whatsapp: '+6281200000001',
    });
    employeeId = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso', supervisorId });
    const res = await admin.post('/api/notification-channels', {
      type: 'whatsapp_cloud',
      name: 'WhatsApp',
      settings: { baseUrl: graph.baseUrl, phoneNumberId: '1234567890', timeoutMs: 400 },
      secrets: { accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: 'verify-me' },
    });
    expect(res.statusCode, res.body).toBe(201);
    channelId = res.json<{ id: string }>().id;
    // Most tests alert about the same person repeatedly; the cooldown test turns it back on.
    expect((await admin.patch('/api/notification-settings', { cooldownMinutes: 0 })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await graph.close();
    await t.close();
  });

  it('stores channel secrets sealed and never returns them', async () => {
    const list = await admin.get('/api/notification-channels');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(TOKEN);
    expect(list.body).not.toContain(APP_SECRET);
    expect(list.json<{ secrets: Record<string, unknown>; isDefault: boolean }[]>()[0]).toMatchObject({
      isDefault: true,
      secrets: { hasAccessToken: true, hasAppSecret: true, hasVerifyToken: true },
    });
    const stored = await t.server.ctx.db
      .selectFrom('notificationChannels')
      .select('config')
      .executeTakeFirstOrThrow();
    expect(stored.config).not.toContain(TOKEN);
    const manager = await userWithRole(t.app, admin, 'manager');
    expect((await manager.get('/api/notification-channels')).statusCode).toBe(200);
    expect((await manager.post('/api/notification-channels', { type: 'log', name: 'x' })).statusCode).toBe(
      403,
    );
    const member = await userWithRole(t.app, admin, 'member');
    expect((await member.get('/api/notifications')).statusCode).toBe(403);
  });

  it('delivers an alert exactly once, in the alert format', async () => {
    const before = graph.messages.length;
    const first = await enqueueAlert(t.server, orgId, supervisorId, 'alert:a1:level0', {
      relatedAlertId: 'a1',
    });
    expect(first).toMatchObject({ status: 'pending', duplicate: false });
    // A retried transaction of the alerts module enqueues the same key again: nothing new.
    expect(await enqueueAlert(t.server, orgId, supervisorId, 'alert:a1:level0')).toMatchObject({
      id: first.id,
      duplicate: true,
    });
    await drain();
    await drain();
    const sent = graph.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: '6281200000001',
      type: 'text',
      text: '[ALERT] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 6 menit',
    });
    expect(await row(t.server, first.id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      providerMessageId: sent[0]!.id,
      subjectEmployeeId: employeeId,
    });
    const list = await admin.get('/api/notifications?alertId=a1');
    expect(list.json<{ items: Notification[] }>().items).toMatchObject([
      { id: first.id, status: 'sent', recipientName: 'Andi Wijaya', toNumber: '••••••••0001' },
    ]);
  });

  it('retries a failing provider with backoff and sends no duplicate', async () => {
    const before = graph.messages.length;
    graph.failNext({ kind: 'error', status: 503 }, 2);
    const n = await enqueueAlert(t.server, orgId, supervisorId, 'alert:a2:level0', { relatedAlertId: 'a2' });
    await drain();
    expect(await row(t.server, n.id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await row(t.server, n.id)).lastError).toContain('HTTP 503');
    await drain(); // backoff: not due yet
    expect((await row(t.server, n.id)).attempts).toBe(1);
    t.clock.advance(30 * 60_000);
    await drain();
    t.clock.advance(30 * 60_000);
    await drain();
    expect(await row(t.server, n.id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(graph.messages.slice(before)).toHaveLength(1);
  });

  it('retries after a provider timeout', async () => {
    const before = graph.messages.length;
    graph.failNext({ kind: 'timeout' });
    const n = await enqueueAlert(t.server, orgId, supervisorId, 'alert:a3:level0', { relatedAlertId: 'a3' });
    await drain();
    expect((await row(t.server, n.id)).lastError).toContain('No answer from provider within 400 ms');
    t.clock.advance(30 * 60_000);
    await drain();
    expect(await row(t.server, n.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(graph.messages.slice(before)).toHaveLength(1);
  });

  it('honours 429 Retry-After', async () => {
    graph.failNext({ kind: 'rate_limit', retryAfterSeconds: 120 });
    const n = await enqueueAlert(t.server, orgId, supervisorId, 'alert:a4:level0', { relatedAlertId: 'a4' });
    await drain();
    expect(await row(t.server, n.id)).toMatchObject({ status: 'pending', attempts: 1 });
    t.clock.advance(60_000);
    await drain();
    expect((await row(t.server, n.id)).status).toBe('pending');
    t.clock.advance(61_000);
    await drain();
    expect((await row(t.server, n.id)).status).toBe('sent');
  });

  it('fails at once on a permanent refusal and shows the provider error', async () => {
    graph.failNext({ kind: 'error', status: 400, code: 131026, message: 'Message undeliverable' });
    const n = await enqueueAlert(t.server, orgId, supervisorId, 'alert:a5:level0', { relatedAlertId: 'a5' });
    await drain();
    const r = await row(t.server, n.id);
    expect(r).toMatchObject({ status: 'failed', attempts: 1 });
    expect(r.lastError).toBe('HTTP 400: Message undeliverable (code 131026)');
    const failed = await admin.get('/api/notifications?status=failed&kind=alert');
    expect(failed.json<{ items: Notification[] }>().items[0]).toMatchObject({
      id: n.id,
      lastError: 'HTTP 400: Message undeliverable (code 131026)',
    });
    // An admin can send it again once the cause is fixed.
    const retried = await admin.post(`/api/notifications/${n.id}/retry`);
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 0 });
    await drain();
    expect((await row(t.server, n.id)).status).toBe('sent');
  });

  it('gives up after maxAttempts', async () => {
    expect((await admin.patch('/api/notification-settings', { maxAttempts: 2 })).statusCode).toBe(200);
    graph.failNext({ kind: 'error', status: 500 }, 5);
    const n = await enqueueAlert(t.server, orgId, supervisorId, 'alert:a6:level0', { relatedAlertId: 'a6' });
    for (let i = 0; i < 4; i++) {
      await drain();
      t.clock.advance(30 * 60_000);
    }
    expect(await row(t.server, n.id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect((await row(t.server, n.id)).lastError).toContain('HTTP 500');
    graph.clearFailures();
    await admin.patch('/api/notification-settings', { maxAttempts: 6 });
  });

  it('keeps messages for people without WhatsApp in the dashboard only', async () => {
    const noPhone = await addEmployee(t.server, orgId, { code: 'SPV02', name: 'Citra Tanpa WA' });
    const n = await enqueueAlert(t.server, orgId, noPhone, 'alert:a7:level0', { relatedAlertId: 'a7' });
    expect(n.status).toBe('dashboard_only');
    expect((await row(t.server, n.id)).lastError).toBe('Recipient has no WhatsApp number');
    const jobs = await t.server.ctx.db
      .selectFrom('jobs')
      .select('id')
      .where('idempotencyKey', '=', `notification.deliver:${n.id}`)
      .execute();
    expect(jobs).toHaveLength(0);
  });

  it('defers or drops messages in quiet hours and holds back a flapping person (cooldown)', async () => {
    // 02:00 UTC is 09:00 in Asia/Jakarta on the test clock's day.
    t.clock.set(Date.UTC(2026, 0, 6, 2, 0, 0));
    await admin.patch('/api/notification-settings', {
      quietHours: { start: '08:00', end: '10:00' },
      quietHoursBehaviour: 'defer',
      cooldownMinutes: 0,
    });
    const deferred = await enqueueAlert(t.server, orgId, supervisorId, 'alert:q1:level0', {
      relatedAlertId: 'q1',
    });
    expect(deferred.status).toBe('pending');
    expect((await row(t.server, deferred.id)).notBefore).toBe(Date.UTC(2026, 0, 6, 3, 0, 0));
    await drain();
    expect((await row(t.server, deferred.id)).status).toBe('pending');
    await admin.patch('/api/notification-settings', { quietHoursBehaviour: 'drop' });
    const dropped = await enqueueAlert(t.server, orgId, supervisorId, 'alert:q2:level0', {
      relatedAlertId: 'q2',
    });
    expect(dropped.status).toBe('suppressed');
    t.clock.set(Date.UTC(2026, 0, 6, 3, 0, 0));
    await drain();
    expect((await row(t.server, deferred.id)).status).toBe('sent');

    await admin.patch('/api/notification-settings', { quietHours: null, cooldownMinutes: 10 });
    const first = await enqueueAlert(t.server, orgId, supervisorId, 'alert:c1:level0', {
      relatedAlertId: 'c1',
    });
    t.clock.advance(3 * 60_000);
    const flap = await enqueueAlert(t.server, orgId, supervisorId, 'alert:c2:level0', {
      relatedAlertId: 'c2',
    });
    expect(first.status).toBe('pending');
    expect(flap.status).toBe('suppressed');
    expect((await row(t.server, flap.id)).lastError).toContain('Cooldown');
    t.clock.advance(11 * 60_000);
    const later = await enqueueAlert(t.server, orgId, supervisorId, 'alert:c3:level0', {
      relatedAlertId: 'c3',
    });
    expect(later.status).toBe('pending');
    await drain();
  });

  it('copies department alerts to HR recipients and speaks the linked user’s language', async () => {
    const dept = await admin.post('/api/departments', { name: 'Gudang' });
    const deptId = dept.json<{ id: string }>().id;
    const hr = await addEmployee(t.server, orgId, {
      code: 'HR01',
      name: 'Hana HR',
      whatsapp: '+6281200000009',
    });
    const worker = await addEmployee(t.server, orgId, {
      code: 'EMP050',
      name: 'Eko',
      supervisorId,
      departmentId: deptId,
    });
    // Recipients and departments must belong to this organization.
    const stranger = '00000000-0000-7000-8000-000000000001';
    const refusedEmployee = await admin.patch('/api/notification-settings', {
      hrRecipients: { [deptId]: [stranger] },
    });
    expect(refusedEmployee.statusCode).toBe(400);
    expect(refusedEmployee.json<{ error: { code: string } }>().error.code).toBe('unknown_employee');
    const refusedDept = await admin.patch('/api/notification-settings', {
      hrRecipients: { [stranger]: [hr] },
    });
    expect(refusedDept.statusCode).toBe(400);
    expect(refusedDept.json<{ error: { code: string } }>().error.code).toBe('unknown_department');
    expect(
      (await admin.patch('/api/notification-settings', { hrRecipients: { [deptId]: [hr] } })).statusCode,
    ).toBe(200);
    // Hana reads English: her user account is linked to her employee record.
    await userWithRole(t.app, admin, 'support', 'hana@maju.test');
    await t.server.ctx.db
      .updateTable('users')
      .set({ locale: 'en' })
      .where('email', '=', 'hana@maju.test')
      .execute();
    const user = await t.server.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'hana@maju.test')
      .executeTakeFirstOrThrow();
    await t.server.ctx.db
      .updateTable('memberships')
      .set({ employeeId: hr })
      .where('userId', '=', user.id)
      .execute();

    const before = graph.messages.length;
    await enqueueAlert(t.server, orgId, supervisorId, 'alert:h1:level0', {
      relatedAlertId: 'h1',
      message: { ...absence(12 * 60_000), employeeCode: 'EMP050', employeeName: 'Eko' },
    });
    await drain();
    const sent = graph.messages
      .slice(before)
      .map((m) => [m.to, m.text])
      .sort();
    expect(sent).toEqual([
      ['6281200000001', '[ALERT] EMP050 - Eko keluar dari Camera Gudang A sejak 12 menit'],
      ['6281200000009', '[ALERT] EMP050 - Eko left Camera Gudang A 12 minutes ago'],
    ]);
    expect(worker).toBeTruthy();
  });

  it('rate-limits per channel with a token bucket', async () => {
    await admin.patch(`/api/notification-channels/${channelId}`, { settings: { ratePerSecond: 1 } });
    const before = graph.messages.length;
    const burst: string[] = [];
    for (let i = 0; i < 3; i++) {
      const n = await enqueueAlert(t.server, orgId, supervisorId, `alert:rb${i}:level0`, {
        relatedAlertId: `rb${i}`,
        message: { ...absence(), employeeCode: `EMP9${i}`, employeeName: `Burst ${i}` },
      });
      burst.push(n.id);
    }
    const sentCount = async () =>
      (await Promise.all(burst.map(async (id) => (await row(t.server, id)).status))).filter(
        (s) => s === 'sent',
      ).length;
    await drain();
    expect(await sentCount()).toBe(1);
    t.clock.advance(1000);
    await drain();
    expect(await sentCount()).toBe(2);
    t.clock.advance(1000);
    await drain();
    expect(await sentCount()).toBe(3);
    expect(graph.messages.length - before).toBe(3);
    await admin.patch(`/api/notification-channels/${channelId}`, { settings: { ratePerSecond: 20 } });
  });

  it('recovers a row left "sending" by a crash (at-least-once)', async () => {
    const before = graph.messages.length;
    const n = await enqueueAlert(t.server, orgId, supervisorId, 'alert:crash:level0', {
      relatedAlertId: 'crash',
    });
    // Simulate a worker that claimed the row and died: the row says sending, its job is gone.
    await t.server.ctx.db
      .updateTable('notifications')
      .set({ status: 'sending', attempts: 1 })
      .where('id', '=', n.id)
      .execute();
    await t.server.ctx.db
      .updateTable('jobs')
      .set({ status: 'done' })
      .where('idempotencyKey', '=', `notification.deliver:${n.id}`)
      .execute();
    expect(await t.server.modules.notifications.recoverStuck()).toBe(0); // too fresh to call stuck
    t.clock.advance(20 * 60_000);
    expect(await t.server.modules.notifications.recoverStuck()).toBe(1);
    await drain();
    expect(await row(t.server, n.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(graph.messages.length - before).toBe(1);
  });

  it('tests a channel on demand and reports the provider answer', async () => {
    const ok = await admin.post(`/api/notification-channels/${channelId}/test`, { to: '+62 812-0000-0001' });
    expect(ok.json()).toMatchObject({ ok: true, httpStatus: 200, error: null });
    expect(graph.messages.at(-1)?.to).toBe('6281200000001');
    expect(graph.messages.at(-1)?.text).toContain('pesan uji');
    graph.failNext({ kind: 'error', status: 401, code: 190, message: 'Error validating access token' });
    const bad = await admin.post(`/api/notification-channels/${channelId}/test`, { to: '+6281200000001' });
    expect(bad.json()).toMatchObject({
      ok: false,
      httpStatus: 401,
      error: 'HTTP 401: Error validating access token (code 190)',
    });
  });
});

describe.each(await dialects())('HTTP gateway channel (%s)', (dialect) => {
  let t: TestServer;
  let gateway: http.Server;
  let url: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let failures = 0;
  let admin: Client;
  let orgId: string;

  beforeAll(async () => {
    t = await startTestServer(dialect, { HADIR_PUBLIC_URL: 'https://hadir.example.co.id' });
    gateway = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failures > 0) {
          failures--;
          res.writeHead(502).end('bad gateway');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: true, id: `gw-${received.length}` }));
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
  });
  afterAll(async () => {
    await new Promise((r) => gateway.close(r));
    await t.close();
  });

  it('fills the body template JSON-escaped, sends an Idempotency-Key, and checks the JSON path', async () => {
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const created = await admin.post('/api/notification-channels', {
      type: 'http_gateway',
      name: 'Fonnte',
      settings: {
        url,
        bodyTemplate: '{"target":{{to}},"message":{{text}}}',
        successJsonPath: 'status',
        messageIdJsonPath: 'id',
      },
      secrets: { headers: { Authorization: 'fonnte-token-123' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.body).not.toContain('fonnte-token-123');
    expect(created.json()).toMatchObject({ secrets: { hasHeaders: true, headerNames: ['Authorization'] } });

    const sup = await addEmployee(t.server, orgId, {
      code: 'SPV01',
      name: 'Andi',
      whatsapp: '+6281200000001',
    });
    failures = 1;
    const n = await t.server.ctx.db.transaction().execute((trx) =>
      t.server.modules.notifications.enqueue(trx, {
        organizationId: orgId,
        kind: 'alert',
        recipientEmployeeId: sup,
        message: { ...absence(), employeeName: 'Budi "Si Cepat" Santoso' },
        idempotencyKey: 'gw:1',
      }),
    );
    await t.server.ctx.jobs.drain();
    t.clock.advance(30 * 60_000);
    await t.server.ctx.jobs.drain();
    expect(received).toHaveLength(2);
    // Both tries carry the same key, so a gateway that saw the first one can drop the second.
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['gw:1', 'gw:1']);
    expect(received[1]!.headers.authorization).toBe('fonnte-token-123');
    expect(JSON.parse(received[1]!.body)).toEqual({
      target: '6281200000001',
      message: '[ALERT] EMP001 - Budi "Si Cepat" Santoso keluar dari Camera Gudang A sejak 6 menit',
    });
    expect(await row(t.server, n.id)).toMatchObject({ status: 'sent', providerMessageId: 'gw-2' });
  });
});

describe.each(await dialects())('report documents behind signed links (%s)', (dialect) => {
  it('gives gateways a signed, expiring {{document_url}} and refuses a forged one', async () => {
    const t = await startTestServer(dialect, { HADIR_PUBLIC_URL: 'https://hadir.example.co.id' });
    const bodies: string[] = [];
    const gateway = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end('OK');
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    try {
      const { client: admin, orgId } = await setupOrganization(t.app);
      await admin.post('/api/notification-channels', {
        type: 'http_gateway',
        name: 'Wablas',
        settings: {
          url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/api/send-document`,
          bodyTemplate: '{"phone":{{to}},"caption":{{text}},"document":{{document_url}}}',
        },
      });
      const sup = await addEmployee(t.server, orgId, {
        code: 'SPV01',
        name: 'Andi',
        whatsapp: '+6281200000001',
      });
      fs.mkdirSync(path.join(t.dataDir, 'reports'), { recursive: true });
      fs.writeFileSync(path.join(t.dataDir, 'reports', 'r.pdf'), '%PDF-1.4 fake');
      await t.server.ctx.db.transaction().execute((trx) =>
        t.server.modules.notifications.enqueue(trx, {
          organizationId: orgId,
          kind: 'daily_report',
          recipientEmployeeId: sup,
          message: { type: 'daily_report', text: 'Laporan Kehadiran Harian' },
          idempotencyKey: 'doc:1',
          document: { path: 'reports/r.pdf', fileName: 'laporan.pdf' },
        }),
      );
      await t.server.ctx.jobs.drain();
      const sent = JSON.parse(bodies[0] ?? '{}') as { document: string; caption: string };
      expect(sent.caption).toBe('Laporan Kehadiran Harian');
      const url = new URL(sent.document);
      expect(url.origin).toBe('https://hadir.example.co.id');
      const ok = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toBe('%PDF-1.4 fake');
      url.searchParams.set('sig', `${url.searchParams.get('sig')?.slice(0, -2)}xx`);
      expect((await t.app.inject({ method: 'GET', url: url.pathname + url.search })).statusCode).toBe(403);
      t.clock.advance(8 * 24 * 3_600_000);
      const expired = new URL(sent.document);
      expect((await t.app.inject({ method: 'GET', url: expired.pathname + expired.search })).statusCode).toBe(
        403,
      );
    } finally {
      await new Promise((r) => gateway.close(r));
      await t.close();
    }
  });
});

async function composeOn(url: string, dataDir: string, clock: FakeClock) {
  const env = parseEnv(
    {
      HADIR_DATA_DIR: dataDir,
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
      HADIR_SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
      HADIR_OUTBOUND_ALLOW_LOOPBACK: 'true',
    },
    [],
  );
  return composeServer(env, { clock, logger: createLogger('silent'), webDir: null });
}

describe.each(await dialects())('outbox survives a restart (%s)', (dialect: DialectName) => {
  it('loses nothing between write and delivery', async () => {
    const graph = await startFakeGraphApi({ accessToken: TOKEN });
    const fresh = await freshDatabaseUrl(dialect);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-restart-'));
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 2, 0, 0));
    try {
      const first = await composeOn(fresh.url, dataDir, clock);
      const { client: admin, orgId } = await setupOrganization(first.app);
      await admin.post('/api/notification-channels', {
        type: 'whatsapp_cloud',
        name: 'WhatsApp',
        settings: { baseUrl: graph.baseUrl, phoneNumberId: '42' },
        secrets: { accessToken: TOKEN },
      });
      const sup = await addEmployee(first, orgId, {
        code: 'SPV01',
        name: 'Andi',
        whatsapp: '+6281200000001',
      });
      const n = await enqueueAlert(first, orgId, sup, 'restart:1');
      await first.stop(); // crash-equivalent: nothing was delivered
      expect(graph.messages).toHaveLength(0);

      const second = await composeOn(fresh.url, dataDir, clock);
      await second.ctx.jobs.drain();
      expect(graph.messages).toHaveLength(1);
      expect(await row(second, n.id)).toMatchObject({ status: 'sent' });
      await second.stop();
    } finally {
      await graph.close();
      await fresh.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
