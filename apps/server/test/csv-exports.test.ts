// Formula injection (issue 9 item 10): every CSV export goes through one writer that neutralizes cells a
// spreadsheet would run as a formula. Hostile names are planted in every text column an export can
// carry, and each CSV endpoint is read back cell by cell.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText, localTimestamp, neutralizeCell } from '../src/platform/export/csv.js';
import { addEmployee, setCamera } from './presence-fixtures.js';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

const HOSTILE = ['=HYPERLINK("http://evil.test","x")', '+1+cmd|calc', '-2+3', '@SUM(A1)', '\tTAB', '\rCR'];

/** Every cell that a spreadsheet would treat as a formula (or a hidden leading control character). */
function formulaCells(body: string): string[] {
  const rows: string[][] = parse(body.replace(/^\uFEFF/, ''), { relax_column_count: true });
  // A number cell like -5 is a number, not a formula: only text that starts with a trigger counts.
  return rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c));
}

describe('csv writer', () => {
  it('prefixes a quote to every text cell a spreadsheet would evaluate, and keeps numbers', () => {
    for (const h of HOSTILE) expect(neutralizeCell(h)).toBe(`'${h}`);
    expect(neutralizeCell('Budi')).toBe('Budi');
    const text = csvText(['name', 'minutes'], [[HOSTILE[0], -5]]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(formulaCells(text)).toEqual([]);
    expect(text).toContain(',-5');
  });

  it('writes local time in the named zone', () => {
    expect(localTimestamp('Asia/Jakarta', Date.UTC(2026, 0, 5, 2, 0, 0))).toBe('2026-01-05 09:00:00');
    expect(localTimestamp('Asia/Ho_Chi_Minh', Date.UTC(2026, 0, 5, 17, 30, 0))).toBe('2026-01-06 00:30:00');
  });
});

describe.each(await dialects())('csv exports neutralize formulas (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    await setCamera(t.server, orgId, 'gudang-a', '=cmd|calc!A1', 'online');
    for (const [i, name] of HOSTILE.entries()) {
      const id = await addEmployee(t.server, orgId, { code: i % 2 ? `-${i}+1` : `@E${i}`, name });
      t.server.modules.presence.recordSighting({
        organizationId: orgId,
        employeeId: id,
        cameraId: 'gudang-a',
        cameraName: '=cmd|calc!A1',
        atMs: t.clock.nowMs(),
        cosineSimilarity: 0.8,
        trackId: null,
      });
    }
    await t.server.modules.presence.flush();
  });
  afterAll(async () => t?.close());

  const endpoints = [
    '/api/reports/daily?date=2026-01-05&format=csv',
    '/api/presence/intervals?format=csv',
    '/api/employees/export?format=csv',
    '/api/analytics/attendance?from=2026-01-05&to=2026-01-05&format=csv',
  ];

  it.each(endpoints)('%s has no cell a spreadsheet would run', async (url) => {
    const res = await admin.get(url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    expect(formulaCells(res.body)).toEqual([]);
  });

  it('the report and presence log carry the planted names, neutralized, with local times and the zone', async () => {
    const report = await admin.get('/api/reports/daily?date=2026-01-05&format=csv');
    expect(report.body).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
    expect(report.body.split('\n')[0]).toContain('time_zone');
    expect(report.body).toContain('Asia/Jakarta');
    const log = await admin.get('/api/presence/intervals?format=csv');
    const rows: string[][] = parse(log.body.replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual([
      'employee_code',
      'employee_name',
      'camera',
      'started_at',
      'last_seen_at',
      'time_zone',
      'duration_s',
      'sightings',
      'best_similarity',
    ]);
    expect(rows).toHaveLength(HOSTILE.length + 1);
    expect(rows.slice(1).map((r) => r[2])).toEqual(Array(HOSTILE.length).fill(`'=cmd|calc!A1`));
    // 02:00 UTC on the test clock is 09:00 in Jakarta.
    expect(rows[1]?.[3]).toBe('2026-01-05 09:00:00');
    expect(rows[1]?.[5]).toBe('Asia/Jakarta');
  });
});
