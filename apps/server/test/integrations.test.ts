import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';
import { multipart } from './fixtures/employee-files.js';

/** Asia/Jakarta wall time → epoch ms. 2026-01-05 is a Monday. */
const wib = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);

type Res = Awaited<ReturnType<Client['get']>>;

/** A loopback webhook receiver: answers with the queued status codes (then 200) and keeps every request. */
class Receiver {
  readonly requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  answers: number[] = [];
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = this.answers.shift() ?? 200;
      res.end('ok');
    });
  });
  url = '';
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/hadir`;
  }
  close() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

function verify(secret: string, header: string | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const mac = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex');
  return mac === m[2];
}

describe.each(await dialects())('ERP and device integration on %s', (dialect) => {
  let t: TestServer;
  let orgId: string;
  let admin: Client;
  let bearer: Record<string, string>;
  const receiver = new Receiver();

  const api = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...bearer,
        ...(body !== undefined && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: Buffer.isBuffer(body) ? body : JSON.stringify(body) } : {}),
    });

  const upsert = (body: Record<string, unknown>) => api('POST', '/api/integrations/employees/upsert', body);

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ orgId, client: admin } = await setupOrganization(t.app));
    const token = await admin.post('/api/tokens', {
      name: 'ERP sync',
      scopes: ['attendance:record:view', 'attendance:record:create', 'member:manage', 'integration:manage'],
    });
    expect(token.statusCode, token.body).toBe(201);
    bearer = { authorization: `Bearer ${token.json<{ token: string }>().token}` };
    await receiver.start();
  }, 60_000);
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('upserts employees by code or badge id; the same payload twice changes nothing', async () => {
    const audits = async () =>
      Number(
        (
          await t.server.ctx.db
            .selectFrom('auditLog')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('organizationId', '=', orgId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const payload = {
      employeeCode: 'ERP-1',
      name: 'Budi Santoso',
      badgeId: 'B-1001',
      whatsapp: '081234567890',
    };
    const first = await upsert(payload);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<{ action: string }>().action).toBe('created');
    expect(first.json<{ employee: { whatsapp: string } }>().employee.whatsapp).toBe('+6281234567890');
    const auditsAfterCreate = await audits();
    const again = await upsert(payload);
    expect(again.json<{ action: string }>().action).toBe('unchanged');
    expect(await audits()).toBe(auditsAfterCreate);
    const renamed = await upsert({ ...payload, name: 'Budi S.' });
    expect(renamed.json<{ action: string }>().action).toBe('updated');
    // Found by badge: the ERP changes the employee code of badge B-1001.
    const byBadge = await upsert({
      employeeCode: 'ERP-1X',
      name: 'Budi S.',
      badgeId: 'B-1001',
      matchBy: 'badgeId',
    });
    expect(byBadge.json<{ action: string; employee: { employeeCode: string } }>()).toMatchObject({
      action: 'updated',
      employee: { employeeCode: 'ERP-1X' },
    });
    expect((await upsert({ employeeCode: 'ERP-1X', name: 'X', matchBy: 'badgeId' })).statusCode).toBe(400);
    const bad = await upsert({ employeeCode: 'ERP-2', name: 'Ani', whatsapp: 'not a phone' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBeTruthy();
    const count = await t.server.ctx.db
      .selectFrom('employees')
      .select('employeeCode')
      .where('organizationId', '=', orgId)
      .execute();
    expect(count.map((c) => c.employeeCode)).toEqual(['ERP-1X']);
    // A token without member:manage may not upsert.
    const weak = await admin.post('/api/tokens', { name: 'reader', scopes: ['attendance:record:view'] });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/integrations/employees/upsert',
      headers: {
        authorization: `Bearer ${weak.json<{ token: string }>().token}`,
        'content-type': 'application/json',
      },
      payload: JSON.stringify(payload),
    });
    expect(res.statusCode).toBe(403);
  });

  it('stores the same pushed check-in once, even when pushed concurrently', async () => {
    t.clock.set(wib('2026-01-05', '09:00'));
    const body = {
      badgeId: 'B-1001',
      occurredAt: '2026-01-05T08:02:00+07:00',
      kind: 'check_in',
      deviceId: 'ZK-01',
    };
    const key = { 'idempotency-key': 'zk01-000123' };
    const first = await api('POST', '/api/integrations/checkins', body, key);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<{ created: boolean }>().created).toBe(true);
    const second = await api('POST', '/api/integrations/checkins', body, key);
    expect(second.json<{ created: boolean; id: string }>()).toMatchObject({
      created: false,
      id: first.json<{ id: string }>().id,
    });
    const parallel = await Promise.all(
      Array.from({ length: 6 }, () =>
        api(
          'POST',
          '/api/integrations/checkins',
          { ...body, occurredAt: '2026-01-05T17:05:00+07:00', kind: 'check_out' },
          {
            'idempotency-key': 'zk01-000124',
          },
        ),
      ),
    );
    expect(parallel.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(parallel.filter((r) => r.json<{ created: boolean }>().created)).toHaveLength(1);
    const stored = await t.server.ctx.db
      .selectFrom('attendanceEvents')
      .select(['idempotencyKey', 'source', 'deviceId'])
      .where('organizationId', '=', orgId)
      .orderBy('occurredAt')
      .execute();
    expect(stored).toEqual([
      { idempotencyKey: 'push:zk01-000123', source: 'erp', deviceId: 'ZK-01' },
      { idempotencyKey: 'push:zk01-000124', source: 'erp', deviceId: 'ZK-01' },
    ]);
    // The key names one check-in: reusing it for another is refused, and a push without a key too.
    const reused = await api('POST', '/api/integrations/checkins', { ...body, kind: 'check_out' }, key);
    expect(reused.statusCode).toBe(409);
    expect((await api('POST', '/api/integrations/checkins', body)).statusCode).toBe(400);
    const unknown = await api(
      'POST',
      '/api/integrations/checkins',
      { ...body, badgeId: 'NOPE' },
      { 'idempotency-key': 'k9' },
    );
    expect(unknown.statusCode).toBe(404);
    const two = await api(
      'POST',
      '/api/integrations/checkins',
      { ...body, employeeCode: 'ERP-1X' },
      { 'idempotency-key': 'k10' },
    );
    expect(two.statusCode).toBe(400);
  });

  it('the cursor feed never skips or repeats a change under concurrent writes', async () => {
    const codes = ['C1', 'C2', 'C3', 'C4'];
    for (const code of codes)
      expect((await upsert({ employeeCode: code, name: `Cursor ${code}` })).statusCode).toBe(200);
    const seenEvents = new Map<string, number[]>();
    const seenDaySeqs: number[] = [];
    let eventCursor: string | undefined;
    let dayCursor: string | undefined;
    const pull = async () => {
      for (;;) {
        const q = (c: string | undefined) => `limit=7${c ? `&cursor=${c}` : ''}`;
        const ev = await api('GET', `/api/integrations/attendance/events/changes?${q(eventCursor)}`);
        expect(ev.statusCode, ev.body).toBe(200);
        const evPage = ev.json<{
          items: { id: string; seq: number }[];
          nextCursor: string;
          hasMore: boolean;
        }>();
        for (const item of evPage.items)
          seenEvents.set(item.id, [...(seenEvents.get(item.id) ?? []), item.seq]);
        eventCursor = evPage.nextCursor;
        const days = await api('GET', `/api/integrations/attendance/days/changes?${q(dayCursor)}`);
        const dayPage = days.json<{ items: { seq: number }[]; nextCursor: string; hasMore: boolean }>();
        seenDaySeqs.push(...dayPage.items.map((i) => i.seq));
        dayCursor = dayPage.nextCursor;
        if (!evPage.hasMore && !dayPage.hasMore) return;
      }
    };
    let writing = true;
    const writers = codes.map(async (code, w) => {
      for (let i = 0; i < 12; i++) {
        const res = await api(
          'POST',
          '/api/integrations/checkins',
          {
            employeeCode: code,
            occurredAt: new Date(wib('2026-01-06', '07:00') + (w * 12 + i) * 60_000).toISOString(),
            kind: i % 2 === 0 ? 'check_in' : 'check_out',
          },
          { 'idempotency-key': `cursor-${code}-${i}` },
        );
        expect(res.statusCode, res.body).toBe(200);
      }
    });
    const recomputes = (async () => {
      // Day recomputes write to the same sequence while the check-ins are pushed.
      for (let i = 0; i < 4; i++)
        await t.server.modules.attendance.days.apply(orgId, '2026-01-05', '2026-01-06');
    })();
    const reader = (async () => {
      for (let round = 0; writing && round < 500; round++) await pull();
    })();
    try {
      await Promise.all([...writers, recomputes]);
    } finally {
      writing = false;
      await reader;
    }
    await t.server.ctx.jobs.drain();
    await pull();

    const events = await t.server.ctx.db
      .selectFrom('attendanceEvents')
      .select(['id', 'seq'])
      .where('organizationId', '=', orgId)
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(codes.length * 12);
    for (const e of events) {
      const seqs = seenEvents.get(e.id) ?? [];
      // Seen, at its latest sequence, and never the same change twice.
      expect(seqs, e.id).toContain(Number(e.seq));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    const allSeen = [...seenEvents.values()].flat();
    expect(new Set(allSeen).size).toBe(allSeen.length);
    const days = await t.server.ctx.db
      .selectFrom('attendanceDays')
      .select('changedSeq')
      .where('organizationId', '=', orgId)
      .execute();
    expect(days.length).toBeGreaterThan(0);
    for (const d of days) expect(seenDaySeqs).toContain(Number(d.changedSeq));
    expect(new Set(seenDaySeqs).size).toBe(seenDaySeqs.length);
    expect([...seenDaySeqs].sort((a, b) => a - b)).toEqual(seenDaySeqs);
    // A cursor this API never gave is refused, not misread.
    expect((await api('GET', '/api/integrations/attendance/days/changes?cursor=abc')).statusCode).toBe(400);
  }, 120_000);

  it('signs webhooks, retries a failed delivery, and retries by hand after the last attempt', async () => {
    const created = await admin.post('/api/integrations/webhooks', { name: 'ERP', url: receiver.url });
    expect(created.statusCode, created.body).toBe(201);
    const { id: endpointId, secret } = created.json<{ id: string; secret: string }>();
    expect(secret).toMatch(/^whsec_/);
    const listed = await admin.get('/api/integrations/webhooks');
    expect(listed.body).not.toContain(secret);
    const stored = await t.server.ctx.db
      .selectFrom('webhookEndpoints')
      .select('secret')
      .executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(secret);
    // Private and metadata addresses are refused when saved.
    expect(
      (await admin.post('/api/integrations/webhooks', { name: 'x', url: 'http://169.254.169.254/' }))
        .statusCode,
    ).toBe(400);

    receiver.answers = [500];
    t.clock.set(wib('2026-01-07', '09:00'));
    const push = await api(
      'POST',
      '/api/integrations/checkins',
      { employeeCode: 'C1', occurredAt: '2026-01-07T08:00:00+07:00', kind: 'check_in' },
      { 'idempotency-key': 'hook-1' },
    );
    expect(push.statusCode).toBe(200);
    await t.server.ctx.jobs.drain(); // the recompute changes the day and schedules the fan-out
    t.clock.advance(2_000);
    await t.server.ctx.jobs.drain(); // fan-out, first attempt answered 500
    expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
    t.clock.advance(60 * 60_000);
    await t.server.ctx.jobs.drain(); // the retry
    const deliveries = (await admin.get(`/api/integrations/webhooks/${endpointId}/deliveries`)).json<{
      items: { status: string; attempts: number; payload: string; lastStatusCode: number }[];
    }>().items;
    const day = deliveries.find(
      (d) => d.payload.includes('"date":"2026-01-07"') && d.payload.includes('"C1"'),
    );
    // The recompute covers the day before too: every change is delivered, the one answered 500 on its retry.
    expect(day).toBeDefined();
    expect(deliveries.every((d) => d.status === 'delivered' && d.lastStatusCode === 200)).toBe(true);
    expect(deliveries.map((d) => d.attempts).sort()).toContain(2);
    for (const r of receiver.requests) {
      expect(verify(secret, r.headers['x-hadir-signature'] as string, r.body)).toBe(true);
      expect(r.headers['x-hadir-event']).toBe('attendance.day.changed');
    }
    expect(
      verify(
        'whsec_wrong',
        receiver.requests[0]?.headers['x-hadir-signature'] as string,
        receiver.requests[0]?.body ?? '',
      ),
    ).toBe(false);
    const body = JSON.parse(receiver.requests.at(-1)?.body ?? '{}') as {
      type: string;
      data: { employeeCode: string; status: string };
    };
    expect(body.type).toBe('attendance.day.changed');
    expect(body.data.employeeCode).toBe('C1');

    // A receiver that keeps failing: the runner gives up, the log shows failed, a retry by hand delivers.
    const before = receiver.requests.length;
    receiver.answers = Array.from({ length: 20 }, () => 503);
    await api(
      'POST',
      '/api/integrations/checkins',
      { employeeCode: 'C2', occurredAt: '2026-01-07T08:30:00+07:00', kind: 'check_in' },
      { 'idempotency-key': 'hook-2' },
    );
    await t.server.ctx.jobs.drain();
    for (let i = 0; i < 10; i++) {
      t.clock.advance(2 * 60 * 60_000);
      await t.server.ctx.jobs.drain();
    }
    const failed = (
      await admin.get(`/api/integrations/webhooks/${endpointId}/deliveries?status=failed`)
    ).json<{
      items: { id: string; attempts: number }[];
    }>().items;
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]?.attempts).toBe(8);
    expect(receiver.requests.length - before).toBeGreaterThanOrEqual(8);
    receiver.answers = [];
    expect(
      (await admin.post(`/api/integrations/webhooks/deliveries/${failed[0]?.id}/retry`)).statusCode,
    ).toBe(200);
    await t.server.ctx.jobs.drain();
    const after = (
      await admin.get(`/api/integrations/webhooks/${endpointId}/deliveries?status=failed`)
    ).json<{
      items: unknown[];
    }>().items;
    expect(after.length).toBe(failed.length - 1);
  }, 60_000);

  it('records badge scans: in, a bounce ignored, then out; unknown badges are refused', async () => {
    t.clock.set(wib('2026-01-08', '07:55'));
    expect(
      (await upsert({ employeeCode: 'K1', name: 'Kiosk Person', badgeId: '0004455667' })).statusCode,
    ).toBe(200);
    const scan = (badgeId: string) =>
      api('POST', '/api/integrations/badge-scans', { badgeId, deviceId: 'Lobby' });
    const first = await scan('0004455667');
    expect(first.json<{ kind: string; created: boolean }>()).toMatchObject({
      kind: 'check_in',
      created: true,
    });
    t.clock.advance(5_000);
    expect((await scan('0004455667')).json<{ duplicate: boolean }>().duplicate).toBe(true);
    t.clock.set(wib('2026-01-08', '17:01'));
    const out = await scan('0004455667');
    expect(out.json<{ kind: string; employee: { name: string } }>()).toMatchObject({
      kind: 'check_out',
      employee: { name: 'Kiosk Person' },
    });
    const unknown = await scan('999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('unknown_badge');
  });

  it('exports a day joinable on employee_id and badge_id, as Frappe Employee Checkin, and into a folder on schedule', async () => {
    t.clock.set(wib('2026-01-09', '10:00'));
    await t.server.ctx.jobs.drain();
    const csv = await api('GET', '/api/integrations/exports/attendance?date=2026-01-08');
    expect(csv.statusCode, csv.body).toBe(200);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe(
      'employee_id,badge_id,employee_name,department,date,status,check_in,check_out,time_zone,worked_minutes,break_minutes,late_minutes,early_leave_minutes,sources',
    );
    const k1 = lines.find((l) => l.startsWith('K1,'));
    expect(k1).toContain('0004455667');
    expect(k1).toContain('2026-01-08 07:55:00');
    expect(k1).toContain('Asia/Jakarta');
    // Absent people are in a closed day too.
    expect(lines.find((l) => l.startsWith('C3,'))).toContain(',absent,');
    const frappe = await api('GET', '/api/integrations/exports/attendance?date=2026-01-08&layout=frappe');
    const fl = frappe.body
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/);
    expect(fl[0]).toBe('Employee,Employee Name,Log Type,Time,Location / Device ID,Skip Auto Attendance');
    expect(fl).toContain('K1,Kiosk Person,IN,2026-01-08 07:55:00,Hadir,0');
    expect(fl).toContain('K1,Kiosk Person,OUT,2026-01-08 17:01:00,Hadir,0');

    const saved = await admin.request('PATCH', '/api/integrations/export-settings', {
      exportEnabled: true,
      exportFolder: 'frappe-drop',
      exportTime: '01:30',
      exportLayouts: ['hadir', 'frappe'],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(
      (
        await admin.request('PATCH', '/api/integrations/export-settings', {
          exportEnabled: true,
          exportFolder: '../../etc',
          exportTime: '01:30',
          exportLayouts: ['hadir'],
        })
      ).statusCode,
    ).toBe(400);
    t.clock.set(wib('2026-01-10', '01:00'));
    expect(await t.server.modules.integrations.exports.runDue()).toBe(0); // not yet time
    t.clock.set(wib('2026-01-10', '01:31'));
    expect(await t.server.modules.integrations.exports.runDue()).toBe(1);
    expect(await t.server.modules.integrations.exports.runDue()).toBe(0); // once a day
    const dir = path.join(t.dataDir, 'exports', orgId, 'frappe-drop');
    expect(fs.readdirSync(dir).sort()).toEqual([
      'attendance-2026-01-09.csv',
      'employee-checkin-2026-01-09.csv',
    ]);
    const view = (await admin.get('/api/integrations/export-settings')).json<{ lastExportDate: string }>();
    expect(view.lastExportDate).toBe('2026-01-09');
  });

  it('imports check-ins from CSV and XLSX through preview and an atomic commit; a second import stores nothing new', async () => {
    const upload = (name: string, bytes: Buffer) => {
      const m = multipart(name, bytes);
      return api('POST', '/api/integrations/checkins/import', m.body, m.headers);
    };
    const file = Buffer.from(
      'Employee,Log Type,Time,Location / Device ID,Catatan\n' +
        'K1,IN,2026-01-12 07:58:10,ZK-02,x\n' +
        'K1,OUT,12/01/2026 17:03,ZK-02,\n' +
        'NOPE,IN,2026-01-12 08:00,ZK-02,\n',
    );
    const preview = await upload('zk.csv', file);
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json<{
      importId: string;
      validRows: number;
      invalidRows: number;
      unrecognizedColumns: string[];
    }>();
    expect(p).toMatchObject({ validRows: 2, invalidRows: 1, unrecognizedColumns: ['Catatan'] });
    const count = async () =>
      (
        await t.server.ctx.db
          .selectFrom('attendanceEvents')
          .select('id')
          .where('source', '=', 'import')
          .execute()
      ).length;
    const refused = await api('POST', '/api/integrations/checkins/import/commit', { importId: p.importId });
    expect(refused.statusCode).toBe(422);
    expect(await count()).toBe(0); // nothing stored, and the preview is used up
    const again = (await upload('zk.csv', file)).json<{ importId: string }>();
    const done = await api('POST', '/api/integrations/checkins/import/commit', {
      importId: again.importId,
      onlyValidRows: true,
    });
    expect(done.json()).toEqual({ created: 2, duplicates: 0, skipped: 1 });
    expect(await count()).toBe(2);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('log');
    ws.addRow(['employee_id', 'time', 'log_type']);
    ws.addRow(['K1', new Date(Date.UTC(2026, 0, 12, 7, 58, 10)), 'IN']);
    ws.addRow(['K1', new Date(Date.UTC(2026, 0, 13, 8, 1, 0)), 'in']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const px = (await upload('log.xlsx', xlsx)).json<{
      importId: string;
      duplicateRows: number;
      format: string;
    }>();
    expect(px).toMatchObject({ format: 'xlsx', duplicateRows: 1 });
    const dx = await api('POST', '/api/integrations/checkins/import/commit', { importId: px.importId });
    expect(dx.json()).toEqual({ created: 1, duplicates: 1, skipped: 0 });

    // Hostile files are refused as in the employee import.
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    const r1: Res = await upload('old.xls', xls);
    expect(r1.statusCode).toBe(400);
    const r2: Res = await upload('empty.csv', Buffer.alloc(0));
    expect(r2.statusCode).toBe(400);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 1)]);
    expect((await upload('bomb.xlsx', zip)).statusCode).toBe(400);
  });

  it('lists the integration routes in the OpenAPI document', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths);
    for (const p of [
      '/api/integrations/attendance/days/changes',
      '/api/integrations/attendance/events/changes',
      '/api/integrations/checkins',
      '/api/integrations/employees/upsert',
      '/api/integrations/badge-scans',
      '/api/integrations/webhooks',
    ])
      expect(paths).toContain(p);
  });
});
