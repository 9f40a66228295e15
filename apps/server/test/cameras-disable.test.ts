import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraView } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

/** What a user saw after pressing Disable: a red "Offline" with stale fps, and "enabled" in the audit. */
describe.each(await dialects())('disabling a camera (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
  });
  afterAll(async () => {
    await t.server.modules.cameras.stop();
    await t?.close();
  });

  it('shows "disabled" without the last frame rate, and the audit says which way it went', async () => {
    const created = await admin.post('/api/cameras', {
      id: 'gate',
      name: 'Gate',
      source: 'rtsp://127.0.0.1:1/gate',
    });
    expect(created.statusCode, created.body).toBe(201);
    // The pipeline last reported it offline at 1.8 fps before it was turned off.
    const before = created.json<CameraView>().status;
    const key = t.server.modules.cameras.find(orgId, 'gate')?.key ?? 'missing';
    await t.server.modules.cameras.reportStatus(key, {
      ...before,
      state: 'offline',
      measuredFps: 1.8,
      lastError: 'Connection refused',
    });
    const off = await admin.patch('/api/cameras/gate', { enabled: false });
    expect(off.statusCode, off.body).toBe(200);
    // A late report from the capture that is being stopped must not paint it offline again.
    await t.server.modules.cameras.reportStatus(key, {
      ...before,
      state: 'offline',
      measuredFps: 1.8,
      lastError: 'Connection refused',
    });
    const view = (await admin.get('/api/cameras/gate')).json<CameraView>();
    expect(view.enabled).toBe(false);
    expect(view.status).toMatchObject({ state: 'disabled', measuredFps: 0, lastError: null });

    expect((await admin.patch('/api/cameras/gate', { enabled: true })).statusCode).toBe(200);
    const audit = (await admin.get('/api/audit?pageSize=50')).json<{
      items: { action: string; summary: string }[];
    }>();
    const summaries = audit.items.filter((a) => a.action === 'camera.updated').map((a) => a.summary);
    expect(summaries).toEqual(expect.arrayContaining(['Disabled camera "gate"', 'Enabled camera "gate"']));
  });
});
