import type {
  Employee,
  EmployeeExportQuery,
  EmployeeInput,
  EmployeeListQuery,
  EmployeeSummary,
  EmployeeUpdate,
} from '@hadir/contracts';
import { orgChartFrom, supervisorChain, validateSupervisorChange } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { diffFields, recordAudit } from '../audit/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { normalizePhone } from './phone.js';
import { employeeTable, toCsv, toXlsx } from './employee-export.writer.js';
import {
  catalogInOrg,
  exportEmployees,
  faceSampleCounts,
  findEmployee,
  findEmployeeBy,
  isUniqueViolation,
  listEmployees,
  loadSupervisorLinks,
  type EmployeeRow,
  type Executor,
} from './employees.repository.js';

/** What leaves the server about an employee. */
export function presentEmployee(row: EmployeeRow, faceSamples: number): Employee {
  return {
    id: row.id,
    employeeCode: row.employeeCode,
    badgeId: row.badgeId,
    name: row.name,
    departmentId: row.departmentId,
    departmentName: row.departmentName,
    positionId: row.positionId,
    positionName: row.positionName,
    areaId: row.areaId,
    email: row.email,
    phone: row.phone,
    whatsapp: row.whatsapp,
    supervisorId: row.supervisorId,
    supervisorName: row.supervisorName,
    status: row.status as Employee['status'],
    faceSamples,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

/** The audited fields of an employee, in the shape diffFields compares. */
function auditable(e: Partial<EmployeeRow>): Record<string, unknown> {
  return {
    employeeCode: e.employeeCode,
    badgeId: e.badgeId,
    name: e.name,
    departmentId: e.departmentId,
    positionId: e.positionId,
    areaId: e.areaId,
    email: e.email,
    phone: e.phone,
    whatsapp: e.whatsapp,
    supervisorId: e.supervisorId,
    status: e.status,
  };
}

type Writable = Partial<EmployeeInput>;

export class EmployeesService {
  constructor(private readonly ctx: ServerContext) {}

  async list(orgId: string, query: EmployeeListQuery) {
    const { rows, total } = await listEmployees(this.ctx.db, orgId, query);
    const faces = await faceSampleCounts(
      this.ctx.db,
      orgId,
      rows.map((r) => r.id),
    );
    return {
      items: rows.map((r) => presentEmployee(r, faces.get(r.id) ?? 0)),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  /**
   * One employee. People who may view members see anyone; everyone else (the `member` role) sees only the
   * employee record linked to their own account.
   */
  async get(auth: AuthContext, orgId: string, id: string): Promise<Employee> {
    const mayViewAll = auth.permissions.has('member:view');
    const isOwn = auth.employeeId === id && auth.permissions.has('attendance:record:view:own');
    if (!mayViewAll && !isOwn) throw forbidden('Your role may only view your own employee record');
    return this.present(orgId, await this.require(this.ctx.db, orgId, id));
  }

  async lookup(orgId: string, key: { employeeCode?: string | undefined; badgeId?: string | undefined }) {
    const row = await findEmployeeBy(this.ctx.db, orgId, key);
    if (!row) throw notFound('Employee');
    return this.present(orgId, row);
  }

  /** The filtered employees as CSV or .xlsx in the import columns, formula-neutralized. */
  async exportFile(
    orgId: string,
    query: EmployeeExportQuery,
  ): Promise<{ body: Buffer; contentType: string; fileName: string }> {
    const table = employeeTable(await exportEmployees(this.ctx.db, orgId, query));
    const day = toIso(this.ctx.clock.nowMs()).slice(0, 10);
    if (query.format === 'xlsx') {
      return {
        body: await toXlsx(table),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        fileName: `employees-${day}.xlsx`,
      };
    }
    return { body: toCsv(table), contentType: 'text/csv; charset=utf-8', fileName: `employees-${day}.csv` };
  }

  /** Supervisors from the direct one up to the top. */
  async chain(orgId: string, id: string): Promise<EmployeeSummary[]> {
    await this.require(this.ctx.db, orgId, id);
    const links = await loadSupervisorLinks(this.ctx.db, orgId);
    const ids = supervisorChain(orgChartFrom(links), id);
    if (ids.length === 0) return [];
    const rows = await this.ctx.db
      .selectFrom('employees')
      .select(['id', 'employeeCode', 'name', 'supervisorId'])
      .where('organizationId', '=', orgId)
      .where('id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((i) => {
      const r = byId.get(i);
      return r ? [r] : [];
    });
  }

  /**
   * Phone numbers as typed (`0812…`) become E.164 in the organization's country; an invalid one is a 400
   * naming the field, and nothing is written.
   */
  private async normalizePhones<T extends { phone?: string | null; whatsapp?: string | null }>(
    orgId: string,
    input: T,
  ): Promise<T> {
    const { country } = await getOrganizationSettings(this.ctx.db, orgId);
    const out = { ...input };
    const details: { path: string; message: string }[] = [];
    for (const field of ['phone', 'whatsapp'] as const) {
      const raw = input[field];
      if (!raw) continue;
      const r = normalizePhone(raw, country);
      if (r.ok) out[field] = r.e164;
      else details.push({ path: field, message: r.message });
    }
    if (details.length) throw badRequest('bad_phone', details.map((d) => d.message).join('; '), details);
    return out;
  }

  async create(auth: AuthContext, orgId: string, raw: EmployeeInput): Promise<Employee> {
    const input = await this.normalizePhones(orgId, raw);
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    await this.write(async (trx) => {
      await this.assertReferences(trx, orgId, input);
      await this.assertUnique(trx, orgId, input, null);
      if (input.supervisorId) {
        const links = await loadSupervisorLinks(trx, orgId);
        links.push({ id, supervisorId: null });
        this.assertSupervisor(orgChartFrom(links), id, input.supervisorId);
      }
      const values = {
        id,
        organizationId: orgId,
        employeeCode: input.employeeCode,
        badgeId: input.badgeId ?? null,
        name: input.name,
        departmentId: input.departmentId ?? null,
        positionId: input.positionId ?? null,
        areaId: input.areaId ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        whatsapp: input.whatsapp ?? null,
        supervisorId: input.supervisorId ?? null,
        status: input.status,
        createdAt: now,
        updatedAt: now,
      };
      await trx.insertInto('employees').values(values).execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'employee.created',
        entityType: 'employee',
        entityId: id,
        summary: `Created employee ${input.employeeCode} "${input.name}"`,
        changes: diffFields({}, auditable(values)),
      });
    });
    this.ctx.events.publish('employee.created', { organizationId: orgId, employeeId: id });
    return this.present(orgId, await this.require(this.ctx.db, orgId, id));
  }

  async update(auth: AuthContext, orgId: string, id: string, raw: EmployeeUpdate): Promise<Employee> {
    const patch = await this.normalizePhones(orgId, raw);
    const now = this.ctx.clock.nowMs();
    let changed = false;
    await this.write(async (trx) => {
      const before = await this.require(trx, orgId, id);
      await this.assertReferences(trx, orgId, patch);
      await this.assertUnique(trx, orgId, patch, id);
      if (patch.supervisorId !== undefined && patch.supervisorId !== before.supervisorId) {
        // Moving someone re-checks the whole tree: their new supervisor may sit below them.
        this.assertSupervisor(orgChartFrom(await loadSupervisorLinks(trx, orgId)), id, patch.supervisorId);
      }
      const changes = diffFields(auditable(before), auditable(patch));
      if (Object.keys(changes).length === 0) return;
      changed = true;
      const set = Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])) as Writable;
      await trx
        .updateTable('employees')
        .set({ ...set, updatedAt: now })
        .where('id', '=', id)
        .where('organizationId', '=', orgId)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'employee.updated',
        entityType: 'employee',
        entityId: id,
        summary: `Changed ${before.employeeCode}: ${Object.keys(changes).join(', ')}`,
        changes,
      });
    });
    if (changed) this.ctx.events.publish('employee.updated', { organizationId: orgId, employeeId: id });
    return this.present(orgId, await this.require(this.ctx.db, orgId, id));
  }

  /** Deletes an employee; their direct reports move up to the deleted one's supervisor, so no one is orphaned. */
  async remove(auth: AuthContext, orgId: string, id: string): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.write(async (trx) => {
      const before = await this.require(trx, orgId, id);
      const moved = await trx
        .updateTable('employees')
        .set({ supervisorId: before.supervisorId, updatedAt: now })
        .where('organizationId', '=', orgId)
        .where('supervisorId', '=', id)
        .executeTakeFirst();
      await trx.deleteFrom('employees').where('id', '=', id).where('organizationId', '=', orgId).execute();
      const reports = Number(moved.numUpdatedRows);
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'employee.deleted',
        entityType: 'employee',
        entityId: id,
        summary:
          `Deleted employee ${before.employeeCode} "${before.name}"` +
          (reports ? `; ${reports} direct report(s) moved to their supervisor` : ''),
        changes: diffFields(
          auditable(before),
          Object.fromEntries(Object.keys(auditable(before)).map((k) => [k, null])),
        ),
      });
    });
    this.ctx.events.publish('employee.deleted', { organizationId: orgId, employeeId: id });
  }

  // ---- helpers ----

  private async present(orgId: string, row: EmployeeRow): Promise<Employee> {
    const faces = await faceSampleCounts(this.ctx.db, orgId, [row.id]);
    return presentEmployee(row, faces.get(row.id) ?? 0);
  }

  private async require(db: Executor, orgId: string, id: string): Promise<EmployeeRow> {
    const row = await findEmployee(db, orgId, id);
    if (!row) throw notFound('Employee');
    return row;
  }

  /** Runs a write in a transaction; a unique-constraint race still answers 409, never 500. */
  private async write(fn: (trx: Executor) => Promise<void>): Promise<void> {
    try {
      await this.ctx.db.transaction().execute(fn);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('duplicate_employee', 'Another employee already has this employee code or badge id');
      }
      throw error;
    }
  }

  private async assertReferences(db: Executor, orgId: string, input: EmployeeUpdate): Promise<void> {
    const refs = [
      ['departments', input.departmentId, 'Department'],
      ['positions', input.positionId, 'Position'],
      ['areas', input.areaId, 'Area'],
    ] as const;
    for (const [table, refId, label] of refs) {
      if (refId && !(await catalogInOrg(db, table, orgId, refId))) throw notFound(label);
    }
  }

  private async assertUnique(
    db: Executor,
    orgId: string,
    input: EmployeeUpdate,
    selfId: string | null,
  ): Promise<void> {
    if (input.employeeCode) {
      const other = await db
        .selectFrom('employees')
        .select('id')
        .where('organizationId', '=', orgId)
        .where('employeeCode', '=', input.employeeCode)
        .executeTakeFirst();
      if (other && other.id !== selfId) {
        throw conflict(
          'duplicate_employee_code',
          `Employee code ${input.employeeCode} is already used by another employee`,
          { field: 'employeeCode' },
        );
      }
    }
    if (input.badgeId) {
      const other = await db
        .selectFrom('employees')
        .select('id')
        .where('organizationId', '=', orgId)
        .where('badgeId', '=', input.badgeId)
        .executeTakeFirst();
      if (other && other.id !== selfId) {
        throw conflict('duplicate_badge_id', `Badge ${input.badgeId} is already used by another employee`, {
          field: 'badgeId',
        });
      }
    }
  }

  private assertSupervisor(
    chart: ReturnType<typeof orgChartFrom>,
    employeeId: string,
    supervisorId: string | null,
  ): void {
    const result = validateSupervisorChange(chart, employeeId, supervisorId);
    if (result.ok) return;
    switch (result.reason) {
      case 'self':
        throw new AppError(400, 'supervisor_self', 'An employee cannot supervise themselves');
      case 'unknown_supervisor':
      case 'unknown_employee':
        throw notFound('Supervisor');
      case 'cycle':
        throw conflict(
          'supervisor_cycle',
          'This supervisor reports (directly or indirectly) to the employee; the hierarchy would loop',
          { cycle: result.cycle },
        );
    }
  }
}

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    'employee.created': { organizationId: string; employeeId: string };
    'employee.updated': { organizationId: string; employeeId: string };
    'employee.deleted': { organizationId: string; employeeId: string };
    'employees.imported': { organizationId: string; created: number; updated: number };
  }
}
