// Issue 9 items 15, 18 and 19: time zones and dates validated at the edge, private files at rest,
// security headers, uncached snapshots, /metrics opt-in, and no NUL bytes or lone surrogates in text.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../src/platform/http/app.js';
import { addEmployee } from './presence-fixtures.js';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const fakeJpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('face')]);

describe.each(await dialects())('input validation at the edge (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
  });
  afterAll(async () => t?.close());

  it('refuses a time zone that is not an IANA name, everywhere one enters', async () => {
    for (const timeZone of ['Mars/Olympus', 'Asia/Jakarta\u0000', '+07:00x', '']) {
      const res = await admin.patch('/api/organization', { settings: { timeZone } });
      expect(res.statusCode, timeZone).toBe(400);
    }
    const created = await admin.post('/api/organizations', {
      name: 'PT Zona',
      settings: { timeZone: 'Nowhere' },
    });
    expect(created.statusCode).toBe(400);
    const ok = await admin.patch('/api/organization', { settings: { timeZone: 'Asia/Makassar' } });
    expect(ok.statusCode).toBe(200);
    expect(
      (await admin.get('/api/organization')).json<{ settings: { timeZone: string } }>().settings.timeZone,
    ).toBe('Asia/Makassar');
    await admin.patch('/api/organization', { settings: { timeZone: 'Asia/Jakarta' } });
  });

  it('answers an impossible calendar date with 400, not 500', async () => {
    for (const url of [
      '/api/reports/daily?date=2026-02-31',
      '/api/reports/daily?date=2026-13-01',
      '/api/reports/daily?date=2025-02-29&format=csv',
      '/api/analytics/attendance?from=2026-02-30&to=2026-03-01',
    ]) {
      const res = await admin.get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    }
    expect((await admin.get('/api/reports/daily?date=2024-02-29')).statusCode).toBe(200);
  });

  it('an invalid zone stored by an older version breaks neither reports nor the presence tick', async () => {
    const row = await t.server.ctx.db
      .selectFrom('organizations')
      .select('settings')
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    const legacy = { ...(JSON.parse(row.settings) as object), timeZone: 'Mars/Olympus' };
    await t.server.ctx.db
      .updateTable('organizations')
      .set({ settings: JSON.stringify(legacy) })
      .where('id', '=', orgId)
      .execute();
    const report = await admin.get('/api/reports/daily?date=2026-01-05');
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json<{ timeZone: string }>().timeZone).toBe('UTC');
    await expect(t.server.modules.presence.tick()).resolves.toBeUndefined();
    expect((await admin.get('/api/organization')).statusCode).toBe(200);
    await admin.patch('/api/organization', { settings: { timeZone: 'Asia/Jakarta' } });
  });

  it('refuses NUL bytes and lone surrogates in any JSON body or query, and stores nothing', async () => {
    const before = await admin.get('/api/employees');
    for (const name of ['Bu\u0000di', 'Budi \ud800', '\udfffCitra']) {
      const res = await admin.post('/api/employees', { employeeCode: 'E-NUL', name });
      expect(res.statusCode, JSON.stringify(name)).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('invalid_text');
    }
    const nested = await admin.patch('/api/organization', { name: 'PT \u0000 Maju' });
    expect(nested.statusCode).toBe(400);
    expect((await admin.get('/api/employees?q=%00')).statusCode).toBe(400);
    const after = await admin.get('/api/employees');
    expect(after.json<{ total: number }>().total).toBe(before.json<{ total: number }>().total);
    // A real astral character (a surrogate pair) is fine.
    const emoji = await admin.post('/api/employees', { employeeCode: 'E-OK', name: 'Budi 👷' });
    expect(emoji.statusCode, emoji.body).toBe(201);
  });

  it('sends a CSP with frame-ancestors none, and snapshots are never cached', async () => {
    const res = await admin.get('/api/organization');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const s = await t.server.modules.faces.snapshots.save(orgId, { kind: 'presence', faceJpeg: fakeJpeg });
    const face = await admin.get(`/api/snapshots/${s.id}/face.jpg`);
    expect(face.statusCode).toBe(200);
    expect(face.headers['cache-control']).toBe('private, no-store');
  });

  it('keeps /metrics off unless a metrics token is configured', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('metrics token', () => {
  let t: TestServer;
  const token = 'metrics-token-0123456789abcdef';
  beforeAll(async () => {
    t = await startTestServer('sqlite', { HADIR_METRICS_TOKEN: token });
  });
  afterAll(async () => t?.close());

  it('serves metrics only to the scraper with the token', async () => {
    const get = (authorization?: string) =>
      t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    expect((await get()).statusCode).toBe(401);
    expect((await get(`Bearer ${token}x`)).statusCode).toBe(401);
    expect((await get('Bearer short')).statusCode).toBe(401);
    const ok = await get(`Bearer ${token}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('hadir_http_request_duration_seconds');
  });
});

describe('files at rest are private', () => {
  let t: TestServer;
  let root: string;
  let dataDir: string;

  beforeAll(async () => {
    // An open parent (0755) and a database file an older version left world-readable.
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-modes-'));
    fs.chmodSync(root, 0o755);
    dataDir = path.join(root, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const dbFile = path.join(dataDir, 'hadir.sqlite');
    fs.writeFileSync(dbFile, '');
    fs.chmodSync(dbFile, 0o644);
    t = await startTestServer('sqlite', {
      HADIR_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${dbFile}`,
      HADIR_SECRET_KEY: '',
    });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates the data dir 0700 and the database (with -wal/-shm), key and snapshots 0600', async () => {
    const { orgId } = await setupOrganization(t.app);
    const s = await t.server.modules.faces.snapshots.save(orgId, { kind: 'presence', faceJpeg: fakeJpeg });
    expect(mode(dataDir)).toBe(0o700);
    for (const f of ['hadir.sqlite', 'hadir.sqlite-wal', 'hadir.sqlite-shm', 'secret.key']) {
      expect(fs.existsSync(path.join(dataDir, f)), f).toBe(true);
      expect(mode(path.join(dataDir, f)).toString(8), f).toBe('600');
    }
    const snapDir = path.join(dataDir, 'snapshots');
    for (const entry of fs.readdirSync(snapDir, { recursive: true }).map(String)) {
      const p = path.join(snapDir, entry);
      const expected = fs.statSync(p).isDirectory() ? '700' : '600';
      expect(mode(p).toString(8), entry).toBe(expected);
    }
    expect(
      fs
        .readdirSync(snapDir, { recursive: true })
        .map(String)
        .some((f) => f.includes(s.id)),
    ).toBe(true);
  });
});

describe('content security policy', () => {
  it('allows the inline theme script of the built index.html by its hash, and nothing else inline', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-csp-'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<html><head><script>theme()</script><script type="module" src="/a.js"></script></head></html>',
    );
    const csp = contentSecurityPolicy(dir);
    // sha256("theme()") in base64.
    expect(csp['script-src']).toEqual(["'self'", "'sha256-Rfr3GgHZFiXm+TmNr+li+0sZ4J9FGllo8jsXcJF5XZ8='"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe.each(await dialects())('one organization never breaks another (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgA: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId: orgA } = await setupOrganization(t.app));
  });
  afterAll(async () => t?.close());

  it('records organization B’s sightings and ticks it although A’s settings are unreadable', async () => {
    const created = await admin.post('/api/organizations', { name: 'PT Lain' });
    expect(created.statusCode, created.body).toBe(201);
    const orgB = created.json<{ id: string }>().id;
    const budiA = await addEmployee(t.server, orgA, { code: 'A1', name: 'Budi' });
    const citraB = await addEmployee(t.server, orgB, { code: 'B1', name: 'Citra' });
    await t.server.ctx.db
      .updateTable('organizations')
      .set({ settings: '{"timeZone": ' })
      .where('id', '=', orgA)
      .execute();
    for (const [organizationId, employeeId] of [
      [orgA, budiA],
      [orgB, citraB],
    ] as const) {
      t.server.modules.presence.recordSighting({
        organizationId,
        employeeId,
        cameraId: 'gudang-a',
        cameraName: 'Gudang A',
        atMs: t.clock.nowMs(),
        cosineSimilarity: 0.8,
        trackId: null,
      });
    }
    await t.server.modules.presence.flush();
    const rows = await t.server.ctx.db.selectFrom('presenceIntervals').select('organizationId').execute();
    expect(rows.map((r) => r.organizationId)).toEqual([orgB]);
    await expect(t.server.modules.presence.tick()).resolves.toBeUndefined();
  });
});
