import { createHash } from 'node:crypto';
import type { CheckinImportPreview } from '@hadir/contracts';
import { addDays, isValidLocalDate, localDate, zonedTimeToMs } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { reserveSeqs, type AttendanceExecutor as Executor } from '../attendance/index.js';
import { recordAudit } from '../audit/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { readTabularFile } from '../people/index.js';

export const CHECKIN_IMPORT_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  maxRows: 100_000,
  maxUncompressedBytes: 200 * 1024 * 1024,
  ttlMs: 60 * 60 * 1000,
  issuesShown: 1000,
  sampleRows: 20,
};

const FIELDS = ['employee_id', 'badge_id', 'time', 'log_type', 'device_id'] as const;
type Field = (typeof FIELDS)[number];

/** Header spellings (normalized) from ERPs, terminals and Frappe's Employee Checkin, in en/id/vi. */
const ALIASES: Record<Field, string[]> = {
  employee_id: [
    'employee_id',
    'employee',
    'employee_code',
    'emp_id',
    'kode_karyawan',
    'nik',
    'ma_nhan_vien',
    'user_id',
  ],
  badge_id: ['badge_id', 'badge', 'card', 'card_no', 'card_number', 'id_kartu', 'kartu', 'ma_the', 'so_the'],
  time: ['time', 'timestamp', 'datetime', 'date_time', 'check_time', 'waktu', 'jam', 'thoi_gian'],
  log_type: ['log_type', 'kind', 'type', 'direction', 'in_out', 'status', 'jenis', 'loai'],
  device_id: ['device_id', 'location_device_id', 'device', 'terminal', 'reader', 'perangkat', 'thiet_bi'],
};

export function normalizeHeader(h: string): string {
  return h
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const IN = new Set(['in', 'check_in', 'checkin', 'masuk', 'vao', '0', 'i']);
const OUT = new Set(['out', 'check_out', 'checkout', 'keluar', 'pulang', 'ra', '1', 'o']);

/** "2026-01-05 08:01[:30]", "05/01/2026 08:01" (day first, as in Indonesia and Vietnam), or ISO with an offset. */
export function parseLocalTime(text: string, timeZone: string): number | null {
  const t = text.trim();
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(t) && t.includes('T')) {
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms : null;
  }
  let m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  let date: string | null = null;
  let rest: RegExpExecArray | null = null;
  if (m) {
    date = `${m[1]}-${m[2]}-${m[3]}`;
    rest = m;
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
    if (m) {
      date = `${m[3]}-${(m[2] ?? '').padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}`;
      rest = m;
    }
  }
  if (!date || !rest || !isValidLocalDate(date)) return null;
  const hour = Number(rest[4]);
  const minute = Number(rest[5]);
  const second = Number(rest[6] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return null;
  return zonedTimeToMs(timeZone, date, hour * 60 + minute) + second * 1000;
}

interface StoredImport {
  v: 1;
  fileName: string;
  fields: Field[];
  rows: string[][];
}

interface PlannedCheckin {
  row: number;
  employeeId: string;
  occurredAtMs: number;
  kind: 'check_in' | 'check_out';
  deviceId: string | null;
  key: string;
}

type Issue = { row: number; field: string | null; message: string };

/**
 * Check-ins and check-outs from a CSV or .xlsx (a terminal's log, an ERP's export, Frappe's Employee
 * Checkin): the same preview → atomic commit flow as the employee import, with its hostile-file guards
 * (size, row count, zip bombs, encodings). Each row's key is derived from employee, time and kind, so
 * importing the same file twice stores every check-in once.
 */
export class CheckinImportService {
  constructor(private readonly ctx: ServerContext) {}

  private async plan(db: Executor, orgId: string, stored: StoredImport) {
    const { timeZone } = await getOrganizationSettings(db, orgId);
    const employees = await db
      .selectFrom('employees')
      .select(['id', 'employeeCode', 'badgeId'])
      .where('organizationId', '=', orgId)
      .execute();
    const byCode = new Map(employees.map((e) => [e.employeeCode, e.id]));
    const byBadge = new Map(employees.filter((e) => e.badgeId).map((e) => [e.badgeId as string, e.id]));
    const col = (f: Field) => stored.fields.indexOf(f);
    const issues: Issue[] = [];
    const valid: PlannedCheckin[] = [];
    const invalidRows = new Set<number>();
    stored.rows.forEach((cells, i) => {
      const row = i + 2; // the header is row 1
      const get = (f: Field) => (col(f) >= 0 ? (cells[col(f)] ?? '').trim() : '');
      const bad = (field: Field | null, message: string) => {
        issues.push({ row, field, message });
        invalidRows.add(row);
      };
      const code = get('employee_id');
      const badge = get('badge_id');
      let employeeId: string | undefined;
      if (code) {
        employeeId = byCode.get(code);
        if (!employeeId) bad('employee_id', `No employee has code ${code}`);
      } else if (badge) {
        employeeId = byBadge.get(badge);
        if (!employeeId) bad('badge_id', `No employee has badge ${badge}`);
      } else bad('employee_id', 'Give an employee_id or a badge_id');
      const timeText = get('time');
      const at = timeText ? parseLocalTime(timeText, timeZone) : null;
      if (at === null)
        bad(
          'time',
          timeText ? `"${timeText}" is not a date and time (YYYY-MM-DD HH:MM)` : 'The time is missing',
        );
      const typeText = normalizeHeader(get('log_type'));
      const kind = IN.has(typeText) ? 'check_in' : OUT.has(typeText) ? 'check_out' : null;
      if (kind === null) bad('log_type', `"${get('log_type')}" is not IN or OUT`);
      if (invalidRows.has(row) || !employeeId || at === null || kind === null) return;
      const key = createHash('sha256').update(`${employeeId}|${at}|${kind}`).digest('base64url').slice(0, 32);
      valid.push({
        row,
        employeeId,
        occurredAtMs: at,
        kind,
        deviceId: get('device_id') || null,
        key: `import:${key}`,
      });
    });
    // The same check-in twice in one file is one check-in.
    const seen = new Set<string>();
    const unique = valid.filter((v) => (seen.has(v.key) ? false : (seen.add(v.key), true)));
    return { timeZone, issues, invalidRows: invalidRows.size, valid: unique };
  }

  private async existingKeys(db: Executor, orgId: string, keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await db
        .selectFrom('attendanceEvents')
        .select('idempotencyKey')
        .where('organizationId', '=', orgId)
        .where('idempotencyKey', 'in', keys.slice(i, i + 500))
        .execute();
      for (const r of rows) found.add(r.idempotencyKey);
    }
    return found;
  }

  async preview(
    auth: AuthContext,
    orgId: string,
    bytes: Buffer,
    fileName: string,
  ): Promise<CheckinImportPreview> {
    const file = await readTabularFile(bytes, CHECKIN_IMPORT_LIMITS);
    const columns = file.header.map((header) => {
      const n = normalizeHeader(header);
      const field = FIELDS.find((f) => ALIASES[f].includes(n)) ?? null;
      return { header, field };
    });
    const fields: Field[] = [];
    const index: number[] = [];
    columns.forEach((c, i) => {
      if (c.field && !fields.includes(c.field)) {
        fields.push(c.field);
        index.push(i);
      }
    });
    const rows = file.rows.map((r) => index.map((i) => r[i] ?? ''));
    const stored: StoredImport = { v: 1, fileName, fields, rows };
    const missing: Issue[] = [];
    if (!fields.includes('time')) missing.push({ row: 1, field: 'time', message: 'No time column' });
    if (!fields.includes('log_type'))
      missing.push({ row: 1, field: 'log_type', message: 'No log_type (IN/OUT) column' });
    if (!fields.includes('employee_id') && !fields.includes('badge_id'))
      missing.push({ row: 1, field: 'employee_id', message: 'No employee_id or badge_id column' });
    const plan = await this.plan(this.ctx.db, orgId, stored);
    const existing = await this.existingKeys(
      this.ctx.db,
      orgId,
      plan.valid.map((v) => v.key),
    );
    const now = this.ctx.clock.nowMs();
    const importId = newId(now);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('importBatches').where('expiresAt', '<=', now).execute();
      await trx
        .insertInto('importBatches')
        .values({
          id: importId,
          organizationId: orgId,
          createdBy: auth.userId,
          kind: 'checkins',
          rows: JSON.stringify(stored),
          createdAt: now,
          expiresAt: now + CHECKIN_IMPORT_LIMITS.ttlMs,
        })
        .execute();
    });
    return {
      importId,
      format: file.format,
      encoding: file.encoding,
      totalRows: rows.length,
      validRows: missing.length ? 0 : plan.valid.length,
      invalidRows: missing.length ? rows.length : plan.invalidRows,
      duplicateRows: existing.size,
      columns,
      unrecognizedColumns: columns.filter((c) => c.field === null).map((c) => c.header),
      issues: [...missing, ...plan.issues].slice(0, CHECKIN_IMPORT_LIMITS.issuesShown),
      sample: rows
        .slice(0, CHECKIN_IMPORT_LIMITS.sampleRows)
        .map((r) => Object.fromEntries(fields.map((f, i) => [f, r[i] ?? null]))),
    };
  }

  /** Applies a preview in one transaction: every new check-in, or none (unless onlyValidRows). */
  async commit(
    auth: AuthContext,
    orgId: string,
    importId: string,
    onlyValidRows: boolean,
  ): Promise<{ created: number; duplicates: number; skipped: number }> {
    const now = this.ctx.clock.nowMs();
    return this.ctx.db.transaction().execute(async (trx) => {
      const batch = await trx
        .deleteFrom('importBatches')
        .where('id', '=', importId)
        .where('organizationId', '=', orgId)
        .where('kind', '=', 'checkins')
        .returning(['rows', 'expiresAt'])
        .executeTakeFirst();
      if (!batch) throw notFound('Import');
      if (batch.expiresAt <= now)
        throw new AppError(410, 'import_expired', 'This import preview expired; upload the file again');
      const stored = JSON.parse(batch.rows) as StoredImport;
      if (!stored.fields.includes('time') || !stored.fields.includes('log_type'))
        throw new AppError(422, 'import_has_errors', 'The file has no time or log_type column');
      const plan = await this.plan(trx, orgId, stored);
      if (plan.issues.length > 0 && !onlyValidRows) {
        throw new AppError(
          422,
          'import_has_errors',
          `${plan.invalidRows} row(s) have errors; fix the file, or import only the valid rows`,
          { issues: plan.issues.slice(0, 100) },
        );
      }
      const existing = await this.existingKeys(
        trx,
        orgId,
        plan.valid.map((v) => v.key),
      );
      const fresh = plan.valid.filter((v) => !existing.has(v.key));
      if (fresh.length > 0) {
        const firstSeq = await reserveSeqs(trx, orgId, fresh.length);
        for (let i = 0; i < fresh.length; i += 500) {
          await trx
            .insertInto('attendanceEvents')
            .values(
              fresh.slice(i, i + 500).map((v, k) => ({
                id: newId(now),
                organizationId: orgId,
                employeeId: v.employeeId,
                occurredAt: v.occurredAtMs,
                kind: v.kind,
                source: 'import',
                label: v.deviceId ?? stored.fileName.slice(0, 120),
                recordedBy: auth.userId,
                deviceId: v.deviceId,
                clientId: null,
                score: null,
                snapshotId: null,
                idempotencyKey: v.key,
                seq: firstSeq + i + k,
                createdAt: now,
              })),
            )
            .execute();
        }
        // Each employee's touched dates are re-derived by the job runner (in chunks the recompute allows).
        const dates = new Map<string, string[]>();
        for (const v of fresh) {
          const list = dates.get(v.employeeId) ?? [];
          list.push(localDate(plan.timeZone, v.occurredAtMs));
          dates.set(v.employeeId, list);
        }
        for (const [employeeId, list] of dates) {
          const sorted = [...new Set(list)].sort();
          for (let d = addDays(sorted[0] ?? '', -1); d <= (sorted.at(-1) ?? ''); d = addDays(d, 31)) {
            const to = addDays(d, 30) < (sorted.at(-1) ?? '') ? addDays(d, 30) : (sorted.at(-1) ?? d);
            await this.ctx.jobs.enqueue(
              trx,
              'attendance.recompute',
              { organizationId: orgId, employeeId, fromDate: d, toDate: to },
              {
                organizationId: orgId,
                idempotencyKey: `attendance.recompute:${orgId}:${employeeId}:import:${importId}:${d}`,
              },
            );
          }
        }
      }
      const skipped = stored.rows.length - plan.valid.length;
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'attendance.imported',
        entityType: 'attendance',
        entityId: null,
        summary: `Imported check-ins from ${stored.fileName}: ${fresh.length} new, ${plan.valid.length - fresh.length} already stored, ${skipped} skipped`,
        changes: {},
      });
      return { created: fresh.length, duplicates: plan.valid.length - fresh.length, skipped };
    });
  }
}
