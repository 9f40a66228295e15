import { z } from 'zod';
import { EMPLOYEE_IMPORT_COLUMNS, EmployeeCode, EmployeeStatus, type ImportRowIssue } from '@hadir/contracts';
import { badRequest } from '../../platform/http/errors.js';
import { normalizePhone } from './phone.js';

/**
 * Pure rules of the employee import: which header means which field, and whether each row is valid
 * against the file itself and the employees that already exist. No I/O, so it runs the same at preview
 * and, again, inside the commit transaction.
 */

export type ImportField = (typeof EMPLOYEE_IMPORT_COLUMNS)[number];

/** Header spellings seen in HR exports (English, Indonesian, Vietnamese), compared normalized. */
const ALIASES: Record<ImportField, string[]> = {
  employee_code: [
    'employeecode',
    'employeeid',
    'empid',
    'empcode',
    'code',
    'kode',
    'kodekaryawan',
    'kodepegawai',
    'idkaryawan',
    'nik',
    'nip',
    'nomorinduk',
    'manhanvien',
    'manv',
  ],
  badge_id: [
    'badgeid',
    'badge',
    'cardid',
    'card',
    'idkartu',
    'nokartu',
    'nomorkartu',
    'kartu',
    'rfid',
    'mathe',
  ],
  name: [
    'name',
    'fullname',
    'employeename',
    'nama',
    'namalengkap',
    'namakaryawan',
    'hoten',
    'hovaten',
    'ten',
  ],
  department: ['department', 'dept', 'departement', 'departemen', 'bagian', 'divisi', 'division', 'phongban'],
  position: ['position', 'jobtitle', 'title', 'jabatan', 'posisi', 'chucvu'],
  email: ['email', 'emailaddress', 'mail', 'surel', 'alamatemail'],
  phone: [
    'phone',
    'phonenumber',
    'mobile',
    'telepon',
    'telp',
    'notelp',
    'nohp',
    'hp',
    'nomorhp',
    'sodienthoai',
    'dienthoai',
  ],
  whatsapp: [
    'whatsapp',
    'wa',
    'nowa',
    'nomorwa',
    'nowhatsapp',
    'nomorwhatsapp',
    'whatsappnumber',
    'whatsappno',
    'wanumber',
    'nohpwa',
    'zalo',
    'sozalo',
  ],
  supervisor_code: [
    'supervisorcode',
    'supervisor',
    'supervisorid',
    'manager',
    'managercode',
    'atasan',
    'kodeatasan',
    'atasanlangsung',
    'quanly',
    'maquanly',
  ],
  status: ['status', 'trangthai'],
};

const ALIAS_TO_FIELD = new Map<string, ImportField>(
  Object.entries(ALIASES).flatMap(([field, names]) => names.map((n) => [n, field as ImportField])),
);

/** Case, spacing, punctuation and accents do not matter: "Kode Karyawan", "kode_karyawan", "Mã NV". */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export interface HeaderMapping {
  /** Column index of each field present in the file. */
  index: Partial<Record<ImportField, number>>;
  columns: { header: string; field: ImportField | null }[];
  /** Headers that mean nothing to the import (reported, never silently dropped); blank headers excluded. */
  unrecognized: string[];
  /** Every field the import understands, the header that supplied it (or null) and names it accepts. */
  understood: { field: ImportField; header: string | null; accepts: string[] }[];
}

/** The header spellings shown to people for each field (the normalized aliases, a readable subset). */
const SHOWN_ALIASES: Record<ImportField, string[]> = {
  employee_code: ['employee_code', 'Kode Karyawan', 'NIK', 'Mã NV'],
  badge_id: ['badge_id', 'ID Kartu', 'RFID', 'Mã thẻ'],
  name: ['name', 'Nama', 'Nama Lengkap', 'Họ tên'],
  department: ['department', 'Departemen', 'Bagian', 'Phòng ban'],
  position: ['position', 'Jabatan', 'Posisi', 'Chức vụ'],
  email: ['email', 'Surel'],
  phone: ['phone', 'No. HP', 'Telepon', 'Số điện thoại'],
  whatsapp: ['whatsapp', 'No. WhatsApp', 'No. WA', 'Zalo'],
  supervisor_code: ['supervisor_code', 'Atasan', 'Kode Atasan', 'Mã quản lý'],
  status: ['status', 'Trạng thái'],
};

export function mapHeader(header: string[]): HeaderMapping {
  const index: Partial<Record<ImportField, number>> = {};
  const columns = header.map((h, i) => {
    const field = ALIAS_TO_FIELD.get(normalizeHeader(h)) ?? null;
    if (field) {
      if (index[field] !== undefined) {
        throw badRequest(
          'duplicate_column',
          `Two columns mean "${field}": "${header[index[field]] ?? ''}" and "${h}"; keep one`,
        );
      }
      index[field] = i;
    }
    return { header: h, field };
  });
  const missing = (['employee_code', 'name'] as const).filter((f) => index[f] === undefined);
  if (missing.length) {
    throw badRequest(
      'missing_columns',
      `The header row needs the column(s) ${missing.join(', ')} (e.g. "employee_code"/"kode_karyawan" and "name"/"nama"). Columns understood: ${EMPLOYEE_IMPORT_COLUMNS.join(', ')}`,
      { missing, found: header },
    );
  }
  const unrecognized = columns.filter((c) => c.field === null && c.header.trim() !== '').map((c) => c.header);
  const understood = EMPLOYEE_IMPORT_COLUMNS.map((field) => ({
    field,
    header: index[field] === undefined ? null : (header[index[field]] ?? null),
    accepts: SHOWN_ALIASES[field],
  }));
  return { index, columns, unrecognized, understood };
}

/**
 * Exports prefix risky text with a single quote so spreadsheets do not run it as a formula (OWASP CSV
 * injection). Importing our own export must give back the original text, so that one quote is removed.
 */
export function restoreNeutralized(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

const STATUS_ALIASES: Record<string, EmployeeStatus> = {
  active: 'active',
  aktif: 'active',
  inactive: 'inactive',
  nonaktif: 'inactive',
  tidakaktif: 'inactive',
  onleave: 'on_leave',
  leave: 'on_leave',
  cuti: 'on_leave',
  terminated: 'terminated',
  keluar: 'terminated',
  resign: 'terminated',
  berhenti: 'terminated',
  danglamviec: 'active',
  nghiviec: 'terminated',
  nghiphep: 'on_leave',
};

const Email = z.string().email().max(254);

/** The existing employees of the organization, as the rules need them (keyed by employee code). */
export interface ExistingEmployee {
  id: string;
  employeeCode: string;
  badgeId: string | null;
  name: string;
  departmentId: string | null;
  positionId: string | null;
  email: string | null;
  phone: string | null;
  whatsapp: string | null;
  supervisorId: string | null;
  status: string;
}

/** A valid row, normalized. `undefined` means the column is absent: an update keeps the stored value. */
export interface PlannedRow {
  row: number;
  employeeCode: string;
  name: string;
  badgeId: string | null | undefined;
  department: string | null | undefined;
  position: string | null | undefined;
  email: string | null | undefined;
  phone: string | null | undefined;
  whatsapp: string | null | undefined;
  supervisorCode: string | null | undefined;
  status: EmployeeStatus | undefined;
  existing: ExistingEmployee | undefined;
}

export interface ImportCheck {
  valid: PlannedRow[];
  issues: ImportRowIssue[];
  invalidRows: number;
  toCreate: number;
  toUpdate: number;
}

interface Draft extends PlannedRow {
  ok: boolean;
}

/** Validates every row against the file and the existing employees. */
export function checkImport(
  fields: readonly ImportField[],
  rows: readonly (readonly string[])[],
  existing: readonly ExistingEmployee[],
  /** Local phone numbers (0812…) are read in this country (the organization's setting). */
  country = 'ID',
): ImportCheck {
  const issues: ImportRowIssue[] = [];
  const at = (f: ImportField) => fields.indexOf(f);
  const col = Object.fromEntries(EMPLOYEE_IMPORT_COLUMNS.map((f) => [f, at(f)])) as Record<
    ImportField,
    number
  >;
  const existingByCode = new Map(existing.map((e) => [e.employeeCode, e]));
  const codeById = new Map(existing.map((e) => [e.id, e.employeeCode]));

  const drafts: Draft[] = rows.map((cells, i) => {
    const row = i + 1;
    let ok = true;
    const fail = (field: ImportField | null, code: ImportRowIssue['code'], message: string) => {
      ok = false;
      issues.push({ row, field, code, message });
    };
    /** The cell, or undefined when the column is absent; empty cells are null. */
    const cell = (f: ImportField): string | null | undefined => {
      const c = col[f];
      if (c < 0) return undefined;
      const v = restoreNeutralized((cells[c] ?? '').trim());
      return v === '' ? null : v;
    };
    const text = (f: ImportField, max: number): string | null | undefined => {
      const v = cell(f);
      if (v && v.length > max) {
        fail(f, 'invalid_value', `${f} is longer than ${max} characters`);
        return undefined;
      }
      return v;
    };

    const rawCode = cell('employee_code');
    let employeeCode = '';
    if (!rawCode) fail('employee_code', 'missing_field', 'employee_code is empty');
    else {
      const parsed = EmployeeCode.safeParse(rawCode);
      if (parsed.success) employeeCode = parsed.data;
      else
        fail(
          'employee_code',
          'invalid_value',
          `employee_code "${rawCode.slice(0, 40)}" may use letters, digits, dot, dash and underscore only (max 32)`,
        );
    }
    const name = text('name', 120);
    if (name === null) fail('name', 'missing_field', 'name is empty');

    const rawEmail = cell('email');
    let email: string | null | undefined = rawEmail;
    if (rawEmail) {
      email = rawEmail.toLowerCase();
      if (!Email.safeParse(email).success)
        fail('email', 'invalid_email', `"${rawEmail.slice(0, 60)}" is not an email address`);
    }
    const phoneOf = (f: 'phone' | 'whatsapp') => {
      const raw = cell(f);
      if (!raw) return raw;
      const parsed = normalizePhone(raw, country);
      if (parsed.ok) return parsed.e164;
      fail(f, 'bad_phone', `${f}: ${parsed.message}`);
      return undefined;
    };
    const phone = phoneOf('phone');
    const whatsapp = phoneOf('whatsapp');

    const rawStatus = cell('status');
    let status: EmployeeStatus | undefined;
    if (rawStatus) {
      status = STATUS_ALIASES[normalizeHeader(rawStatus)];
      if (!status)
        fail(
          'status',
          'invalid_value',
          `status "${rawStatus.slice(0, 30)}" must be one of ${EmployeeStatus.options.join(', ')}`,
        );
    }

    const supervisorCode = text('supervisor_code', 32);
    if (supervisorCode && supervisorCode === employeeCode) {
      fail('supervisor_code', 'supervisor_cycle', 'An employee cannot be their own supervisor');
    }

    return {
      row,
      ok,
      employeeCode,
      name: name ?? '',
      badgeId: text('badge_id', 64),
      department: text('department', 120),
      position: text('position', 120),
      email,
      phone,
      whatsapp,
      supervisorCode,
      status,
      existing: employeeCode ? existingByCode.get(employeeCode) : undefined,
    };
  });

  markDuplicates(drafts, issues, 'employee_code', (d) => d.employeeCode || null);
  markDuplicates(drafts, issues, 'badge_id', (d) => d.badgeId ?? null);

  // A badge may move between employees in the same file, but not onto an employee outside it.
  if (col.badge_id >= 0) {
    const inFile = new Set(drafts.map((d) => d.employeeCode));
    const badgeOwner = new Map<string, string>();
    for (const e of existing)
      if (e.badgeId && !inFile.has(e.employeeCode)) badgeOwner.set(e.badgeId, e.employeeCode);
    for (const d of drafts) {
      const owner = d.badgeId ? badgeOwner.get(d.badgeId) : undefined;
      if (owner && owner !== d.employeeCode) {
        d.ok = false;
        issues.push({
          row: d.row,
          field: 'badge_id',
          code: 'duplicate_existing',
          message: `badge_id ${d.badgeId ?? ''} already belongs to employee ${owner}`,
        });
      }
    }
  }

  resolveSupervisors(drafts, issues, existing, codeById, col.supervisor_code >= 0);

  const valid = drafts.filter((d) => d.ok).map(({ ok: _ok, ...planned }) => planned);
  issues.sort((a, b) => a.row - b.row);
  return {
    valid,
    issues,
    invalidRows: drafts.length - valid.length,
    toCreate: valid.filter((v) => !v.existing).length,
    toUpdate: valid.filter((v) => v.existing).length,
  };
}

function markDuplicates(
  drafts: Draft[],
  issues: ImportRowIssue[],
  field: ImportField,
  key: (d: Draft) => string | null,
): void {
  const rowsByKey = new Map<string, Draft[]>();
  for (const d of drafts) {
    const k = key(d);
    if (!k) continue;
    const list = rowsByKey.get(k);
    if (list) list.push(d);
    else rowsByKey.set(k, [d]);
  }
  for (const [k, list] of rowsByKey) {
    if (list.length < 2) continue;
    // Every copy is refused: which one the file meant is a question for a person.
    for (const d of list) {
      d.ok = false;
      issues.push({
        row: d.row,
        field,
        code: 'duplicate_in_file',
        message: `${field} ${k} appears ${list.length} times in the file (rows ${list
          .map((x) => x.row)
          .slice(0, 5)
          .join(', ')})`,
      });
    }
  }
}

/**
 * Supervisors must exist (in the file or already) and the resulting hierarchy must have no loops. A row
 * whose supervisor's row is refused is refused too, so "only valid rows" never imports a dangling link.
 */
function resolveSupervisors(
  drafts: Draft[],
  issues: ImportRowIssue[],
  existing: readonly ExistingEmployee[],
  codeById: ReadonlyMap<string, string>,
  hasSupervisorColumn: boolean,
): void {
  const existingCodes = new Set(existing.map((e) => e.employeeCode));
  const fileCodes = new Set(drafts.map((d) => d.employeeCode));
  /** Rows already told that their supervisor's row is refused (each is told once). */
  const dependsOnRefused = new Set<number>();
  const byCode = new Map<string, Draft>();
  for (const d of drafts) if (d.employeeCode && d.ok) byCode.set(d.employeeCode, d);
  const refuse = (d: Draft, code: ImportRowIssue['code'], message: string) => {
    d.ok = false;
    issues.push({ row: d.row, field: 'supervisor_code', code, message });
    byCode.delete(d.employeeCode);
  };

  if (hasSupervisorColumn) {
    for (const d of drafts) {
      const sup = d.supervisorCode;
      // Checked on every row, valid or not: a row's problems are all reported at once.
      if (sup && !fileCodes.has(sup) && !existingCodes.has(sup)) {
        refuse(d, 'unknown_supervisor', `Supervisor ${sup} is not an employee and not in the file`);
      }
    }
  }

  for (;;) {
    // Rows that point at a refused row of the file (that is not an existing employee either).
    let changed = false;
    for (const d of drafts) {
      const sup = d.supervisorCode;
      if (
        sup &&
        sup !== d.employeeCode &&
        fileCodes.has(sup) &&
        !byCode.has(sup) &&
        !existingCodes.has(sup) &&
        !dependsOnRefused.has(d.row)
      ) {
        dependsOnRefused.add(d.row);
        refuse(d, 'unknown_supervisor', `Supervisor ${sup} is not imported because their row has errors`);
        changed = true;
      }
    }
    // Loops in the hierarchy as it would be after the import.
    const chart = new Map<string, string | null>();
    for (const e of existing)
      chart.set(e.employeeCode, e.supervisorId ? (codeById.get(e.supervisorId) ?? null) : null);
    for (const d of byCode.values()) {
      if (d.supervisorCode !== undefined) chart.set(d.employeeCode, d.supervisorCode);
    }
    for (const cycle of findCyclesLinear(chart)) {
      const path = cycle.join(' → ');
      for (const code of cycle) {
        const d = byCode.get(code);
        if (d) {
          refuse(d, 'supervisor_cycle', `Supervisors would form a loop: ${path} → ${cycle[0] ?? ''}`);
          changed = true;
        }
      }
    }
    if (!changed) return;
  }
}

/**
 * Every loop in a child → parent map, in linear time. The domain's `findCycles` walks up from every
 * node, which is quadratic on a 50,000-row file shaped as one long chain; an import needs linear.
 */
export function findCyclesLinear(chart: ReadonlyMap<string, string | null>): string[][] {
  const state = new Map<string, 1 | 2>(); // 1: on the current walk, 2: done
  const cycles: string[][] = [];
  for (const start of chart.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    let current: string | null | undefined = start;
    while (current != null && !state.has(current) && chart.has(current)) {
      state.set(current, 1);
      path.push(current);
      current = chart.get(current);
    }
    if (current != null && state.get(current) === 1) cycles.push(path.slice(path.indexOf(current)));
    for (const id of path) state.set(id, 2);
  }
  return cycles;
}
