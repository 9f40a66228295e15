import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '@hadir/domain';
import { Client, dialects, setupOrganization, startTestServer, type TestServer } from './support.js';
import { csvFile, multipart } from './fixtures/employee-files.js';
import { fillOrganization } from './fixtures/fill-organization.js';
import {
  buildRequest,
  idNames,
  sendValid,
  idsOfOrganization,
  liveRoutes,
  snapshotOrganization,
  tableCatalog,
  tableFor,
  type TableCatalog,
} from './fixtures/route-walker.js';

/**
 * Cross-organization isolation. Organization B is filled with data (through its own admin); then the
 * most powerful caller of organization A (its admin, then an all-scopes API token) walks EVERY route the
 * server registers, with B's ids in the path, query and body. Nothing of B may come back, and B's rows
 * must be byte-for-byte the same afterwards. The route list is read at run time, so routes added later
 * are walked too.
 */

type Res = Awaited<ReturnType<Client['get']>>;
const MARKER = 'zeta'; // every name and code of B contains it
const REQUEST_TIMEOUT_MS = 15_000;

describe.each(await dialects())('organization isolation (%s)', (dialect) => {
  let t: TestServer;
  let adminA: Client;
  let orgA: string;
  let bob: Client;
  let orgB: string;
  let bobPassword: string;
  const bSecrets = new Set<string>();
  const bIdsByKind = new Map<string, string[]>();
  let bTokenSecret = '';
  let catalog: TableCatalog;

  const inject = async (
    headers: Record<string, string>,
    method: string,
    url: string,
    body: unknown,
  ): Promise<Res | 'timeout'> => {
    const request = t.app.inject({
      method: method as 'GET',
      url,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), REQUEST_TIMEOUT_MS);
    });
    try {
      return await Promise.race([request, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const setup = await setupOrganization(t.app);
    adminA = setup.client;
    orgA = setup.orgId;

    // B is created by another user, who then leaves A: B's admin is a stranger to A.
    bobPassword = 'zeta-password-123';
    const bobEmail = 'bob@bravo.test';
    const addedBob = await adminA.post('/api/users', {
      name: 'Bob Bravo',
      email: bobEmail,
      password: bobPassword,
      role: 'member',
    });
    expect(addedBob.statusCode).toBe(201);
    // Creating an organization is an operator right: A's admin (the first operator) grants it.
    const bobUserId = addedBob.json<{ userId: string }>().userId;
    expect(
      (await adminA.request('PUT', `/api/users/${bobUserId}/operator`, { operator: true })).statusCode,
    ).toBe(200);
    bob = new Client(t.app);
    await bob.login(bobEmail, bobPassword);
    const created = await bob.post('/api/organizations', { name: 'PT Zeta Rahasia' });
    expect(created.statusCode, created.body).toBe(201);
    orgB = created.json<{ id: string }>().id;
    expect((await bob.post('/api/auth/organization', { organizationId: orgB })).statusCode).toBe(200);
    const usersA = (await adminA.get('/api/users')).json<{ userId: string; email: string }[]>();
    const bobId = usersA.find((u) => u.email === bobEmail)?.userId ?? '';
    expect((await adminA.delete(`/api/users/${bobId}`)).statusCode).toBe(200);

    // B's data, through B's admin: catalogs, a small hierarchy, users, a token, a pending import.
    const id = async (res: Res) => {
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json<{ id: string }>().id;
    };
    const deptB = await id(await bob.post('/api/departments', { name: 'Zeta Gudang' }));
    await id(await bob.post('/api/positions', { name: 'Zeta Kepala' }));
    const siteB = await id(await bob.post('/api/sites', { name: 'Zeta Site', address: 'Jl. Zeta 1' }));
    await id(await bob.post('/api/areas', { name: 'Zeta Area', siteId: siteB }));
    const bossB = await id(
      await bob.post('/api/employees', {
        employeeCode: 'ZETA001',
        name: 'Zeta Boss',
        badgeId: 'ZETA-B1',
        departmentId: deptB,
        whatsapp: '+6281299990001',
      }),
    );
    const staffB = await id(
      await bob.post('/api/employees', { employeeCode: 'ZETA002', name: 'Zeta Staff', supervisorId: bossB }),
    );
    expect(
      (
        await bob.post('/api/users', {
          name: 'Zeta Member',
          email: 'member@zeta.test',
          password: 'zeta-password-456',
          role: 'member',
          employeeId: staffB,
        })
      ).statusCode,
    ).toBe(201);
    // A pending invitation of B: A may neither list nor revoke it (issue 9, item 12).
    const invitation = await bob.post('/api/invitations', { email: 'guest@zeta.test', role: 'member' });
    expect(invitation.statusCode, invitation.body).toBe(201);
    const token = await bob.post('/api/tokens', { name: 'Zeta ERP', scopes: ['member:view'] });
    expect(token.statusCode).toBe(201);
    bTokenSecret = token.json<{ token: string }>().token;
    const upload = multipart('zeta.csv', csvFile([{ code: 'ZETA900', name: 'Zeta Pending' }]));
    expect((await bob.request('POST', '/api/employees/import', upload.body, upload.headers)).statusCode).toBe(
      200,
    );

    // Whatever other slices exist get some B data too: every parameterless create, with a generated body.
    for (const route of liveRoutes(t.app)) {
      if (route.method !== 'POST' || route.params.length || route.auth === 'public' || route.auth === 'user')
        continue;
      if (route.url.startsWith('/api/auth/') || route.url === '/api/employees/import') continue;
      const req = buildRequest(route);
      await inject({ cookie: bob.cookie, 'x-csrf-token': bob.csrf }, req.method, req.url, req.body);
    }

    // Kinds no parameterless create makes (attendance, leave requests, presence, videos, datasets, mobile
    // sync logs, webhook deliveries…): written straight to the database, so B's ids hit real rows.
    await fillOrganization(t.server.ctx.db, orgB, {
      employeeId: staffB,
      userId: bobUserId,
      nowMs: t.clock.nowMs(),
    });

    // Everything B owns, found in the database (new tables included).
    catalog = await tableCatalog(t.server.ctx.db, dialect);
    const ids = await idsOfOrganization(t.server.ctx.db, catalog, orgB);
    ids.set('organizations', [orgB]);
    const usersB = (await bob.get('/api/users')).json<{ userId: string }[]>();
    ids.set(
      'users',
      usersB.map((u) => u.userId),
    );
    for (const [kind, list] of ids) {
      bIdsByKind.set(kind, list.slice(0, 1));
      // Generated ids are secrets; short client-chosen slugs (a camera called "walker") are not.
      for (const v of list) if (v.length >= 16) bSecrets.add(v);
    }
    bSecrets.add(bTokenSecret);
  });
  afterAll(async () => t.close());

  it('B holds rows of every kind the walk must not reach', async () => {
    const db = t.server.ctx.db.withoutPlugins();
    const empty: string[] = [];
    for (const table of catalog.orgTables) {
      const n = await sql<{ n: number }>`
        select count(*) as n from ${sql.table(table)} where organization_id = ${orgB}`.execute(db);
      if (Number(n.rows[0]?.n ?? 0) === 0) empty.push(table);
    }
    const all = (
      dialect === 'postgres'
        ? await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema()`.execute(db)
        : await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
    ).rows.map((r) => r.name);
    expect(empty, `B has no rows in: ${empty.join(', ')}`).toEqual([]);
    // Tables without organization_id hold no organization's data (notification_rate_limits: a token
    // bucket per channel id), or are covered by the snapshot as
    // children of a table that has one (SNAPSHOT_CHILDREN in fixtures/route-walker.ts).
    const unscoped = all.filter((x) => !catalog.orgTables.includes(x) && !/^employees_search/.test(x)).sort();
    expect(unscoped).toEqual([
      'dataset_version_items',
      'hadir_migrations',
      'hadir_migrations_lock',
      'kv',
      'login_throttle',
      'notification_rate_limits',
      'organizations',
      'users',
      'whatsapp_contacts',
    ]);
    const snapshot = await snapshotOrganization(t.server.ctx.db, catalog, orgB);
    for (const table of [
      ...catalog.orgTables.filter((x) => x !== 'sessions'),
      'dataset_version_items',
      'organizations',
      'users',
    ])
      expect(snapshot[table], table).toMatch(/\{/);
  });

  /** Signs A's admin in again into A (the walk logs out and may create further organizations). */
  const relogin = async () => {
    await adminA.login('ani@maju.test', 'correct-horse-battery');
    const selected = await adminA.post('/api/auth/organization', { organizationId: orgA });
    expect(selected.statusCode, selected.body).toBe(200);
  };

  const idsOwnedBy = async (orgId: string) =>
    new Set([...(await idsOfOrganization(t.server.ctx.db, catalog, orgId)).values()].flat());

  /** Which of B's secrets appear in a response but were not sent in the request (echoes are not leaks). */
  const leaked = (res: Res, sent: string): string[] => {
    const body = res.body.toLowerCase();
    const found = [...bSecrets].filter((s) => body.includes(s.toLowerCase()) && !sent.includes(s));
    if (body.includes(MARKER) && !sent.toLowerCase().includes(MARKER)) found.push(`"${MARKER}" marker`);
    return found;
  };

  /** Candidate ids for a parameter or field: B's ids of the matching kind first, then of every kind. */
  function candidateIds(): { kind: string; id: string }[] {
    const out: { kind: string; id: string }[] = [];
    for (const [kind, list] of bIdsByKind) for (const id of list) out.push({ kind, id });
    return out;
  }

  async function walk(
    who: 'session' | 'token',
    headersOf: () => Record<string, string>,
    relogin: () => Promise<void>,
  ) {
    const problems: string[] = [];
    const timeouts: string[] = [];
    let requests = 0;
    /** Every id A has owned during the walk. */
    const aIds = await idsOwnedBy(orgA);
    for (const route of liveRoutes(t.app)) {
      // Each id-like name gets B's id of the kind it points to; names we cannot place (an unknown
      // slice's `:clusterId`) are tried with B's ids of every kind.
      const names = idNames(route);
      const kinds = [...bIdsByKind.keys()];
      const placed = new Map(names.map((n) => [n, tableFor(n, route.url, kinds)]));
      const unplaced = names.some((n) => placed.get(n) === undefined);
      const attempts = unplaced
        ? candidateIds()
        : [{ kind: [...new Set(placed.values())].join('+') || 'none', id: 'walker-id' }];
      for (const { kind, id } of attempts) {
        const idFor = (name: string) => {
          const table = placed.get(name);
          return table ? (bIdsByKind.get(table)?.[0] ?? id) : id;
        };
        let timedOut = false;
        const { req, res: answer } = await sendValid(route, { idFor, optionalIds: true }, async (r) => {
          requests++;
          const res = await inject(headersOf(), r.method, r.url, r.body);
          if (res !== 'timeout') return res;
          timedOut = true;
          return { statusCode: 0, body: '' } as Res;
        });
        const res = timedOut ? 'timeout' : answer;
        const sent = `${req.url} ${JSON.stringify(req.body ?? null)}`;
        const label = `${who} ${req.method} ${req.url} (B ${kind})`;
        if (res === 'timeout') {
          timeouts.push(label);
          continue;
        }
        if (res.statusCode >= 500) problems.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        // Some ids are chosen by the client (camera slugs): A may have made its own object with B's id
        // earlier in the walk. Answering about A's own object is fine.
        if (res.statusCode < 300 && req.method !== 'GET') for (const a of await idsOwnedBy(orgA)) aIds.add(a);
        const leaks = leaked(res, sent);
        const suspicious = route.params.length > 0 && res.statusCode < 400 && route.auth !== 'public';
        if (suspicious && !route.params.every((p) => aIds.has(idFor(p)))) {
          problems.push(`${label}: answered ${res.statusCode} for another organization's object`);
        }
        // A value A itself stored earlier in the walk (B's id sent as a camera slug or a phone number id)
        // comes back as A's own data: an echo, not a leak.
        const aText = leaks.length
          ? JSON.stringify(await snapshotOrganization(t.server.ctx.db, catalog, orgA))
          : '';
        const realLeaks = leaks.filter((l) => !aIds.has(l) && !aText.includes(l));
        if (realLeaks.length) problems.push(`${label}: response contains B's ${realLeaks.join(', ')}`);
        if (res.statusCode === 401 || route.url === '/api/auth/logout') await relogin();
      }
    }
    return { problems, timeouts, requests };
  }

  it('walks every route as A’s admin and A’s all-scopes token without reaching B', async () => {
    const before = await snapshotOrganization(t.server.ctx.db, catalog, orgB);
    expect(Object.keys(before).length).toBeGreaterThan(5);
    expect(before.employees).toContain('ZETA001');

    const asAdmin = await walk(
      'session',
      () => ({ cookie: adminA.cookie, 'x-csrf-token': adminA.csrf }),
      relogin,
    );

    await relogin();
    const tokenRes = await adminA.post('/api/tokens', { name: 'A everything', scopes: [...PERMISSIONS] });
    expect(tokenRes.statusCode, tokenRes.body).toBe(201);
    const bearer = { authorization: `Bearer ${tokenRes.json<{ token: string }>().token}` };
    const asToken = await walk(
      'token',
      () => bearer,
      () => Promise.resolve(),
    );

    const after = await snapshotOrganization(t.server.ctx.db, catalog, orgB);
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    console.log(
      `[isolation] ${dialect}: ${liveRoutes(t.app).length} routes, ${asAdmin.requests + asToken.requests} requests, ` +
        `${bSecrets.size} B ids, timeouts: ${[...asAdmin.timeouts, ...asToken.timeouts].length}`,
    );
    expect([...asAdmin.problems, ...asToken.problems]).toEqual([]);
    expect(changed, `B's tables changed: ${changed.join(', ')}`).toEqual([]);
    expect(orgA).not.toBe(orgB);
  }, 240_000);

  it('keeps B’s own view intact and refuses A’s token on B’s objects directly', async () => {
    await relogin();
    const staff = (await bob.get('/api/employees/lookup?employeeCode=ZETA002')).json<{ id: string }>();
    const tokenRes = await adminA.post('/api/tokens', {
      name: 'A reader',
      scopes: ['member:view', 'token:manage'],
    });
    const bearer = { authorization: `Bearer ${tokenRes.json<{ token: string }>().token}` };
    for (const url of [
      `/api/employees/${staff.id}`,
      `/api/employees/${staff.id}/chain`,
      '/api/employees/lookup?employeeCode=ZETA002',
      '/api/employees/lookup?badgeId=ZETA-B1',
    ]) {
      expect((await t.app.inject({ method: 'GET', url, headers: bearer })).statusCode, url).toBe(404);
    }
    const list = await t.app.inject({ method: 'GET', url: '/api/employees?q=zeta', headers: bearer });
    expect(list.json<{ total: number }>().total).toBe(0);
    const exported = await t.app.inject({
      method: 'GET',
      url: '/api/employees/export?q=zeta',
      headers: bearer,
    });
    expect(exported.body.toLowerCase()).not.toContain(MARKER);

    // B's token works for B only.
    const bToken = { authorization: `Bearer ${bTokenSecret}` };
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/employees?q=zeta', headers: bToken })).json<{
        total: number;
      }>().total,
    ).toBe(2);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/employees?q=walker', headers: bToken })).statusCode,
    ).toBe(200);

    // B's admin still sees B's world, and A's session cannot switch into B.
    expect((await bob.get(`/api/employees/${staff.id}`)).statusCode).toBe(200);
    expect(
      (await adminA.post('/api/auth/organization', { organizationId: orgB })).statusCode,
    ).toBeGreaterThanOrEqual(400);
    expect(bobPassword).toBeTruthy();
  });
});
