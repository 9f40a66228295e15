import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCanonical } from '@hadir/contracts';
import { findSharedDir } from '@hadir/testing';
import { decodeImage } from '@hadir/vision';
import { newId } from '../src/platform/ids/ids.js';
import { Client, dialects, setupOrganization, startTestServer, type TestServer } from './support.js';
import { addEmployee as addEmployeeRow } from './fixtures/employee-row.js';

/**
 * The mobile app's API (issue 11, seed 004) on a real server and database, with the real ONNX face
 * models on real LFW photos: registration, 1:1 verification, liveness, submit/record, signed sync.
 */
const shared = findSharedDir();
const MODELS_OK = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
const DATA_OK = fs.existsSync(path.join(shared.dataDir, 'faces'));
const SKIP_REASON = !MODELS_OK
  ? `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`
  : !DATA_OK
    ? `no face data at ${shared.dataDir} (set HADIR_TEST_DATA_DIR)`
    : null;
if (SKIP_REASON) console.warn(`[skip] mobile tests skipped: ${SKIP_REASON}`);

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

type SyncRecordIn = {
  client_id: string;
  member_id: string;
  type: 'check_in' | 'check_out';
  occurred_at: string;
  face_image?: string;
  mode?: 'self' | 'officer';
};
function signed(deviceId: string, key: string, sentAt: string, records: SyncRecordIn[]) {
  const batch = { device_id: deviceId, sent_at: sentAt, records };
  return { ...batch, signature: createHmac('sha256', key).update(syncCanonical(batch)).digest('hex') };
}

describe.skipIf(SKIP_REASON !== null).each(await dialects())('mobile attendance API (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgA: string;
  let orgB: string;
  let member: Client;
  let officer: Client;
  let officerUserId: string;
  const ids: Record<string, string> = {};

  const addEmployee = (code: string, name: string, status?: string) =>
    addEmployeeRow(t.server, orgA, { id: newId(), code, name, ...(status ? { status } : {}) });
  const login = async (email: string, password: string) => {
    const c = new Client(t.app);
    await c.login(email, password);
    return c;
  };
  const eventsOf = (employeeId: string) =>
    t.server.ctx.db
      .selectFrom('attendanceEvents')
      .selectAll()
      .where('organizationId', '=', orgA)
      .where('employeeId', '=', employeeId)
      .execute();

  beforeAll(async () => {
    t = await startTestServer(dialect, { HADIR_MODELS_DIR: shared.modelsDir });
    ({ client: admin, orgId: orgA } = await setupOrganization(t.app));
    ids.gul = await addEmployee('EMP001', 'Abdullah Gul');
    ids.wade = await addEmployee('EMP002', 'Abdoulaye Wade');
    ids.bush = await addEmployee('EMP003', 'Tony Blair');
    ids.gone = await addEmployee('EMP004', 'Leaving Soon');
    const addUser = async (email: string, role: string, employeeId?: string) => {
      const res = await admin.post('/api/users', {
        name: email,
        email,
        password: 'mobile-password-123',
        role,
        ...(employeeId ? { employeeId } : {}),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ userId: string }>().userId;
    };
    await addUser('gul@maju.test', 'member', ids.gul);
    officerUserId = await addUser('officer@maju.test', 'officer');
    member = await login('gul@maju.test', 'mobile-password-123');
    officer = await login('officer@maju.test', 'mobile-password-123');
    const created = await admin.post('/api/organizations', { name: 'PT Lain' });
    expect(created.statusCode, created.body).toBe(201);
    orgB = created.json<{ id: string }>().id;
  }, 120_000);
  afterAll(async () => t?.close());

  /** A manager approves every self-registered face waiting for review; returns how many. */
  const approvePending = async () => {
    const list = await admin.get('/api/face-reviews');
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json<{ items: { id: string; employee: { id: string } }[] }>().items;
    for (const item of items) {
      const res = await admin.post(`/api/employees/${item.employee.id}/faces/${item.id}/review`, {
        decision: 'approve',
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    return items.length;
  };

  it('lets a member register their own face through the quality gate, and no one else’s', async () => {
    const res = await member.post(`/api/members/${ids.gul}/face/register`, {
      face_images: [lfw('Abdullah_Gul', 1), lfw('Abdullah_Gul', 2)],
    });
    expect(res.statusCode, res.body).toBe(200);
    const d = data<{ accepted: number; pending: number }>(res);
    // A self-registration waits for a manager (issue 9, item 14): not matched until approved.
    expect(d).toMatchObject({ accepted: 2, pending: 2 });
    expect(res.body).not.toMatch(/embedding/);
    const early = await member.post('/api/face/verify', { face_image: lfw('Abdullah_Gul', 3) });
    expect(data<{ verified: boolean }>(early).verified).toBe(false);
    expect(await approvePending()).toBe(2);
    const other = await member.post(`/api/members/${ids.wade}/face/register`, {
      face_images: [lfw('Abdoulaye_Wade', 1)],
    });
    expect(other.statusCode).toBe(403);
    const junk = await member.post(`/api/members/${ids.gul}/face/register`, {
      face_images: [Buffer.from('not an image at all, just text'.repeat(10)).toString('base64')],
    });
    expect(junk.statusCode, junk.body).toBe(400);
  });

  it('lets an officer register a member only with the member’s consent', async () => {
    const body = { face_images: [lfw('Abdoulaye_Wade', 1)] };
    const refused = await officer.post(`/api/members/${ids.wade}/face/register`, body);
    expect(refused.statusCode).toBe(400);
    expect(code(refused)).toBe('consent_required');
    const ok = await officer.post(`/api/members/${ids.wade}/face/register`, { ...body, consent: true });
    expect(data<{ accepted: number }>(ok).accepted).toBe(1);
  });

  it('verifies 1:1 on the server: the same person passes, a different person fails', async () => {
    const started = performance.now();
    const same = await member.post('/api/face/verify', { face_image: lfw('Abdullah_Gul', 3) });
    const verifyMs = performance.now() - started;
    const s = data<{ verified: boolean; score: number; threshold: number }>(same);
    expect(s.verified).toBe(true);
    expect(s.score).toBeGreaterThan(s.threshold);
    const other = await member.post('/api/face/verify', { face_image: lfw('Abdoulaye_Wade', 2) });
    const o = data<{ verified: boolean; score: number; reason: string }>(other);
    expect(o.verified).toBe(false);
    expect(o.reason).toMatch(/does not match/);
    // A member cannot probe someone else's template; a session cannot send a client-side encoding.
    expect(
      (await member.post('/api/face/verify', { member_id: ids.wade, face_image: lfw('Abdoulaye_Wade', 2) }))
        .statusCode,
    ).toBe(403);
    const enc = await member.post('/api/face/verify', {
      face_encoding: new Array(512).fill(0.01),
      model: 'x',
    });
    expect(code(enc)).toBe('encoding_not_trusted');
    console.info(`[mobile] POST /api/face/verify (${dialect}): ${verifyMs.toFixed(0)} ms`);
  });

  it('accepts a face_encoding only from an integration token with the active pack and length', async () => {
    const token = await admin.post('/api/tokens', {
      name: 'Kiosk',
      scopes: ['face:own:register', 'member:face:register'],
    });
    expect(token.statusCode, token.body).toBe(201);
    const secret = token.json<{ token: string }>().token;
    const engine = await t.server.modules.faces.engine.engine();
    const faces = await engine.analyze(await decodeImage(lfwBytes('Abdullah_Gul', 3)));
    const embedding = Array.from(faces[0]!.embedding);
    const call = (body: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/api/face/verify',
        headers: { authorization: `Bearer ${secret}` },
        payload: body as object,
      });
    const good = await call({ member_id: ids.gul, face_encoding: embedding, model: engine.info.pack });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json<{ data: { verified: boolean } }>().data.verified).toBe(true);
    const wrongModel = await call({ member_id: ids.gul, face_encoding: embedding, model: 'other-pack' });
    expect(wrongModel.json<{ error: { code: string } }>().error.code).toBe('encoding_mismatch');
    const wrongLength = await call({
      member_id: ids.gul,
      face_encoding: embedding.slice(0, 100),
      model: engine.info.pack,
    });
    expect(wrongLength.json<{ error: { code: string } }>().error.code).toBe('encoding_mismatch');
  });

  it('checks liveness from a head turn across frames: real frames pass, one repeated still fails', async () => {
    // Register Bush from one photo; the "frames" are other real photos of him at different head turns.
    const reg = await admin.post(`/api/members/${ids.bush}/face/register`, {
      face_images: [lfw('Tony_Blair', 1), lfw('Tony_Blair', 2), lfw('Tony_Blair', 3)],
      consent: true,
    });
    expect(data<{ accepted: number }>(reg).accepted, reg.body).toBeGreaterThan(0);
    const engine = await t.server.modules.faces.engine.engine();
    const yaws: { n: number; yaw: number }[] = [];
    const numbers = fs
      .readdirSync(path.join(shared.dataDir, 'faces', 'Tony_Blair'))
      .map((f) => Number(/_(\d{4})\.jpg$/.exec(f)?.[1]))
      .filter((n) => n > 3);
    for (const n of numbers) {
      const f = await engine.analyze(await decodeImage(lfwBytes('Tony_Blair', n)));
      const main = f.reduce((a, b) => (b.quality.sizePx > a.quality.sizePx ? b : a));
      yaws.push({ n, yaw: main.quality.yawDeg ?? 0 });
    }
    yaws.sort((a, b) => a.yaw - b.yaw);
    const frames = [yaws[0]!, yaws[Math.floor(yaws.length / 2)]!, yaws.at(-1)!].map((y) =>
      lfw('Tony_Blair', y.n),
    );
    const live = await admin.post('/api/face/verify', {
      member_id: ids.bush,
      face_image: frames[1],
      liveness_frames: frames,
    });
    const l = data<{ verified: boolean; liveness: { passed: boolean; yaw_range_deg: number } }>(live);
    expect(l.liveness.passed, JSON.stringify(l)).toBe(true);
    expect(l.verified).toBe(true);
    const still = lfw('Tony_Blair', yaws[0]!.n);
    const spoof = await admin.post('/api/face/verify', {
      member_id: ids.bush,
      face_image: still,
      liveness_frames: [still, still, still, still],
    });
    const s = data<{ verified: boolean; liveness: { passed: boolean; yaw_range_deg: number } }>(spoof);
    expect(s.liveness.passed).toBe(false);
    expect(s.liveness.yaw_range_deg).toBe(0);
    expect(s.verified).toBe(false);
    console.info(
      `[mobile] liveness yaw range real ${l.liveness.yaw_range_deg}° vs still ${s.liveness.yaw_range_deg}°`,
    );
  });

  it('records a member’s own check-in after server verification; another face or organization is refused', async () => {
    const ok = await member.post('/api/attendance/submit', {
      type: 'check_in',
      face_image: lfw('Abdullah_Gul', 4),
    });
    const d = data<{ status: string; attendance_id: string; score: number }>(ok);
    expect(d.status).toBe('recorded');
    const events = await eventsOf(ids.gul!);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'mobile', kind: 'check_in', id: d.attendance_id });
    const stranger = await member.post('/api/attendance/submit', {
      type: 'check_out',
      face_image: lfw('Abdoulaye_Wade', 2),
    });
    expect(data<{ status: string }>(stranger).status).toBe('refused');
    const crossOrg = await member.post('/api/attendance/submit', {
      organization_id: orgB,
      type: 'check_out',
      face_image: lfw('Abdullah_Gul', 4),
    });
    expect(crossOrg.statusCode).toBe(403);
    expect(code(crossOrg)).toBe('wrong_organization');
    expect(await eventsOf(ids.gul!)).toHaveLength(1);
    // An officer account has no member record of its own to submit for.
    expect(
      code(
        await officer.post('/api/attendance/submit', {
          type: 'check_in',
          face_image: lfw('Abdullah_Gul', 4),
        }),
      ),
    ).toBe('no_linked_member');
  });

  it('lets an officer recognize (1:N) and record members, with recorded_by; members may not', async () => {
    const who = data<{ member_id: string; name: string }>(
      await officer.post('/api/face/recognize', { face_image: lfw('Abdoulaye_Wade', 2) }),
    );
    expect(who).toMatchObject({ member_id: ids.wade, name: 'Abdoulaye Wade' });
    const rec = await officer.post('/api/attendance/record', {
      member_id: ids.wade,
      type: 'check_in',
      face_image: lfw('Abdoulaye_Wade', 2),
    });
    expect(data<{ status: string; recorded_by: string }>(rec)).toMatchObject({
      status: 'recorded',
      recorded_by: officerUserId,
    });
    const [event] = await eventsOf(ids.wade!);
    expect(event).toMatchObject({ source: 'officer', recordedBy: officerUserId });
    const wrongFace = await officer.post('/api/attendance/record', {
      member_id: ids.gul,
      type: 'check_out',
      face_image: lfw('Abdoulaye_Wade', 2),
    });
    expect(data<{ status: string }>(wrongFace).status).toBe('refused');
    const bySearch = await officer.post('/api/attendance/record', { member_id: ids.wade, type: 'check_out' });
    expect(data<{ status: string }>(bySearch).status).toBe('recorded');
    expect(
      (await member.post('/api/attendance/record', { member_id: ids.gul, type: 'check_out' })).statusCode,
    ).toBe(403);
    const siteElsewhere = await officer.post('/api/attendance/record', {
      member_id: ids.wade,
      type: 'check_out',
      site_id: orgB,
    });
    expect(siteElsewhere.statusCode).toBe(404);
  });

  it('syncs a signed offline queue once; replayed, tampered, foreign and revoked batches are refused', async () => {
    const dev = await member.post('/api/mobile/devices', { name: 'Gul’s phone', pin: '1234' });
    expect(dev.statusCode, dev.body).toBe(201);
    const { device_id: deviceId, device_key: key } = data<{ device_id: string; device_key: string }>(dev);
    const now = t.clock.nowMs();
    const records: SyncRecordIn[] = [1, 2, 3].map((i) => ({
      client_id: `client-${i}-abcdef`,
      member_id: ids.gul!,
      type: i === 3 ? 'check_out' : 'check_in',
      occurred_at: new Date(now - (10 - i) * 60_000).toISOString(),
      face_image: lfw('Abdullah_Gul', 3 + (i % 2)),
    }));
    const before = (await eventsOf(ids.gul!)).length;
    const batch = signed(deviceId, key, new Date(now).toISOString(), records);

    // Tampered after signing (one record's type changed): refused, nothing stored, logged as failed.
    const tampered = {
      ...batch,
      records: batch.records.map((r, i) => (i === 0 ? { ...r, type: 'check_out' } : r)),
    };
    const bad = await member.post('/api/attendance/sync', tampered);
    expect(bad.statusCode).toBe(403);
    expect(code(bad)).toBe('bad_signature');
    // The same batch sent from another account (the officer's session) is a replay from another device.
    const foreign = await officer.post('/api/attendance/sync', batch);
    expect(code(foreign)).toBe('device_not_yours');
    // Claiming another device with this signature fails the signature.
    const offDev = data<{ device_id: string }>(await officer.post('/api/mobile/devices', { name: 'Desk' }));
    const relabeled = await member.post('/api/attendance/sync', { ...batch, device_id: offDev.device_id });
    expect([403, 404]).toContain(relabeled.statusCode);
    expect((await eventsOf(ids.gul!)).length).toBe(before);

    const started = performance.now();
    const first = await member.post('/api/attendance/sync', batch);
    const syncMs = performance.now() - started;
    const r1 = data<{ synced: number; failed: number; duplicates: number; results: { status: string }[] }>(
      first,
    );
    expect(r1, first.body).toMatchObject({ synced: 3, failed: 0, duplicates: 0 });
    expect((await eventsOf(ids.gul!)).length).toBe(before + 3);
    const again = data<{ synced: number; duplicates: number }>(
      await member.post('/api/attendance/sync', batch),
    );
    expect(again).toMatchObject({ synced: 0, duplicates: 3 });
    expect((await eventsOf(ids.gul!)).length).toBe(before + 3);
    console.info(`[mobile] sync of 3 records (${dialect}): ${syncMs.toFixed(0)} ms`);

    // Clock skew: the device runs two hours behind; detected, flagged, and the record time corrected.
    const skewed = signed(deviceId, key, new Date(now - 2 * 3600_000).toISOString(), [
      {
        client_id: 'client-skew-abcdef',
        member_id: ids.gul!,
        type: 'check_out',
        occurred_at: new Date(now - 2 * 3600_000 - 60_000).toISOString(),
        face_image: lfw('Abdullah_Gul', 3),
      },
    ]);
    const sk = data<{ clock_skew_ms: number; clock_skew_flagged: boolean; synced: number }>(
      await member.post('/api/attendance/sync', skewed),
    );
    expect(sk).toMatchObject({ clock_skew_ms: 2 * 3600_000, clock_skew_flagged: true, synced: 1 });

    // A member removed meanwhile: rejected with a reason, not lost silently (and a member cannot
    // record for someone else).
    await t.server.ctx.db
      .updateTable('employees')
      .set({ status: 'terminated' })
      .where('id', '=', ids.gone!)
      .execute();
    const mixed = signed(deviceId, key, new Date(now).toISOString(), [
      {
        client_id: 'client-gone-abcdef',
        member_id: ids.gone!,
        type: 'check_in',
        occurred_at: new Date(now).toISOString(),
        face_image: lfw('Abdullah_Gul', 3),
      },
      {
        client_id: 'client-nobody-face',
        member_id: ids.gul!,
        type: 'check_in',
        occurred_at: new Date(now).toISOString(),
        face_image: lfw('Abdoulaye_Wade', 1),
      },
    ]);
    const m = data<{ synced: number; failed: number; results: { status: string; reason: string }[] }>(
      await member.post('/api/attendance/sync', mixed),
    );
    expect(m).toMatchObject({ synced: 0, failed: 2 });
    expect(m.results[0]!.reason).toMatch(/removed|own attendance/);
    expect(m.results[1]!.reason).toMatch(/does not match/);

    // Managers see the logs; revoking the device stops its syncs.
    const logs = data<{ status: string; records_synced: number; records_duplicate: number }[]>(
      await admin.get(`/api/mobile/sync-logs?deviceId=${deviceId}`),
    );
    expect(logs.map((l) => l.status).sort()).toEqual(['failed', 'failed', 'ok', 'ok', 'ok']);
    expect(logs.some((l) => l.records_synced === 3)).toBe(true);
    expect(logs.some((l) => l.records_duplicate === 3)).toBe(true);
    expect((await member.get('/api/mobile/sync-logs')).statusCode).toBe(403);
    const devices = data<{ id: string; last_sync_at: string | null }[]>(
      await admin.get('/api/mobile/devices'),
    );
    expect(devices.find((d) => d.id === deviceId)?.last_sync_at).not.toBeNull();
    expect(JSON.stringify(devices)).not.toContain(key);
    expect(
      data<{ revoked_at: string | null }>(await admin.post(`/api/mobile/devices/${deviceId}/revoke`))
        .revoked_at,
    ).not.toBeNull();
    expect(code(await member.post('/api/attendance/sync', batch))).toBe('device_revoked');
  });

  it('serves the organization views of seed 004, for the caller’s own organization only', async () => {
    await t.server.ctx.jobs.drain();
    const day = new Date(t.clock.nowMs()).toISOString().slice(0, 10);
    const att = await admin.get(
      `/api/organizations/${orgA}/attendance?start_date=2026-01-01&end_date=2026-01-31&member_id=${ids.gul}`,
    );
    const days = data<{ member_id: string; date: string; check_in: string | null }[]>(att);
    expect(
      days.some((d) => d.member_id === ids.gul && d.date === day && d.check_in !== null),
      att.body,
    ).toBe(true);
    expect(
      (await admin.get(`/api/organizations/${orgB}/attendance?start_date=2026-01-01&end_date=2026-01-31`))
        .statusCode,
    ).toBe(404);
    const members = data<{ id: string; face_registered: boolean }[]>(
      await officer.get(`/api/organizations/${orgA}/members`),
    );
    expect(members.find((x) => x.id === ids.gul)?.face_registered).toBe(true);
    expect(members.find((x) => x.id === ids.gone)).toBeUndefined();
    const imp = await admin.post(`/api/organizations/${orgA}/members/import`, {
      members: [
        { employee_code: 'EMP100', name: 'Siti Rahma' },
        { employee_code: 'EMP001', name: 'Duplicate code' },
      ],
    });
    expect(data<{ created: number; skipped: number }>(imp)).toMatchObject({ created: 1, skipped: 1 });
    expect(
      (
        await officer.post(`/api/organizations/${orgA}/members/import`, {
          members: [{ employee_code: 'X1', name: 'X' }],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('tells the app who is using it and shows a member their own history', async () => {
    const me = data<{ member_id: string; face_registered: boolean; officer: boolean }>(
      await member.get('/api/mobile/me'),
    );
    expect(me).toMatchObject({ member_id: ids.gul, face_registered: true, officer: false });
    const off = data<{ member_id: string | null; officer: boolean }>(await officer.get('/api/mobile/me'));
    expect(off).toMatchObject({ member_id: null, officer: true });
    await t.server.ctx.jobs.drain();
    const mine = data<{ member_id: string }[]>(
      await member.get('/api/mobile/my-attendance?start_date=2026-01-01&end_date=2026-01-31'),
    );
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((d) => d.member_id === ids.gul)).toBe(true);
    expect(
      code(await officer.get('/api/mobile/my-attendance?start_date=2026-01-01&end_date=2026-01-31')),
    ).toBe('no_linked_member');
  });

  it('replaces the face on update with an audited reason', async () => {
    const res = await member.request('PUT', `/api/members/${ids.gul}/face/update`, {
      face_images: [lfw('Abdullah_Gul', 5)],
      reason: 'New glasses',
    });
    // The member's own update waits for review and keeps the approved face working meanwhile.
    expect(data<{ accepted: number; pending: number; replaced: number }>(res)).toMatchObject({
      accepted: 1,
      pending: 1,
      replaced: 0,
    });
    const again = await member.post('/api/face/verify', { face_image: lfw('Abdullah_Gul', 3) });
    expect(data<{ verified: boolean }>(again).verified).toBe(true);
    // An officer's update, with the member's consent, replaces every older sample at once.
    const byOfficer = await officer.request('PUT', `/api/members/${ids.gul}/face/update`, {
      face_images: [lfw('Abdullah_Gul', 5)],
      reason: 'New glasses',
      consent: true,
    });
    expect(byOfficer.statusCode, byOfficer.body).toBe(200);
    const d = data<{ accepted: number; pending: number; replaced: number }>(byOfficer);
    expect(d).toMatchObject({ accepted: 1, pending: 0, replaced: 3 });
    const left = await t.server.ctx.db
      .selectFrom('faceSamples')
      .select('id')
      .where('employeeId', '=', ids.gul!)
      .execute();
    expect(left).toHaveLength(1);
    const audit = await t.server.ctx.db
      .selectFrom('auditLog')
      .select('summary')
      .where('organizationId', '=', orgA)
      .where('action', '=', 'biometric.updated')
      .execute();
    expect(audit[0]?.summary).toMatch(/New glasses/);
    const noReason = await member.request('PUT', `/api/members/${ids.gul}/face/update`, {
      face_images: [lfw('Abdullah_Gul', 5)],
    });
    expect(noReason.statusCode).toBe(400);
  });
});

const MOBILE_DIST = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../mobile/dist');
const MOBILE_BUILT = fs.existsSync(path.join(MOBILE_DIST, 'index.html'));
if (!MOBILE_BUILT) console.warn(`[skip] /m/ serving test skipped: build apps/mobile first (${MOBILE_DIST})`);

describe.skipIf(!MOBILE_BUILT)('the mobile app is served under /m/ (sqlite)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite', { HADIR_MOBILE_DIR: MOBILE_DIST });
  });
  afterAll(async () => t?.close());

  it('serves the shell, its manifest and service worker, and the shell for client routes', async () => {
    const shell = await t.app.inject({ method: 'GET', url: '/m/' });
    expect(shell.statusCode).toBe(200);
    expect(shell.body).toContain('manifest.webmanifest');
    const deep = await t.app.inject({ method: 'GET', url: '/m/history' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toBe(shell.body);
    const manifest = await t.app.inject({ method: 'GET', url: '/m/manifest.webmanifest' });
    expect(manifest.json<{ scope: string; start_url: string }>()).toMatchObject({
      scope: '/m/',
      start_url: '/m/',
    });
    expect((await t.app.inject({ method: 'GET', url: '/m/sw.js' })).statusCode).toBe(200);
    // The theme script is allowed by its hash, like the web app's.
    const csp = String(shell.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'sha256-/);
    expect((await t.app.inject({ method: 'GET', url: '/m/missing.js' })).statusCode).toBe(404);
  });
});
