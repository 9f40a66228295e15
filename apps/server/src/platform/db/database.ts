import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Where the data lives, for logs (never includes a password). */
  description: string;
  close(): Promise<void>;
}

// int8 (bigint) and numeric come back as strings from node-postgres; our bigints are epoch ms and
// counters, which fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export function openDatabase(
  url: string,
  opts: { poolSize?: number; searchPath?: string; statementTimeoutMs?: number } = {},
): Database {
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
    return { db, dialect: 'postgres', description: safe.toString(), close: () => db.destroy() };
  }
  const file = url.replace(/^(sqlite:|file:)/, '');
  if (file !== ':memory:') createPrivateFile(file);
  const native = new BetterSqlite3(file);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: native }),
    plugins: [new CamelCasePlugin()],
  });
  return { db, dialect: 'sqlite', description: `sqlite:${file}`, close: () => db.destroy() };
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
