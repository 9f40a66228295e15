import {
  EMPLOYEE_IMPORT_COLUMNS,
  type ImportCommitResult,
  type ImportPreview,
  type ImportRowIssue,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import {
  checkImport,
  mapHeader,
  type ExistingEmployee,
  type ImportField,
  type PlannedRow,
} from './employee-import.rules.js';
import { bulkInsert, type Executor } from './employees.repository.js';

type Dialect = 'sqlite' | 'postgres';
import { readTabularFile } from './tabular-file.reader.js';

export const IMPORT_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  maxRows: 100_000,
  maxUncompressedBytes: 200 * 1024 * 1024,
  /** How long a preview can be committed. */
  ttlMs: 60 * 60 * 1000,
  issuesShown: 1000,
  sampleRows: 20,
};

/** What a preview stores in import_batches.rows, so commit re-checks exactly what was previewed. */
interface StoredImport {
  v: 1;
  fileName: string;
  fields: ImportField[];
  rows: string[][];
}

const EMPLOYEE_COLUMNS = [
  'id',
  'organization_id',
  'employee_code',
  'badge_id',
  'name',
  'department_id',
  'position_id',
  'area_id',
  'email',
  'phone',
  'whatsapp',
  'supervisor_id',
  'status',
  'created_at',
  'updated_at',
] as const;

export class EmployeeImportService {
  constructor(private readonly ctx: ServerContext) {}

  /** Reads and checks a file, stores it for commit, and reports what would happen. Changes no employee. */
  async preview(auth: AuthContext, orgId: string, bytes: Buffer, fileName: string): Promise<ImportPreview> {
    const file = await readTabularFile(bytes, IMPORT_LIMITS);
    const mapping = mapHeader(file.header);
    const fields = EMPLOYEE_IMPORT_COLUMNS.filter((f) => mapping.index[f] !== undefined);
    const rows = file.rows.map((r) => fields.map((f) => r[mapping.index[f] ?? -1] ?? ''));
    const { country } = await getOrganizationSettings(this.ctx.db, orgId);
    const check = checkImport(fields, rows, await loadExisting(this.ctx.db, orgId), country);

    const now = this.ctx.clock.nowMs();
    const importId = newId(now);
    const stored: StoredImport = { v: 1, fileName, fields, rows };
    await this.ctx.db.transaction().execute(async (trx) => {
      // Expired previews are swept whenever someone uploads; nothing else needs them.
      await trx.deleteFrom('importBatches').where('expiresAt', '<=', now).execute();
      await trx
        .insertInto('importBatches')
        .values({
          id: importId,
          organizationId: orgId,
          createdBy: auth.userId,
          kind: 'employees',
          rows: JSON.stringify(stored),
          createdAt: now,
          expiresAt: now + IMPORT_LIMITS.ttlMs,
        })
        .execute();
    });

    return {
      importId,
      format: file.format,
      encoding: file.encoding,
      totalRows: rows.length,
      validRows: check.valid.length,
      invalidRows: check.invalidRows,
      toCreate: check.toCreate,
      toUpdate: check.toUpdate,
      columns: mapping.columns,
      unrecognizedColumns: mapping.unrecognized,
      understood: mapping.understood,
      issues: check.issues.slice(0, IMPORT_LIMITS.issuesShown),
      sample: rows
        .slice(0, IMPORT_LIMITS.sampleRows)
        .map((r) => Object.fromEntries(fields.map((f, i) => [f, r[i] ?? null]))),
    };
  }

  /**
   * Applies a preview in one transaction: existing employee codes are updated, the rest created, missing
   * departments and positions created by name. The rows are checked again against the data as it is
   * now; if any row fails, nothing is imported unless `onlyValidRows`.
   */
  async commit(
    auth: AuthContext,
    orgId: string,
    importId: string,
    onlyValidRows: boolean,
  ): Promise<ImportCommitResult> {
    const now = this.ctx.clock.nowMs();
    const result = await this.ctx.db.transaction().execute(async (trx) => {
      // Claiming the batch by deleting it makes a double-submitted commit import once.
      const batch = await trx
        .deleteFrom('importBatches')
        .where('id', '=', importId)
        .where('organizationId', '=', orgId)
        .where('kind', '=', 'employees')
        .returning(['rows', 'expiresAt'])
        .executeTakeFirst();
      if (!batch) throw notFound('Import');
      if (batch.expiresAt <= now) {
        throw new AppError(410, 'import_expired', 'This import preview expired; upload the file again');
      }
      const stored = JSON.parse(batch.rows) as StoredImport;
      const existing = await loadExisting(trx, orgId);
      const { country } = await getOrganizationSettings(trx, orgId);
      const check = checkImport(stored.fields, stored.rows, existing, country);
      if (check.issues.length > 0 && !onlyValidRows) throw importHasErrors(check.issues);

      const applied = await applyRows(trx, this.ctx.dialect, orgId, now, check.valid, existing);
      const skipped = stored.rows.length - check.valid.length;
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'employees.imported',
        entityType: 'employee',
        entityId: null,
        summary: `Imported ${stored.fileName}: ${applied.created.length} created, ${applied.updated.length} updated, ${skipped} skipped`,
        changes: {
          created: applied.created.slice(0, 500),
          updated: applied.updated.slice(0, 500),
          truncated: applied.created.length > 500 || applied.updated.length > 500,
        },
      });
      return { created: applied.created.length, updated: applied.updated.length, skipped };
    });
    this.ctx.events.publish('employees.imported', {
      organizationId: orgId,
      created: result.created,
      updated: result.updated,
    });
    return result;
  }
}

function importHasErrors(issues: ImportRowIssue[]): AppError {
  const rows = new Set(issues.map((i) => i.row)).size;
  return new AppError(
    422,
    'import_has_errors',
    `${rows} row(s) have errors; fix the file, or import only the valid rows`,
    { issues: issues.slice(0, 100) },
  );
}

async function loadExisting(db: Executor, orgId: string): Promise<ExistingEmployee[]> {
  return db
    .selectFrom('employees')
    .select([
      'id',
      'employeeCode',
      'badgeId',
      'name',
      'departmentId',
      'positionId',
      'email',
      'phone',
      'whatsapp',
      'supervisorId',
      'status',
    ])
    .where('organizationId', '=', orgId)
    .execute();
}

/** Finds catalog rows by name (ignoring case) and creates the missing ones. */
async function resolveCatalog(
  trx: Executor,
  dialect: Dialect,
  table: 'departments' | 'positions',
  orgId: string,
  nowMs: number,
  names: Iterable<string>,
): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom(table)
    .select(['id', 'name'])
    .where('organizationId', '=', orgId)
    .execute();
  const byName = new Map(rows.map((r) => [r.name.toLowerCase(), r.id]));
  const create: { id: string; organizationId: string; name: string; createdAt: number }[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (byName.has(key)) continue;
    const id = newId(nowMs);
    byName.set(key, id);
    create.push({ id, organizationId: orgId, name, createdAt: nowMs });
  }
  await bulkInsert(
    trx,
    dialect,
    table,
    ['id', 'organization_id', 'name', 'created_at'],
    create.map((c) => [c.id, c.organizationId, c.name, c.createdAt]),
  );
  return byName;
}

async function applyRows(
  trx: Executor,
  dialect: Dialect,
  orgId: string,
  now: number,
  planned: PlannedRow[],
  existing: ExistingEmployee[],
): Promise<{ created: string[]; updated: string[] }> {
  const departments = await resolveCatalog(
    trx,
    dialect,
    'departments',
    orgId,
    now,
    planned.flatMap((p) => (p.department ? [p.department] : [])),
  );
  const positions = await resolveCatalog(
    trx,
    dialect,
    'positions',
    orgId,
    now,
    planned.flatMap((p) => (p.position ? [p.position] : [])),
  );
  const idByCode = new Map(existing.map((e) => [e.employeeCode, e.id]));
  const creates = planned.filter((p) => !p.existing);
  for (const p of creates) idByCode.set(p.employeeCode, newId(now));

  const catalogId = (map: Map<string, string>, name: string | null | undefined) =>
    name === undefined ? undefined : name === null ? null : (map.get(name.toLowerCase()) ?? null);
  const supervisorId = (code: string | null | undefined) =>
    code === undefined ? undefined : code === null ? null : (idByCode.get(code) ?? null);

  // A badge may move from one employee to another within the file; free the moving badges first so
  // the unique index never sees two holders mid-transaction.
  const badgeMoves = planned.filter(
    (p) => p.existing && p.badgeId !== undefined && p.badgeId !== p.existing.badgeId && p.existing.badgeId,
  );
  for (const p of badgeMoves) {
    await trx
      .updateTable('employees')
      .set({ badgeId: null })
      .where('id', '=', p.existing?.id ?? '')
      .execute();
  }

  // New employees go in supervisors-first, so every supervisor_id points at a row that exists.
  const newDepth = depthsAmongNew(creates);
  const ordered = [...creates].sort(
    (a, b) => (newDepth.get(a.employeeCode) ?? 0) - (newDepth.get(b.employeeCode) ?? 0),
  );
  await bulkInsert(
    trx,
    dialect,
    'employees',
    EMPLOYEE_COLUMNS,
    ordered.map((p) => [
      idByCode.get(p.employeeCode) ?? '',
      orgId,
      p.employeeCode,
      p.badgeId ?? null,
      p.name,
      catalogId(departments, p.department) ?? null,
      catalogId(positions, p.position) ?? null,
      null,
      p.email ?? null,
      p.phone ?? null,
      p.whatsapp ?? null,
      supervisorId(p.supervisorCode) ?? null,
      p.status ?? 'active',
      now,
      now,
    ]),
  );

  const updated: string[] = [];
  for (const p of planned) {
    const e = p.existing;
    if (!e) continue;
    const next = {
      name: p.name,
      badgeId: p.badgeId,
      departmentId: catalogId(departments, p.department),
      positionId: catalogId(positions, p.position),
      email: p.email,
      phone: p.phone,
      whatsapp: p.whatsapp,
      supervisorId: supervisorId(p.supervisorCode),
      status: p.status,
    };
    const set = Object.fromEntries(
      Object.entries(next).filter(([k, v]) => v !== undefined && v !== e[k as keyof ExistingEmployee]),
    );
    if (Object.keys(set).length === 0) continue;
    await trx
      .updateTable('employees')
      .set({ ...set, updatedAt: now })
      .where('id', '=', e.id)
      .execute();
    updated.push(p.employeeCode);
  }
  return { created: creates.map((p) => p.employeeCode), updated };
}

/** Depth of each new employee below the nearest supervisor that already exists (0 = top). */
function depthsAmongNew(creates: PlannedRow[]): Map<string, number> {
  const supOf = new Map(creates.map((p) => [p.employeeCode, p.supervisorCode ?? null]));
  const depth = new Map<string, number>();
  for (const start of supOf.keys()) {
    // Walk up iteratively (a 50,000-deep chain would overflow recursion), then fill depths downwards.
    const path: string[] = [];
    const onPath = new Set<string>();
    let code: string | null = start;
    while (code !== null && supOf.has(code) && !depth.has(code) && !onPath.has(code)) {
      path.push(code);
      onPath.add(code);
      code = supOf.get(code) ?? null;
    }
    let d = code !== null && depth.has(code) ? (depth.get(code) ?? 0) + 1 : 0;
    for (let i = path.length - 1; i >= 0; i--) depth.set(path[i] ?? '', d++);
  }
  return depth;
}
