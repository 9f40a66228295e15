import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { SqliteReadPool } from './read-pool.js';
import { ReadRoutingSqliteDialect, runHeavyReads } from './read-routing.js';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Where the data lives, for logs (never includes a password). */
  description: string;
  /**
   * Runs `fn` (a request of `organizationId` that may scan the organization: a route with
   * `config.limit: 'query'`) so that on a SQLite file its plain SELECTs run in the read pool's worker
   * threads, off the event loop and under the time limit. Elsewhere (PostgreSQL, `:memory:`, no
   * workers) it just runs `fn`.
   */
  heavyReads<T>(organizationId: string, fn: () => T): T;
  /** The SQLite read workers (null on PostgreSQL, in-memory SQLite or with 0 workers). */
  readPool: SqliteReadPool | null;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  searchPath?: string;
  /**
   * Longest a statement may run (0 or absent: no limit). PostgreSQL: `statement_timeout` on every
   * statement. SQLite: the limit of the reads in the read workers (the main connection has none).
   */
  statementTimeoutMs?: number;
  /** SQLite read workers (default 0: every query on the main connection). */
  sqliteReadWorkers?: number;
}

const runDirectly = <T>(_organizationId: string, fn: () => T): T => fn();

// int8 (bigint) and numeric come back as strings from node-postgres; our bigints are epoch ms and
// counters, which fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export function openDatabase(url: string, opts: OpenDatabaseOptions = {}): Database {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
      ...(opts.searchPath ? { options: `-c search_path=${opts.searchPath}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
    const safe = new URL(url);
    safe.password = '';
    return {
      db,
      dialect: 'postgres',
      description: safe.toString(),
      heavyReads: runDirectly,
      readPool: null,
      close: () => db.destroy(),
    };
  }
  const file = url.replace(/^(sqlite:|file:)/, '');
  if (file !== ':memory:') createPrivateFile(file);
  const native = new BetterSqlite3(file);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  // An in-memory database belongs to its one connection: no other thread can open it.
  const readPool =
    file !== ':memory:' && (opts.sqliteReadWorkers ?? 0) > 0
      ? new SqliteReadPool({
          file: path.resolve(file),
          workers: opts.sqliteReadWorkers ?? 0,
          timeoutMs: opts.statementTimeoutMs ?? 0,
        })
      : null;
  const db = new Kysely<DB>({
    dialect: readPool
      ? new ReadRoutingSqliteDialect({ database: native }, readPool)
      : new SqliteDialect({ database: native }),
    plugins: [new CamelCasePlugin()],
  });
  return {
    db,
    dialect: 'sqlite',
    description: `sqlite:${file}`,
    heavyReads: readPool ? runHeavyReads : runDirectly,
    readPool,
    close: async () => {
      await readPool?.close();
      await db.destroy();
    },
  };
}

/**
 * The SQLite file holds embeddings and password hashes: its folder is created 0700 and the file 0600
 * before SQLite opens it. SQLite gives the -wal and -shm files the database file's mode, so they follow;
 * files left world-readable by an older version are tightened here too.
 */
function createPrivateFile(file: string): void {
  const abs = path.resolve(file);
  fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(abs, 'a', 0o600));
  for (const f of [abs, `${abs}-wal`, `${abs}-shm`, `${abs}-journal`]) {
    if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
  }
}

export async function pingDatabase(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
