// Live events across API replicas (issue 15): replica 1 (this process) and replica 2 (a child process,
// `--roles api`) share one PostgreSQL with HADIR_EVENTS=postgres; a dashboard socket on replica 2 sees
// the presence change replica 1 made, only in its own organization, and a sign-out on replica 1 closes
// a socket on replica 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@hadir/testing';
import type { WsServerMessage } from '@hadir/contracts';
import { HadirProcess, HttpClient } from './e2e/hadir-process.js';
import { addEmployee } from './presence-fixtures.js';
import {
  ADMIN,
  postgresAvailable,
  setupOrganization,
  startTestServer,
  userWithRole,
  Client,
  type TestServer,
} from './support.js';

const SECRET = 'test-secret-key-test-secret-key-0123456789';
const hasPostgres = await postgresAvailable();
if (!hasPostgres) console.warn('[skip] live events across replicas: needs PostgreSQL (TEST_DATABASE_URL)');

interface Listener {
  socket: WebSocket;
  messages: WsServerMessage[];
  closedWith: Promise<number>;
}

async function listen(url: string, cookie: string): Promise<Listener> {
  const socket = new WebSocket(url, { headers: { cookie } });
  const messages: WsServerMessage[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as WsServerMessage));
  const closedWith = new Promise<number>((r) => socket.once('close', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await waitFor(() => messages.some((m) => m.type === 'hello'), { timeoutMs: 10_000, message: 'hello' });
  return { socket, messages, closedWith };
}

describe.skipIf(!hasPostgres)('live events reach every API replica (postgres)', () => {
  const channel = `hadir_events_t${Date.now().toString(36)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-replicas-'));
  let replica1: TestServer;
  let replica2: HadirProcess;
  let admin1: Client;
  let orgA: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    replica1 = await startTestServer('postgres', { HADIR_EVENTS: 'postgres', HADIR_EVENTS_CHANNEL: channel });
    ({ client: admin1, orgId: orgA } = await setupOrganization(replica1.app));
    replica2 = new HadirProcess(
      await freePort(),
      {
        DATABASE_URL: replica1.server.ctx.env.DATABASE_URL,
        HADIR_ROLES: 'api',
        HADIR_EVENTS: 'postgres',
        HADIR_EVENTS_CHANNEL: channel,
        HADIR_SECRET_KEY: SECRET,
        HADIR_FACE_PACK: 'off',
        HADIR_CAMERA_CONFIG_DIR: path.join(dir, 'camera_config'),
        HADIR_MODELS_DIR: path.join(dir, 'models'),
        LOG_LEVEL: 'warn',
      },
      path.join(dir, 'replica2'),
    );
    await replica2.start();
  }, 150_000);

  afterAll(async () => {
    for (const s of sockets) s.terminate();
    await replica2?.stop();
    await replica1?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("a dashboard on replica 2 sees replica 1's presence change, in its own organization only", async () => {
    const wsUrl = `${replica2.url.replace(/^http/, 'ws')}/api/ws`;
    const onReplica2 = new HttpClient(() => replica2.url);
    expect((await onReplica2.req('POST', '/api/auth/login', ADMIN)).status).toBe(200);
    const dashboard = await listen(wsUrl, onReplica2.cookie);
    sockets.push(dashboard.socket);
    // Another organization's dashboard on the same replica must hear nothing of it.
    const bobEmail = 'bob@other.test';
    const addedBob = await admin1.post('/api/users', {
      name: 'Bob Lain',
      email: bobEmail,
      password: 'role-password-123',
      role: 'member',
    });
    expect(addedBob.statusCode, addedBob.body).toBe(201);
    const bobUserId = addedBob.json<{ userId: string }>().userId;
    const operator = await admin1.request('PUT', `/api/users/${bobUserId}/operator`, { operator: true });
    expect(operator.statusCode).toBe(200);
    const bob = new Client(replica1.app);
    await bob.login(bobEmail, 'role-password-123');
    const other = await bob.post('/api/organizations', { name: 'PT Lain' });
    expect(other.statusCode, other.body).toBe(201);
    const bobOnReplica2 = new HttpClient(() => replica2.url);
    expect(
      (await bobOnReplica2.req('POST', '/api/auth/login', { email: bobEmail, password: 'role-password-123' }))
        .status,
    ).toBe(200);
    const switched = await bobOnReplica2.req('POST', '/api/auth/organization', {
      organizationId: other.json<{ id: string }>().id,
    });
    expect(switched.status).toBe(200);
    const foreign = await listen(wsUrl, bobOnReplica2.cookie);
    sockets.push(foreign.socket);

    // Replica 1 runs the presence tick: the new employee becomes `unknown` (no camera has seen them).
    const employeeId = await addEmployee(replica1.server, orgA, { code: 'R001', name: 'Rina' });
    const t0 = Date.now();
    await replica1.server.modules.presence.tick();
    await waitFor(
      () =>
        dashboard.messages.some((m) => m.type === 'presence.changed' && m.presence.employeeId === employeeId),
      { timeoutMs: 10_000, message: 'presence.changed on replica 2' },
    );
    const latencyMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 300));
    expect(foreign.messages.filter((m) => m.type !== 'hello')).toEqual([]);
    console.info(`[scale] presence.changed from replica 1 reached a socket on replica 2 in ${latencyMs} ms`);
  });

  it('signing out everywhere on replica 1 closes the socket on replica 2 at once', async () => {
    const email = 'leaver@maju.test';
    const leaver = await userWithRole(replica1.app, admin1, 'support', email);
    const onReplica2 = new HttpClient(() => replica2.url);
    expect(
      (await onReplica2.req('POST', '/api/auth/login', { email, password: 'role-password-123' })).status,
    ).toBe(200);
    const l = await listen(`${replica2.url.replace(/^http/, 'ws')}/api/ws`, onReplica2.cookie);
    sockets.push(l.socket);
    expect((await leaver.post('/api/auth/logout', { everywhere: true })).statusCode).toBe(200);
    const code = await Promise.race([l.closedWith, new Promise<number>((r) => setTimeout(() => r(0), 5000))]);
    expect(code).toBe(4401);
  });
});
