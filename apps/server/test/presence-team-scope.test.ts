// Issue 9 item 6: a manager sees the presence of their team (their reporting subtree) and nobody
// else's, over REST (live board, presence log and its CSV, the analytics presence log, snapshots) and
// over the live socket; an admin (presence:view:all) sees everyone; moving an employee between teams
// changes what the manager's open socket receives at once.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@hadir/testing';
import type { WsServerMessage } from '@hadir/contracts';
import { newId } from '../src/platform/ids/ids.js';
import { TeamQueries } from '../src/modules/people/index.js';
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

const fakeJpeg = (tag: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(tag)]);
const PASSWORD = 'team-password-123';

const presenceOf = (l: Listener) =>
  l.messages.flatMap((m) => (m.type === 'presence.changed' ? [m.presence.employeeId] : []));
const alertsOf = (l: Listener) => l.messages.flatMap((m) => (m.type === 'alert.opened' ? [m.alert.id] : []));

describe.each(await dialects())("presence is scoped to a manager's team (%s)", (dialect) => {
  let t: TestServer;
  let admin: Client;
  let manager: Client;
  let orgId: string;
  let wsUrl: string;
  // X: bossX ← x1 ← x2 (the manager is bossX); Y: bossY ← y1.
  let bossX: string;
  let x1: string;
  let x2: string;
  let bossY: string;
  let y1: string;
  const snapshots: Record<string, string> = {};
  const open: Listener[] = [];

  const ids = async (c: Pick<Client, 'get'>, path = '/api/presence?pageSize=100') => {
    const res = await c.get(path);
    expect(res.statusCode, res.body).toBe(200);
    return res
      .json<{ items: { employeeId: string }[] }>()
      .items.map((i) => i.employeeId)
      .sort();
  };
  const stay = async (employeeId: string) => {
    const now = t.clock.nowMs();
    const snapshot = await t.server.modules.faces.snapshots.save(orgId, {
      kind: 'presence',
      employeeId,
      faceJpeg: fakeJpeg(employeeId),
    });
    snapshots[employeeId] = snapshot.id;
    await t.server.ctx.db
      .insertInto('presenceIntervals')
      .values({
        id: newId(now),
        organizationId: orgId,
        employeeId,
        cameraId: 'gudang-a',
        cameraName: 'Camera Gudang A',
        startedAt: now - 60_000,
        lastSeenTs: now,
        sightings: 5,
        bestSimilarity: 0.8,
        trackId: null,
        snapshotId: snapshot.id,
      })
      .execute();
  };
  /** An open absence alert about the employee and the message that told their supervisor. */
  const absence = async (employeeId: string) => {
    const now = t.clock.nowMs();
    const alertId = newId(now);
    await t.server.ctx.db
      .insertInto('alerts')
      .values({
        id: alertId,
        organizationId: orgId,
        kind: 'absence',
        employeeId,
        cameraId: 'gudang-a',
        cameraName: 'Camera Gudang A',
        status: 'open',
        level: 1,
        openedAt: now,
        lastSeenTs: now - 600_000,
        acknowledgedBy: null,
        acknowledgedAt: null,
        escalatedAt: null,
        resolvedAt: null,
        resolution: null,
        message: `${employeeId} absent`,
        episode: JSON.stringify({ employeeId, level: 1, openedAt: now, notified: [] }),
        createdAt: now,
        updatedAt: now,
        snapshotId: null,
      })
      .execute();
    await t.server.ctx.db
      .insertInto('notifications')
      .values({
        id: newId(now),
        organizationId: orgId,
        channelId: null,
        kind: 'alert',
        recipientEmployeeId: null,
        recipientUserId: null,
        subjectEmployeeId: employeeId,
        toNumber: '+6281299990001',
        locale: 'id',
        body: `${employeeId} absent`,
        template: null,
        documentPath: null,
        documentFileName: null,
        idempotencyKey: `absence-${alertId}`,
        status: 'sent',
        attempts: 1,
        lastError: null,
        providerMessageId: null,
        relatedAlertId: alertId,
        notBefore: now,
        createdAt: now,
        sentAt: now,
        deliveredAt: null,
        readAt: null,
        failedAt: null,
        updatedAt: now,
        templateValues: null,
      })
      .execute();
    return alertId;
  };
  const publishPresence = (employeeId: string) =>
    t.server.ctx.events.publish('presence.changed', {
      organizationId: orgId,
      presence: { employeeId, state: 'off' } as never,
    });

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    bossX = await addEmployee(t.server, orgId, { code: 'X000', name: 'Xavier Boss' });
    x1 = await addEmployee(t.server, orgId, { code: 'X001', name: 'Xena One', supervisorId: bossX });
    x2 = await addEmployee(t.server, orgId, { code: 'X002', name: 'Xiu Two', supervisorId: x1 });
    bossY = await addEmployee(t.server, orgId, { code: 'Y000', name: 'Yanti Boss' });
    y1 = await addEmployee(t.server, orgId, { code: 'Y001', name: 'Yuda One', supervisorId: bossY });
    const added = await admin.post('/api/users', {
      name: 'Xavier Boss',
      email: `x-manager-${dialect}@maju.test`,
      password: PASSWORD,
      role: 'manager',
      employeeId: bossX,
    });
    expect(added.statusCode, added.body).toBe(201);
    manager = new Client(t.app);
    await manager.login(`x-manager-${dialect}@maju.test`, PASSWORD);
    await stay(x1);
    await stay(y1);
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${address.replace(/^http/, 'ws')}/api/ws`;
  });
  afterAll(async () => {
    for (const l of open) l.socket.close();
    await t?.close();
  });

  it('REST: the manager sees their subtree on the live board, the log, its CSV, the analytics log and snapshots', async () => {
    expect(await ids(admin)).toEqual([bossX, x1, x2, bossY, y1].sort());
    expect(await ids(manager)).toEqual([x1, x2].sort());
    const board = (await manager.get('/api/presence?pageSize=100')).json<{
      total: number;
      counts: Record<string, number>;
    }>();
    expect(board.total).toBe(2);
    expect(Object.values(board.counts).reduce((a, b) => a + b, 0)).toBe(2);
    // Asking for someone else by name or id finds nobody.
    expect(await ids(manager, '/api/presence?q=Yuda')).toEqual([]);

    expect(await ids(admin, '/api/presence/intervals')).toEqual([x1, y1].sort());
    expect(await ids(manager, '/api/presence/intervals')).toEqual([x1]);
    expect(await ids(manager, `/api/presence/intervals?employeeId=${y1}`)).toEqual([]);
    const csv = (c: Client) => c.get('/api/presence/intervals?format=csv').then((r) => r.body);
    expect(await csv(admin)).toContain('Y001');
    expect(await csv(manager)).toContain('X001');
    expect(await csv(manager)).not.toContain('Y001');

    expect(await ids(admin, '/api/analytics/presence-log')).toEqual([x1, y1].sort());
    expect(await ids(manager, '/api/analytics/presence-log')).toEqual([x1]);
    const pdf = await manager.get('/api/analytics/presence-log?format=pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.toString('latin1')).not.toContain('Yuda');

    const snap = (c: Client, employeeId: string) =>
      c.get(`/api/snapshots/${snapshots[employeeId]}/face.jpg`).then((r) => r.statusCode);
    expect(await snap(manager, x1)).toBe(200);
    expect(await snap(manager, y1)).toBe(403);
    expect(await snap(admin, y1)).toBe(200);
  });

  it('REST: absence alerts and the outbox show the manager their team only', async () => {
    const mine = await absence(x2);
    const theirs = await absence(y1);
    const alertIds = async (c: Client) =>
      (await c.get('/api/alerts?scope=all&kind=absence'))
        .json<{ items: { id: string }[] }>()
        .items.map((a) => a.id);
    expect((await alertIds(admin)).sort()).toEqual([mine, theirs].sort());
    expect(await alertIds(manager)).toEqual([mine]);
    const told = async (c: Client) =>
      (await c.get('/api/notifications?pageSize=100'))
        .json<{ items: { relatedAlertId: string | null }[] }>()
        .items.map((n) => n.relatedAlertId);
    expect((await told(admin)).sort()).toEqual([mine, theirs].sort());
    expect(await told(manager)).toEqual([mine]);
    expect((await manager.post(`/api/alerts/${theirs}/acknowledge`)).statusCode).toBe(403);
  });

  it('REST: support and unlinked callers see no one; a token sees its creator’s scope, or all with presence:view:all', async () => {
    const support = await userWithRole(t.app, admin, 'support');
    expect(await ids(support)).toEqual([]);
    expect(await ids(support, '/api/presence/intervals')).toEqual([]);
    const token = async (scopes: string[]) => {
      const created = await admin.post('/api/tokens', { name: `t-${scopes.length}`, scopes });
      expect(created.statusCode, created.body).toBe(201);
      const bearer = { authorization: `Bearer ${created.json<{ token: string }>().token}` };
      const c = new Client(t.app);
      return { get: (url: string) => c.request('GET', url, undefined, bearer) };
    };
    // The admin is linked to no employee: without presence:view:all, their token's team is empty.
    expect(await ids(await token(['presence:view']))).toEqual([]);
    expect(await ids(await token(['presence:view', 'presence:view:all']))).toHaveLength(5);
  });

  it('socket: the manager gets their team’s presence and alerts, the admin everyone’s', async () => {
    const adminSocket = await listen(wsUrl, admin.cookie);
    const managerSocket = await listen(wsUrl, manager.cookie);
    const supportSocket = await listen(wsUrl, (await userWithRole(t.app, admin, 'support')).cookie);
    open.push(adminSocket, managerSocket, supportSocket);
    // Real events: the first tick puts everyone in a state (no cameras run here: unknown).
    await t.server.modules.presence.tick();
    const alert = (id: string, employeeId: string | null, kind: string) =>
      t.server.ctx.events.publish('alert.opened', {
        organizationId: orgId,
        alert: { id, kind, employeeId, cameraId: employeeId ? null : 'gudang-a' } as never,
      });
    alert('alert-y1', y1, 'absence');
    alert('alert-x2', x2, 'absence');
    alert('alert-camera', null, 'camera_down');
    await waitFor(
      () =>
        [bossX, x1, x2, bossY, y1].every((id) => presenceOf(adminSocket).includes(id)) &&
        ['alert-y1', 'alert-x2', 'alert-camera'].every((id) => alertsOf(adminSocket).includes(id)) &&
        alertsOf(managerSocket).includes('alert-camera'),
      { timeoutMs: 10_000, message: 'the admin got every event' },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect([...new Set(presenceOf(managerSocket))].sort()).toEqual([x1, x2].sort());
    expect(alertsOf(managerSocket)).toEqual(expect.arrayContaining(['alert-camera', 'alert-x2']));
    // Whatever else the tick raised: every person the manager heard of is in their team.
    const people = (l: Listener) =>
      l.messages.flatMap((m) =>
        m.type === 'presence.changed'
          ? [m.presence.employeeId]
          : m.type.startsWith('alert.') && 'alert' in m && m.alert.employeeId
            ? [m.alert.employeeId]
            : [],
      );
    expect(people(managerSocket).filter((id) => id !== x1 && id !== x2)).toEqual([]);
    // Support is linked to no one: camera alerts only, no person.
    expect(people(supportSocket)).toEqual([]);
    expect(alertsOf(supportSocket)).toContain('alert-camera');
  });

  it('socket: the team is loaded once per socket and change, not once per event', async () => {
    const managerSocket = await listen(wsUrl, manager.cookie);
    open.push(managerSocket);
    publishPresence(x1);
    await waitFor(() => presenceOf(managerSocket).includes(x1), { timeoutMs: 5000, message: 'warm' });
    const loads = vi.spyOn(TeamQueries.prototype, 'teamOf');
    try {
      for (let i = 0; i < 500; i++) publishPresence(i % 2 ? x1 : y1);
      await new Promise((r) => setTimeout(r, 300));
      expect(loads).not.toHaveBeenCalled();
      // A change of the organization's people drops the team; the next event loads it once.
      expect((await admin.patch(`/api/employees/${bossY}`, { name: 'Yanti Boss II' })).statusCode).toBe(200);
      for (let i = 0; i < 500; i++) publishPresence(x1);
      await new Promise((r) => setTimeout(r, 300));
      // Every open socket of this organization that filters by team reloads once (the earlier tests'
      // manager and support sockets are open too), none per event.
      expect(loads.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(loads.mock.calls.length).toBeLessThanOrEqual(open.length);
    } finally {
      loads.mockRestore();
    }
  });

  it('socket: moving employees between teams changes what the open socket gets, at once', async () => {
    const managerSocket = await listen(wsUrl, manager.cookie);
    open.push(managerSocket);
    // Warm the socket's team scope: x2 is in it.
    publishPresence(x2);
    await waitFor(() => presenceOf(managerSocket).includes(x2), { timeoutMs: 5000, message: 'x2 first' });

    // y1 joins the team (under x1), x2 leaves it (to bossY).
    expect((await admin.patch(`/api/employees/${y1}`, { supervisorId: x1 })).statusCode).toBe(200);
    expect((await admin.patch(`/api/employees/${x2}`, { supervisorId: bossY })).statusCode).toBe(200);
    const before = managerSocket.messages.length;
    publishPresence(x2);
    publishPresence(y1);
    // Events are judged in order: once x1's (sent last) arrives, x2's would have arrived before it.
    publishPresence(x1);
    await waitFor(
      () => presenceOf({ ...managerSocket, messages: managerSocket.messages.slice(before) }).includes(x1),
      {
        timeoutMs: 5000,
        message: 'the sentinel arrived',
      },
    );
    const after = managerSocket.messages
      .slice(before)
      .flatMap((m: WsServerMessage) => (m.type === 'presence.changed' ? [m.presence.employeeId] : []));
    expect(after.sort()).toEqual([x1, y1].sort());
    // REST agrees.
    expect(await ids(manager)).toEqual([x1, y1].sort());
  });
});
