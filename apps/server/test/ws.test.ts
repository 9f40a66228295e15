// GET /api/ws: live dashboard events reach only the caller's organization. Two organizations, each with a
// camera and an employee, produce real camera.status, presence.changed and alert.opened events; each
// client must see its own and never the other's. An upgrade without a session is refused.
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hadir/testing';
import type { WsServerMessage } from '@hadir/contracts';
import { ROLES } from '@hadir/domain';
import {
  Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';
import { addEmployee } from './presence-fixtures.js';
import { listen, type Listener } from './fixtures/ws-listener.js';
import { LIVE_SOCKET_CONTROL_EVENTS } from '../src/modules/presence/index.js';

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
    case 'dataset.progress':
      return [m.id];
    case 'attendance.mobile':
      return [m.record.id, m.record.employeeId];
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
    const addedBob = await adminA.post('/api/users', {
      name: 'Bob Bravo',
      email: 'bob@bravo.test',
      password: 'zeta-password-123',
      role: 'member',
    });
    expect(addedBob.statusCode).toBe(201);
    const bobUserId = addedBob.json<{ userId: string }>().userId;
    expect(
      (await adminA.request('PUT', `/api/users/${bobUserId}/operator`, { operator: true })).statusCode,
    ).toBe(200);
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

  // The isolation walk over the socket: every event the socket forwards (read at run time from what a
  // new socket subscribes to, so events added later are walked too), published once for A and once for
  // B. A's admin socket must get A's and nothing of B's: video and dataset/training progress included.
  it('walks every event the socket forwards: an organization A socket receives nothing of B', async () => {
    const bus = t.server.ctx.events;
    const names = new Set<string>();
    // The socket listens with subscribeLive (events of every replica); plain subscribe is watched too.
    const subscribe = bus.subscribe.bind(bus);
    const subscribeLive = bus.subscribeLive.bind(bus);
    bus.subscribe = (name: never, handler: never) => {
      names.add(name);
      return subscribe(name, handler);
    };
    bus.subscribeLive = (name: never, handler: never) => {
      names.add(name);
      return subscribeLive(name, handler);
    };
    let a: Listener;
    try {
      a = await listen(wsUrl, adminA.cookie);
    } finally {
      bus.subscribe = subscribe;
      bus.subscribeLive = subscribeLive;
    }
    open.push(a.socket);
    const view = (await t.server.modules.cameras.listViews(orgA))[0] ?? { id: 'x', name: 'x', source: '' };
    const payloads: Record<string, (org: string, id: string) => unknown> = {
      'camera.statusChanged': (org, id) => ({ organizationId: org, camera: { ...view, id, name: id } }),
      'camera.removed': (org, id) => ({ organizationId: org, cameraId: id }),
      'presence.changed': (org, id) => ({ organizationId: org, presence: { employeeId: id, state: 'off' } }),
      'alert.opened': (org, id) => ({ organizationId: org, alert: { id, kind: 'absence' } }),
      'alert.updated': (org, id) => ({ organizationId: org, alert: { id, kind: 'absence' } }),
      'alert.resolved': (org, id) => ({ organizationId: org, alert: { id, kind: 'absence' } }),
      'video.progress': (org, id) => ({
        organizationId: org,
        videoId: id,
        status: 'processing',
        stage: 'detecting',
        progress: 0.5,
      }),
      'attendance.mobileRecorded': (org, id) => ({
        organizationId: org,
        record: { id, employeeId: id, kind: 'check_in', source: 'mobile', flags: [], review: 'none' },
      }),
      'dataset.progress': (org, id) => ({
        organizationId: org,
        kind: 'train',
        id,
        status: 'training',
        fraction: 0.5,
        point: { epoch: 1, loss: 0.5, valAccuracy: 0.9 },
      }),
    };
    // Control events send nothing: auth.changed is addressed to a user or token, and the people events
    // only make a socket reload its team scope. B's must not touch A's socket (it stays open below).
    const control = new Set<string>(LIVE_SOCKET_CONTROL_EVENTS);
    const walked = [...names].filter((n) => !control.has(n)).sort();
    expect(
      walked.filter((n) => !payloads[n]),
      'events without a payload in this walk',
    ).toEqual([]);
    for (const name of walked) {
      bus.publish(name as never, payloads[name]!(orgB, `b-walk-${name}`) as never);
      bus.publish(name as never, payloads[name]!(orgA, `a-walk-${name}`) as never);
    }
    const usersB = (await adminB.get('/api/users')).json<{ userId: string }[]>();
    bus.publish('auth.changed', { userId: usersB[0]?.userId ?? null, tokenId: null });
    for (const name of control) {
      if (name === 'auth.changed') continue;
      bus.publish(
        name as never,
        { organizationId: orgB, employeeId: 'b-walk', created: 1, updated: 1 } as never,
      );
    }
    const text = () => JSON.stringify(a.messages);
    await waitFor(() => walked.every((n) => text().includes(`a-walk-${n}`)), {
      timeoutMs: 5000,
      message: `A got its own events of ${walked.join(', ')}`,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(walked.filter((n) => text().includes(`b-walk-${n}`))).toEqual([]);
    expect(a.messages.some((m) => idsIn(m).includes(orgB))).toBe(false);
    expect(a.socket.readyState).toBe(WebSocket.OPEN);
    expect(walked).toEqual(
      expect.arrayContaining([
        'video.progress',
        'dataset.progress',
        'presence.changed',
        'attendance.mobileRecorded',
      ]),
    );
  });

  // The roles walk over the socket: each built-in role gets an event exactly when it may read the
  // event's REST twin (200 there, not 403, and for presence: the employee is in the REST list; the
  // walked users are linked to no employee, so a manager's team is empty and support's too).
  it('walks every role: a socket gets an event exactly when the role may read its REST twin', async () => {
    const bus = t.server.ctx.events;
    const view = (await t.server.modules.cameras.listViews(orgA))[0] ?? { id: 'x', name: 'x', source: '' };
    // Presence goes by team: the event names a real employee, and the REST twin must list them.
    const walkedEmployee = await addEmployee(t.server, orgA, { code: 'RWALK1', name: 'Rina Walk' });
    const events: {
      name: string;
      rest: string;
      type: WsServerMessage['type'];
      payload: unknown;
      /** Whether the REST answer shows the event's subject (default: a 200 is enough). */
      shows?: (body: unknown) => boolean;
    }[] = [
      {
        name: 'camera.statusChanged',
        rest: '/api/cameras',
        type: 'camera.status',
        payload: { organizationId: orgA, camera: { ...view, id: 'r-walk-camera' } },
      },
      {
        name: 'presence.changed',
        rest: '/api/presence?q=RWALK1',
        type: 'presence.changed',
        payload: { organizationId: orgA, presence: { employeeId: walkedEmployee, state: 'off' } },
        shows: (body) =>
          (body as { items: { employeeId: string }[] }).items.some((i) => i.employeeId === walkedEmployee),
      },
      {
        name: 'alert.opened',
        rest: '/api/alerts',
        type: 'alert.opened',
        payload: { organizationId: orgA, alert: { id: 'r-walk-alert', kind: 'absence' } },
      },
      {
        name: 'video.progress',
        rest: '/api/videos',
        type: 'video.progress',
        payload: {
          organizationId: orgA,
          videoId: 'r-walk-video',
          status: 'processing',
          stage: 'detecting',
          progress: 0.5,
        },
      },
      {
        name: 'attendance.mobileRecorded',
        rest: '/api/attendance/mobile-records?from=2026-01-01&to=2026-01-31',
        type: 'attendance.mobile',
        payload: {
          organizationId: orgA,
          record: { id: 'r-walk-mobile', employeeId: 'r-walk-mobile', flags: [], review: 'none' },
        },
      },
      {
        name: 'dataset.progress',
        rest: '/api/dataset-versions',
        type: 'dataset.progress',
        payload: {
          organizationId: orgA,
          kind: 'train',
          id: 'r-walk-dataset',
          status: 'training',
          fraction: 0.5,
          point: null,
        },
      },
    ];
    const clients = new Map<string, Client>([['admin', adminA]]);
    for (const role of ROLES)
      if (role !== 'admin') clients.set(role, await userWithRole(t.app, adminA, role));
    const sockets = new Map<string, Listener>();
    for (const [role, c] of clients) {
      const l = await listen(wsUrl, c.cookie);
      open.push(l.socket);
      sockets.set(role, l);
    }
    for (const e of events) bus.publish(e.name as never, e.payload as never);
    await waitFor(() => events.every((e) => sockets.get('admin')!.messages.some((m) => m.type === e.type)), {
      timeoutMs: 5000,
      message: 'the admin got every event',
    });
    await new Promise((r) => setTimeout(r, 300));
    const mismatches: string[] = [];
    for (const [role, c] of clients) {
      for (const e of events) {
        const res = await c.get(e.rest);
        const rest = res.statusCode;
        const shown = rest === 200 && (e.shows ? e.shows(res.json()) : true);
        const got = sockets.get(role)!.messages.some((m) => m.type === e.type);
        if (shown !== got)
          mismatches.push(`${role}: ${e.type} ${got ? 'sent' : 'not sent'}, REST ${e.rest} ${rest}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  // Issue 9 item 6: the socket sends only what REST would, and only while the credential holds.
  describe('permissions, revocation, origin and bursts', () => {
    const sample = () => ({
      camera: t.server.modules.cameras.listViews(orgA),
    });
    const closed = (l: Listener) =>
      new Promise<number>((resolve) => {
        if (l.socket.readyState === WebSocket.CLOSED) resolve(-1);
        l.socket.once('close', (code) => resolve(code));
      });
    const replay = async () => {
      // Real event payloads of organization A, published again as the services would.
      const views = await sample().camera;
      const view = views.find((v) => v.id === 'cam-a');
      if (!view) throw new Error('cam-a missing');
      t.server.ctx.events.publish('camera.statusChanged', { organizationId: orgA, camera: view });
      await t.server.modules.presence.tick();
      return view;
    };

    it('a member receives no camera, presence or alert event; support gets cameras without their source', async () => {
      const admin = await listen(wsUrl, adminA.cookie);
      const member = await listen(wsUrl, (await userWithRole(t.app, adminA, 'member')).cookie);
      const support = await listen(wsUrl, (await userWithRole(t.app, adminA, 'support')).cookie);
      open.push(admin.socket, member.socket, support.socket);
      const empA2 = await addEmployee(t.server, orgA, { code: 'A002', name: 'Adi' });
      await replay();
      await waitFor(
        () =>
          admin.messages.some((m) => m.type === 'camera.status') &&
          admin.messages.some((m) => m.type === 'presence.changed' && m.presence.employeeId === empA2) &&
          support.messages.some((m) => m.type === 'camera.status'),
        { timeoutMs: 10_000, message: 'admin and support got the events' },
      );
      await new Promise((r) => setTimeout(r, 300));
      // REST refuses a member /api/cameras, /api/presence and /api/alerts: the socket sends them nothing.
      expect(member.messages.map((m) => m.type)).toEqual(['hello']);
      const cam = (l: Listener) =>
        l.messages.find(
          (m): m is Extract<WsServerMessage, { type: 'camera.status' }> => m.type === 'camera.status',
        );
      expect(cam(admin)?.camera.source).toContain('rtsp://');
      expect(cam(support)?.camera.source).toBe('');
    });

    it('closes on logout everywhere, on removal and on token revocation', async () => {
      const memberEmail = `leaver-${dialect}@maju.test`;
      const officer = await userWithRole(t.app, adminA, 'support', memberEmail);
      const l1 = await listen(wsUrl, officer.cookie);
      const bye1 = closed(l1);
      expect((await officer.post('/api/auth/logout', { everywhere: true })).statusCode).toBe(200);
      expect(await bye1).toBe(4401);

      await officer.login(memberEmail, 'role-password-123');
      const l2 = await listen(wsUrl, officer.cookie);
      const bye2 = closed(l2);
      const users = (await adminA.get('/api/users')).json<{ userId: string; email: string }[]>();
      const id = users.find((u) => u.email === memberEmail)?.userId ?? '';
      expect((await adminA.patch(`/api/users/${id}`, { role: 'member' })).statusCode).toBe(200);
      expect(await bye2).toBe(4401);

      const created = await adminA.post('/api/tokens', { name: 'live', scopes: ['presence:view'] });
      const { token, id: tokenId } = created.json<{ token: string; id: string }>();
      const l3 = await listen(wsUrl, '', { authorization: `Bearer ${token}` });
      const bye3 = closed(l3);
      expect((await adminA.delete(`/api/tokens/${tokenId}`)).statusCode).toBe(200);
      expect(await bye3).toBe(4401);
    });

    it('refuses a foreign Origin', async () => {
      const socket = new WebSocket(wsUrl, {
        headers: { cookie: adminA.cookie, origin: 'https://evil.test' },
      });
      const status = await new Promise<number>((resolve, reject) => {
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.once('open', () => reject(new Error('a foreign origin was accepted')));
        socket.once('error', () => resolve(-1));
      });
      socket.terminate();
      expect(status).toBe(403);
      const own = await listen(wsUrl, adminA.cookie, {
        origin: new URL(wsUrl.replace(/^ws/, 'http')).origin,
      });
      open.push(own.socket);
    });

    it('coalesces a burst: 5,000 changes of one camera reach the client as a handful of messages', async () => {
      const admin = await listen(wsUrl, adminA.cookie);
      open.push(admin.socket);
      const view = await replay();
      await new Promise((r) => setTimeout(r, 300));
      const before = admin.messages.length;
      for (let i = 0; i < 5000; i++) {
        t.server.ctx.events.publish('camera.statusChanged', {
          organizationId: orgA,
          camera: { ...view, name: `Camera ${i}` },
        });
      }
      await waitFor(
        () =>
          admin.messages.some(
            (m) => m.type === 'camera.status' && m.camera.id === 'cam-a' && m.camera.name === 'Camera 4999',
          ),
        { timeoutMs: 5_000, message: 'the last state arrived' },
      );
      expect(admin.messages.length - before).toBeLessThan(10);
    });
  });
});
