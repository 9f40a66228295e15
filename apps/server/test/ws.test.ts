// GET /api/ws: live dashboard events reach only the caller's organization. Two organizations, each with a
// camera and an employee, produce real camera.status, presence.changed and alert.opened events; each
// client must see its own and never the other's. An upgrade without a session is refused.
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hadir/testing';
import type { WsServerMessage } from '@hadir/contracts';
import { Client, dialects, setupOrganization, startTestServer, type TestServer } from './support.js';
import { addEmployee } from './presence-fixtures.js';

interface Listener {
  socket: WebSocket;
  messages: WsServerMessage[];
}

async function listen(url: string, cookie: string): Promise<Listener> {
  const socket = new WebSocket(url, { headers: { cookie } });
  const messages: WsServerMessage[] = [];
  // The server sends text frames: one JSON message each.
  socket.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString('utf8')) as WsServerMessage);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await waitFor(() => messages.some((m) => m.type === 'hello'), { timeoutMs: 5000, message: 'hello' });
  return { socket, messages };
}

/** The organization a message belongs to, judged by what it carries (ids are unique across orgs). */
function idsIn(m: WsServerMessage): string[] {
  switch (m.type) {
    case 'hello':
      return [m.organizationId];
    case 'camera.status':
      return [m.camera.id];
    case 'camera.removed':
      return [m.cameraId];
    case 'presence.changed':
      return [m.presence.employeeId];
    case 'alert.opened':
    case 'alert.updated':
    case 'alert.resolved':
      return [m.alert.id, m.alert.cameraId ?? '', m.alert.employeeId ?? ''];
    case 'video.progress':
      return [m.videoId];
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

describe.each(await dialects())('live events over /api/ws (%s)', (dialect) => {
  let t: TestServer;
  let wsUrl: string;
  let adminA: Client;
  let adminB: Client;
  let orgA: string;
  let orgB: string;
  const open: WebSocket[] = [];

  const writeCamera = (id: string, organizationId: string) => {
    const dir = path.join(t.server.ctx.env.cameraConfigDir, id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ name: `Camera ${id}`, source: 'rtsp://127.0.0.1:1/cam', organizationId }),
    );
  };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: adminA, orgId: orgA } = await setupOrganization(t.app));
    // B: a second user creates their own organization and works in it.
    expect(
      (
        await adminA.post('/api/users', {
          name: 'Bob Bravo',
          email: 'bob@bravo.test',
          password: 'zeta-password-123',
          role: 'member',
        })
      ).statusCode,
    ).toBe(201);
    adminB = new Client(t.app);
    await adminB.login('bob@bravo.test', 'zeta-password-123');
    const created = await adminB.post('/api/organizations', { name: 'PT Zeta' });
    expect(created.statusCode, created.body).toBe(201);
    orgB = created.json<{ id: string }>().id;
    expect((await adminB.post('/api/auth/organization', { organizationId: orgB })).statusCode).toBe(200);
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${address.replace(/^http/, 'ws')}/api/ws`;
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t.server.modules.cameras.stop();
    await t?.close();
  });

  it('refuses an upgrade without a session', async () => {
    const socket = new WebSocket(wsUrl);
    const status = await new Promise<number>((resolve, reject) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => reject(new Error('an anonymous socket was accepted')));
      socket.once('error', () => resolve(-1));
    });
    socket.terminate();
    expect(status).toBe(401);
  });

  it("each organization's client gets its own camera, presence and alert events, never the other's", async () => {
    const a = await listen(wsUrl, adminA.cookie);
    const b = await listen(wsUrl, adminB.cookie);
    open.push(a.socket, b.socket);
    expect(a.messages[0]).toMatchObject({ type: 'hello', organizationId: orgA });
    expect(b.messages[0]).toMatchObject({ type: 'hello', organizationId: orgB });

    // camera.status: the registry mirrors each camera file and announces it to its organization.
    writeCamera('cam-a', orgA);
    writeCamera('cam-b', orgB);
    await t.server.modules.cameras.start();
    // presence.changed: the cameras have not started (no pipeline here), so both people become unknown.
    const empA = await addEmployee(t.server, orgA, { code: 'A001', name: 'Ana' });
    const empB = await addEmployee(t.server, orgB, { code: 'B001', name: 'Bayu' });
    await t.server.modules.presence.tick();
    // alert.opened: cameras without frames for HADIR_CAMERA_DOWN_AFTER_SECONDS raise camera_down.
    t.clock.advance(61_000);
    await t.server.modules.presence.tick();

    const has = (l: Listener, type: WsServerMessage['type'], id: string) =>
      l.messages.some((m) => m.type === type && idsIn(m).includes(id));
    await waitFor(
      () =>
        has(a, 'camera.status', 'cam-a') &&
        has(a, 'presence.changed', empA) &&
        has(a, 'alert.opened', 'cam-a') &&
        has(b, 'camera.status', 'cam-b') &&
        has(b, 'presence.changed', empB) &&
        has(b, 'alert.opened', 'cam-b'),
      { timeoutMs: 10_000, message: 'both organizations got their events' },
    );
    // Let anything misrouted arrive before judging.
    await new Promise((r) => setTimeout(r, 300));
    const leaks = (l: Listener, foreign: string[]) =>
      l.messages.filter((m) => idsIn(m).some((id) => foreign.includes(id)));
    expect(leaks(a, [orgB, 'cam-b', empB])).toEqual([]);
    expect(leaks(b, [orgA, 'cam-a', empA])).toEqual([]);
    const alertOf = (l: Listener) =>
      l.messages.find(
        (m): m is Extract<WsServerMessage, { type: 'alert.opened' }> => m.type === 'alert.opened',
      );
    expect(alertOf(a)?.alert).toMatchObject({ kind: 'camera_down', cameraId: 'cam-a' });
    expect(alertOf(b)?.alert).toMatchObject({ kind: 'camera_down', cameraId: 'cam-b' });
  });
});
