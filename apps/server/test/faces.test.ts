import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSharedDir } from '@hadir/testing';
import { decodeImage, encodeJpeg, type FaceEngine } from '@hadir/vision';
import { newId } from '../src/platform/ids/ids.js';
import {
  Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';
import { addEmployee as addEmployeeRow } from './fixtures/employee-row.js';

const shared = findSharedDir();
const MODELS_OK = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
const DATA_OK = fs.existsSync(path.join(shared.dataDir, 'faces'));
const SKIP_REASON = !MODELS_OK
  ? `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`
  : !DATA_OK
    ? `no face data at ${shared.dataDir} (set HADIR_TEST_DATA_DIR)`
    : null;
if (SKIP_REASON) console.warn(`[skip] faces tests skipped: ${SKIP_REASON}`);

const lfw = (name: string, n: number) =>
  fs.readFileSync(path.join(shared.dataDir, 'faces', name, `${name}_${String(n).padStart(4, '0')}.jpg`));
const group = (file: string) => fs.readFileSync(path.join(shared.dataDir, 'groups', file));

type Part =
  { name?: string; fileName: string; type: string; bytes: Buffer } | { name: string; value: string };

/** A multipart/form-data body built by hand, the way a browser sends files. */
function multipart(parts: Part[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----hadir${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ('value' in p) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`,
        ),
      );
      continue;
    }
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name ?? 'photos'}"; filename="${p.fileName}"\r\n` +
          `Content-Type: ${p.type}\r\n\r\n`,
      ),
      p.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

function upload(client: Client, employeeId: string, parts: Part[]) {
  const { body, headers } = multipart(parts);
  return client.request('POST', `/api/employees/${employeeId}/faces`, body, headers);
}

const jpeg = (fileName: string, bytes: Buffer): Part => ({ fileName, type: 'image/jpeg', bytes });

/** A valid JPEG whose header claims 20000×20000 pixels (a decompression bomb costs nothing to send). */
function hugeJpeg(): Buffer {
  const b = Buffer.from(lfw('Abdullah_Gul', 1));
  for (let i = 2; i < b.length - 9; i++) {
    if (b[i] === 0xff && (b[i + 1] === 0xc0 || b[i + 1] === 0xc2)) {
      b.writeUInt16BE(20000, i + 5);
      b.writeUInt16BE(20000, i + 7);
      return b;
    }
  }
  throw new Error('no SOF marker');
}

describe.skipIf(SKIP_REASON !== null).each(await dialects())('faces and recognition (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let engine: FaceEngine;
  const ids: Record<string, string> = {};

  const addEmployee = (code: string, name: string, org = orgId) =>
    addEmployeeRow(t.server, org, { id: newId(), code, name });
  const embeddingOf = async (bytes: Buffer) => {
    const faces = await engine.analyze(await decodeImage(bytes));
    const main = faces.reduce((a, b) => (b.quality.sizePx > a.quality.sizePx ? b : a));
    return main.embedding;
  };

  beforeAll(async () => {
    t = await startTestServer(dialect, { HADIR_MODELS_DIR: shared.modelsDir });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    ids.gul = await addEmployee('EMP001', 'Abdullah Gul');
    ids.wade = await addEmployee('EMP002', 'Abdoulaye Wade');
    ids.own = await addEmployee('EMP003', 'Budi Santoso');
    engine = await t.server.modules.faces.engine.engine();
  });
  afterAll(async () => t?.close());

  it('selects the best available pack, reports it on /readyz and to the UI', async () => {
    const info = (await admin.get('/api/faces/engine')).json<{
      enabled: boolean;
      pack: string;
      reason: string;
    }>();
    expect(info.enabled).toBe(true);
    expect(info.pack).toBe('mobilefacenet');
    expect(info.reason).toMatch(/mobilefacenet/);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    const detail = ready.json<{ checks: { faceEngine: { ok: boolean; detail: { pack: string } } } }>();
    expect(detail.checks.faceEngine).toMatchObject({ ok: true, detail: { pack: 'mobilefacenet' } });
  });

  it('enrols from one photo and matches a different photo of the same person, not another person', async () => {
    const started = performance.now();
    const res = await upload(admin, ids.gul!, [jpeg('gul1.jpg', lfw('Abdullah_Gul', 1))]);
    const enrolMs = performance.now() - started;
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ accepted: number; faceSamples: number; results: { sampleId: string }[] }>();
    expect(body).toMatchObject({ accepted: 1, rejected: 0, faceSamples: 1, pack: 'mobilefacenet' });
    expect(JSON.stringify(body)).not.toMatch(/embedding/);

    const gallery = (await t.server.modules.faces.galleries.galleryFor(orgId))!;
    const same = gallery.match(await embeddingOf(lfw('Abdullah_Gul', 3)));
    expect(same.employeeId).toBe(ids.gul);
    expect(same.cosineSimilarity!).toBeGreaterThan(gallery.threshold);
    const other = gallery.match(await embeddingOf(lfw('Abdoulaye_Wade', 1)));
    expect(other.employeeId).toBeNull();
    expect(other.cosineSimilarity!).toBeLessThan(gallery.threshold);

    // Match cost on the hot path (one enrolled person; the scan is linear in samples).
    const q = await embeddingOf(lfw('Abdullah_Gul', 2));
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) gallery.match(q);
    const matchUs = ((performance.now() - t0) * 1000) / n;
    console.info(
      `[faces] enrol one photo: ${enrolMs.toFixed(0)} ms (HTTP, models warm); match: ${matchUs.toFixed(2)} µs`,
    );

    const list = (await admin.get(`/api/employees/${ids.gul}/faces`)).json<{
      items: { id: string; hasCrop: boolean; source: string; activePack: boolean }[];
    }>();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ hasCrop: true, source: 'upload', activePack: true });
    const thumb = await admin.get(`/api/employees/${ids.gul}/faces/${list.items[0]!.id}/thumbnail`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect((await decodeImage(thumb.rawPayload)).width).toBe(112);
  });

  it('rejects a group photo and a photo with no face, per photo, with a reason', async () => {
    const started = performance.now();
    const res = await upload(admin, ids.wade!, [
      jpeg('group.jpg', group('000_5.jpg')),
      jpeg('landscape.jpg', group('017_0.jpg')),
      jpeg('wade1.jpg', lfw('Abdoulaye_Wade', 1)),
    ]);
    console.info(`[faces] enrol three photos: ${(performance.now() - started).toFixed(0)} ms`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      accepted: number;
      rejected: number;
      results: { code: string | null; message: string }[];
    }>();
    expect(body.accepted).toBe(1);
    expect(body.rejected).toBe(2);
    expect(body.results.map((r) => r.code)).toEqual(['several_faces', 'no_face', null]);
    expect(body.results[0]!.message).toMatch(/faces/);
  });

  it('offers the faces of a group photo; the chosen face (faceBox) is enrolled with a 0–100 quality', async () => {
    const id = await addEmployee('EMP010', 'Group Pick');
    const offer = await upload(admin, id, [jpeg('group.jpg', group('000_5.jpg'))]);
    expect(offer.statusCode, offer.body).toBe(200);
    type Choice = {
      box: { x: number; y: number; width: number; height: number };
      rejectedFor: string | null;
    };
    const r = offer.json<{
      accepted: number;
      results: { code: string; faces: Choice[]; imageSize: { width: number; height: number } }[];
    }>();
    expect(r.accepted).toBe(0);
    expect(r.results[0]).toMatchObject({ code: 'several_faces', imageSize: { width: 819, height: 546 } });
    const faces = r.results[0]!.faces;
    expect(faces).toHaveLength(5);
    const chosen = faces.find((f) => f.rejectedFor === null)!;
    const box = [chosen.box.x, chosen.box.y, chosen.box.width, chosen.box.height].join(',');
    const res = await upload(admin, id, [
      { name: 'faceBox', value: box },
      jpeg('group.jpg', group('000_5.jpg')),
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, faceSamples: 1 });
    // The stored sample is that face: it matches the face at that place, not the photo's largest.
    const gallery = (await t.server.modules.faces.galleries.galleryFor(orgId))!;
    const all = await engine.analyze(await decodeImage(group('000_5.jpg')));
    const at = all.find((f) => Math.abs(f.box.x - chosen.box.x) < 2 && Math.abs(f.box.y - chosen.box.y) < 2)!;
    expect(gallery.match(at.embedding)).toMatchObject({ employeeId: id });
    const list = (await admin.get(`/api/employees/${id}/faces`)).json<{
      items: { quality: number; qualityDetail: Record<string, number> }[];
    }>();
    const detail = list.items[0]!.qualityDetail;
    expect(detail.score).toBe(Math.round(list.items[0]!.quality * 100));
    for (const k of ['score', 'size', 'blur', 'pose', 'brightness']) {
      expect(detail[k]).toBeGreaterThanOrEqual(0);
      expect(detail[k]).toBeLessThanOrEqual(100);
    }
    // A box with no face there, a malformed box, a box with several photos: refused, nothing stored.
    const nowhere = await upload(admin, id, [
      { name: 'faceBox', value: '0,0,5,5' },
      jpeg('group.jpg', group('000_5.jpg')),
    ]);
    expect(nowhere.json()).toMatchObject({ accepted: 0, results: [{ code: 'no_face' }] });
    const bad = await upload(admin, id, [
      { name: 'faceBox', value: 'left' },
      jpeg('g.jpg', group('000_5.jpg')),
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_face_box' } });
    const two = await upload(admin, id, [
      { name: 'faceBox', value: box },
      jpeg('a.jpg', group('000_5.jpg')),
      jpeg('b.jpg', group('000_5.jpg')),
    ]);
    expect(two.statusCode).toBe(400);
    expect((await admin.get(`/api/employees/${id}/faces`)).json()).toMatchObject({ items: [{}] });
  });

  it('accepts a face cropped from CCTV footage (about 45 px, soft), as the live path recognizes it', async () => {
    const id = await addEmployee('EMP011', 'Corridor Walker');
    const gif = path.join(shared.dataDir, 'videos', 'face-demographics-walking-and-pause.gif');
    const still = (vf: string[]) =>
      spawnSync(
        'ffmpeg',
        [
          '-v',
          'error',
          '-ss',
          '1',
          '-i',
          gif,
          '-frames:v',
          '1',
          ...vf,
          '-f',
          'image2pipe',
          '-c:v',
          'mjpeg',
          '-q:v',
          '3',
          'pipe:1',
        ],
        {
          maxBuffer: 32 * 1024 * 1024,
        },
      ).stdout;
    const frame = await decodeImage(still([]));
    const faces = (await engine.detect(frame)).filter((f) => f.quality.sizePx >= 32 && f.quality.sizePx < 48);
    expect(faces.length).toBeGreaterThan(0);
    const f = faces[0]!.box;
    const side = Math.round(Math.max(f.width, f.height) * 2.2);
    const x = Math.max(0, Math.round(f.x + f.width / 2 - side / 2));
    const y = Math.max(0, Math.round(f.y + f.height / 2 - side / 2));
    const crop = still([
      '-vf',
      `crop=${Math.min(side, frame.width - x)}:${Math.min(side, frame.height - y)}:${x}:${y}`,
    ]);
    const res = await upload(admin, id, [jpeg('cctv-crop.jpg', crop)]);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      accepted: number;
      results: { message: string; qualityDetail: { score: number } }[];
    }>();
    expect(body.accepted, body.results[0]!.message).toBe(1);
    expect(body.results[0]!.qualityDetail.score).toBeGreaterThan(40);
    expect(body.results[0]!.qualityDetail.score).toBeLessThan(90);
  });

  it('refuses hostile uploads with a clear 400/413 and keeps serving', async () => {
    const cases: [string, Part[], number, string][] = [
      ['zero bytes', [jpeg('empty.jpg', Buffer.alloc(0))], 400, 'image_empty'],
      [
        'not an image',
        [{ fileName: 'notes.txt', type: 'text/plain', bytes: Buffer.from('hello, not a face') }],
        400,
        'image_unsupported',
      ],
      ['truncated', [jpeg('cut.jpg', lfw('Abdullah_Gul', 2).subarray(0, 4000))], 400, 'image_corrupt'],
      [
        'garbage after a JPEG header',
        [jpeg('bad.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]))],
        400,
        '',
      ],
      ['20000×20000 header', [jpeg('bomb.jpg', hugeJpeg())], 413, 'payload_too_large'],
      ['16 MiB file', [jpeg('big.jpg', Buffer.alloc(16 * 1024 * 1024, 1))], 413, 'payload_too_large'],
    ];
    for (const [what, parts, status, code] of cases) {
      const res = await upload(admin, ids.own!, parts);
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      const err = res.json<{ error: { code: string; message: string } }>().error;
      if (code) expect(err.code, what).toBe(code);
      expect(err.message.length, what).toBeGreaterThan(10);
    }
    const notMultipart = await admin.post(`/api/employees/${ids.own}/faces`, { photo: 'x' });
    expect(notMultipart.statusCode).toBe(415);
    const none = upload(admin, ids.own!, []);
    expect((await none).statusCode).toBe(400);
    // Nothing was stored, and the server still answers.
    expect((await admin.get(`/api/employees/${ids.own}/faces`)).json<{ items: unknown[] }>().items).toEqual(
      [],
    );
    expect((await admin.get('/api/faces/engine')).statusCode).toBe(200);
  });

  it('lets a member enrol only their own linked employee', async () => {
    const email = 'budi@maju.test';
    const added = await admin.post('/api/users', {
      name: 'Budi',
      email,
      password: 'role-password-123',
      role: 'member',
      employeeId: ids.own,
    });
    expect(added.statusCode, added.body).toBe(201);
    const member = new Client(t.app);
    await member.login(email, 'role-password-123');
    // Their own face (nobody else's): stored, but pending a reviewer (face-enrolment-review.test.ts).
    const own = await upload(member, ids.own!, [jpeg('me.jpg', lfw('Adrien_Brody', 1))]);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ accepted: 1, pending: 1 });
    expect((await upload(member, ids.wade!, [jpeg('x.jpg', lfw('Abdullah_Gul', 4))])).statusCode).toBe(403);
    expect((await member.get(`/api/employees/${ids.wade}/faces`)).statusCode).toBe(403);
    expect((await member.get('/api/unknown-faces/groups')).statusCode).toBe(403);
    // Clean up the look-alike sample so later matches stay unambiguous.
    expect((await member.delete(`/api/employees/${ids.own}/faces`)).statusCode).toBe(200);
  });

  it('keeps another organization out (404), even with a valid employee id', async () => {
    const created = await admin.post('/api/organizations', { name: 'PT Lain' });
    expect(created.statusCode, created.body).toBe(201);
    const orgB = created.json<{ id: string }>().id;
    const other = new Client(t.app);
    await other.login('ani@maju.test', 'correct-horse-battery');
    expect((await other.post('/api/auth/organization', { organizationId: orgB })).statusCode).toBe(200);
    const sampleId = (await admin.get(`/api/employees/${ids.gul}/faces`)).json<{ items: { id: string }[] }>()
      .items[0]!.id;
    expect((await other.get(`/api/employees/${ids.gul}/faces`)).statusCode).toBe(404);
    expect((await other.get(`/api/employees/${ids.gul}/faces/${sampleId}/thumbnail`)).statusCode).toBe(404);
    expect((await upload(other, ids.gul!, [jpeg('x.jpg', lfw('Abdullah_Gul', 5))])).statusCode).toBe(404);
    expect((await other.delete(`/api/employees/${ids.gul}/faces`)).statusCode).toBe(404);
    expect((await other.delete(`/api/employees/${ids.gul}/faces/${sampleId}`)).statusCode).toBe(404);
    // Org B's gallery is empty: org A's faces are not recognised there.
    const m = await t.server.modules.faces.galleries.match(orgB, await embeddingOf(lfw('Abdullah_Gul', 3)));
    expect(m.employeeId).toBeNull();
  });

  it('groups unknown faces by likeness and turns an assigned group into samples', async () => {
    const unknown = t.server.modules.faces.unknownFaces;
    const faceJpeg = lfw('Aaron_Sorkin', 1);
    const seen = t.clock.nowMs();
    const a = await unknown.record(orgId, {
      cameraId: 'gudang-a',
      seenAtMs: seen,
      embedding: await embeddingOf(lfw('Aaron_Sorkin', 1)),
      quality: 0.9,
      faceJpeg,
    });
    const b = await unknown.record(orgId, {
      cameraId: 'gudang-b',
      seenAtMs: seen + 60_000,
      embedding: await embeddingOf(lfw('Aaron_Sorkin', 2)),
      quality: 0.8,
      faceJpeg,
    });
    const c = await unknown.record(orgId, {
      cameraId: 'gudang-a',
      seenAtMs: seen + 120_000,
      embedding: await embeddingOf(lfw('Abdoulaye_Wade', 2)),
      quality: 0.7,
      faceJpeg,
    });
    expect(b.clusterId).toBe(a.clusterId);
    expect(c.clusterId).not.toBe(a.clusterId);

    const groups = (await admin.get('/api/unknown-faces/groups')).json<{
      items: { clusterId: string; count: number; cameraIds: string[]; snapshotIds: string[] }[];
    }>().items;
    expect(groups).toHaveLength(2);
    const sorkin = groups.find((g) => g.clusterId === a.clusterId)!;
    expect(sorkin).toMatchObject({ count: 2, cameraIds: ['gudang-a', 'gudang-b'] });
    expect((await admin.get(`/api/snapshots/${sorkin.snapshotIds[0]}/face.jpg`)).statusCode).toBe(200);

    const officer = await userWithRole(t.app, admin, 'officer');
    const assigned = await officer.post(`/api/unknown-faces/groups/${a.clusterId}/assign`, {
      employeeId: ids.own,
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toMatchObject({ samplesAdded: 2, faceSamples: 2 });
    const m = await t.server.modules.faces.galleries.match(orgId, await embeddingOf(lfw('Aaron_Sorkin', 2)));
    expect(m.employeeId).toBe(ids.own);
    expect((await officer.post(`/api/unknown-faces/groups/${c.clusterId}/dismiss`)).statusCode).toBe(200);
    expect((await admin.get('/api/unknown-faces/groups')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await officer.post(`/api/unknown-faces/groups/${c.clusterId}/dismiss`)).statusCode).toBe(404);
  });

  it('erases all biometric data of a person: samples, unknown faces, snapshots and files', async () => {
    const snap = await t.server.modules.faces.snapshots.save(orgId, {
      kind: 'presence',
      cameraId: 'gudang-a',
      employeeId: ids.own,
      faceJpeg: lfw('Aaron_Sorkin', 1),
      frameJpeg: lfw('Aaron_Sorkin', 2),
    });
    const files = () =>
      fs.readdirSync(path.join(t.dataDir, 'snapshots', orgId), { recursive: true }).map(String);
    expect(files().some((f) => f.includes(snap.id))).toBe(true);

    const res = await admin.delete(`/api/employees/${ids.own}/faces`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ samplesDeleted: 2, unknownFacesDeleted: 2, snapshotsDeleted: 3 });
    expect(files().some((f) => f.includes(snap.id))).toBe(false);
    const db = t.server.ctx.db;
    expect(
      await db.selectFrom('faceSamples').select('id').where('employeeId', '=', ids.own!).execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('unknownFaces').select('id').where('assignedEmployeeId', '=', ids.own!).execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('snapshots').select('id').where('employeeId', '=', ids.own!).execute(),
    ).toEqual([]);
    expect((await admin.get(`/api/snapshots/${snap.id}/face.jpg`)).statusCode).toBe(404);
    const m = await t.server.modules.faces.galleries.match(orgId, await embeddingOf(lfw('Aaron_Sorkin', 2)));
    expect(m.employeeId).toBeNull();

    const audit = await db
      .selectFrom('auditLog')
      .select(['action', 'changes'])
      .where('organizationId', '=', orgId)
      .where('action', 'like', 'biometric.%')
      .execute();
    expect(new Set(audit.map((a) => a.action))).toEqual(
      new Set([
        'biometric.enrolled',
        'biometric.erased',
        'biometric.unknown_group_assigned',
        'biometric.unknown_group_dismissed',
      ]),
    );
    expect(JSON.stringify(audit)).not.toMatch(/embedding/i);
  });

  it('deletes one sample and updates the gallery', async () => {
    const list = (await admin.get(`/api/employees/${ids.wade}/faces`)).json<{ items: { id: string }[] }>();
    expect(list.items).toHaveLength(1);
    const before = await t.server.modules.faces.galleries.match(
      orgId,
      await embeddingOf(lfw('Abdoulaye_Wade', 3)),
    );
    expect(before.employeeId).toBe(ids.wade);
    expect((await admin.delete(`/api/employees/${ids.wade}/faces/${list.items[0]!.id}`)).statusCode).toBe(
      200,
    );
    expect((await admin.delete(`/api/employees/${ids.wade}/faces/${list.items[0]!.id}`)).statusCode).toBe(
      404,
    );
    const after = await t.server.modules.faces.galleries.match(
      orgId,
      await embeddingOf(lfw('Abdoulaye_Wade', 3)),
    );
    expect(after.employeeId).toBeNull();
  });

  it('after a pack change, re-embeds kept crops and reports who must enrol again', async () => {
    const db = t.server.ctx.db;
    // Pretend Gul's sample came from another pack, and add a crop-less old sample for Wade.
    await db
      .updateTable('faceSamples')
      .set({ pack: 'old_pack' })
      .where('employeeId', '=', ids.gul!)
      .execute();
    await db
      .insertInto('faceSamples')
      .values({
        id: newId(),
        organizationId: orgId,
        employeeId: ids.wade!,
        pack: 'old_pack',
        embedding: Buffer.alloc(512 * 4, 0),
        quality: 0.9,
        alignedCrop: null,
        source: 'upload',
        createdAt: t.clock.nowMs(),
      })
      .execute();
    const status = (await admin.get('/api/faces/status')).json<{
      needsReenrolment: number;
      items: {
        employeeId: string;
        samplesActivePack: number;
        reembeddableSamples: number;
        needsReenrolment: boolean;
      }[];
    }>();
    const byId = new Map(status.items.map((i) => [i.employeeId, i]));
    expect(byId.get(ids.gul!)).toMatchObject({
      samplesActivePack: 0,
      reembeddableSamples: 1,
      needsReenrolment: false,
    });
    expect(byId.get(ids.wade!)).toMatchObject({ samplesActivePack: 0, needsReenrolment: true });

    const officer = await userWithRole(t.app, admin, 'officer');
    expect((await officer.post('/api/faces/reembed')).statusCode).toBe(403);
    const res = await admin.post('/api/faces/reembed');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({
      samplesToReembed: 1,
      employeesToReembed: 1,
      employeesNeedingReenrolment: 1,
    });
    await t.server.ctx.jobs.drain();
    const after = (await admin.get(`/api/employees/${ids.gul}/faces`)).json<{ items: { pack: string }[] }>();
    expect(after.items.map((i) => i.pack)).toEqual(['mobilefacenet']);
    const m = await t.server.modules.faces.galleries.match(orgId, await embeddingOf(lfw('Abdullah_Gul', 3)));
    expect(m.employeeId).toBe(ids.gul);
  });
});

describe.each(await dialects())('faces without a usable model pack (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let modelsDir: string;
  beforeAll(async () => {
    // A broken user manifest makes pack selection fail: the server must still start and say why.
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-models-'));
    fs.writeFileSync(path.join(modelsDir, 'broken.pack.json'), '{ not json');
    t = await startTestServer(dialect, { HADIR_MODELS_DIR: modelsDir });
    ({ client: admin } = await setupOrganization(t.app));
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  it('stays ready, says recognition is disabled and why, and refuses enrolment with 503', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    const check = ready.json<{
      checks: { faceEngine: { ok: boolean; detail: { enabled: boolean; reason: string } } };
    }>().checks.faceEngine;
    expect(check.ok).toBe(true);
    expect(check.detail.enabled).toBe(false);
    expect(check.detail.reason).toMatch(/Recognition disabled.*broken\.pack\.json/);
    expect((await admin.get('/api/faces/engine')).json()).toMatchObject({
      enabled: false,
      state: 'disabled',
    });

    const employeeId = newId();
    const orgId = (await admin.get('/api/organization')).json<{ id: string }>().id;
    await addEmployeeRow(t.server, orgId, { id: employeeId, code: 'EMP001', name: 'Budi' });
    // A non-image is still a 400 (checked before models are needed); a real photo gets 503 with the reason.
    const bad = await upload(admin, employeeId, [jpeg('x.jpg', Buffer.from('nope'))]);
    expect(bad.statusCode).toBe(400);
    const photo = Buffer.from(
      await encodeJpeg({ data: new Uint8Array(64 * 64 * 3).fill(128), width: 64, height: 64 }),
    );
    const res = await upload(admin, employeeId, [jpeg('grey.jpg', photo)]);
    expect(res.statusCode).toBe(503);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('recognition_disabled');
    expect(
      (await t.server.modules.faces.galleries.match(orgId, new Float32Array(128).fill(1))).employeeId,
    ).toBeNull();
  });
});
