// Issue 9 #3 (a provider's answer is never echoed) and #8 (stored secrets never follow a new host), and
// #17 (a camera file that breaks shows as invalid at once instead of its stale last state).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CameraView } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

const LEAK = 'hadir_internal_metric_total 42 SECRET-BODY-LINE';

describe.each(await dialects())('channel destinations and camera file errors (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let service: http.Server;
  let serviceUrl: string;
  const authHeaders: string[] = [];
  let other: http.Server;
  let otherUrl: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    // Some other service on the allowed network: answers with a body that must not reach the user.
    service = http.createServer((req, res) => {
      authHeaders.push(String(req.headers.authorization ?? ''));
      res.writeHead(req.url?.includes('json') ? 400 : 500, {
        'content-type': req.url?.includes('json') ? 'application/json' : 'text/plain',
      });
      res.end(
        req.url?.includes('json')
          ? JSON.stringify({ error: { code: 131047, message: 'Re-engagement message' }, dump: LEAK })
          : LEAK,
      );
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    other = http.createServer((req, res) => {
      authHeaders.push(`other:${String(req.headers.authorization ?? '')}`);
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    service.close();
    other.close();
    await t.server.modules.cameras.stop();
    await t.close();
  });

  it('"Send test" shows the status and the provider error fields, never the response body', async () => {
    for (const url of [`${serviceUrl}/metrics`, `${serviceUrl}/json`]) {
      const created = await admin.post('/api/notification-channels', {
        type: 'http_gateway',
        name: `Gateway ${url}`,
        settings: { url, method: 'POST', bodyTemplate: '{"to":{{to}}}' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ id: string }>().id;
      const res = await admin.post(`/api/notification-channels/${id}/test`, { to: '+6281200000001' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain('SECRET-BODY-LINE');
      expect(res.json<{ ok: boolean; httpStatus: number }>()).toMatchObject({ ok: false });
      if (url.endsWith('/json')) expect(res.body).toContain('131047');
    }
  });

  it('changing where a WhatsApp channel sends requires the access token again', async () => {
    const created = await admin.post('/api/notification-channels', {
      type: 'whatsapp_cloud',
      name: 'WA',
      settings: { baseUrl: serviceUrl, phoneNumberId: '1' },
      secrets: { accessToken: 'stored-token-for-the-real-host' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const moved = await admin.patch(`/api/notification-channels/${id}`, { settings: { baseUrl: otherUrl } });
    expect(moved.statusCode, moved.body).toBe(400);
    expect(moved.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'secret_required',
    });
    // Nothing was saved: a test send still goes to the original host.
    authHeaders.length = 0;
    await admin.post(`/api/notification-channels/${id}/test`, { to: '+6281200000001' });
    expect(authHeaders).toEqual(['Bearer stored-token-for-the-real-host']);
    // Same host, other settings: no secret needed. New host with the token given again: accepted.
    expect(
      (await admin.patch(`/api/notification-channels/${id}`, { settings: { phoneNumberId: '2' } }))
        .statusCode,
    ).toBe(200);
    const withToken = await admin.patch(`/api/notification-channels/${id}`, {
      settings: { baseUrl: otherUrl },
      secrets: { accessToken: 'token-for-the-new-host' },
    });
    expect(withToken.statusCode, withToken.body).toBe(200);
    authHeaders.length = 0;
    await admin.post(`/api/notification-channels/${id}/test`, { to: '+6281200000001' });
    expect(authHeaders).toEqual(['other:Bearer token-for-the-new-host']);
  });

  it('a camera file that breaks shows as invalid at once, with the parse error (several organizations)', async () => {
    expect((await admin.post('/api/organizations', { name: 'PT Lain' })).statusCode).toBe(201);
    const dir = path.join(t.server.ctx.env.cameraConfigDir, 'dock');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ name: 'Dock', source: 'rtsp://127.0.0.1:1/dock', organizationId: orgId }),
    );
    await t.server.modules.cameras.start();
    const view = async () => (await admin.get('/api/cameras/dock')).json<CameraView>();
    expect(await view()).toMatchObject({ name: 'Dock', valid: true });
    const warn = vi.spyOn(t.server.ctx.log, 'warn');
    fs.writeFileSync(file, '{ "name": "Dock", "source": ');
    await t.server.modules.cameras.rescan();
    // The periodic rescan finds the same broken file again: logged once per change, not every 5 s.
    await t.server.modules.cameras.rescan();
    await t.server.modules.cameras.rescan();
    const dockWarnings = warn.mock.calls.filter((c) => JSON.stringify(c).includes('"cameraId":"dock"'));
    warn.mockRestore();
    expect(dockWarnings).toHaveLength(1);
    const broken = await view();
    expect(broken.valid).toBe(false);
    expect(broken.issues[0]).toMatch(/camera "dock": config.json is not valid JSON/);
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'Dock',
        source: 'rtsp://127.0.0.1:1/dock',
        analysisFps: 99,
        organizationId: orgId,
      }),
    );
    await t.server.modules.cameras.rescan();
    expect((await view()).issues).toEqual(['camera "dock": analysisFps: must be ≤ 30 (got 99)']);
  });
});
