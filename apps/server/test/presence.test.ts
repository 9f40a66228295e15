import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceInterval } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';
import { addEmployee, setCamera } from './presence-fixtures.js';

const MIN = 60_000;

describe.each(await dialects())('presence log (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let budi: string;

  const see = (employeeId: string, cameraId = 'gudang-a') =>
    t.server.modules.presence.recordSighting({
      organizationId: orgId,
      employeeId,
      cameraId,
      cameraName: cameraId === 'gudang-a' ? 'Camera Gudang A' : 'Lobby',
      atMs: t.clock.nowMs(),
      cosineSimilarity: 0.7 + Math.random() * 0.1,
      trackId: null,
    });

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    budi = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso' });
    await setCamera(t.server, orgId, 'gudang-a', 'Camera Gudang A', 'online');
  });
  afterAll(async () => t?.close());

  it('writes one row per stay, not per frame: extends while the person stays (on any camera), new row on a gap', async () => {
    for (let i = 0; i < 20; i++) {
      see(budi);
      t.clock.advance(500);
      if (i % 4 === 0) await t.server.modules.presence.flush();
    }
    await t.server.modules.presence.flush();
    let rows = await t.server.ctx.db.selectFrom('presenceIntervals').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sightings).toBe(20);
    t.clock.advance(10 * MIN); // longer than the 5-minute window: a new stay
    see(budi);
    await t.server.modules.presence.flush();
    t.clock.advance(1000);
    see(budi, 'lobby'); // another camera within the window: the same stay, seen by two cameras
    await t.server.modules.presence.flush();
    rows = await t.server.ctx.db.selectFrom('presenceIntervals').selectAll().orderBy('startedAt').execute();
    expect(rows.map((r) => r.cameraId)).toEqual(['gudang-a', 'gudang-a']);
    expect(rows[1]?.lastSeenTs).toBe(t.clock.nowMs());
    const cameras = await t.server.ctx.db
      .selectFrom('presenceStayCameras')
      .select(['cameraId', 'sightings'])
      .where('intervalId', '=', rows[1]!.id)
      .orderBy('firstSeenTs')
      .execute();
    expect(cameras).toEqual([
      { cameraId: 'gudang-a', sightings: 1 },
      { cameraId: 'lobby', sightings: 1 },
    ]);
    const live = await t.server.ctx.db.selectFrom('employeePresence').selectAll().executeTakeFirstOrThrow();
    expect(live.lastCameraName).toBe('Lobby');
  });

  it('keeps one stay while two overlapping cameras take turns seeing the person (no flood of 0-min rows)', async () => {
    t.clock.advance(10 * MIN);
    const siti = await addEmployee(t.server, orgId, { code: 'EMP002', name: 'Siti Rahma' });
    const before = t.clock.nowMs();
    for (let s = 0; s < 60; s++) {
      see(siti, s % 3 === 0 ? 'lobby' : 'gudang-a');
      await t.server.modules.presence.flush();
      t.clock.advance(1000);
    }
    const res = await admin.get(`/api/presence/intervals?employeeId=${siti}`);
    const items = res.json<{ items: PresenceInterval[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      sightings: 60,
      durationMs: 59_000,
      startedAt: new Date(before).toISOString(),
    });
    expect(items[0]?.cameras.map((c) => [c.cameraId, c.sightings])).toEqual([
      ['lobby', 20],
      ['gudang-a', 40],
    ]);
    // Out of the way of the paging and scoping tests below.
    await t.server.ctx.db.deleteFrom('employees').where('id', '=', siti).execute();
  });

  it('pages the log with a cursor (newest first) and exports CSV', async () => {
    for (let i = 0; i < 7; i++) {
      t.clock.advance(10 * MIN);
      see(budi);
      await t.server.modules.presence.flush();
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/presence/intervals?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await admin.get(url);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ items: PresenceInterval[]; nextCursor: string | null }>();
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect(pages).toBe(3);
    // The camera filter finds the stay the lobby camera took part in, though it began elsewhere.
    const filtered = await admin.get('/api/presence/intervals?cameraId=lobby');
    const lobby = filtered.json<{ items: PresenceInterval[] }>().items;
    expect(lobby).toHaveLength(1);
    expect(lobby[0]?.cameras.map((c) => c.cameraName)).toEqual(['Camera Gudang A', 'Lobby']);

    const csv = await admin.get('/api/presence/intervals?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe(
      'employee_code,employee_name,camera,started_at,last_seen_at,time_zone,duration_s,sightings,best_similarity',
    );
    expect(lines).toHaveLength(10);
    expect(lines[1]).toMatch(/^EMP001,Budi Santoso,Camera Gudang A,/);
  });

  it('says which employees have a photo, so lists do not request a 404 per employee', async () => {
    const hasPhoto = async () =>
      (await admin.get('/api/presence'))
        .json<{ items: { employeeId: string; hasPhoto: boolean }[] }>()
        .items.find((e) => e.employeeId === budi)?.hasPhoto;
    expect(await hasPhoto()).toBe(false);
    expect((await admin.get(`/api/analytics/employees/${budi}/photo.jpg`)).statusCode).toBe(404);
    await t.server.ctx.db
      .insertInto('faceSamples')
      .values({
        id: 'sample-with-crop',
        organizationId: orgId,
        employeeId: budi,
        pack: 'an-older-pack',
        embedding: new Uint8Array(8),
        quality: 0.8,
        alignedCrop: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
        source: 'upload',
        createdAt: t.clock.nowMs(),
      })
      .execute();
    expect(await hasPhoto()).toBe(true);
    // A crop from another face pack still makes an avatar: the flag and the photo agree.
    expect((await admin.get(`/api/analytics/employees/${budi}/photo.jpg`)).statusCode).toBe(200);
    await t.server.ctx.db.deleteFrom('faceSamples').where('id', '=', 'sample-with-crop').execute();
  });

  it('needs presence:view and scopes to the caller organization', async () => {
    const anon = await t.app.inject({ method: 'GET', url: '/api/presence' });
    expect(anon.statusCode).toBe(401);
    const other = await admin.post('/api/organizations', { name: 'PT Lain' });
    expect(other.statusCode).toBe(201);
    const live = await admin.get('/api/presence');
    expect(live.json<{ total: number }>().total).toBe(1);
  });
});
