import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../platform/config/env.js';
import { systemClock, type Clock } from '../platform/clock/clock.js';
import { SecretBox } from '../platform/crypto/secret-box.js';
import { openDatabase, pingDatabase, type Database } from '../platform/db/database.js';
import { migrateToLatest, type MigrationReport } from '../platform/db/migrate.js';
import { EventBus } from '../platform/events/event-bus.js';
import { buildHttpApp, type HttpApp } from '../platform/http/app.js';
import { Readiness, registerHealthRoutes } from '../platform/http/health.js';
import { createMetrics } from '../platform/http/metrics.js';
import { OrgLimiter } from '../platform/http/org-limiter.js';
import { randomToken } from '../platform/ids/ids.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import { JobRunner } from '../platform/jobs/job-runner.js';
import { PgBossJobQueue } from '../platform/jobs/pgboss-job-queue.js';
import { PostgresEventTransport } from '../platform/events/postgres-event-transport.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import type { ServerContext } from '../context.js';
import { registerModules, type Modules } from '../modules/index.js';
import { isEdgeAuthorization } from '../modules/edges/index.js';

export const VERSION = '0.1.0';
const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_WEB_DIR = path.resolve(here, '../../../web/dist');
const DEFAULT_MOBILE_DIR = path.resolve(here, '../../../mobile/dist');

export interface HadirServer {
  app: HttpApp;
  ctx: ServerContext;
  modules: Modules;
  database: Database;
  readiness: Readiness;
  /** Listens (api role) and starts the pipeline and worker roles as configured. */
  start(): Promise<string | null>;
  stop(): Promise<void>;
}

export interface ComposeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Skip listening and background loops (tests drive them explicitly). */
  webDir?: string | null;
  /** The built mobile app served under /m/ (null: none). */
  mobileDir?: string | null;
}

/**
 * The data dir holds the database, the secret key, face snapshots and uploads: only the server's user
 * may enter it (0700), whatever the umask, and a dir left open by an older version is closed here.
 */
function preparePrivateDataDir(env: Env): void {
  fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(env.dataDir, 0o700);
}

/** Data-dir secret for sealing secrets at rest, created once with 0600 permissions. */
function loadSecret(env: Env): string {
  if (env.HADIR_SECRET_KEY) return env.HADIR_SECRET_KEY;
  const file = path.join(env.dataDir, 'secret.key');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomToken(48), { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * On PostgreSQL, migrations run on their own pool without a statement timeout (an index on a big table
 * may take minutes); the server's pool then bounds every statement, so one runaway search cannot hold
 * a connection for long. On SQLite the heavy organization reads run in read workers under the same time
 * limit (migrations and writes run on the main connection, which has none).
 */
async function openMigratedDatabase(env: Env): Promise<Database & { migrated: MigrationReport }> {
  if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    const database = openDatabase(env.DATABASE_URL, {
      sqliteReadWorkers: env.HADIR_SQLITE_READ_WORKERS,
      statementTimeoutMs: env.HADIR_DB_STATEMENT_TIMEOUT_MS,
    });
    return Object.assign(database, { migrated: await migrateToLatest(database) });
  }
  const migrator = openDatabase(env.DATABASE_URL, { poolSize: 1 });
  const migrated = await migrateToLatest(migrator).finally(() => migrator.close());
  const database = openDatabase(env.DATABASE_URL, { statementTimeoutMs: env.HADIR_DB_STATEMENT_TIMEOUT_MS });
  return Object.assign(database, { migrated });
}

/** The job engine HADIR_JOBS names: the built-in runner (default) or pg-boss on the same PostgreSQL. */
function createJobQueue(env: Env, database: Database, clock: Clock, log: Logger): JobQueue {
  const jobLog = log.child({ component: 'jobs' });
  if (env.HADIR_JOBS === 'pgboss') {
    return new PgBossJobQueue(clock, jobLog, {
      connectionString: env.DATABASE_URL,
      schema: env.HADIR_PGBOSS_SCHEMA,
      pollMs: env.HADIR_JOB_POLL_MS,
      concurrency: env.HADIR_JOB_CONCURRENCY,
      lockMs: env.HADIR_JOB_LOCK_MS,
    });
  }
  return new JobRunner(database.db, database.dialect, clock, jobLog, {
    pollMs: env.HADIR_JOB_POLL_MS,
    concurrency: env.HADIR_JOB_CONCURRENCY,
    lockMs: env.HADIR_JOB_LOCK_MS,
  });
}

/** The composition root: wires adapters and modules explicitly, runs migrations, builds HTTP. */
export async function composeServer(env: Env, opts: ComposeOptions = {}): Promise<HadirServer> {
  const log = opts.logger ?? createLogger(env.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  preparePrivateDataDir(env);
  const database = await openMigratedDatabase(env);
  const migrated = database.migrated;
  if (migrated.applied.length) log.info({ applied: migrated.applied }, 'database migrated');
  log.info({ database: database.description, roles: env.HADIR_ROLES }, 'hadir starting');

  const metrics = createMetrics();
  const events = new EventBus();
  const jobs = createJobQueue(env, database, clock, log);
  const transport =
    env.HADIR_EVENTS === 'postgres'
      ? await PostgresEventTransport.connect(
          env.DATABASE_URL,
          env.HADIR_EVENTS_CHANNEL,
          log.child({ component: 'events' }),
          (name, payload) => events.deliverRemote(name, payload),
        )
      : null;
  if (transport) events.attachTransport(transport);
  const ctx: ServerContext = {
    env,
    db: database.db,
    dialect: database.dialect,
    clock,
    log,
    events,
    jobs,
    metrics,
    secrets: new SecretBox(loadSecret(env)),
  };
  const readiness = new Readiness();
  readiness.add('database', async () => {
    await pingDatabase(database.db);
    return { ok: true, detail: { dialect: database.dialect } };
  });
  if (transport) {
    readiness.add('events', async () => ({ ok: transport.connected, detail: { transport: 'postgres' } }));
  }

  let modules: Modules | null = null;
  const app = await buildHttpApp({
    logger: log,
    metrics,
    // An edge box's credential is its own kind: only the edges slice knows it (see RouteAuth 'edge').
    authenticate: (req) =>
      !modules
        ? Promise.resolve(null)
        : isEdgeAuthorization(req)
          ? modules.edges.edges.authenticate(req)
          : modules.auth.authenticate(req),
    webDir: opts.webDir === undefined ? (env.HADIR_WEB_DIR ?? DEFAULT_WEB_DIR) : opts.webDir,
    mobileDir: opts.mobileDir === undefined ? (env.HADIR_MOBILE_DIR ?? DEFAULT_MOBILE_DIR) : opts.mobileDir,
    version: VERSION,
    heavyReads: (organizationId, run) => database.heavyReads(organizationId, run),
    limiters: {
      query: new OrgLimiter('query', {
        concurrent: env.HADIR_ORG_QUERY_CONCURRENCY,
        queued: env.HADIR_ORG_QUERY_CONCURRENCY * 2,
        maxWaitMs: 10_000,
      }),
      upload: new OrgLimiter('upload', {
        concurrent: env.HADIR_ORG_UPLOAD_CONCURRENCY,
        queued: env.HADIR_ORG_UPLOAD_CONCURRENCY * 2,
        maxWaitMs: 10_000,
      }),
    },
    trustedProxies: (env.HADIR_TRUSTED_PROXIES ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  });
  registerHealthRoutes(app, readiness, metrics, VERSION, env.HADIR_METRICS_TOKEN ?? null);
  modules = await registerModules(app, ctx, readiness);
  await jobs.prepare();
  await app.ready();

  const roles = new Set(env.HADIR_ROLES);
  let started = false;
  return {
    app,
    ctx,
    modules,
    database,
    readiness,
    async start() {
      started = true;
      // Start the SQLite read workers now rather than on the first search; reads fall back to the main
      // connection if they cannot start, and the log says why.
      database.readPool
        ?.warm()
        .catch((err: unknown) =>
          log.warn({ err }, 'SQLite read workers unavailable; reads use the main connection'),
        );
      if (roles.has('worker')) jobs.start();
      await modules.start(roles);
      if (!roles.has('api')) return null;
      return app.listen({ port: env.PORT, host: env.HOST });
    },
    async stop() {
      if (started) {
        await modules.stop();
      }
      // Started on the first phone verification, whether or not start() ran (tests, benchmarks).
      await modules.mobile.inference.close();
      await jobs.stop();
      await transport?.close();
      await app.close();
      await database.close();
    },
  };
}
