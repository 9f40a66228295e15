import type {
  BadgeScan,
  BadgeScanResult,
  ChangesQuery,
  CheckinPush,
  CheckinPushed,
  DayChange,
  EmployeeUpsert,
  Employee,
  EventChange,
} from '@hadir/contracts';
import { localDate, zonedDayBounds, type AttendanceSource } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { AttendanceModule } from '../attendance/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import type { EmployeesService } from '../people/index.js';

/** A scanned badge again within this window is the same scan (readers bounce, people tap twice). */
export const BADGE_DEBOUNCE_MS = 30_000;

/** Cursors are opaque to callers; inside they are the last change sequence the caller has seen. */
export function encodeCursor(seq: number): string {
  return `v1-${seq}`;
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const m = /^v1-(\d{1,15})$/.exec(cursor);
  if (!m) throw badRequest('invalid_cursor', 'This cursor was not returned by this API; start without one');
  return Number(m[1]);
}

interface EmployeeKey {
  employeeId?: string | undefined;
  employeeCode?: string | undefined;
  badgeId?: string | undefined;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * What an ERP or a device does with Hadir: pull attendance changes since a cursor, push check-ins and
 * employees idempotently, and scan badges. Every query is scoped to the caller's organization.
 */
export class SyncService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly attendance: AttendanceModule,
    private readonly employees: EmployeesService,
  ) {}

  /**
   * Attendance days changed after the cursor, oldest change first. A day appears at its latest change
   * only; sequences are taken under a row lock held until commit, so a change committed later always
   * has a higher sequence than one already read and the feed neither skips nor repeats.
   */
  async dayChanges(
    orgId: string,
    q: ChangesQuery,
  ): Promise<{ items: DayChange[]; nextCursor: string; hasMore: boolean }> {
    const after = decodeCursor(q.cursor);
    const rows = await this.ctx.db
      .selectFrom('attendanceDays as d')
      .innerJoin('employees as e', 'e.id', 'd.employeeId')
      .select([
        'd.changedSeq',
        'd.employeeId',
        'e.employeeCode',
        'e.badgeId',
        'd.workDate',
        'd.status',
        'd.checkIn',
        'd.checkOut',
        'd.workedMinutes',
        'd.breakMinutes',
        'd.lateMinutes',
        'd.earlyLeaveMinutes',
        'd.sources',
        'd.version',
      ])
      .where('d.organizationId', '=', orgId)
      .where('e.organizationId', '=', orgId)
      .where('d.changedSeq', '>', after)
      .orderBy('d.changedSeq')
      .limit(q.limit + 1)
      .execute();
    const hasMore = rows.length > q.limit;
    const items = rows.slice(0, q.limit).map((r) => ({
      seq: Number(r.changedSeq),
      employeeId: r.employeeId,
      employeeCode: r.employeeCode,
      badgeId: r.badgeId,
      date: r.workDate,
      status: r.status as DayChange['status'],
      checkInAt: toIsoOrNull(r.checkIn),
      checkOutAt: toIsoOrNull(r.checkOut),
      workedMinutes: r.workedMinutes,
      breakMinutes: r.breakMinutes,
      lateMinutes: r.lateMinutes,
      earlyLeaveMinutes: r.earlyLeaveMinutes,
      sources: JSON.parse(r.sources) as AttendanceSource[],
      version: r.version,
    }));
    const last = items.at(-1);
    return { items, nextCursor: encodeCursor(last ? last.seq : after), hasMore };
  }

  /** Raw attendance events written or moved after the cursor, oldest change first. */
  async eventChanges(
    orgId: string,
    q: ChangesQuery,
  ): Promise<{ items: EventChange[]; nextCursor: string; hasMore: boolean }> {
    const after = decodeCursor(q.cursor);
    const rows = await this.ctx.db
      .selectFrom('attendanceEvents as a')
      .innerJoin('employees as e', 'e.id', 'a.employeeId')
      .select([
        'a.seq',
        'a.id',
        'a.employeeId',
        'e.employeeCode',
        'e.badgeId',
        'a.occurredAt',
        'a.kind',
        'a.source',
        'a.label',
        'a.deviceId',
      ])
      .where('a.organizationId', '=', orgId)
      .where('e.organizationId', '=', orgId)
      .where('a.seq', '>', after)
      .orderBy('a.seq')
      .limit(q.limit + 1)
      .execute();
    const hasMore = rows.length > q.limit;
    const items = rows.slice(0, q.limit).map((r) => ({
      seq: Number(r.seq),
      id: r.id,
      employeeId: r.employeeId,
      employeeCode: r.employeeCode,
      badgeId: r.badgeId,
      occurredAt: toIso(r.occurredAt),
      kind: r.kind as EventChange['kind'],
      source: r.source as EventChange['source'],
      label: r.label,
      deviceId: r.deviceId,
    }));
    const last = items.at(-1);
    return { items, nextCursor: encodeCursor(last ? last.seq : after), hasMore };
  }

  async findEmployee(orgId: string, key: EmployeeKey) {
    let q = this.ctx.db
      .selectFrom('employees')
      .select(['id', 'employeeCode', 'name', 'badgeId'])
      .where('organizationId', '=', orgId);
    if (key.employeeId !== undefined) q = q.where('id', '=', key.employeeId);
    else if (key.employeeCode !== undefined) q = q.where('employeeCode', '=', key.employeeCode);
    else if (key.badgeId !== undefined) q = q.where('badgeId', '=', key.badgeId);
    else throw badRequest('missing_employee', 'Give employeeId, employeeCode or badgeId');
    return q.executeTakeFirst();
  }

  /**
   * An external check-in (terminal, badge reader, ERP). The idempotency key is required: the same key
   * again returns the stored check-in; the same key with a different check-in is a 409.
   */
  async pushCheckin(
    orgId: string,
    input: CheckinPush,
    headerKey: string | undefined,
  ): Promise<CheckinPushed> {
    const key = (headerKey ?? input.idempotencyKey)?.trim();
    if (!key) {
      throw badRequest(
        'missing_idempotency_key',
        'Send an Idempotency-Key header (or idempotencyKey field), unique per check-in',
      );
    }
    if (key.length > 200) throw badRequest('invalid_idempotency_key', 'The idempotency key is too long');
    const employee = await this.findEmployee(orgId, input);
    if (!employee) throw notFound('Employee');
    const occurredAtMs = Date.parse(input.occurredAt);
    const record = () =>
      this.attendance.events.record(orgId, {
        employeeId: employee.id,
        occurredAtMs,
        kind: input.kind,
        source: input.source,
        label: input.deviceId ?? null,
        deviceId: input.deviceId ?? null,
        idempotencyKey: `push:${key}`,
      });
    let result: Awaited<ReturnType<typeof record>>;
    try {
      result = await record();
    } catch (error) {
      // Two pushes of one key at the same instant: the loser finds the winner's row.
      if (!isUniqueViolation(error)) throw error;
      result = await record();
    }
    const e = result.event;
    if (
      !result.created &&
      (e.employeeId !== employee.id || e.occurredAtMs !== occurredAtMs || e.kind !== input.kind)
    ) {
      throw conflict(
        'idempotency_key_reused',
        'This idempotency key was already used for a different check-in',
      );
    }
    return {
      id: e.id,
      created: result.created,
      employeeId: e.employeeId,
      kind: e.kind,
      occurredAt: toIso(e.occurredAtMs),
    };
  }

  /**
   * A badge held to a reader (kiosk or API). Without a kind, it is the opposite of the employee's last
   * check-in/out today; a second scan of the same badge within 30 s is the same scan.
   */
  async scanBadge(orgId: string, scan: BadgeScan, actor: string | null): Promise<BadgeScanResult> {
    const employee = await this.findEmployee(orgId, { badgeId: scan.badgeId });
    if (!employee) throw new AppError(404, 'unknown_badge', `No employee has badge ${scan.badgeId}`);
    const now = this.ctx.clock.nowMs();
    const { timeZone } = await getOrganizationSettings(this.ctx.db, orgId);
    const { startMs } = zonedDayBounds(timeZone, localDate(timeZone, now));
    const last = await this.ctx.db
      .selectFrom('attendanceEvents')
      .select(['id', 'kind', 'source', 'occurredAt', 'createdAt'])
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', employee.id)
      .where('kind', 'in', ['check_in', 'check_out'])
      .where('occurredAt', '>=', startMs)
      .where('occurredAt', '<=', now)
      .orderBy('occurredAt', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const summary = { id: employee.id, employeeCode: employee.employeeCode, name: employee.name };
    if (
      last &&
      last.source === 'badge' &&
      now - last.occurredAt < BADGE_DEBOUNCE_MS &&
      (scan.kind === undefined || scan.kind === last.kind)
    ) {
      return {
        id: last.id,
        created: false,
        duplicate: true,
        kind: last.kind as BadgeScanResult['kind'],
        occurredAt: toIso(last.occurredAt),
        employee: summary,
      };
    }
    const kind = scan.kind ?? (last?.kind === 'check_in' ? 'check_out' : 'check_in');
    const { event, created } = await this.attendance.events.record(orgId, {
      employeeId: employee.id,
      occurredAtMs: now,
      kind,
      source: 'badge',
      label: scan.deviceId ?? 'Kiosk',
      deviceId: scan.deviceId ?? null,
      recordedBy: actor,
      ...(scan.scanId ? { idempotencyKey: `badge:${scan.scanId}` } : {}),
    });
    return {
      id: event.id,
      created,
      duplicate: !created,
      kind: event.kind as BadgeScanResult['kind'],
      occurredAt: toIso(event.occurredAtMs),
      employee: summary,
    };
  }

  /**
   * Creates or updates an employee found by employee code or badge id. Only the fields sent are
   * compared and written, so the same payload twice changes nothing (and audits nothing) the second time.
   */
  async upsertEmployee(
    auth: AuthContext,
    orgId: string,
    input: EmployeeUpsert,
  ): Promise<{ action: 'created' | 'updated' | 'unchanged'; employee: Employee }> {
    const { matchBy, ...fields } = input;
    if (matchBy === 'badgeId' && !fields.badgeId)
      throw badRequest('missing_badge_id', 'matchBy is badgeId but no badgeId was sent');
    const key =
      matchBy === 'badgeId' ? { badgeId: fields.badgeId ?? '' } : { employeeCode: fields.employeeCode };
    const existing = await this.findEmployee(orgId, key);
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (!existing) {
      const employee = await this.employees.create(auth, orgId, {
        ...fields,
        status: fields.status ?? 'active',
      });
      return { action: 'created', employee };
    }
    const before = await this.employees.lookup(orgId, { employeeCode: existing.employeeCode });
    const employee = await this.employees.update(auth, orgId, existing.id, defined);
    // Compared by content (not updatedAt): two writes within one clock tick still count as a change.
    const same = (e: Employee) => JSON.stringify({ ...e, updatedAt: null, faceSamples: null });
    return { action: same(employee) === same(before) ? 'unchanged' : 'updated', employee };
  }
}
