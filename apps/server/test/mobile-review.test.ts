import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { syncCanonical, type MobileRecord, type WsServerMessage } from '@hadir/contracts';
import { findSharedDir, waitFor } from '@hadir/testing';
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
 * Issue 11, the website side of phone attendance: every phone record appears live with the face taken
 * at the time, its score, recorder and device; low scores, liveness retries and clock skew are flagged;
 * a manager (attendance:record:approve) approves or rejects, and a rejected record leaves the day. Real
 * ONNX models on real LFW photos, real SQLite and PostgreSQL.
 */
const shared = findSharedDir();
const MODELS_OK = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
const DATA_OK = fs.existsSync(path.join(shared.dataDir, 'faces'));
const SKIP_REASON = !MODELS_OK
  ? `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`
  : !DATA_OK
    ? `no face data at ${shared.dataDir} (set HADIR_TEST_DATA_DIR)`
    : null;
if (SKIP_REASON) console.warn(`[skip] mobile review tests skipped: ${SKIP_REASON}`);

const lfw = (name: string, n: number) =>
  fs
    .readFileSync(path.join(shared.dataDir, 'faces', name, `${name}_${String(n).padStart(4, '0')}.jpg`))
    .toString('base64');

type Res = Awaited<ReturnType<Client['get']>>;
const data = <T>(res: Res) => {
  const body = res.json<{ success: boolean; data: T }>();
  expect(body.success, res.body).toBe(true);
  return body.data;
};

async function listen(url: string, cookie: string) {
  const socket = new WebSocket(url, { headers: { cookie } });
  const messages: WsServerMessage[] = [];
  socket.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString('utf8')) as WsServerMessage));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await waitFor(() => messages.some((m) => m.type === 'hello'), { timeoutMs: 5000, message: 'hello' });
  return { socket, messages };
}

describe.skipIf(SKIP_REASON !== null).each(await dialects())(
  'phone attendance on the website (%s)',
  (dialect) => {
    let t: TestServer;
    let admin: Client;
    let manager: Client;
    let officer: Client;
    let member: Client;
    let orgA: string;
    let orgB: string;
    let wsUrl: string;
    const ids: Record<string, string> = {};
    const sockets: WebSocket[] = [];

    const day = async (employeeId: string) => {
      await t.server.ctx.jobs.drain();
      return t.server.ctx.db
        .selectFrom('attendanceDays')
        .select(['workDate', 'checkIn', 'checkOut'])
        .where('organizationId', '=', orgA)
        .where('employeeId', '=', employeeId)
        .where('workDate', '=', today())
        .execute();
    };
    const today = () => new Date(t.clock.nowMs()).toISOString().slice(0, 10);
    const records = async (c: Client, query = '') =>
      (await c.get(`/api/attendance/mobile-records?from=${today()}&to=${today()}${query}`)).json<
        MobileRecord[]
      >();

    beforeAll(async () => {
      t = await startTestServer(dialect, { HADIR_MODELS_DIR: shared.modelsDir });
      // 10:00 in Jakarta: the whole test stays inside one local day.
      t.clock.set(Date.parse('2026-03-04T03:00:00Z'));
      ({ client: admin, orgId: orgA } = await setupOrganization(t.app));
      ids.gul = await addEmployeeRow(t.server, orgA, { id: newId(), code: 'EMP001', name: 'Abdullah Gul' });
      const reg = await admin.post(`/api/members/${ids.gul}/face/register`, {
        face_images: [lfw('Abdullah_Gul', 1), lfw('Abdullah_Gul', 2)],
        consent: true,
      });
      expect(data<{ accepted: number }>(reg).accepted, reg.body).toBe(2);
      const added = await admin.post('/api/users', {
        name: 'Gul',
        email: 'gul@maju.test',
        password: 'mobile-password-123',
        role: 'member',
        employeeId: ids.gul,
      });
      expect(added.statusCode, added.body).toBe(201);
      member = new Client(t.app);
      await member.login('gul@maju.test', 'mobile-password-123');
      manager = await userWithRole(t.app, admin, 'manager');
      officer = await userWithRole(t.app, admin, 'officer');
      const created = await admin.post('/api/organizations', { name: 'PT Lain' });
      orgB = created.json<{ id: string }>().id;
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      wsUrl = `${address.replace('http', 'ws')}/api/ws`;
    }, 240_000);
    afterAll(async () => {
      sockets.forEach((s) => s.close());
      await t?.close();
    });

    it('shows a clean check-in live, with the face snapshot, score and device, unflagged', async () => {
      const live = await listen(wsUrl, manager.cookie);
      const memberLive = await listen(wsUrl, member.cookie);
      sockets.push(live.socket, memberLive.socket);
      const res = await member.post('/api/attendance/submit', {
        type: 'check_in',
        face_image: lfw('Abdullah_Gul', 3),
      });
      const submitted = data<{ status: string; attendance_id: string; score: number }>(res);
      expect(submitted.status, res.body).toBe('recorded');
      await waitFor(() => live.messages.some((m) => m.type === 'attendance.mobile'), {
        timeoutMs: 5000,
        message: 'live phone record',
      });
      const pushed = live.messages.find((m) => m.type === 'attendance.mobile');
      expect(pushed?.type === 'attendance.mobile' && pushed.record).toMatchObject({
        id: submitted.attendance_id,
        employeeName: 'Abdullah Gul',
        source: 'mobile',
        flags: [],
        review: 'none',
      });
      // the member's own socket carries no organization attendance (no attendance:record:view)
      expect(memberLive.messages.some((m) => m.type === 'attendance.mobile')).toBe(false);

      const [row] = await records(manager);
      expect(row?.score).toBeCloseTo(submitted.score, 5);
      expect(row?.snapshotId).toBeTruthy();
      const img = await manager.get(`/api/snapshots/${row?.snapshotId}/face.jpg`);
      expect(img.statusCode).toBe(200);
      expect(img.headers['content-type']).toBe('image/jpeg');
      expect(img.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      const snap = await t.server.ctx.db
        .selectFrom('snapshots')
        .select(['kind', 'employeeId'])
        .where('id', '=', row!.snapshotId!)
        .executeTakeFirstOrThrow();
      expect(snap).toEqual({ kind: 'attendance', employeeId: ids.gul });
      // not reviewable: it was not flagged
      const decided = await manager.post(`/api/attendance/mobile-records/${row?.id}/review`, {
        decision: 'reject',
      });
      expect(decided.statusCode).toBe(409);
    });

    it('flags a liveness retry and a low score; a rejected record leaves the day, an approved one stays', async () => {
      // a failed liveness check (one still photo as every frame), then a plain success: liveness_retry
      const still = lfw('Abdullah_Gul', 4);
      const failed = await member.post('/api/attendance/submit', {
        type: 'check_out',
        face_image: still,
        liveness_frames: [still, still, still],
      });
      expect(data<{ status: string }>(failed).status).toBe('retry');
      t.clock.advance(5 * 60_000);
      const retried = data<{ status: string; attendance_id: string; score: number }>(
        await member.post('/api/attendance/submit', {
          type: 'check_out',
          face_image: lfw('Abdullah_Gul', 4),
        }),
      );
      expect(retried.status).toBe('recorded');
      let list = await records(manager, '&review=pending');
      expect(list.map((r) => [r.id, r.flags])).toEqual([[retried.attendance_id, ['liveness_retry']]]);
      expect((await day(ids.gul!))[0]?.checkOut).not.toBeNull();

      // members and officers cannot decide; another organization cannot even see it
      for (const c of [member, officer]) {
        const res = await c.post(`/api/attendance/mobile-records/${retried.attendance_id}/review`, {
          decision: 'approve',
        });
        expect(res.statusCode).toBe(403);
      }
      await admin.post('/api/auth/organization', { organizationId: orgB });
      try {
        expect(await records(admin)).toEqual([]);
        const foreign = await admin.post(`/api/attendance/mobile-records/${retried.attendance_id}/review`, {
          decision: 'reject',
        });
        expect(foreign.statusCode).toBe(404);
      } finally {
        await admin.post('/api/auth/organization', { organizationId: orgA });
      }

      // rejected: no longer counts toward the day (recomputed), audited
      const rejected = await manager.post(`/api/attendance/mobile-records/${retried.attendance_id}/review`, {
        decision: 'reject',
        note: 'Looked like a photo',
      });
      expect(rejected.statusCode, rejected.body).toBe(200);
      expect(rejected.json<MobileRecord>()).toMatchObject({
        review: 'rejected',
        reviewNote: 'Looked like a photo',
      });
      expect((await day(ids.gul!))[0]?.checkOut).toBeNull();
      const again = await manager.post(`/api/attendance/mobile-records/${retried.attendance_id}/review`, {
        decision: 'approve',
      });
      expect(again.statusCode).toBe(409);

      // a score just above a raised threshold: low_score; approved, it counts
      const probe = data<{ score: number }>(
        await admin.post('/api/face/verify', { member_id: ids.gul, face_image: lfw('Abdullah_Gul', 3) }),
      );
      const patched = await admin.patch('/api/organization', {
        settings: { recognitionThreshold: Math.max(0, probe.score - 0.02) },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      t.clock.advance(60 * 60_000);
      const low = data<{ status: string; attendance_id: string }>(
        await member.post('/api/attendance/submit', {
          type: 'check_out',
          face_image: lfw('Abdullah_Gul', 3),
        }),
      );
      expect(low.status).toBe('recorded');
      list = await records(manager, '&review=pending');
      expect(list.map((r) => [r.id, r.flags])).toEqual([[low.attendance_id, ['low_score']]]);
      const approved = await manager.post(`/api/attendance/mobile-records/${low.attendance_id}/review`, {
        decision: 'approve',
      });
      expect(approved.json<MobileRecord>()).toMatchObject({ review: 'approved' });
      expect((await day(ids.gul!))[0]?.checkOut).toBe(t.clock.nowMs());

      const audit = await t.server.ctx.db
        .selectFrom('auditLog')
        .select('action')
        .where('organizationId', '=', orgA)
        .where('entityType', '=', 'attendance_event')
        .orderBy('at')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'attendance_record.rejected',
        'attendance_record.approved',
      ]);
      await admin.patch('/api/organization', { settings: { recognitionThreshold: null } });
    });

    it('flags a synced record whose device clock was off', async () => {
      const dev = data<{ device_id: string; device_key: string }>(
        await member.post('/api/mobile/devices', { name: 'Gul’s phone' }),
      );
      const now = t.clock.nowMs();
      const batch = {
        device_id: dev.device_id,
        sent_at: new Date(now - 2 * 3600_000).toISOString(),
        records: [
          {
            client_id: 'skewed-record-1',
            member_id: ids.gul!,
            type: 'check_in' as const,
            occurred_at: new Date(now - 2 * 3600_000 - 60_000).toISOString(),
            face_image: lfw('Abdullah_Gul', 3),
          },
        ],
      };
      const signature = createHmac('sha256', dev.device_key).update(syncCanonical(batch)).digest('hex');
      const res = await member.post('/api/attendance/sync', { ...batch, signature });
      expect(data<{ synced: number }>(res).synced, res.body).toBe(1);
      const list = await records(manager, '&review=pending');
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ flags: ['clock_skew'], deviceName: 'Gul’s phone', source: 'mobile' });
    });
  },
);
