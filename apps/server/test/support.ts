import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { FakeClock } from '../src/platform/clock/clock.js';
import { parseEnv } from '../src/platform/config/env.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { composeServer, type HadirServer } from '../src/roles/compose.js';
import { createLogger, type Logger } from '../src/platform/logging/logger.js';

type LightMyRequestResponse = Awaited<ReturnType<FastifyInstance['inject']>>;

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgAvailable: Promise<boolean> | null = null;
/** Whether the PostgreSQL tier can run; CI sets HADIR_REQUIRE_POSTGRES=1 so it never silently skips there. */
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (process.env.HADIR_REQUIRE_POSTGRES === '1')
        throw new Error(`PostgreSQL required but not reachable at ${PG_URL}: ${String(error)}`);
      console.warn(
        `[skip] PostgreSQL tier skipped: no server at ${PG_URL} (set TEST_DATABASE_URL). ${String(error)}`,
      );
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgAvailable;
}

export type DialectName = 'sqlite' | 'postgres';
/** Both dialects for describe.each; the PostgreSQL entry is filtered out when no server is reachable. */
export async function dialects(): Promise<DialectName[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, migrated, isolated database: a temp SQLite file, or a new PostgreSQL schema. */
export async function freshDatabaseUrl(
  dialect: DialectName,
): Promise<{ url: string; searchPath?: string; cleanup: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-db-'));
    return {
      url: `sqlite:${path.join(dir, 'test.sqlite')}`,
      cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    searchPath: schema,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

export async function testDatabase(
  dialect: DialectName,
): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  const fresh = await freshDatabaseUrl(dialect);
  const database = openDatabase(fresh.url, fresh.searchPath ? { searchPath: fresh.searchPath } : {});
  await migrateToLatest(database);
  return {
    database,
    cleanup: async () => {
      await database.close();
      await fresh.cleanup();
    },
  };
}

export interface TestServer {
  server: HadirServer;
  app: FastifyInstance;
  clock: FakeClock;
  dataDir: string;
  close(): Promise<void>;
}

/** A real composed server (all modules, real database) driven through app.inject. */
export async function startTestServer(
  dialect: DialectName,
  envOverrides: Record<string, string> = {},
  /** A logger to read what the server says (default: silent). */
  opts: { logger?: Logger } = {},
): Promise<TestServer> {
  const fresh = await freshDatabaseUrl(dialect);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-data-'));
  const env = parseEnv(
    {
      HADIR_DATA_DIR: dataDir,
      DATABASE_URL: fresh.url,
      HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
      HADIR_MODELS_DIR: path.join(dataDir, 'models'),
      LOG_LEVEL: 'silent',
      HADIR_SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
      // The tests' cameras (gst RTSP) and fake providers listen on 127.0.0.1: an explicit opt-in.
      HADIR_OUTBOUND_ALLOW_LOOPBACK: 'true',
      ...envOverrides,
    },
    [],
  );
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 2, 0, 0));
  const server = await composeServer(env, {
    clock,
    logger: opts.logger ?? createLogger('silent'),
    webDir: null,
  });
  return {
    server,
    app: server.app as unknown as FastifyInstance,
    clock,
    dataDir,
    async close() {
      await server.stop();
      await fresh.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in browser-like client: keeps the session cookie and sends the CSRF token. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(private readonly app: FastifyInstance) {}

  async request(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined && !(body instanceof Buffer) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: body instanceof Buffer ? body : JSON.stringify(body) } : {}),
    });
    const set = res.headers['set-cookie'];
    const first = Array.isArray(set) ? set[0] : set;
    if (first?.startsWith('hadir_session=')) {
      const value = first.split(';')[0] ?? '';
      this.cookie = value === 'hadir_session=' ? '' : value;
    }
    if (res.statusCode < 300 && String(res.headers['content-type'] ?? '').includes('json')) {
      const json = res.json<{ csrfToken?: string }>();
      if (json && typeof json === 'object' && typeof json.csrfToken === 'string') this.csrf = json.csrfToken;
    }
    return res;
  }
  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown) => this.request('POST', url, body ?? {});
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body ?? {});
  put = (url: string, body?: unknown) => this.request('PUT', url, body ?? {});
  delete = (url: string) => this.request('DELETE', url);

  async login(email: string, password: string): Promise<void> {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  }
}

export const ADMIN = { name: 'Ani Admin', email: 'ani@maju.test', password: 'correct-horse-battery' };

/** Runs the setup wizard's API: returns an admin client and the organization id. */
export async function setupOrganization(
  app: FastifyInstance,
  name = 'PT Maju Jaya',
  admin = ADMIN,
): Promise<{ client: Client; orgId: string }> {
  const client = new Client(app);
  const res = await client.post('/api/setup', {
    organization: { name, timeZone: 'Asia/Jakarta', locale: 'id' },
    admin,
  });
  if (res.statusCode !== 200) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return { client, orgId: res.json<{ activeOrganizationId: string }>().activeOrganizationId };
}

/** Adds a user with a role to the admin's organization and returns that user's signed-in client. */
export async function userWithRole(
  app: FastifyInstance,
  admin: Client,
  role: string,
  email = `${role}-${Math.random().toString(36).slice(2, 7)}@maju.test`,
): Promise<Client> {
  const password = 'role-password-123';
  const res = await admin.post('/api/users', { name: `${role} user`, email, password, role });
  if (res.statusCode !== 201) throw new Error(`add user failed: ${res.statusCode} ${res.body}`);
  const c = new Client(app);
  await c.login(email, password);
  return c;
}
