import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCanonical, unlockCanonical } from '@hadir/contracts';
import { findSharedDir } from '@hadir/testing';
import { decodeImage } from '@hadir/vision';
import { newId } from '../src/platform/ids/ids.js';
import { Client, dialects, setupOrganization, startTestServer, type TestServer } from './support.js';
import { addEmployee as addEmployeeRow } from './fixtures/employee-row.js';

/**
 * The phone app's second half (issue 11) on a real server and database with the real ONNX models on
 * real LFW photos: PIN and face unlock on a registered device, site geofences, officers kept to their
 * sites, and the consent recorded when an officer registers someone's face.
 */
const shared = findSharedDir();
const MODELS_OK = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
const DATA_OK = fs.existsSync(path.join(shared.dataDir, 'faces'));
const SKIP_REASON = !MODELS_OK
  ? `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`
  : !DATA_OK
    ? `no face data at ${shared.dataDir} (set HADIR_TEST_DATA_DIR)`
    : null;
if (SKIP_REASON) console.warn(`[skip] mobile unlock/sites tests skipped: ${SKIP_REASON}`);

const lfwBytes = (name: string, n: number) =>
  fs.readFileSync(path.join(shared.dataDir, 'faces', name, `${name}_${String(n).padStart(4, '0')}.jpg`));
const lfw = (name: string, n: number) => lfwBytes(name, n).toString('base64');

type Res = Awaited<ReturnType<Client['get']>>;
const data = <T>(res: Res) => {
  const body = res.json<{ success: boolean; data: T }>();
  expect(body.success, res.body).toBe(true);
  return body.data;
};
const code = (res: Res) => res.json<{ error?: { code?: string } }>().error?.code;
const PASSWORD = 'mobile-password-123';
// Jakarta, Monas; a point ~1.1 km north of it.
const MONAS = { latitude: -6.1754, longitude: 106.8272 };
const NORTH_1KM = { latitude: -6.1654, longitude: 106.8272 };

describe.skipIf(SKIP_REASON !== null).each(await dialects())('mobile unlock and sites (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgA: string;
  let orgB: string;
  let member: Client;
  let officer: Client;
  let officerUserId: string;
  const ids: Record<string, string> = {};
  const sites: Record<string, string> = {};

  const addUser = async (email: string, role: string, employeeId?: string) => {
    const res = await admin.post('/api/users', {
      name: email,
      email,
      password: PASSWORD,
      role,
      ...(employeeId ? { employeeId } : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ userId: string }>().userId;
  };
  const login = async (email: string) => {
    const c = new Client(t.app);
    await c.login(email, PASSWORD);
    return c;
  };
  const put = (c: Client, url: string, body: unknown) => c.request('PUT', url, body);
  const eventsOf = (employeeId: string) =>
    t.server.ctx.db
      .selectFrom('attendanceEvents')
      .selectAll()
      .where('organizationId', '=', orgA)
      .where('employeeId', '=', employeeId)
      .execute();
  /** Three real photos of one person at the widest spread of head turns (the liveness challenge). */
  const turnFrames = async (name: string, skip: number[]) => {
    const engine = await t.server.modules.faces.engine.engine();
    const yaws: { n: number; yaw: number }[] = [];
    const numbers = fs
      .readdirSync(path.join(shared.dataDir, 'faces', name))
      .map((f) => Number(/_(\d{4})\.jpg$/.exec(f)?.[1]))
      .filter((n) => !skip.includes(n));
    for (const n of numbers) {
      const f = await engine.analyze(await decodeImage(lfwBytes(name, n)));
      if (f.length === 0) continue;
      const main = f.reduce((a, b) => (b.quality.sizePx > a.quality.sizePx ? b : a));
      yaws.push({ n, yaw: main.quality.yawDeg ?? 0 });
    }
    yaws.sort((a, b) => a.yaw - b.yaw);
    return [yaws[0]!, yaws[Math.floor(yaws.length / 2)]!, yaws.at(-1)!].map((y) => lfw(name, y.n));
  };
  const unlockBody = (device: { id: string; key: string }, method: 'pin' | 'face', extra: object) => {
    const sentAt = new Date(t.clock.nowMs()).toISOString();
    const signature = createHmac('sha256', device.key)
      .update(unlockCanonical({ device_id: device.id, sent_at: sentAt, method }))
      .digest('hex');
    return { device_id: device.id, sent_at: sentAt, signature, ...extra };
  };

  beforeAll(async () => {
    t = await startTestServer(dialect, { HADIR_MODELS_DIR: shared.modelsDir });
    ({ client: admin, orgId: orgA } = await setupOrganization(t.app));
    for (const name of ['North', 'South']) {
      const s = await admin.post('/api/sites', { name: `Site ${name}` });
      expect(s.statusCode, s.body).toBe(201);
      sites[name] = s.json<{ id: string }>().id;
      const a = await admin.post('/api/areas', { name: `Gate ${name}`, siteId: sites[name] });
      expect(a.statusCode, a.body).toBe(201);
      sites[`area${name}`] = a.json<{ id: string }>().id;
    }
    const add = (code: string, name: string, area: string) =>
      addEmployeeRow(t.server, orgA, { id: newId(), code, name, areaId: sites[area]! });
    ids.blair = await add('EMP010', 'Tony Blair', 'areaNorth');
    ids.gul = await add('EMP011', 'Abdullah Gul', 'areaNorth');
    ids.wade = await add('EMP012', 'Abdoulaye Wade', 'areaSouth');
    await addUser('blair@maju.test', 'member', ids.blair);
    officerUserId = await addUser('petugas@maju.test', 'officer');
    member = await login('blair@maju.test');
    officer = await login('petugas@maju.test');
    // Faces registered by the admin (no review wait): Blair, Gul and Wade.
    for (const [who, name] of [
      ['blair', 'Tony_Blair'],
      ['gul', 'Abdullah_Gul'],
      ['wade', 'Abdoulaye_Wade'],
    ] as const) {
      const reg = await admin.post(`/api/members/${ids[who]}/face/register`, {
        face_images: [lfw(name, 1), lfw(name, 2)],
        consent: true,
      });
      expect(data<{ accepted: number }>(reg).accepted, reg.body).toBeGreaterThan(0);
    }
    const created = await admin.post('/api/organizations', { name: 'PT Lain' });
    orgB = created.json<{ id: string }>().id;
    sites.foreign = newId();
    await t.server.ctx.db
      .insertInto('sites')
      .values({ id: sites.foreign, organizationId: orgB, name: 'Zeta', address: null, createdAt: 0 })
      .execute();
  }, 180_000);
  afterAll(async () => t?.close());

  it('unlocks a registered device with its PIN; a wrong PIN, another key or a revoked device does not', async () => {
    const dev = data<{ device_id: string; device_key: string }>(
      await member.post('/api/mobile/devices', { name: 'Blair’s phone' }),
    );
    const device = { id: dev.device_id, key: dev.device_key };
    const anon = () => new Client(t.app);
    // No PIN yet: a clear answer, back to the password.
    expect(code(await anon().post('/api/mobile/unlock', unlockBody(device, 'pin', { pin: '2468' })))).toBe(
      'no_pin',
    );
    const set = await put(member, `/api/mobile/devices/${device.id}/pin`, { pin: '2468' });
    expect(data<{ pin_set: boolean }>(set).pin_set).toBe(true);
    const stored = await t.server.ctx.db
      .selectFrom('mobileDevices')
      .select('pinHash')
      .where('id', '=', device.id)
      .executeTakeFirstOrThrow();
    expect(stored.pinHash).toMatch(/^\$argon2/);
    // Someone else's device: not theirs to set.
    expect((await put(officer, `/api/mobile/devices/${device.id}/pin`, { pin: '1111' })).statusCode).toBe(
      403,
    );
    // Another organization's device: not found, and its PIN stays unset.
    const foreignDevice = newId();
    await t.server.ctx.db
      .insertInto('mobileDevices')
      .values({
        id: foreignDevice,
        organizationId: orgB,
        userId: officerUserId,
        name: 'Zeta phone',
        keySealed: t.server.ctx.secrets.seal('zeta-key'),
        pinHash: null,
        createdAt: 0,
        lastSyncAt: null,
        revokedAt: null,
        revokedBy: null,
      })
      .execute();
    expect((await put(admin, `/api/mobile/devices/${foreignDevice}/pin`, { pin: '1111' })).statusCode).toBe(
      404,
    );
    const untouched = await t.server.ctx.db
      .selectFrom('mobileDevices')
      .select('pinHash')
      .where('id', '=', foreignDevice)
      .executeTakeFirstOrThrow();
    expect(untouched.pinHash).toBeNull();

    const phone = anon();
    const ok = await phone.post('/api/mobile/unlock', unlockBody(device, 'pin', { pin: '2468' }));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<{ user: { email: string } }>().user.email).toBe('blair@maju.test');
    // The new session works like a password sign-in.
    const me = data<{ member_id: string }>(await phone.get('/api/mobile/me'));
    expect(me.member_id).toBe(ids.blair);

    const wrong = await anon().post('/api/mobile/unlock', unlockBody(device, 'pin', { pin: '0000' }));
    expect(wrong.statusCode).toBe(401);
    expect(code(wrong)).toBe('wrong_pin');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    // Without the device's key (signed with another), the PIN alone does not open it.
    const forged = unlockBody({ id: device.id, key: 'not-the-key' }, 'pin', { pin: '2468' });
    expect(code(await anon().post('/api/mobile/unlock', forged))).toBe('unlock_failed');
    // A proof from long ago (a replayed request) is refused.
    const old = unlockBody(device, 'pin', { pin: '2468' });
    t.clock.advance(10 * 60_000);
    expect(code(await anon().post('/api/mobile/unlock', old))).toBe('unlock_failed');

    await admin.post(`/api/mobile/devices/${device.id}/revoke`);
    const revoked = await anon().post('/api/mobile/unlock', unlockBody(device, 'pin', { pin: '2468' }));
    expect(revoked.statusCode).toBe(403);
    expect(code(revoked)).toBe('device_revoked');
  });

  it('throttles PIN guesses per device like passwords', async () => {
    const dev = data<{ device_id: string; device_key: string }>(
      await member.post('/api/mobile/devices', { name: 'Spare phone', pin: '1357' }),
    );
    const device = { id: dev.device_id, key: dev.device_key };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await new Client(t.app).post(
        '/api/mobile/unlock',
        unlockBody(device, 'pin', { pin: String(1000 + i) }),
      );
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    // Even the right PIN waits while the device is throttled.
    const right = await new Client(t.app).post(
      '/api/mobile/unlock',
      unlockBody(device, 'pin', { pin: '1357' }),
    );
    expect(right.statusCode).toBe(429);
    t.clock.advance(10 * 60_000);
    const later = await new Client(t.app).post(
      '/api/mobile/unlock',
      unlockBody(device, 'pin', { pin: '1357' }),
    );
    expect(later.statusCode, later.body).toBe(200);
  });

  it('unlocks with the face (1:1 with liveness); a still or another person’s face does not', async () => {
    const dev = data<{ device_id: string; device_key: string }>(
      await member.post('/api/mobile/devices', { name: 'Face phone' }),
    );
    const device = { id: dev.device_id, key: dev.device_key };
    const frames = await turnFrames('Tony_Blair', [1, 2]);
    const live = await new Client(t.app).post(
      '/api/mobile/unlock',
      unlockBody(device, 'face', { face_image: frames[1], liveness_frames: frames }),
    );
    expect(live.statusCode, live.body).toBe(200);
    const still = frames[0]!;
    const spoof = await new Client(t.app).post(
      '/api/mobile/unlock',
      unlockBody(device, 'face', { face_image: still, liveness_frames: [still, still, still] }),
    );
    expect(spoof.statusCode).toBe(401);
    expect(code(spoof)).toBe('face_not_verified');
    const wade = await turnFrames('Abdoulaye_Wade', [1, 2]);
    const other = await new Client(t.app).post(
      '/api/mobile/unlock',
      unlockBody(device, 'face', { face_image: wade[1], liveness_frames: wade }),
    );
    expect(code(other)).toBe('face_not_verified');
    // A face unlock must carry the liveness frames.
    const noFrames = await new Client(t.app).post(
      '/api/mobile/unlock',
      unlockBody(device, 'face', { face_image: frames[1] }),
    );
    expect(noFrames.statusCode).toBe(400);
  });

  it('refuses check-ins outside the site’s geofence with a clear reason and keeps the place inside', async () => {
    const fence = await put(admin, `/api/sites/${sites.North}/geofence`, { ...MONAS, radius_m: 200 });
    expect(data<{ radius_m: number }>(fence).radius_m).toBe(200);
    expect(
      (await put(member, `/api/sites/${sites.North}/geofence`, { ...MONAS, radius_m: 50 })).statusCode,
    ).toBe(403);
    expect(
      (await put(admin, `/api/sites/${sites.foreign}/geofence`, { ...MONAS, radius_m: 50 })).statusCode,
    ).toBe(404);
    const listed = data<{ id: string; geofence: { radius_m: number } | null }[]>(
      await member.get('/api/mobile/sites'),
    );
    expect(listed.find((s) => s.id === sites.North)?.geofence?.radius_m).toBe(200);
    expect(listed.some((s) => s.id === sites.foreign)).toBe(false);
    expect(data<{ location_required: boolean }>(await member.get('/api/mobile/me')).location_required).toBe(
      true,
    );

    const before = (await eventsOf(ids.blair!)).length;
    const face = lfw('Tony_Blair', 3);
    const far = data<{ status: string; reason: string }>(
      await member.post('/api/attendance/submit', {
        type: 'check_in',
        face_image: face,
        location: NORTH_1KM,
      }),
    );
    expect(far.status).toBe('refused');
    expect(far.reason).toMatch(/1\d{3} m from your site.*within 200 m/);
    const none = data<{ status: string; reason: string }>(
      await member.post('/api/attendance/submit', { type: 'check_in', face_image: face }),
    );
    expect(none.status).toBe('refused');
    expect(none.reason).toMatch(/location/);
    expect(await eventsOf(ids.blair!)).toHaveLength(before);

    const inside = data<{ status: string; attendance_id: string }>(
      await member.post('/api/attendance/submit', {
        type: 'check_in',
        face_image: face,
        location: { latitude: MONAS.latitude + 0.0005, longitude: MONAS.longitude, accuracy_m: 15 },
      }),
    );
    expect(inside.status).toBe('recorded');
    const kept = await t.server.ctx.db
      .selectFrom('mobileCheckinLocations')
      .selectAll()
      .where('eventId', '=', inside.attendance_id)
      .executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ organizationId: orgA, siteId: sites.North });
    expect(Number(kept.distanceM)).toBeGreaterThan(40);
    expect(Number(kept.distanceM)).toBeLessThan(70);

    // Offline check-ins meet the same fence when they sync (the location is signed with the record).
    const dev = data<{ device_id: string; device_key: string }>(
      await member.post('/api/mobile/devices', { name: 'Fence phone' }),
    );
    const at = new Date(t.clock.nowMs() - 60_000).toISOString();
    const rec = (id: string, location?: { latitude: number; longitude: number }) => ({
      client_id: id,
      member_id: ids.blair!,
      type: 'check_in' as const,
      occurred_at: at,
      face_image: face,
      mode: 'self' as const,
      ...(location ? { location } : {}),
    });
    const batch = {
      device_id: dev.device_id,
      sent_at: new Date(t.clock.nowMs()).toISOString(),
      records: [rec('fence-far-0001', NORTH_1KM), rec('fence-none-001'), rec('fence-in-00001', MONAS)],
    };
    const sync = await member.post('/api/attendance/sync', {
      ...batch,
      signature: createHmac('sha256', dev.device_key).update(syncCanonical(batch)).digest('hex'),
    });
    const results = data<{ results: { status: string; reason: string | null }[] }>(sync).results;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'recorded']);
    expect(results[0]!.reason).toMatch(/m from your site/);
    expect(results[1]!.reason).toMatch(/location/);
    // The location is part of what the device signed: moving a record inside the fence breaks it.
    const moved = { ...batch, records: [rec('fence-far-0002', NORTH_1KM)] };
    const forged = await member.post('/api/attendance/sync', {
      ...moved,
      records: [rec('fence-far-0002', MONAS)],
      signature: createHmac('sha256', dev.device_key).update(syncCanonical(moved)).digest('hex'),
    });
    expect(code(forged)).toBe('bad_signature');

    // Removed: the same far place is accepted again. Another organization's site cannot be touched.
    expect((await admin.delete(`/api/sites/${sites.foreign}/geofence`)).statusCode).toBe(404);
    expect((await member.delete(`/api/sites/${sites.North}/geofence`)).statusCode).toBe(403);
    expect((await admin.delete(`/api/sites/${sites.North}/geofence`)).statusCode).toBe(200);
    const afterRemoval = data<{ status: string }>(
      await member.post('/api/attendance/submit', {
        type: 'check_out',
        face_image: face,
        location: NORTH_1KM,
      }),
    );
    expect(afterRemoval.status).toBe('recorded');
  });

  it('keeps officers to their sites where the organization asks, for records, recognition and faces', async () => {
    // Not restricted yet: an unassigned officer records anyone.
    const free = await officer.post('/api/attendance/record', { member_id: ids.wade, type: 'check_in' });
    expect(data<{ status: string }>(free).status).toBe('recorded');

    expect(
      (await put(officer, '/api/mobile/settings', { officers_restricted_to_sites: true })).statusCode,
    ).toBe(403);
    expect(
      data<{ officers_restricted_to_sites: boolean }>(await officer.get('/api/mobile/settings'))
        .officers_restricted_to_sites,
    ).toBe(false);
    const set = await put(admin, '/api/mobile/settings', { officers_restricted_to_sites: true });
    expect(data<{ officers_restricted_to_sites: boolean }>(set).officers_restricted_to_sites).toBe(true);
    const assign = await put(admin, `/api/mobile/officers/${officerUserId}/sites`, {
      site_ids: [sites.North],
    });
    expect(data<{ site_ids: string[] }>(assign).site_ids).toEqual([sites.North]);
    // Another organization's site, or a user who is not in this organization: not found.
    expect(
      (await put(admin, `/api/mobile/officers/${officerUserId}/sites`, { site_ids: [sites.foreign] }))
        .statusCode,
    ).toBe(404);
    expect((await put(admin, `/api/mobile/officers/${newId()}/sites`, { site_ids: [] })).statusCode).toBe(
      404,
    );

    const mine = data<{ id: string; assigned: boolean }[]>(await officer.get('/api/mobile/sites'));
    expect(mine.map((s) => s.id)).toEqual([sites.North]);

    const own = await officer.post('/api/attendance/record', {
      member_id: ids.gul,
      type: 'check_in',
      site_id: sites.North,
      face_image: lfw('Abdullah_Gul', 3),
    });
    expect(data<{ status: string; recorded_by: string }>(own)).toMatchObject({
      status: 'recorded',
      recorded_by: officerUserId,
    });
    const before = (await eventsOf(ids.wade!)).length;
    const otherSite = await officer.post('/api/attendance/record', {
      member_id: ids.wade,
      type: 'check_out',
      site_id: sites.North,
    });
    expect(otherSite.statusCode).toBe(403);
    expect(code(otherSite)).toBe('member_other_site');
    const notMySite = await officer.post('/api/attendance/record', {
      member_id: ids.wade,
      type: 'check_out',
      site_id: sites.South,
    });
    expect(code(notMySite)).toBe('site_not_assigned');
    expect(await eventsOf(ids.wade!)).toHaveLength(before);
    // The admin is not kept to sites.
    const byAdmin = await admin.post('/api/attendance/record', { member_id: ids.wade, type: 'check_out' });
    expect(data<{ status: string }>(byAdmin).status).toBe('recorded');

    // 1:N at the officer's site answers its members only.
    const gul = data<{ member_id: string | null }>(
      await officer.post('/api/face/recognize', { face_image: lfw('Abdullah_Gul', 3), site_id: sites.North }),
    );
    expect(gul.member_id).toBe(ids.gul);
    const wade = data<{ member_id: string | null; reason: string }>(
      await officer.post('/api/face/recognize', {
        face_image: lfw('Abdoulaye_Wade', 3),
        site_id: sites.North,
      }),
    );
    expect(wade).toMatchObject({ member_id: null, reason: 'not_at_site' });
    expect(
      code(
        await officer.post('/api/face/recognize', {
          face_image: lfw('Abdoulaye_Wade', 3),
          site_id: sites.South,
        }),
      ),
    ).toBe('site_not_assigned');
    expect(
      (
        await officer.post('/api/face/recognize', {
          face_image: lfw('Abdoulaye_Wade', 3),
          site_id: sites.foreign,
        })
      ).statusCode,
    ).toBe(404);

    // Registering a face on behalf of a member of another site is refused too.
    const reg = await officer.post(`/api/members/${ids.wade}/face/register`, {
      face_images: [lfw('Abdoulaye_Wade', 4)],
      consent: true,
    });
    expect(code(reg)).toBe('member_other_site');
    await put(admin, '/api/mobile/settings', { officers_restricted_to_sites: false });
  });

  it('records the member’s consent (who, when, the words) when an officer registers their face', async () => {
    const words = 'Saya setuju wajah saya didaftarkan untuk absensi.';
    const reg = await officer.post(`/api/members/${ids.gul}/face/register`, {
      face_images: [lfw('Abdullah_Gul', 4)],
      consent: true,
      consent_text: words,
    });
    expect(reg.statusCode, reg.body).toBe(200);
    const consents = await t.server.ctx.db
      .selectFrom('faceConsents')
      .selectAll()
      .where('organizationId', '=', orgA)
      .where('employeeId', '=', ids.gul!)
      .execute();
    expect(consents.at(-1)).toMatchObject({ recordedBy: officerUserId, consentText: words });
    expect(Number(consents.at(-1)!.createdAt)).toBe(t.clock.nowMs());
    // Without consent nothing is recorded or stored.
    const without = await officer.post(`/api/members/${ids.gul}/face/register`, {
      face_images: [lfw('Abdullah_Gul', 4)],
    });
    expect(code(without)).toBe('consent_required');
  });
});
