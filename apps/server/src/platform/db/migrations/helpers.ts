import type { ColumnDataType, Kysely } from 'kysely';
import { sql } from 'kysely';

/** Column types that mean the same thing in SQLite and PostgreSQL. */
export interface Types {
  id: ColumnDataType;
  text: ColumnDataType;
  int: ColumnDataType;
  /** Epoch milliseconds and counters. */
  bigint: ColumnDataType;
  real: ColumnDataType;
  blob: ColumnDataType;
}

export function typesFor(dialect: 'sqlite' | 'postgres'): Types {
  return dialect === 'postgres'
    ? { id: 'text', text: 'text', int: 'integer', bigint: 'bigint', real: 'double precision', blob: 'bytea' }
    : { id: 'text', text: 'text', int: 'integer', bigint: 'integer', real: 'real', blob: 'blob' };
}

export interface MigrationContext {
  db: Kysely<unknown>;
  dialect: 'sqlite' | 'postgres';
  t: Types;
}

export interface HadirMigration {
  /** Sortable, unique, never renamed once released: NNNN_name. */
  name: string;
  up(ctx: MigrationContext): Promise<void>;
}

export async function createPartialUniqueIndex(
  db: Kysely<unknown>,
  name: string,
  table: string,
  columns: string[],
  where: string,
): Promise<void> {
  await sql.raw(`create unique index ${name} on ${table} (${columns.join(', ')}) where ${where}`).execute(db);
}
