import { sql, type Kysely } from 'kysely';
import type { HadirMigration } from './helpers.js';

/** The columns the employee and presence searches match with `lower(col) like '%q%'`. */
const SEARCHED = ['name', 'employee_code', 'badge_id', 'email'] as const;

/**
 * Security issue 9, item 11 (one tenant slows the others): substring search over employees scanned every
 * row of the organization. On PostgreSQL a trigram GIN index per searched column serves
 * `lower(col) like '%q%'` as written (no query change). pg_trgm is database-wide and needs rights a
 * hosted database may not give, so it is tried in a savepoint: where it cannot be installed (and no one
 * installed it), the migration leaves the search as it was, bounded by the per-organization query slots
 * and statement_timeout. SQLite has no index for infix matches; there the slots are the bound.
 */
export const searchIndexes: HadirMigration = {
  name: '0039_search_indexes',
  async up({ db, dialect }) {
    if (dialect !== 'postgres') return;
    const schema = await trigramSchema(db);
    if (!schema) return;
    for (const column of SEARCHED) {
      await sql
        .raw(
          `create index if not exists employees_${column}_trgm_ix on employees ` +
            `using gin (lower(${column}) "${schema}".gin_trgm_ops)`,
        )
        .execute(db);
    }
  },
};

/** The schema pg_trgm lives in, installing it into `public` when allowed; null when unavailable. */
async function trigramSchema(db: Kysely<unknown>): Promise<string | null> {
  const find = async () =>
    (
      await sql<{ schema: string }>`
        select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
        where e.extname = 'pg_trgm'`.execute(db)
    ).rows[0]?.schema ?? null;
  const found = await find();
  if (found) return found;
  await sql`savepoint hadir_trgm`.execute(db);
  try {
    // `public`, never the connection's own schema: a schema dropped later must not take it along.
    await sql`create extension if not exists pg_trgm schema public`.execute(db);
    await sql`release savepoint hadir_trgm`.execute(db);
  } catch {
    // No rights (hosted databases), not shipped, or created concurrently: look again, else go without.
    await sql`rollback to savepoint hadir_trgm`.execute(db);
  }
  return find();
}
