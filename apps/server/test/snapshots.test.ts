import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/platform/ids/ids.js';
import {
  Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

const DAY_MS = 24 * 3600_000;
/** The smallest thing that starts like a JPEG; the store checks the magic bytes, not the pixels. */
const fakeJpeg = (tag: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(tag)]);

describe.each(await dialects())('snapshots store and retention (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;

  const exists = (id: string) =>
    fs
      .readdirSync(path.join(t.dataDir, 'snapshots', orgId), { recursive: true })
      .map(String)
      .some((f) => f.includes(id));
  const rows = async () =>
    (
      await t.server.ctx.db.selectFrom('snapshots').select('id').where('organizationId', '=', orgId).execute()
    ).map((r) => r.id);

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
  });
  afterAll(async () => t?.close());

  it('stores files under snapshots/<org>/<date>/ and serves them only within the organization', async () => {
    const snaps = t.server.modules.faces.snapshots;
    const s = await snaps.save(orgId, {
      kind: 'presence',
      cameraId: 'gudang-a',
      faceJpeg: fakeJpeg('face'),
      frameJpeg: fakeJpeg('frame'),
    });
    const day = new Date(t.clock.nowMs()).toISOString().slice(0, 10);
    expect(fs.existsSync(path.join(t.dataDir, 'snapshots', orgId, day, `${s.id}-face.jpg`))).toBe(true);

    const face = await admin.get(`/api/snapshots/${s.id}/face.jpg`);
    expect(face.statusCode).toBe(200);
    expect(face.headers['content-type']).toBe('image/jpeg');
    expect(face.rawPayload.equals(fakeJpeg('face'))).toBe(true);
    expect((await admin.get(`/api/snapshots/${s.id}/frame.jpg`)).rawPayload.equals(fakeJpeg('frame'))).toBe(
      true,
    );

    // No path ever comes from the request: traversal attempts are unknown ids.
    for (const bad of ['..%2F..%2Fsecret.key', '%2E%2E', 'x%00y', newId()]) {
      expect([400, 404]).toContain((await admin.get(`/api/snapshots/${bad}/face.jpg`)).statusCode);
    }
    expect((await new Client(t.app).get(`/api/snapshots/${s.id}/face.jpg`)).statusCode).toBe(401);
    const member = await userWithRole(t.app, admin, 'member');
    expect((await member.get(`/api/snapshots/${s.id}/face.jpg`)).statusCode).toBe(403);

    // Another organization's admin gets 404, not the file.
    const orgB = (await admin.post('/api/organizations', { name: 'PT Lain' })).json<{ id: string }>().id;
    const other = new Client(t.app);
    await other.login('ani@maju.test', 'correct-horse-battery');
    await other.post('/api/auth/organization', { organizationId: orgB });
    expect((await other.get(`/api/snapshots/${s.id}/face.jpg`)).statusCode).toBe(404);
    await expect(
      snaps.save(orgId, { kind: 'presence', faceJpeg: Buffer.from('not a jpeg') }),
    ).rejects.toThrow(/JPEG/);
  });

  it('retention deletes snapshots older than the organization setting, files and rows, with their unknown faces', async () => {
    const snaps = t.server.modules.faces.snapshots;
    const db = t.server.ctx.db;
    for (const id of await rows()) await db.deleteFrom('snapshots').where('id', '=', id).execute();
    const old = await snaps.save(orgId, { kind: 'unknown', cameraId: 'gudang-a', faceJpeg: fakeJpeg('old') });
    await db
      .insertInto('unknownFaces')
      .values({
        id: newId(),
        organizationId: orgId,
        cameraId: 'gudang-a',
        seenAt: t.clock.nowMs(),
        snapshotId: old.id,
        pack: 'mobilefacenet',
        embedding: Buffer.alloc(128 * 4, 1),
        quality: 0.9,
        alignedCrop: null,
        clusterId: newId(),
        status: 'new',
        assignedEmployeeId: null,
      })
      .execute();
    t.clock.advance(8 * DAY_MS);
    const week = await snaps.save(orgId, { kind: 'alert', faceJpeg: fakeJpeg('week') });
    t.clock.advance(23 * DAY_MS); // `old` is 31 days old now, `week` 23
    const fresh = await snaps.save(orgId, { kind: 'camera', faceJpeg: fakeJpeg('fresh') });

    await t.server.ctx.jobs.enqueue(db, 'snapshots.retention', { trigger: 'manual' });
    expect(await t.server.ctx.jobs.drain()).toBe(1);
    expect((await rows()).sort()).toEqual([week.id, fresh.id].sort());
    expect(exists(old.id)).toBe(false);
    expect(exists(week.id)).toBe(true);
    expect(
      await db.selectFrom('unknownFaces').select('id').where('organizationId', '=', orgId).execute(),
    ).toEqual([]);

    // A shorter setting takes effect at the next run (sign in again: a month has passed).
    await admin.login('ani@maju.test', 'correct-horse-battery');
    await admin.post('/api/auth/organization', { organizationId: orgId });
    const patched = await admin.patch('/api/organization', { settings: { snapshotRetentionDays: 7 } });
    expect(patched.statusCode, patched.body).toBe(200);
    const purged = await snaps.purgeExpired();
    expect(purged.deleted).toBe(1);
    expect(await rows()).toEqual([fresh.id]);
    expect(exists(week.id)).toBe(false);
    expect(exists(fresh.id)).toBe(true);
  });

  it('schedules retention at worker start and once a day after each run', async () => {
    const { ctx } = t.server;
    await t.server.modules.faces.start(new Set(['worker']));
    await t.server.modules.faces.start(new Set(['worker'])); // a restart does not double the daily run
    const jobs = await ctx.db
      .selectFrom('jobs')
      .select(['runAt', 'idempotencyKey', 'status'])
      .where('type', '=', 'snapshots.retention')
      .where('status', '=', 'pending')
      .execute();
    const now = t.clock.nowMs();
    expect(jobs.filter((j) => j.runAt <= now)).toHaveLength(1); // the boot run (same fake instant twice)
    const daily = jobs.filter((j) => j.runAt > now);
    expect(daily).toHaveLength(1);
    expect(daily[0]!.runAt - now).toBeLessThanOrEqual(DAY_MS);
    await ctx.jobs.drain();
    t.clock.set(daily[0]!.runAt);
    expect(await ctx.jobs.drain()).toBe(1);
    const next = await ctx.db
      .selectFrom('jobs')
      .select('runAt')
      .where('type', '=', 'snapshots.retention')
      .where('status', '=', 'pending')
      .execute();
    expect(next.map((j) => j.runAt)).toEqual([daily[0]!.runAt + DAY_MS]);
    await t.server.modules.faces.stop();
  });
});
