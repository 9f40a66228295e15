import ExcelJS from 'exceljs';
import { EMPLOYEE_IMPORT_COLUMNS } from '@hadir/contracts';
import { csvText, neutralizeCell } from '../../platform/export/csv.js';
import type { EmployeeRow } from './employees.repository.js';

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

export function toCsv(table: string[][]): Buffer {
  return Buffer.from(csvText(EMPLOYEE_IMPORT_COLUMNS, table), 'utf8');
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
