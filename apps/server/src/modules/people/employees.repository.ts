import {
  CompiledQuery,
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
  type Transaction,
} from 'kysely';
import type { EmployeeListQuery, EmployeeStatus } from '@hadir/contracts';
import type { DB } from '../../platform/db/schema.js';
import type { EmployeesTable } from '../../platform/db/tables/foundation.js';
import { countFaceSamples } from '../faces/index.js';
import { sqliteSearchCandidates } from './employee-search.js';

export type Executor = Kysely<DB> | Transaction<DB>;
export type EmployeeRecord = Selectable<EmployeesTable>;

/** An employee with the names the API shows beside the ids. */
export interface EmployeeRow extends EmployeeRecord {
  departmentName: string | null;
  positionName: string | null;
  supervisorName: string | null;
  supervisorCode: string | null;
}

export interface EmployeeFilter {
  q?: string | undefined;
  departmentId?: string | undefined;
  status?: EmployeeStatus | undefined;
  supervisorId?: string | undefined;
}

/** Escapes LIKE wildcards so a search for `50%` or `a_b` means those characters. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `byIds`: the caller picks rows by id. The organization check is then written so that no index serves it
 * (`|| ''`): SQLite (no statistics) otherwise walked the organization's index, every row of it (60 ms
 * at 100,000 employees), instead of looking the page's ids up by primary key.
 */
function withNames(db: Executor, orgId: string, opts: { byIds?: boolean } = {}) {
  return db
    .selectFrom('employees')
    .leftJoin('departments', 'departments.id', 'employees.departmentId')
    .leftJoin('positions', 'positions.id', 'employees.positionId')
    .leftJoin('employees as sup', 'sup.id', 'employees.supervisorId')
    .selectAll('employees')
    .select([
      'departments.name as departmentName',
      'positions.name as positionName',
      'sup.name as supervisorName',
      'sup.employeeCode as supervisorCode',
    ])
    .where((eb) =>
      opts.byIds
        ? sql<SqlBool>`(${eb.ref('employees.organizationId')} || '') = ${orgId}`
        : eb('employees.organizationId', '=', orgId),
    );
}

/** The list filters as one condition on `employees` (shared by the page, count and export queries). */
/** `candidates`: the rows a search index found (SQLite, see employee-search.ts), or null. */
function matches(
  eb: ExpressionBuilder<DB, 'employees'>,
  orgId: string,
  f: EmployeeFilter,
  candidates: Expression<SqlBool> | null,
) {
  const conditions: Expression<SqlBool>[] = [
    // With index candidates (SQLite), a unary + keeps the planner from walking the organization's
    // (organization_id, name) index to skip the sort: without statistics it preferred that scan of every
    // row of the organization over reading the few candidate rows (1 s instead of 1 ms at 100,000).
    candidates
      ? sql<SqlBool>`+${eb.ref('employees.organizationId')} = ${orgId}`
      : eb('employees.organizationId', '=', orgId),
  ];
  if (f.departmentId) conditions.push(eb('employees.departmentId', '=', f.departmentId));
  if (f.status) conditions.push(eb('employees.status', '=', f.status));
  if (f.supervisorId) conditions.push(eb('employees.supervisorId', '=', f.supervisorId));
  if (f.q) {
    const pattern = likePattern(f.q);
    if (candidates) conditions.push(candidates);
    conditions.push(
      eb.or(
        (['employees.employeeCode', 'employees.badgeId', 'employees.name', 'employees.email'] as const).map(
          (column) => sql<SqlBool>`lower(${eb.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  return eb.and(conditions);
}

async function filtered(db: Executor, orgId: string, f: EmployeeFilter) {
  const candidates = await sqliteSearchCandidates(db, f.q);
  return withNames(db, orgId).where((eb) => matches(eb, orgId, f, candidates));
}

const SORT_COLUMNS = {
  employeeCode: 'employees.employeeCode',
  name: 'employees.name',
  department: 'employees.departmentId', // sorted by the department's name, see listEmployees
  status: 'employees.status',
  createdAt: 'employees.createdAt',
  updatedAt: 'employees.updatedAt',
} as const;

/**
 * One page and the total. The page is found on `employees` alone (an index walk) and the names are
 * joined for those rows only: joining before OFFSET made deep pages pay for every skipped row.
 */
export async function listEmployees(
  db: Executor,
  orgId: string,
  q: EmployeeListQuery,
): Promise<{ rows: EmployeeRow[]; total: number }> {
  const candidates = await sqliteSearchCandidates(db, q.q);
  const pageQuery = db
    .selectFrom('employees')
    .select('employees.id')
    .where((eb) => matches(eb, orgId, q, candidates))
    .orderBy(
      (eb) =>
        q.sort === 'department'
          ? eb
              .selectFrom('departments')
              .select('departments.name')
              .whereRef('departments.id', '=', 'employees.departmentId')
          : eb.ref(SORT_COLUMNS[q.sort]),
      q.order,
    )
    // A unique tie-breaker keeps pages stable when many rows share the sort value (codes are unique).
    .$if(q.sort !== 'employeeCode', (qb) => qb.orderBy('employees.id', q.order))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  let ids: string[];
  let total: number;
  if (q.q) {
    // A search scans the rows anyway: count them in the same pass instead of scanning twice.
    const rows = await pageQuery.select((eb) => eb.fn.countAll<number>().over().as('total')).execute();
    ids = rows.map((r) => r.id);
    total = rows.length ? Number(rows[0]?.total) : await countEmployees(db, orgId, q, candidates);
  } else {
    ids = (await pageQuery.execute()).map((r) => r.id);
    total = await countEmployees(db, orgId, q, candidates);
  }
  if (ids.length === 0) return { rows: [], total };
  const byId = new Map(
    (await withNames(db, orgId, { byIds: true }).where('employees.id', 'in', ids).execute()).map((r) => [
      r.id,
      r,
    ]),
  );
  return {
    rows: ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [row] : [];
    }),
    total,
  };
}

async function countEmployees(
  db: Executor,
  orgId: string,
  f: EmployeeFilter,
  candidates: Expression<SqlBool> | null,
): Promise<number> {
  const count = await db
    .selectFrom('employees')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => matches(eb, orgId, f, candidates))
    .executeTakeFirstOrThrow();
  return Number(count.n);
}

/** Every matching row in code order, for export. */
export async function exportEmployees(
  db: Executor,
  orgId: string,
  f: EmployeeFilter,
): Promise<EmployeeRow[]> {
  return (await filtered(db, orgId, f)).orderBy('employees.employeeCode').execute();
}

export function findEmployee(db: Executor, orgId: string, id: string): Promise<EmployeeRow | undefined> {
  return withNames(db, orgId).where('employees.id', '=', id).executeTakeFirst();
}

export function findEmployeeBy(
  db: Executor,
  orgId: string,
  key: { employeeCode?: string | undefined; badgeId?: string | undefined },
): Promise<EmployeeRow | undefined> {
  let query = withNames(db, orgId);
  if (key.employeeCode) query = query.where('employees.employeeCode', '=', key.employeeCode);
  if (key.badgeId) query = query.where('employees.badgeId', '=', key.badgeId);
  return query.executeTakeFirst();
}

/** The organization's supervisor links, for hierarchy rules (ids only: cheap even at 50k rows). */
export function loadSupervisorLinks(
  db: Executor,
  orgId: string,
): Promise<{ id: string; supervisorId: string | null }[]> {
  return db
    .selectFrom('employees')
    .select(['id', 'supervisorId'])
    .where('organizationId', '=', orgId)
    .execute();
}

/**
 * Enrolled face samples per employee, for the `faceSamples` field: samples of the active model pack,
 * counted by the faces slice (which owns face_samples).
 */
export function faceSampleCounts(
  db: Executor,
  orgId: string,
  employeeIds: readonly string[],
): Promise<Map<string, number>> {
  return countFaceSamples(db, orgId, employeeIds);
}

/** The catalog row must belong to the organization (ids from another organization are unknown here). */
export async function catalogInOrg(
  db: Executor,
  table: 'departments' | 'positions' | 'areas',
  orgId: string,
  id: string,
): Promise<boolean> {
  const row = await db
    .selectFrom(table)
    .select('id')
    .where('id', '=', id)
    .where('organizationId', '=', orgId)
    .executeTakeFirst();
  return row !== undefined;
}

/** SQLite and PostgreSQL report a unique-constraint violation differently. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Multi-row insert compiled by hand: building a 6,000-parameter statement through Kysely's query
 * builder and plugins costs more than running it, which made 50,000-row imports several times slower.
 * Columns are snake_case SQL names; each row gives values in the same order.
 */
export async function bulkInsert(
  db: Executor,
  dialect: 'sqlite' | 'postgres',
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  chunkRows = Math.floor(30_000 / columns.length),
): Promise<void> {
  for (let start = 0; start < rows.length; start += chunkRows) {
    const chunk = rows.slice(start, start + chunkRows);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = row.map((value) => {
        params.push(value);
        return dialect === 'postgres' ? `$${params.length}` : '?';
      });
      return `(${marks.join(', ')})`;
    });
    await db.executeQuery(
      CompiledQuery.raw(`insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`, params),
    );
  }
}
