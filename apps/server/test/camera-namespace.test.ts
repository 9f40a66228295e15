import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hadir/testing';
import type { CameraView } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, Client, type TestServer } from './support.js';

/**
 * Issue 9, item 16: camera ids are per organization. Before, `cameras.id` was the primary key and the
 * folder camera_config/<id>/ was global, so organization B creating `gate` heard 409 (which told B that
 * some other organization has a camera `gate`).
 */
describe.each(await dialects())('camera ids per organization (%s)', (dialect) => {
  let t: TestServer;
  let adminA: Client;
  let adminB: Client;
  let orgA: string;
  let orgB: string;
  const ids = async (c: Client) =>
    (await c.get('/api/cameras'))
      .json<CameraView[]>()
      .map((v) => `${v.id}:${v.name}`)
      .sort();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: adminA, orgId: orgA } = await setupOrganization(t.app));
    const added = await adminA.post('/api/users', {
      name: 'Bob Bravo',
      email: 'bob@bravo.test',
      password: 'zeta-password-123',
      role: 'member',
    });
    expect(added.statusCode, added.body).toBe(201);
    const bobId = added.json<{ userId: string }>().userId;
    expect((await adminA.request('PUT', `/api/users/${bobId}/operator`, { operator: true })).statusCode).toBe(
      200,
    );
    adminB = new Client(t.app);
    await adminB.login('bob@bravo.test', 'zeta-password-123');
    const created = await adminB.post('/api/organizations', { name: 'PT Zeta' });
    expect(created.statusCode, created.body).toBe(201);
    orgB = created.json<{ id: string }>().id;
    expect((await adminB.post('/api/auth/organization', { organizationId: orgB })).statusCode).toBe(200);
    await t.server.modules.cameras.start();
  });
  afterAll(async () => {
    await t.server.modules.cameras.stop();
    await t?.close();
  });

  it('two organizations each have a camera "gate"; neither sees nor changes the other\'s', async () => {
    const a = await adminA.post('/api/cameras', { id: 'gate', name: 'Gate A', source: 'rtsp://10.0.0.1/a' });
    expect(a.statusCode, a.body).toBe(201);
    const b = await adminB.post('/api/cameras', { id: 'gate', name: 'Gate B', source: 'rtsp://10.0.0.2/b' });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json<CameraView>()).toMatchObject({ id: 'gate', name: 'Gate B' });
    expect(await ids(adminA)).toEqual(['gate:Gate A']);
    expect(await ids(adminB)).toEqual(['gate:Gate B']);

    // Each organization's file lies in its own folder.
    const dir = t.server.ctx.env.cameraConfigDir;
    const fileA = path.join(dir, orgA, 'gate', 'config.json');
    const fileB = path.join(dir, orgB, 'gate', 'config.json');
    expect(JSON.parse(fs.readFileSync(fileA, 'utf8'))).toMatchObject({
      name: 'Gate A',
      organizationId: orgA,
    });
    expect(JSON.parse(fs.readFileSync(fileB, 'utf8'))).toMatchObject({
      name: 'Gate B',
      organizationId: orgB,
    });

    // A duplicate inside one organization is still a 409.
    const again = await adminB.post('/api/cameras', { id: 'gate', name: 'x', source: 'rtsp://10.0.0.3/x' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('camera_exists');

    // B's change and removal touch only B's camera.
    expect((await adminB.patch('/api/cameras/gate', { name: 'Gate B2' })).statusCode).toBe(200);
    expect((await adminA.get('/api/cameras/gate')).json<CameraView>().name).toBe('Gate A');
    expect((await adminB.delete('/api/cameras/gate')).statusCode).toBe(200);
    expect(fs.existsSync(fileB)).toBe(false);
    expect((await adminB.get('/api/cameras/gate')).statusCode).toBe(404);
    expect((await adminA.get('/api/cameras/gate')).json<CameraView>()).toMatchObject({ name: 'Gate A' });
    // The pipeline's status reports are per file: A's camera reports under A's folder.
    expect(t.server.modules.cameras.find(orgA, 'gate')?.key).toBe(`${orgA}/gate`);
    expect(t.server.modules.cameras.find(orgB, 'gate')).toBeUndefined();
  });

  it("a camera_config/<id>/config.json of the older layout keeps working and is only its organization's", async () => {
    const dir = path.join(t.server.ctx.env.cameraConfigDir, 'lobby');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ name: 'Lobby A', source: 'rtsp://10.0.0.4/l', organizationId: orgA }),
    );
    await t.server.modules.cameras.rescan();
    expect(await ids(adminA)).toEqual(['gate:Gate A', 'lobby:Lobby A']);
    expect(await ids(adminB)).toEqual([]);
    // B may use the id too; A's file is untouched.
    const b = await adminB.post('/api/cameras', {
      id: 'lobby',
      name: 'Lobby B',
      source: 'rtsp://10.0.0.5/l',
    });
    expect(b.statusCode, b.body).toBe(201);
    expect(await ids(adminB)).toEqual(['lobby:Lobby B']);
    expect(await ids(adminA)).toEqual(['gate:Gate A', 'lobby:Lobby A']);
    // A can still change its own file in place.
    expect((await adminA.patch('/api/cameras/lobby', { name: 'Lobby A2' })).statusCode).toBe(200);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'))).toMatchObject({
      name: 'Lobby A2',
    });
    expect(await ids(adminB)).toEqual(['lobby:Lobby B']);
  });

  it('a second file for the same camera of one organization is refused (reported, never run)', async () => {
    // camera_config/<orgA>/lobby/ duplicates the older camera_config/lobby/ of organization A.
    const dup = path.join(t.server.ctx.env.cameraConfigDir, orgA, 'lobby');
    fs.mkdirSync(dup, { recursive: true });
    fs.writeFileSync(
      path.join(dup, 'config.json'),
      JSON.stringify({ name: 'Dup', source: 'rtsp://10.0.0.6/d' }),
    );
    await t.server.modules.cameras.rescan();
    const lobbies = t.server.modules.cameras.list().filter((e) => e.id === 'lobby');
    expect(lobbies).toHaveLength(3);
    const refused = lobbies.filter((e) => e.issues.some((i) => /already has camera "lobby"/.test(i)));
    expect(refused).toHaveLength(1);
    expect(refused[0]?.organizationId).toBeNull();
    // A still sees exactly one lobby, B its own.
    expect((await ids(adminA)).filter((c) => c.startsWith('lobby:'))).toHaveLength(1);
    expect(await ids(adminB)).toEqual(['lobby:Lobby B']);
    fs.rmSync(dup, { recursive: true });
    await t.server.modules.cameras.rescan();
    await waitFor(() => t.server.modules.cameras.list().filter((e) => e.id === 'lobby').length === 2, {
      timeoutMs: 5000,
    });
  });
});
