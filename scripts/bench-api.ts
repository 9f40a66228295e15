/*
 * npm run bench -- api [--employees 5000] [--duration 10] [--connections 10] [--db sqlite|postgres|both]
 * Starts a real Hadir server process on loopback (SQLite file; PostgreSQL too when reachable at BENCH_DATABASE_URL
 * or TEST_DATABASE_URL), imports N employees through the CSV import, then loads the employee list with
 * autocannon as an API-token client. Prints a markdown table of requests/s and latency percentiles.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { percentile } from './bench-stats.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
}
interface AutocannonInstance {
  on(
    event: 'response',
    fn: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void,
  ): void;
}
type Autocannon = (
  opts: {
    url: string;
    connections: number;
    duration: number;
    headers: Record<string, string>;
    requests: { method: string; setupRequest: (req: AutocannonRequest) => AutocannonRequest }[];
  },
  done: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

// autocannon ships no types and is CommonJS: load it through require with the shape used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  database: string;
  scenario: string;
  requestsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database for one run: a SQLite file, or a fresh PostgreSQL schema dropped afterwards. */
async function benchDatabase(kind: 'sqlite' | 'postgres', dir: string) {
  if (kind === 'sqlite') return { url: `sqlite:${path.join(dir, 'bench.sqlite')}`, drop: async () => {} };
  const schema = `bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

function employeesCsv(n: number): string {
  const lines = ['employee_code,badge_id,name,department,position,whatsapp,supervisor_code'];
  const first = ['Budi', 'Siti', 'Agus', 'Dewi', 'Rina', 'Joko', 'Nguyen', 'Tran', 'Linh', 'Putri'];
  const last = ['Santoso', 'Wijaya', 'Lestari', 'Hartono', 'Van An', 'Thi Bich', 'Saputra', 'Kurniawan'];
  for (let i = 0; i < n; i++) {
    const code = `EMP${String(i).padStart(5, '0')}`;
    const name = `${first[i % first.length]} ${last[(i * 7) % last.length]} ${i}`;
    const sup = i > 0 ? `EMP${String(Math.floor(i / 10)).padStart(5, '0')}` : '';
    lines.push(
      `${code},B${i},${name},Dept ${i % 25},Pos ${i % 9},+62812${String(i).padStart(7, '0')},${sup}`,
    );
  }
  return lines.join('\n');
}

async function call(
  base: string,
  method: string,
  url: string,
  init: { headers?: Record<string, string>; body?: string | FormData } = {},
) {
  const res = await fetch(base + url, { method, headers: init.headers, body: init.body ?? null });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res;
}

/** Setup wizard, 5,000-employee import and a read token, all through the public API. */
async function seed(base: string, employees: number): Promise<string> {
  const setup = await call(base, 'POST', '/api/setup', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organization: { name: 'PT Bench Jaya', timeZone: 'Asia/Jakarta', locale: 'id' },
      admin: { name: 'Bench Admin', email: 'bench@hadir.test', password: 'bench-password-123' },
    }),
  });
  const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await setup.json()) as { csrfToken: string };
  const session = { cookie, 'x-csrf-token': csrfToken };
  const form = new FormData();
  form.append('file', new Blob([employeesCsv(employees)], { type: 'text/csv' }), 'employees.csv');
  const preview = (await (
    await call(base, 'POST', '/api/employees/import', { headers: session, body: form })
  ).json()) as {
    importId: string;
    validRows: number;
  };
  if (preview.validRows !== employees) throw new Error(`seed: only ${preview.validRows} valid rows`);
  await call(base, 'POST', '/api/employees/import/commit', {
    headers: { ...session, 'content-type': 'application/json' },
    body: JSON.stringify({ importId: preview.importId }),
  });
  const token = await call(base, 'POST', '/api/tokens', {
    headers: { ...session, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['member:view'] }),
  });
  return ((await token.json()) as { token: string }).token;
}

function load(base: string, token: string, path: () => string, durationS: number, connections: number) {
  return new Promise<{ result: AutocannonResult; latencies: number[] }>((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: durationS,
        headers: { authorization: `Bearer ${token}` },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
      },
      (err, result) => (err ? reject(err) : resolve({ result, latencies })),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

/** A port the OS says is free right now. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/**
 * The server runs as its own process (`node --import tsx apps/server/src/main.ts`, as `npm start` does),
 * so autocannon does not share its event loop.
 */
async function startServer(dbUrl: string, dir: string): Promise<{ base: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/server/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HADIR_DATA_DIR: dir,
      DATABASE_URL: dbUrl,
      HADIR_ROLES: 'api',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      HADIR_CAMERA_CONFIG_DIR: path.join(dir, 'camera_config'),
      HADIR_MODELS_DIR: path.join(dir, 'models'),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error('server did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function benchOne(
  kind: 'sqlite' | 'postgres',
  opts: { employees: number; duration: number; connections: number },
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-'));
  const db = await benchDatabase(kind, dir);
  const rows: Row[] = [];
  const server = await startServer(db.url, dir);
  try {
    const base = server.base;
    const seeded = performance.now();
    const token = await seed(base, opts.employees);
    console.error(
      `[bench-api] ${kind}: seeded ${opts.employees} employees in ${(performance.now() - seeded).toFixed(0)} ms`,
    );
    const pages = Math.ceil(opts.employees / 25);
    const terms = ['santoso', 'budi', 'EMP012', 'van an', 'wijaya 4', 'B42'];
    const scenarios: [string, () => string][] = [
      [
        'list, random page (pageSize=25)',
        () => `/api/employees?page=${1 + Math.floor(Math.random() * pages)}&pageSize=25`,
      ],
      [
        'search q, first page',
        () =>
          `/api/employees?q=${encodeURIComponent(terms[Math.floor(Math.random() * terms.length)] ?? '')}&pageSize=25`,
      ],
      ['list sorted by name, page 100', () => '/api/employees?sort=name&page=100&pageSize=25'],
    ];
    for (const [scenario, next] of scenarios) {
      await load(base, token, next, 2, opts.connections); // warm-up: JIT and database caches
      const { result, latencies } = await load(base, token, next, opts.duration, opts.connections);
      latencies.sort((a, b) => a - b);
      rows.push({
        database: kind === 'sqlite' ? 'SQLite (file, WAL)' : 'PostgreSQL',
        scenario,
        requestsPerSec: result.requests.average,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        non2xx: result.non2xx + result.errors + result.timeouts,
      });
    }
  } finally {
    // autocannon stops on time, not on empty pipes: let the last requests finish before closing.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await server.stop();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      employees: { type: 'string', default: '5000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      db: { type: 'string', default: 'both' },
    },
  });
  const opts = {
    employees: Number(values.employees),
    duration: Number(values.duration),
    connections: Number(values.connections),
  };
  const kinds: ('sqlite' | 'postgres')[] = [];
  if (values.db !== 'postgres') kinds.push('sqlite');
  if (values.db !== 'sqlite') {
    if (await postgresReachable()) kinds.push('postgres');
    else console.error(`[bench-api] PostgreSQL not reachable at ${PG_URL}; SQLite only`);
  }
  const rows: Row[] = [];
  for (const kind of kinds) rows.push(...(await benchOne(kind, opts)));

  const ms = (v: number) => v.toFixed(1);
  console.log(
    `\nGET /api/employees, ${opts.employees} employees, ${opts.connections} connections, ${opts.duration} s per scenario ` +
      `(node ${process.version}, ${os.cpus().length} CPUs: ${os.cpus()[0]?.model ?? '?'})\n`,
  );
  console.log('| Database | Scenario | Requests/s | p50 ms | p95 ms | p99 ms | Errors/non-2xx |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.database} | ${r.scenario} | ${r.requestsPerSec.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.non2xx} |`,
    );
  }
}
