import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteSearchCandidates } from '../src/modules/people/index.js';
import { listEmployees } from '../src/modules/people/employees.repository.js';
import { newId } from '../src/platform/ids/ids.js';
import {
  PG_URL,
  dialects,
  postgresAvailable,
  setupOrganization,
  startTestServer,
  type Client,
  type TestServer,
} from './support.js';

/**
 * Security issue 9, item 11 (one tenant slows the others): query time limits. On PostgreSQL a statement
 * past HADIR_DB_STATEMENT_TIMEOUT_MS is stopped and the request answers 503 `query_timeout` (before: a
 * 500 "Internal error", or a request that hung for as long as the query ran). On SQLite, where a
 * statement cannot be stopped, the employee search finds its rows from an FTS5 trigram index (0091)
 * instead of scanning the organization, with the same answers as the `like` it narrows.
 */
const pgUp = await postgresAvailable();

describe.skipIf(!pgUp)('statement time limit (postgres)', () => {
  let t: TestServer;
  let admin: Client;
  let locker: pg.Client | null = null;

  beforeAll(async () => {
    t = await startTestServer('postgres', { HADIR_DB_STATEMENT_TIMEOUT_MS: '400' });
    ({ client: admin } = await setupOrganization(t.app));
  });
  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    await t?.close();
  });

  it('a query past statement_timeout answers 503 query_timeout quickly; the next one is served', async () => {
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(t.server.ctx.db)).rows[0]
      ?.s;
    // Another session holds the employees table: the list's query waits and hits the time limit.
    locker = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table employees in access exclusive mode');
    const t0 = performance.now();
    const res = await admin.get('/api/employees');
    const ms = performance.now() - t0;
    expect(res.statusCode, res.body).toBe(503);
    const error = res.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('query_timeout');
    expect(error.message).toMatch(/took too long/);
    expect(res.headers['retry-after']).toBe('5');
    expect(ms).toBeLessThan(5000);
    await locker.query('rollback');
    expect((await admin.get('/api/employees')).statusCode).toBe(200);
  });
});

describe.each((await dialects()).filter((d) => d === 'sqlite'))('employee search index (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  const codes = async (q: string) =>
    (await admin.get(`/api/employees?pageSize=100&q=${encodeURIComponent(q)}`))
      .json<{ items: { employeeCode: string }[]; total: number }>()
      .items.map((e) => e.employeeCode)
      .sort();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const now = t.clock.nowMs();
    const rows = ['Budi Santoso', 'Siti Rahayu', 'Ayu "Ratna" 50%', 'Ngô Bảo Châu', 'Dewi_Lestari'].map(
      (name, i) => ({
        id: newId(now),
        organizationId: orgId,
        employeeCode: `EMP${String(i).padStart(3, '0')}`,
        badgeId: i === 1 ? 'BADGE-77' : null,
        name,
        departmentId: null,
        positionId: null,
        areaId: null,
        email: i === 0 ? 'budi@maju.test' : null,
        phone: null,
        whatsapp: null,
        supervisorId: null,
        status: 'active',
        createdAt: now,
        updatedAt: now,
      }),
    );
    await t.server.ctx.db.insertInto('employees').values(rows).execute();
  });
  afterAll(async () => t?.close());

  it('a rare term reads its rows through the FTS5 trigram index, not a scan of the organization', async () => {
    const db = t.server.ctx.db;
    const candidates = await sqliteSearchCandidates(db, 'santo');
    expect(candidates).not.toBeNull();
    // The list's own queries (sorted by name, one page), as the repository builds them, captured.
    const executor = db.getExecutor();
    const captured: CompiledQuery[] = [];
    const spy = db.withPlugin({
      transformQuery: ({ node, queryId }) => {
        captured.push(executor.compileQuery(node, queryId));
        return node;
      },
      transformResult: ({ result }) => Promise.resolve(result),
    });
    const { total } = await listEmployees(spy, orgId, {
      q: 'santo',
      sort: 'name',
      order: 'asc',
      page: 1,
      pageSize: 50,
    });
    expect(total).toBe(1);
    const page = captured.find((c) => /limit/i.test(c.sql) && /rowid in/i.test(c.sql));
    expect(page, captured.map((c) => c.sql).join('\n')).toBeDefined();
    const steps = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${page!.sql}`, [...page!.parameters]),
    );
    const plan = steps.rows.map((r) => r.detail).join('\n');
    expect(plan).toMatch(/SEARCH employees USING INTEGER PRIMARY KEY/);
    expect(plan).not.toMatch(/employees_org_name_ix/);
    // Shorter than a trigram, or no index: the plain scan.
    expect(await sqliteSearchCandidates(db, 'yu')).toBeNull();
  });

  it('answers as the substring search did: any column, any case, quotes and wildcards literal', async () => {
    expect(await codes('SANTOSO')).toEqual(['EMP000']);
    expect(await codes('ahayu')).toEqual(['EMP001']);
    expect(await codes('badge-7')).toEqual(['EMP001']);
    expect(await codes('@maju')).toEqual(['EMP000']);
    expect(await codes('"Ratna"')).toEqual(['EMP002']);
    expect(await codes('50%')).toEqual(['EMP002']);
    expect(await codes('i_l')).toEqual(['EMP004']);
    expect(await codes('emp00')).toHaveLength(5);
    // Shorter than a trigram: the plain substring match.
    expect(await codes('yu')).toEqual(['EMP001', 'EMP002']);
  });

  it('follows changes: a renamed employee is found by the new name only, a deleted one not at all', async () => {
    const id = (
      await t.server.ctx.db
        .selectFrom('employees')
        .select('id')
        .where('employeeCode', '=', 'EMP000')
        .executeTakeFirstOrThrow()
    ).id;
    const res = await admin.patch(`/api/employees/${id}`, { name: 'Budi Hartono' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await codes('santoso')).toEqual([]);
    expect(await codes('hartono')).toEqual(['EMP000']);
    await t.server.ctx.db.deleteFrom('employees').where('id', '=', id).execute();
    expect(await codes('hartono')).toEqual([]);
  });
});
