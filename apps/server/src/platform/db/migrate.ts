import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { typesFor } from './migrations/helpers.js';

export interface MigrationReport {
  applied: string[];
}

/** Runs pending migrations (at start); each runs in a transaction on PostgreSQL. */
export async function migrateToLatest(database: Database): Promise<MigrationReport> {
  // Migrations are written in snake_case SQL, so they run without the camelCase plugin.
  const raw = database.db.withoutPlugins() as unknown as Kysely<unknown>;
  const provider: MigrationProvider = {
    getMigrations() {
      const out: Record<string, Migration> = {};
      for (const m of MIGRATIONS) {
        out[m.name] = {
          up: (db: Kysely<unknown>) => m.up({ db, dialect: database.dialect, t: typesFor(database.dialect) }),
        };
      }
      return Promise.resolve(out);
    },
  };
  // Kysely looks for its bookkeeping tables in `public` unless told; follow the connection's search_path.
  const schema =
    database.dialect === 'postgres'
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(raw)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db: raw,
    provider,
    migrationTableName: 'hadir_migrations',
    migrationLockTableName: 'hadir_migrations_lock',
    // Slices developed side by side number their migrations in interleaved ranges (0036 after 0071 may
    // land later); each one only adds its own tables and columns, so a database that already has a
    // higher number still takes a lower one that it lacks. A fresh database applies them in name order.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
