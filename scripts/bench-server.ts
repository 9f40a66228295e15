/**
 * What a bench needs to run a real Hadir server as its own process: a free port, a fresh PostgreSQL
 * schema, the server spawned as `npm start` would run it (waiting for /healthz), and a cookie + CSRF
 * client that arranges data through the public API.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const BENCH_PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export async function postgresReachable(url = BENCH_PG_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema for one run; `url` selects it through search_path, `drop` removes it. */
export async function freshSchema(
  prefix: string,
): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: BENCH_PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(BENCH_PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), schema, drop: () => admin(`drop schema if exists ${schema} cascade`) };
}

/** Process ids of the PostgreSQL backends whose client set this application_name. */
export async function backendPids(client: pg.Client, applicationName: string): Promise<number[]> {
  const r = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where application_name = $1',
    [applicationName],
  );
  return r.rows.map((row) => row.pid);
}

export interface SpawnedServer {
  baseUrl: string;
  pid: number;
  /** The last 20 kB the process wrote (stdout and stderr), for error messages. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * `node --import tsx apps/server/src/main.ts` with `env` on a free port; resolves once /healthz answers.
 * `nodeArgs` go to node itself (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 */
export async function spawnServer(
  env: Record<string, string>,
  opts: { args?: string[]; nodeArgs?: string[] } = {},
): Promise<SpawnedServer> {
  const port = await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'apps/server/src/main.ts'),
      ...(opts.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 1200) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 120 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    pid: child.pid ?? 0,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** A cookie + CSRF client for arranging data through the public API (JSON or multipart bodies). */
export class BenchApi {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}
  async call<T>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const isForm = body instanceof FormData;
    const res = await fetch(this.base + url, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? null : isForm ? body : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('hadir_session=')) this.cookie = set.split(';')[0] ?? '';
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
    const json = text ? (JSON.parse(text) as T & { csrfToken?: unknown }) : (undefined as T);
    if (json && typeof json === 'object' && 'csrfToken' in json && typeof json.csrfToken === 'string')
      this.csrf = json.csrfToken;
    return json;
  }
}

/** Employees as the import takes them: EMP00000…, with names in the languages Hadir ships. */
export function employeesCsv(n: number): string {
  const lines = ['employee_code,badge_id,name,department,position,whatsapp,supervisor_code'];
  const first = ['Budi', 'Siti', 'Agus', 'Dewi', 'Rina', 'Joko', 'Nguyen', 'Tran', 'Linh', 'Putri'];
  const last = ['Santoso', 'Wijaya', 'Lestari', 'Hartono', 'Van An', 'Thi Bich', 'Saputra', 'Kurniawan'];
  for (let i = 0; i < n; i++) {
    const code = `EMP${String(i).padStart(5, '0')}`;
    const name = `${first[i % first.length]} ${last[(i * 7) % last.length]} ${i}`;
    lines.push(`${code},B${i},${name},Dept ${i % 25},Pos ${i % 9},+62812${String(i).padStart(7, '0')},`);
  }
  return lines.join('\n');
}

/** Setup wizard (admin signed in), working hours all day every day, and `employees` through the import. */
export async function seedOrganization(
  api: BenchApi,
  employees: number,
): Promise<{ organizationId: string }> {
  const setup = await api.call<{ activeOrganizationId: string }>('POST', '/api/setup', {
    organization: { name: 'PT Bench Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
    admin: { name: 'Bench Admin', email: 'bench@hadir.test', password: 'bench-password-123' },
  });
  const allDay = { start: '00:00', end: '23:59' };
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  await api.call('PATCH', '/api/organization', {
    settings: { workingHours: Object.fromEntries(days.map((d) => [d, allDay])) },
  });
  const form = new FormData();
  form.append('file', new Blob([employeesCsv(employees)], { type: 'text/csv' }), 'employees.csv');
  const preview = await api.call<{ importId: string; validRows: number }>(
    'POST',
    '/api/employees/import',
    form,
  );
  if (preview.validRows !== employees) throw new Error(`seed: only ${preview.validRows} valid rows`);
  await api.call('POST', '/api/employees/import/commit', { importId: preview.importId });
  return { organizationId: setup.activeOrganizationId };
}

export const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
