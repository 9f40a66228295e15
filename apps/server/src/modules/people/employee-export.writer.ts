import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { EMPLOYEE_IMPORT_COLUMNS } from '@hadir/contracts';
import type { EmployeeRow } from './employees.repository.js';

/**
 * OWASP CSV injection: a cell starting with = + - @ (or a tab / carriage return) is run as a formula by
 * spreadsheets. Prefixing a single quote makes it text; the importer removes that quote again.
 */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Employees as the import columns, so an export can be edited and imported back. */
export function employeeTable(rows: readonly EmployeeRow[]): string[][] {
  return rows.map((r) =>
    [
      r.employeeCode,
      r.badgeId,
      r.name,
      r.departmentName,
      r.positionName,
      r.email,
      r.phone,
      r.whatsapp,
      r.supervisorCode,
      r.status,
    ].map((v) => neutralizeCell(v ?? '')),
  );
}

/** UTF-8 with a byte-order mark: without it Excel on Windows misreads names like "José" or "Nguyễn". */
export function toCsv(table: string[][]): Buffer {
  const text = stringify([[...EMPLOYEE_IMPORT_COLUMNS], ...table]);
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export async function toXlsx(table: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('employees');
  sheet.addRow([...EMPLOYEE_IMPORT_COLUMNS]);
  sheet.getRow(1).font = { bold: true };
  // Every cell is written as a string (never a formula or a number), so codes like 007 keep their zeros.
  for (const row of table) sheet.addRow(row);
  sheet.columns.forEach((c) => (c.width = 18));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
