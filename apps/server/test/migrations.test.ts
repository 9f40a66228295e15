import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { MIGRATIONS } from '../src/platform/db/migrations/index.js';
import { dialects, freshDatabaseUrl } from './support.js';

/** Tables the foundation and people slices rely on (other slices add theirs; they are checked by name). */
const EXPECTED_TABLES = [
  'organizations',
  'sites',
  'areas',
  'departments',
  'positions',
  'employees',
  'users',
  'memberships',
  'sessions',
  'api_tokens',
  'audit_log',
  'jobs',
  'import_batches',
  'kv',
];
// (employees_org_code_uq is a table constraint: SQLite keeps it as an unnamed autoindex; tested below.)
const PEOPLE_INDEXES = [
  'employees_org_badge_uq',
  'employees_org_name_ix',
  'employees_org_status_ix',
  'employees_org_supervisor_ix',
  'employees_org_created_ix',
  'import_batches_org_ix',
];

async function schemaOf(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres') {
  if (dialect === 'postgres') {
    const columns = await sql<{ t: string; c: string; ty: string }>`
      select table_name as t, column_name as c, data_type as ty from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
    const indexes = await sql<{ name: string }>`
      select indexname as name from pg_indexes where schemaname = current_schema() order by indexname`.execute(
      db,
    );
    return {
      tables: [...new Set(columns.rows.map((r) => r.t))],
      columns: columns.rows.map((r) => `${r.t}.${r.c}:${r.ty}`),
      indexes: indexes.rows.map((r) => r.name),
    };
  }
  const objects = await sql<{ type: string; name: string; sql: string | null }>`
    select type, name, sql from sqlite_master where name not like 'sqlite_%' order by type, name`.execute(db);
  return {
    tables: objects.rows.filter((r) => r.type === 'table').map((r) => r.name),
    columns: objects.rows.map((r) => `${r.type}:${r.name}:${r.sql ?? ''}`),
    indexes: objects.rows.filter((r) => r.type === 'index').map((r) => r.name),
  };
}

describe.each(await dialects())('migrations (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let raw: Kysely<unknown>;

  beforeAll(async () => {
    const fresh = await freshDatabaseUrl(dialect);
    cleanup = fresh.cleanup;
    database = openDatabase(fresh.url, fresh.searchPath ? { searchPath: fresh.searchPath } : {});
    raw = database.db.withoutPlugins() as unknown as Kysely<unknown>;
  });
  afterAll(async () => {
    await database.close();
    await cleanup();
  });

  it('builds every table from an empty database, in order', async () => {
    expect((await schemaOf(raw, dialect)).tables).toEqual([]);
    const report = await migrateToLatest(database);
    expect(report.applied).toEqual(MIGRATIONS.map((m) => m.name));
    const schema = await schemaOf(raw, dialect);
    for (const table of [...EXPECTED_TABLES, 'hadir_migrations']) expect(schema.tables).toContain(table);
    for (const index of PEOPLE_INDEXES) expect(schema.indexes).toContain(index);
    const names = MIGRATIONS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(names); // Kysely applies them sorted by name
  });

  it('is a no-op when run again', async () => {
    const before = await schemaOf(raw, dialect);
    expect((await migrateToLatest(database)).applied).toEqual([]);
    expect(await schemaOf(raw, dialect)).toEqual(before);
    const recorded = await sql<{ name: string }>`select name from hadir_migrations order by name`.execute(
      raw,
    );
    expect(recorded.rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('enforces the employee uniqueness rules in the schema itself', async () => {
    const now = Date.UTC(2026, 0, 5);
    await sql`insert into organizations (id, name, settings, created_at, updated_at)
      values ('o1', 'Org', '{}', ${now}, ${now})`.execute(raw);
    const insert = (id: string, code: string, badge: string | null) =>
      sql`insert into employees (id, organization_id, employee_code, badge_id, name, status, created_at, updated_at)
        values (${id}, 'o1', ${code}, ${badge}, 'N', 'active', ${now}, ${now})`.execute(raw);
    await insert('e1', 'C1', null);
    await insert('e2', 'C2', null); // many employees without a badge
    await expect(insert('e3', 'C1', null)).rejects.toThrow();
    await insert('e4', 'C4', 'B1');
    await expect(insert('e5', 'C5', 'B1')).rejects.toThrow();
  });
});
