// A model activated for live cameras is what the camera pipeline and the browser camera match with,
// on real face models and real LFW photos, on SQLite and PostgreSQL; scoped to its organization.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebcamResult } from '@hadir/contracts';
import { findSharedDir } from '@hadir/testing';
import { decodeImage, encodeJpeg, type FaceEngine } from '@hadir/vision';
import { newId } from '../src/platform/ids/ids.js';
import { addEmployee } from './fixtures/employee-row.js';
import {
  Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

const shared = findSharedDir();
const READY =
  fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx')) &&
  fs.existsSync(path.join(shared.dataDir, 'faces', 'Abdullah_Gul'));
if (!READY)
  console.warn(
    `live model tests skipped: need the buffalo_sc face models in ${shared.modelsDir} and LFW faces in ${shared.dataDir}/faces (HADIR_TEST_MODELS_DIR / HADIR_TEST_DATA_DIR)`,
  );
const lfw = (name: string, n: number) =>
  fs.readFileSync(path.join(shared.dataDir, 'faces', name, `${name}_${String(n).padStart(4, '0')}.jpg`));

type Answer = WebcamResult | { type: 'webcam.error'; code: string; message: string };

/** Opens the webcam socket with a session cookie; `ask` sends a frame and waits for its answer. */
async function webcam(url: string, cookie: string) {
  const socket = new WebSocket(url, { headers: { cookie } });
  const answers: Answer[] = [];
  let waiting: ((a: Answer) => void) | null = null;
  socket.on('message', (data: Buffer) => {
    const a = JSON.parse(data.toString('utf8')) as Answer;
    answers.push(a);
    waiting?.(a);
    waiting = null;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const ask = (data: Buffer | string) =>
    new Promise<Answer>((resolve) => {
      waiting = resolve;
      socket.send(data);
    });
  return { socket, ask, answers };
}

/** The upgrade's HTTP status when the socket is refused (0 when it opened). */
function refusal(url: string, cookie: string): Promise<number> {
  return new Promise((resolve) => {
    const s = new WebSocket(url, { headers: { cookie } });
    s.once('open', () => {
      s.close();
      resolve(0);
    });
    s.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? -1));
    s.once('error', () => resolve(-1));
  });
}

describe.skipIf(!READY).each(await dialects())('live recognition with a trained model (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let engine: FaceEngine;
  let wsUrl = '';
  let modelId = '';
  let gulId = '';
  let bob: Client | null = null;
  const personIds: string[] = [];
  const open: WebSocket[] = [];
  let videoIdForCrops = '';

  const embed = async (bytes: Buffer) => {
    const faces = await engine.analyze(await decodeImage(bytes));
    return faces.reduce((a, b) => (b.quality.sizePx > a.quality.sizePx ? b : a)).embedding;
  };

  beforeAll(async () => {
    t = await startTestServer(dialect, { HADIR_MODELS_DIR: shared.modelsDir });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    engine = await t.server.modules.faces.engine.engine();
    const pack = (await t.server.modules.faces.engine.activePack())!;
    const db = t.server.ctx.db;
    const now = t.server.ctx.clock.nowMs();
    // Abdullah Gul is an employee with no enrolment samples: only the model can know him. His video
    // person is linked to him; Abdoulaye Wade's person is linked to nobody.
    gulId = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Abdullah Gul' });
    const persons = [
      { id: newId(now), code: 1, name: 'Pak Gul', employeeId: gulId },
      { id: newId(now), code: 2, name: 'Pak Wade', employeeId: null },
    ];
    personIds.push(...persons.map((p) => p.id));
    for (const p of persons)
      await db
        .insertInto('videoPersons')
        .values({
          ...p,
          organizationId: orgId,
          ignored: 0,
          pack,
          embedding: null,
          thumbnailFile: null,
          createdAt: now,
        })
        .execute();
    // A nearest-centroid head on two real faces (the baseline method: weights are the class centroids).
    const centroids = [
      Array.from(await embed(lfw('Abdullah_Gul', 1))),
      Array.from(await embed(lfw('Abdoulaye_Wade', 1))),
    ];
    modelId = newId(now);
    await db
      .insertInto('datasetModels')
      .values({
        id: modelId,
        organizationId: orgId,
        number: 1,
        versionId: null,
        datasetHash: 'test',
        method: 'centroid',
        params: JSON.stringify({}),
        status: 'ready',
        progress: '[]',
        error: null,
        classes: JSON.stringify(
          persons.map((p, index) => ({ index, personId: p.id, code: `PERSON-000${p.code}`, name: p.name })),
        ),
        pack,
        metrics: null,
        threshold: 0.35,
        weights: JSON.stringify({ centroids, layers: [] }),
        activeLibrary: 0,
        activeLive: 0,
        imported: 0,
        createdBy: null,
        createdAt: now,
        finishedAt: now,
      })
      .execute();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${address.replace(/^http/, 'ws')}/api/webcam/ws`;
  }, 120_000);
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });

  it('the camera pipeline matches with the live model once it is activated, and stops when it is not', async () => {
    const pipeline = t.server.modules.pipeline;
    const gul2 = await embed(lfw('Abdullah_Gul', 2));
    const wade2 = await embed(lfw('Abdoulaye_Wade', 2));
    // Before: enrolment only, and nobody is enrolled.
    expect((await pipeline.galleryFor(orgId))!.match(gul2).employeeId).toBeNull();
    const on = await admin.post(`/api/dataset-models/${modelId}/activate`, { live: true });
    expect(on.statusCode, on.body).toBe(200);
    const g = (await pipeline.galleryFor(orgId))!;
    const m = g.match(gul2);
    expect(m.employeeId).toBe(gulId);
    expect(m.cosineSimilarity).toBeGreaterThanOrEqual(0.35);
    // A class whose person is linked to no employee names nobody on a camera (presence is per employee).
    expect(g.match(wade2).employeeId).toBeNull();
    // A camera's own stricter threshold still wins.
    expect(g.match(gul2, 0.99).employeeId).toBeNull();
    expect((await admin.post(`/api/dataset-models/${modelId}/activate`, { live: false })).statusCode).toBe(
      200,
    );
    expect((await pipeline.galleryFor(orgId))!.match(gul2).employeeId).toBeNull();
  }, 60_000);

  it('the browser camera gets names and boxes back over its socket, one frame at a time', async () => {
    await admin.post(`/api/dataset-models/${modelId}/activate`, { live: true });
    const cam = await webcam(wsUrl, admin.cookie);
    open.push(cam.socket);
    const a = await cam.ask(lfw('Abdullah_Gul', 3));
    expect(a.type, JSON.stringify(a)).toBe('webcam.result');
    const r = a as WebcamResult;
    expect(r.model).toEqual({ number: 1, threshold: 0.35 });
    expect([r.width, r.height]).toEqual([250, 250]);
    const main = r.faces.reduce((x, y) => (y.box.width > x.box.width ? y : x));
    expect(main).toMatchObject({ name: 'Abdullah Gul', code: 'PERSON-0001', employeeId: gulId, by: 'model' });
    expect(main.box.x).toBeGreaterThan(0);
    expect(main.box.x + main.box.width).toBeLessThanOrEqual(250);
    // The unlinked class is named by its person; a stranger is refused.
    const w = (await cam.ask(lfw('Abdoulaye_Wade', 3))) as WebcamResult;
    expect(w.faces.some((f) => f.name === 'Pak Wade' && f.employeeId === null && f.by === 'model')).toBe(
      true,
    );
    const s = (await cam.ask(lfw('Aaron_Sorkin', 1))) as WebcamResult;
    expect(s.faces.length).toBeGreaterThan(0);
    expect(s.faces.every((f) => f.by === 'none' && f.name === null)).toBe(true);
    // Bad input gets a clear error and the socket stays usable.
    expect(await cam.ask('hello')).toMatchObject({ type: 'webcam.error', code: 'binary_expected' });
    expect(await cam.ask(Buffer.from('not a jpeg'))).toMatchObject({ type: 'webcam.error' });
    expect((await cam.ask(lfw('Abdullah_Gul', 3))).type).toBe('webcam.result');
  }, 60_000);

  it('exports the head as an ONNX graph that onnxruntime runs to the same answer', async () => {
    const res = await admin.get(`/api/dataset-models/${modelId}/export.onnx`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    const session = await ort.InferenceSession.create(new Uint8Array(res.rawPayload));
    const e = await embed(lfw('Abdullah_Gul', 2));
    const out = await session.run({
      embedding: new ort.Tensor('float32', Float32Array.from(e), [1, e.length]),
    });
    const sim = [...(out.centroid_similarity!.data as Float32Array)];
    expect(sim).toHaveLength(2);
    expect(sim[0]!).toBeGreaterThan(sim[1]!);
    expect(sim[0]!).toBeGreaterThanOrEqual(0.35);
    const officer = await userWithRole(t.app, admin, 'support');
    expect((await officer.get(`/api/dataset-models/${modelId}/export.onnx`)).statusCode).toBe(403);
  }, 60_000);

  it('is refused without the library permission, and another organization never sees the model', async () => {
    const officer = await userWithRole(t.app, admin, 'officer');
    expect(await refusal(wsUrl, officer.cookie)).toBe(403);
    expect(await refusal(wsUrl, '')).toBe(401);

    // An admin of another organization: the model id is unknown there, and its camera names nobody.
    const email = 'bob@bravo.test';
    const added = await admin.post('/api/users', {
      name: 'Bob',
      email,
      password: 'zeta-password-123',
      role: 'member',
    });
    const bobUserId = added.json<{ userId: string }>().userId;
    await admin.request('PUT', `/api/users/${bobUserId}/operator`, { operator: true });
    bob = new Client(t.app);
    await bob.login(email, 'zeta-password-123');
    const orgB = (await bob.post('/api/organizations', { name: 'PT Zeta' })).json<{ id: string }>().id;
    expect((await bob.post('/api/auth/organization', { organizationId: orgB })).statusCode).toBe(200);
    expect((await bob.post(`/api/dataset-models/${modelId}/activate`, { live: false })).statusCode).toBe(404);
    const cam = await webcam(wsUrl, bob.cookie);
    open.push(cam.socket);
    const r = (await cam.ask(lfw('Abdullah_Gul', 3))) as WebcamResult;
    expect(r.type).toBe('webcam.result');
    expect(r.model).toBeNull();
    expect(r.faces.every((f) => f.name === null && f.employeeId === null)).toBe(true);
    expect(
      (await t.server.modules.pipeline.galleryFor(orgB))?.match(await embed(lfw('Abdullah_Gul', 2)))
        .employeeId ?? null,
    ).toBeNull();
  }, 60_000);

  it("enrols a linked person's reviewed crops through the normal enrolment path, once", async () => {
    const [gulPerson, wadePerson] = personIds as [string, string];
    const enrol = (c: Client, id: string) => c.post(`/api/video-persons/${id}/enrol`, {});
    expect((await enrol(admin, wadePerson)).json<{ error: { code: string } }>().error.code).toBe(
      'person_not_linked',
    );
    const none = await enrol(admin, gulPerson);
    expect([none.statusCode, none.json<{ error: { code: string } }>().error.code]).toEqual([409, 'no_crops']);
    // Two crops of the person, as the extraction job leaves them (row + 128×128 JPEG under the data dir).
    const pack = (await t.server.modules.faces.engine.activePack())!;
    const now = t.server.ctx.clock.nowMs();
    const videoId = newId(now);
    await t.server.ctx.db
      .insertInto('videos')
      .values({
        id: videoId,
        organizationId: orgId,
        collectionId: null,
        title: 'desk',
        originalName: 'desk.mp4',
        dir: `videos/${orgId}/${videoId}`,
        originalFile: `videos/${orgId}/${videoId}/original.mp4`,
        playableFile: null,
        status: 'ready',
        stage: 'done',
        progress: 1,
        error: null,
        sizeBytes: 1,
        durationSec: 1,
        width: 250,
        height: 250,
        fps: 1,
        videoCodec: 'h264',
        browserPlayable: 1,
        framesAnalyzed: 1,
        createdBy: null,
        createdAt: now,
        updatedAt: now,
        processedAt: now,
      })
      .execute();
    const { embeddingToBytes } = await import('../src/modules/faces/index.js');
    for (const n of [4, 5]) {
      const rel = `datasets/${orgId}/faces/PERSON-0001/face_000${n}_frame_000${n}.jpg`;
      fs.mkdirSync(path.dirname(path.join(t.dataDir, rel)), { recursive: true });
      fs.writeFileSync(path.join(t.dataDir, rel), lfw('Abdullah_Gul', n));
      await t.server.ctx.db
        .insertInto('datasetFaces')
        .values({
          id: newId(now),
          organizationId: orgId,
          personId: gulPerson,
          videoId,
          seq: n,
          frame: n,
          timeSec: n,
          quality: 0.5 + n / 100,
          detScore: 0.9,
          file: rel,
          contextFile: rel,
          contextBox: '[0,0,1,1]',
          pack,
          embedding: embeddingToBytes(await embed(lfw('Abdullah_Gul', n))),
          createdAt: now,
        })
        .execute();
    }
    // Another organization and a role without the library's manage right are refused.
    expect((await enrol(bob!, gulPerson)).statusCode).toBe(404);
    const support = await userWithRole(t.app, admin, 'support');
    expect((await enrol(support, gulPerson)).statusCode).toBe(403);

    const sent = await enrol(admin, gulPerson);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toEqual({
      employeeId: gulId,
      accepted: 2,
      pending: 0,
      rejected: 0,
      rejectedFor: [],
      skipped: 0,
    });
    // The enrolment path measured each crop (quality factors) and kept its aligned crop; an admin may
    // register faces, so the samples are approved and the enrolment gallery now knows him.
    const samples = await t.server.ctx.db
      .selectFrom('faceSamples')
      .select(['source', 'status', 'qualityFactors', 'alignedCrop'])
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', gulId)
      .execute();
    expect(
      samples.map((x) => [x.source, x.status, x.qualityFactors !== null, x.alignedCrop !== null]),
    ).toEqual([
      ['video', 'approved', true, true],
      ['video', 'approved', true, true],
    ]);
    const probe = await embed(lfw('Abdullah_Gul', 6));
    expect((await t.server.modules.faces.galleries.galleryFor(orgId))!.match(probe).employeeId).toBe(gulId);
    // Sending again sends nothing new.
    expect((await enrol(admin, gulPerson)).json()).toMatchObject({ accepted: 0, skipped: 2 });
    videoIdForCrops = videoId;
  }, 60_000);

  it('creates an employee from a person: crops through the quality gate, a face of another employee is a warning', async () => {
    const wadePerson = personIds[1]!;
    const pack = (await t.server.modules.faces.engine.activePack())!;
    const now = t.server.ctx.clock.nowMs();
    const { embeddingToBytes } = await import('../src/modules/faces/index.js');
    // Wade's person holds a crop of Gul (a tracking mistake the duplicate check catches) and a crop
    // with no face at all (the quality gate refuses it).
    const grey = await encodeJpeg({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(128) });
    const crops: [string, Uint8Array, number][] = [
      ['face_0001_frame_0001.jpg', lfw('Abdullah_Gul', 7), 0.9],
      ['face_0002_frame_0002.jpg', grey, 0.1],
    ];
    for (const [i, [name, bytes, quality]] of crops.entries()) {
      const rel = `datasets/${orgId}/faces/PERSON-0002/${name}`;
      fs.mkdirSync(path.dirname(path.join(t.dataDir, rel)), { recursive: true });
      fs.writeFileSync(path.join(t.dataDir, rel), bytes);
      await t.server.ctx.db
        .insertInto('datasetFaces')
        .values({
          id: newId(now),
          organizationId: orgId,
          personId: wadePerson,
          videoId: videoIdForCrops,
          seq: i + 1,
          frame: i + 1,
          timeSec: i + 1,
          quality,
          detScore: 0.9,
          file: rel,
          contextFile: rel,
          contextBox: '[0,0,1,1]',
          pack,
          embedding: embeddingToBytes(await embed(lfw('Abdullah_Gul', 7))),
          createdAt: now,
        })
        .execute();
    }
    const create = (c: Client, body: object) => c.post(`/api/video-persons/${wadePerson}/employee`, body);
    // Needs member:manage besides the library's manage right; the code follows the employee rules.
    expect((await create(admin, { name: 'Abdoulaye Wade', employeeCode: 'bad code' })).statusCode).toBe(400);
    expect((await create(admin, { name: 'Abdoulaye Wade', employeeCode: 'EMP001' })).statusCode).toBe(409);
    const made = await create(admin, { name: 'Abdoulaye Wade', employeeCode: 'EMP002' });
    expect(made.statusCode, made.body).toBe(200);
    const body = made.json<{
      employee: { id: string; employeeCode: string };
      enrolment: unknown;
      duplicate: { matches: { employee: { id: string } | null }[] } | null;
    }>();
    expect(body.employee.employeeCode).toBe('EMP002');
    expect(body.enrolment).toBeNull();
    expect(body.duplicate?.matches.map((m) => m.employee?.id)).toEqual([gulId]);
    const person = await t.server.ctx.db
      .selectFrom('videoPersons')
      .select(['employeeId', 'name'])
      .where('id', '=', wadePerson)
      .executeTakeFirstOrThrow();
    expect(person).toEqual({ employeeId: body.employee.id, name: 'Abdoulaye Wade' });
    const stored = () =>
      t.server.ctx.db
        .selectFrom('faceSamples')
        .select('duplicateEmployeeId')
        .where('employeeId', '=', body.employee.id)
        .execute();
    expect(await stored()).toEqual([]);
    // A second create is refused: the person is linked now.
    expect((await create(admin, { name: 'X', employeeCode: 'EMP003' })).statusCode).toBe(409);
    // Confirmed: the face is stored with the duplicate remembered, the grey crop refused by the gate.
    const confirmed = await admin.post(`/api/video-persons/${wadePerson}/enrol`, { allowDuplicate: true });
    expect(confirmed.json(), confirmed.body).toMatchObject({
      accepted: 1,
      rejected: 1,
      rejectedFor: ['no_face'],
    });
    expect(await stored()).toEqual([{ duplicateEmployeeId: gulId }]);
    const audit = await t.server.ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('organizationId', '=', orgId)
      .where('entityId', '=', body.employee.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['employee.created', 'biometric.duplicate_confirmed', 'biometric.enrolled']),
    );
  }, 60_000);

  it('records webcam attendance only when the organization turns it on, once per interval, never in another organization', async () => {
    const db = t.server.ctx.db;
    const webcamEvents = (org: string) =>
      db
        .selectFrom('attendanceEvents')
        .select(['employeeId', 'occurredAt', 'kind', 'recordedBy'])
        .where('organizationId', '=', org)
        .where('source', '=', 'webcam')
        .orderBy('occurredAt')
        .execute();
    const cam = await webcam(wsUrl, admin.cookie);
    open.push(cam.socket);
    const frame = async () => (await cam.ask(lfw('Abdullah_Gul', 3))) as WebcamResult;
    // Off (the default): recognised, nothing recorded.
    const off = await frame();
    expect(off.faces.some((f) => f.employeeId === gulId)).toBe(true);
    expect(off.recorded).toEqual([]);
    expect(await webcamEvents(orgId)).toEqual([]);
    // Only an admin turns it on.
    const manager = await userWithRole(t.app, admin, 'manager');
    const turnOn = { settings: { libraryAttendance: true, webcamAttendanceIntervalMinutes: 10 } };
    expect((await manager.request('PATCH', '/api/organization', turnOn)).statusCode).toBe(403);
    expect((await admin.request('PATCH', '/api/organization', turnOn)).statusCode).toBe(200);
    // On: the first frame records, the next ones within ten minutes do not.
    const first = await frame();
    expect(first.recorded).toEqual([{ employeeId: gulId, name: 'Abdullah Gul' }]);
    t.clock.advance(60_000);
    expect((await frame()).recorded).toEqual([]);
    t.clock.advance(8 * 60_000);
    expect((await frame()).recorded).toEqual([]);
    let events = await webcamEvents(orgId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ employeeId: gulId, kind: 'sighting' });
    // Past the interval: one more.
    t.clock.advance(2 * 60_000);
    expect((await frame()).recorded).toHaveLength(1);
    events = await webcamEvents(orgId);
    expect(events).toHaveLength(2);
    expect(Number(events[1]!.occurredAt) - Number(events[0]!.occurredAt)).toBe(11 * 60_000);
    // The day is derived from them: the attendance page shows the webcam source.
    await t.server.ctx.jobs.drain();
    const date = new Date(t.clock.nowMs() + 7 * 3600_000).toISOString().slice(0, 10); // Asia/Jakarta
    const day = await admin.get(`/api/attendance/days/${gulId}/${date}`);
    expect(day.statusCode, day.body).toBe(200);
    const detail = day.json<{ day: { sources: string[] }; events: { source: string }[] }>();
    expect(detail.events.filter((e) => e.source === 'webcam')).toHaveLength(2);
    const audited = await db
      .selectFrom('auditLog')
      .select('action')
      .where('organizationId', '=', orgId)
      .where('action', 'in', ['attendance.webcam_recorded', 'settings.updated'])
      .execute();
    expect(audited.filter((a) => a.action === 'attendance.webcam_recorded')).toHaveLength(2);
    expect(audited.some((a) => a.action === 'settings.updated')).toBe(true);
    // Another organization: its camera records nothing (its setting is off), and A's events stay A's.
    const orgB = (await bob!.get('/api/organization')).json<{ id: string }>().id;
    const camB = await webcam(wsUrl, bob!.cookie);
    open.push(camB.socket);
    t.clock.advance(20 * 60_000);
    expect(((await camB.ask(lfw('Abdullah_Gul', 3))) as WebcamResult).recorded).toEqual([]);
    expect(await webcamEvents(orgB)).toEqual([]);
    expect(await webcamEvents(orgId)).toHaveLength(2);
  }, 60_000);

  it('records video attendance at the recording time only when asked, and refuses without a known time', async () => {
    const db = t.server.ctx.db;
    const pack = (await t.server.modules.faces.engine.activePack())!;
    const now = t.server.ctx.clock.nowMs();
    const videoId = newId(now);
    const personId = newId(now);
    await db
      .insertInto('videos')
      .values({
        id: videoId,
        organizationId: orgId,
        collectionId: null,
        title: 'lobby',
        originalName: 'lobby.mp4',
        dir: `videos/${orgId}/${videoId}`,
        originalFile: `videos/${orgId}/${videoId}/original.mp4`,
        playableFile: null,
        status: 'ready',
        stage: 'done',
        progress: 1,
        error: null,
        sizeBytes: 1,
        durationSec: 60,
        width: 250,
        height: 250,
        fps: 1,
        videoCodec: 'h264',
        browserPlayable: 1,
        framesAnalyzed: 1,
        createdBy: null,
        createdAt: now,
        updatedAt: now,
        processedAt: now,
      })
      .execute();
    const { embeddingToBytes } = await import('../src/modules/faces/index.js');
    await db
      .insertInto('videoPersons')
      .values({
        id: personId,
        organizationId: orgId,
        code: 3,
        name: null,
        employeeId: null,
        ignored: 0,
        pack,
        embedding: embeddingToBytes(await embed(lfw('Abdullah_Gul', 2))),
        thumbnailFile: null,
        createdAt: now,
      })
      .execute();
    await db
      .insertInto('videoAppearances')
      .values({
        id: newId(now),
        organizationId: orgId,
        videoId,
        personId,
        ranges: JSON.stringify([
          { startSec: 5, endSec: 12, startFrame: 5, endFrame: 12 },
          { startSec: 30, endSec: 41.5, startFrame: 30, endFrame: 41 },
        ]),
        boxes: '[]',
        faces: 2,
        firstSec: 5,
      })
      .execute();
    const videoEvents = () =>
      db
        .selectFrom('attendanceEvents')
        .select(['employeeId', 'occurredAt'])
        .where('organizationId', '=', orgId)
        .where('source', '=', 'video')
        .orderBy('occurredAt')
        .execute();
    const apply = (body: object) => admin.post(`/api/videos/${videoId}/apply-model`, { modelId, ...body });
    // Not asked: persons named, nothing recorded.
    const plain = await apply({});
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.json()).toMatchObject({
      attendance: null,
      persons: [{ employeeId: gulId, accepted: true }],
    });
    expect(await videoEvents()).toEqual([]);
    // Asked, but the file had no creation_time and none was entered: refused with the reason.
    const unknown = await apply({ recordAttendance: true });
    expect([unknown.statusCode, unknown.json<{ error: { code: string } }>().error.code]).toEqual([
      409,
      'recorded_time_unknown',
    ]);
    expect(
      (await apply({ recordAttendance: true, recordedAt: new Date(now + 3600_000).toISOString() }))
        .statusCode,
    ).toBe(400);
    // Entered: Gul's first and last moment, at the recording time; stored on the video.
    const at = Date.UTC(2026, 0, 5, 1, 0, 0);
    const asked = await apply({ recordAttendance: true, recordedAt: new Date(at).toISOString() });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ attendance: { events: 2, employees: 1 } });
    expect(await videoEvents()).toEqual([
      { employeeId: gulId, occurredAt: at + 5_000 },
      { employeeId: gulId, occurredAt: at + 41_500 },
    ]);
    // Applying again (the stored time now) stores nothing twice.
    const again = await apply({ recordAttendance: true });
    expect(again.json()).toMatchObject({ attendance: { events: 0, recordedAt: new Date(at).toISOString() } });
    expect(await videoEvents()).toHaveLength(2);
    // Turned off: refused, nothing recorded.
    await admin.request('PATCH', '/api/organization', { settings: { libraryAttendance: false } });
    expect((await apply({ recordAttendance: true })).json<{ error: { code: string } }>().error.code).toBe(
      'library_attendance_off',
    );
  }, 60_000);
});
