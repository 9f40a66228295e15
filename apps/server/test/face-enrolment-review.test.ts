import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSharedDir } from '@hadir/testing';
import { decodeImage, type FaceEngine } from '@hadir/vision';
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

/**
 * Security issue 9, item 14 (enrolment abuse), with the real ONNX models on real faces:
 * - a face that already matches ANOTHER employee above the threshold is refused (409, nothing stored)
 *   unless an enroller confirms with allowDuplicate (audited);
 * - a member enrolling their own record (self-enrolment) stores `pending` samples that the cameras do not
 *   match until a manager approves them; a rejected sample is deleted.
 */

const shared = findSharedDir();
const MODELS_OK = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
const DATA_OK = fs.existsSync(path.join(shared.dataDir, 'faces'));
const SKIP_REASON = !MODELS_OK
  ? `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`
  : !DATA_OK
    ? `no face data at ${shared.dataDir} (set HADIR_TEST_DATA_DIR)`
    : null;
if (SKIP_REASON) console.warn(`[skip] face enrolment review tests skipped: ${SKIP_REASON}`);

const lfw = (name: string, n: number) =>
  fs.readFileSync(path.join(shared.dataDir, 'faces', name, `${name}_${String(n).padStart(4, '0')}.jpg`));

/** A multipart/form-data body: photos plus plain fields, the way a browser sends them. */
function multipart(photos: { fileName: string; bytes: Buffer }[], fields: Record<string, string> = {}) {
  const boundary = `----hadir${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const p of photos) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="${p.fileName}"\r\n` +
          `Content-Type: image/jpeg\r\n\r\n`,
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

function enrol(client: Client, employeeId: string, bytes: Buffer, fields: Record<string, string> = {}) {
  const { body, headers } = multipart([{ fileName: 'face.jpg', bytes }], fields);
  return client.request('POST', `/api/employees/${employeeId}/faces`, body, headers);
}

interface DuplicateBody {
  error: {
    code: string;
    message: string;
    details: {
      threshold: number;
      matches: {
        index: number;
        employee: { id: string; employeeCode: string; name: string } | null;
        cosineSimilarity: number;
      }[];
    };
  };
}

describe.skipIf(SKIP_REASON !== null).each(await dialects())('face enrolment review (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let member: Client;
  let manager: Client;
  let orgId: string;
  let engine: FaceEngine;
  const ids: Record<string, string> = {};

  const embeddingOf = async (bytes: Buffer) => {
    const faces = await engine.analyze(await decodeImage(bytes));
    return faces.reduce((a, b) => (b.quality.sizePx > a.quality.sizePx ? b : a)).embedding;
  };
  const matchOf = async (bytes: Buffer) =>
    t.server.modules.faces.galleries.match(orgId, await embeddingOf(bytes));
  const samplesOf = async (employeeId: string) =>
    (await admin.get(`/api/employees/${employeeId}/faces`)).json<{
      items: {
        id: string;
        status: string;
        duplicateOf: { employee: { id: string } | null; cosineSimilarity: number } | null;
      }[];
    }>().items;
  const auditActions = async () =>
    (
      await t.server.ctx.db
        .selectFrom('auditLog')
        .select('action')
        .where('organizationId', '=', orgId)
        .where('action', 'like', 'biometric.%')
        .execute()
    ).map((r) => r.action);

  beforeAll(async () => {
    t = await startTestServer(dialect, { HADIR_MODELS_DIR: shared.modelsDir });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const add = (code: string, name: string) => addEmployeeRow(t.server, orgId, { id: newId(), code, name });
    ids.gul = await add('EMP001', 'Abdullah Gul');
    ids.wade = await add('EMP002', 'Abdoulaye Wade');
    ids.self = await add('EMP003', 'Adrien Brody');
    engine = await t.server.modules.faces.engine.engine();
    const added = await admin.post('/api/users', {
      name: 'Adrien',
      email: 'adrien@maju.test',
      password: 'role-password-123',
      role: 'member',
      employeeId: ids.self,
    });
    expect(added.statusCode, added.body).toBe(201);
    member = new Client(t.app);
    await member.login('adrien@maju.test', 'role-password-123');
    manager = await userWithRole(t.app, admin, 'manager');
    expect((await enrol(admin, ids.gul, lfw('Abdullah_Gul', 1))).statusCode).toBe(200);
  });
  afterAll(async () => t?.close());

  it('refuses (409) a face that already matches another employee, and stores nothing', async () => {
    const res = await enrol(admin, ids.wade!, lfw('Abdullah_Gul', 2));
    expect(res.statusCode, res.body).toBe(409);
    const { error } = res.json<DuplicateBody>();
    expect(error.code).toBe('face_matches_other_employee');
    expect(error.message).toMatch(/Abdullah Gul/);
    expect(error.details.matches).toHaveLength(1);
    expect(error.details.matches[0]!.employee).toEqual({
      id: ids.gul,
      employeeCode: 'EMP001',
      name: 'Abdullah Gul',
    });
    expect(error.details.matches[0]!.cosineSimilarity).toBeGreaterThanOrEqual(error.details.threshold);
    expect(JSON.stringify(error)).not.toMatch(/embedding/);
    expect(await samplesOf(ids.wade!)).toEqual([]);
    // The same person's own further photo is not a duplicate of themselves.
    expect((await enrol(admin, ids.gul!, lfw('Abdullah_Gul', 3))).statusCode).toBe(200);
    // A really different face goes through.
    expect((await enrol(admin, ids.wade!, lfw('Abdoulaye_Wade', 1))).statusCode).toBe(200);
  });

  it('enrols a look-alike only when confirmed with allowDuplicate, audited and remembered', async () => {
    const bad = await enrol(admin, ids.wade!, lfw('Abdullah_Gul', 4), { allowDuplicate: 'maybe' });
    expect(bad.statusCode).toBe(400);
    const res = await enrol(admin, ids.wade!, lfw('Abdullah_Gul', 4), { allowDuplicate: 'true' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, pending: 0 });
    const sample = (await samplesOf(ids.wade!)).find((s) => s.duplicateOf !== null)!;
    expect(sample.status).toBe('approved');
    expect(sample.duplicateOf!.employee!.id).toBe(ids.gul);
    expect(await auditActions()).toContain('biometric.duplicate_confirmed');
    // Clean up so Gul stays unambiguous for the cameras.
    expect((await admin.delete(`/api/employees/${ids.wade}/faces/${sample.id}`)).statusCode).toBe(200);
  });

  it("refuses a member enrolling someone else's face as their own, without naming that person", async () => {
    const res = await enrol(member, ids.self!, lfw('Abdullah_Gul', 5));
    expect(res.statusCode, res.body).toBe(409);
    const { error } = res.json<DuplicateBody>();
    expect(error.code).toBe('face_matches_other_employee');
    expect(error.details.matches[0]!.employee).toBeNull();
    expect(error.details.matches[0]!.cosineSimilarity).toBeGreaterThan(0);
    expect(res.body).not.toMatch(/Gul|EMP001/);
    expect(res.body).not.toContain(ids.gul!);
  });

  it('keeps a self-enrolment pending and unmatched until a manager approves it', async () => {
    const res = await enrol(member, ids.self!, lfw('Adrien_Brody', 1));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, pending: 1, faceSamples: 0 });
    const sampleId = res.json<{ results: { sampleId: string; status: string }[] }>().results[0]!;
    expect(sampleId.status).toBe('pending');
    // Not matched: the cameras do not recognise a face nobody reviewed.
    expect((await matchOf(lfw('Adrien_Brody', 2))).employeeId).toBeNull();

    // The member may not review (nor list reviews); the manager may.
    expect((await member.get('/api/face-reviews')).statusCode).toBe(403);
    const path = `/api/employees/${ids.self}/faces/${sampleId.sampleId}/review`;
    expect((await member.post(path, { decision: 'approve' })).statusCode).toBe(403);
    const list = (await manager.get('/api/face-reviews')).json<{
      items: { id: string; employee: { id: string }; submittedBy: string | null }[];
    }>().items;
    expect(list.map((i) => i.id)).toEqual([sampleId.sampleId]);
    expect(list[0]).toMatchObject({ employee: { id: ids.self }, submittedBy: 'Adrien' });
    expect((await manager.post(path, { decision: 'maybe' })).statusCode).toBe(400);

    const approved = await manager.post(path, { decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ decision: 'approve', faceSamples: 1 });
    expect((await matchOf(lfw('Adrien_Brody', 2))).employeeId).toBe(ids.self);
    expect((await manager.post(path, { decision: 'reject' })).statusCode).toBe(409);
    expect((await manager.get('/api/face-reviews')).json<{ items: unknown[] }>().items).toEqual([]);
    expect(await auditActions()).toContain('biometric.sample_approved');
  });

  it('deletes a rejected self-enrolment; a confirmed look-alike shows the reviewer whom it matches', async () => {
    const res = await enrol(member, ids.self!, lfw('Abdullah_Gul', 10), { allowDuplicate: 'true' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json(), res.body).toMatchObject({ accepted: 1, pending: 1 });
    const list = (await manager.get('/api/face-reviews')).json<{
      items: { id: string; duplicateOf: { employee: { id: string } | null } | null }[];
    }>().items;
    expect(list).toHaveLength(1);
    expect(list[0]!.duplicateOf!.employee!.id).toBe(ids.gul);
    // Still Gul for the cameras, not the member.
    expect((await matchOf(lfw('Abdullah_Gul', 7))).employeeId).toBe(ids.gul);

    const rejected = await manager.post(`/api/employees/${ids.self}/faces/${list[0]!.id}/review`, {
      decision: 'reject',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect((await samplesOf(ids.self!)).map((s) => s.id)).not.toContain(list[0]!.id);
    expect(await auditActions()).toContain('biometric.sample_rejected');
  });

  it('never lets a reviewer approve their own submission, nor another organization', async () => {
    // The manager is linked to an employee and self-enrols: someone else must review it.
    const mgrEmployee = await addEmployeeRow(t.server, orgId, {
      id: newId(),
      code: 'EMP004',
      name: 'Adam Sandler',
    });
    const linked = await admin.post('/api/users', {
      name: 'Manager Adam',
      email: 'adam@maju.test',
      password: 'role-password-123',
      role: 'manager',
      employeeId: mgrEmployee,
    });
    expect(linked.statusCode, linked.body).toBe(201);
    const adam = new Client(t.app);
    await adam.login('adam@maju.test', 'role-password-123');
    const res = await enrol(adam, mgrEmployee, lfw('Adam_Sandler', 1));
    expect(res.statusCode, res.body).toBe(200);
    const sampleId = res.json<{ results: { sampleId: string }[] }>().results[0]!.sampleId;
    const own = await adam.post(`/api/employees/${mgrEmployee}/faces/${sampleId}/review`, {
      decision: 'approve',
    });
    expect(own.statusCode).toBe(403);
    expect(own.json<{ error: { code: string } }>().error.code).toBe('own_submission');

    const created = await admin.post('/api/organizations', { name: 'PT Lain' });
    expect(created.statusCode, created.body).toBe(201);
    const other = new Client(t.app);
    await other.login('ani@maju.test', 'correct-horse-battery');
    await other.post('/api/auth/organization', { organizationId: created.json<{ id: string }>().id });
    expect((await other.get('/api/face-reviews')).json<{ items: unknown[] }>().items).toEqual([]);
    const cross = await other.post(`/api/employees/${mgrEmployee}/faces/${sampleId}/review`, {
      decision: 'approve',
    });
    expect(cross.statusCode).toBe(404);
    expect(
      (
        await manager.post(`/api/employees/${mgrEmployee}/faces/${sampleId}/review`, {
          decision: 'approve',
        })
      ).statusCode,
    ).toBe(200);
  });
});
