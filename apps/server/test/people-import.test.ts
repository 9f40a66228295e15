import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Employee, ImportPreview } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';
import {
  ENGLISH_HEADER,
  csvFile,
  csvText,
  manyEmployees,
  multipart,
  rowCells,
  xlsxFile,
} from './fixtures/employee-files.js';

type Page = { items: Employee[]; total: number };
type Res = Awaited<ReturnType<Client['get']>>;
const errorCode = (res: Res) => res.json<{ error: { code: string } }>().error.code;

describe.each(await dialects())('employee import and export (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;

  const upload = (bytes: Buffer, fileName = 'karyawan.csv') => {
    const m = multipart(fileName, bytes);
    return admin.request('POST', '/api/employees/import', m.body, m.headers);
  };
  const preview = async (bytes: Buffer, fileName?: string) => {
    const res = await upload(bytes, fileName);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ImportPreview>();
  };
  const commit = (importId: string, onlyValidRows = false) =>
    admin.post('/api/employees/import/commit', { importId, onlyValidRows });
  const byCode = async (code: string) =>
    (await admin.get(`/api/employees/lookup?employeeCode=${encodeURIComponent(code)}`)).json<Employee>();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    admin = (await setupOrganization(t.app)).client;
  });
  afterAll(async () => t.close());

  it('imports an Indonesian-headed, semicolon CSV with supervisors listed after their reports', async () => {
    const header = ['Kode Karyawan', 'Nama', 'Departemen', 'Jabatan', 'Atasan', 'No WA', 'Kolom Lain'];
    const rows = [
      ['IMP002', 'Siti Aminah', 'Gudang', 'Staf', 'IMP001', '+6281200000002', 'x'],
      ['IMP001', 'Budi Santoso', 'gudang', 'Kepala', '', '0812 000', ''],
    ];
    const p = await preview(Buffer.from(csvText(header, rows, ';')));
    expect(p).toMatchObject({ format: 'csv', encoding: 'utf-8', totalRows: 2, validRows: 0, toCreate: 0 });
    // A number too short for Indonesia is refused, and so is the row that reports to that refused row:
    // "only valid rows" must never leave a dangling supervisor.
    expect(p.issues).toEqual([
      expect.objectContaining({ row: 1, field: 'supervisor_code', code: 'unknown_supervisor' }),
      expect.objectContaining({ row: 2, field: 'whatsapp', code: 'bad_phone' }),
    ]);
    expect(p.columns.find((c) => c.header === 'Kolom Lain')?.field).toBeNull();
    // The column nobody understands is reported, and every field the import knows is listed.
    expect(p.unrecognizedColumns).toEqual(['Kolom Lain']);
    expect(p.understood.map((u) => u.field)).toEqual([
      'employee_code',
      'badge_id',
      'name',
      'department',
      'position',
      'email',
      'phone',
      'whatsapp',
      'supervisor_code',
      'status',
    ]);
    expect(p.understood.find((u) => u.field === 'whatsapp')).toMatchObject({ header: 'No WA' });
    expect(p.understood.find((u) => u.field === 'badge_id')).toMatchObject({ header: null });

    const refused = await commit(p.importId);
    expect(refused.statusCode).toBe(422);
    expect(errorCode(refused)).toBe('import_has_errors');
    expect((await admin.get('/api/employees')).json<Page>().total).toBe(0);

    const fixed = await preview(
      Buffer.from(
        csvText(
          header,
          [rows[0] ?? [], ['IMP001', 'Budi Santoso', 'gudang', 'Kepala', '', '0812 0000 0001', '']],
          ';',
        ),
      ),
    );
    expect(fixed.issues).toEqual([]);
    const done = await commit(fixed.importId);
    expect(done.json()).toEqual({ created: 2, updated: 0, skipped: 0 });
    const siti = await byCode('IMP002');
    // Typed the local way, stored in E.164 with the organization's country (Indonesia by default).
    expect((await byCode('IMP001')).whatsapp).toBe('+6281200000001');
    expect(siti).toMatchObject({
      departmentName: 'Gudang',
      positionName: 'Staf',
      supervisorName: 'Budi Santoso',
    });
    // "gudang" matched "Gudang": one department, not two.
    const depts = (await admin.get('/api/departments')).json<{ name: string }[]>();
    expect(depts.filter((d) => d.name.toLowerCase() === 'gudang')).toHaveLength(1);
    // A preview is used once.
    expect((await commit(fixed.importId)).statusCode).toBe(404);

    const audit = (await admin.get('/api/audit?action=employees.imported')).json<{
      items: { summary: string }[];
    }>();
    expect(audit.items[0]?.summary).toContain('2 created');
  });

  it('reads Windows-1252, UTF-16 and Excel files', async () => {
    const latin = csvFile([{ code: 'W1', name: 'José Müller', department: 'Àrea Été' }], {
      encoding: 'windows-1252',
    });
    expect(latin.includes(Buffer.from('José', 'utf8'))).toBe(false); // really not UTF-8
    const p1 = await preview(latin);
    expect(p1.encoding).toBe('windows-1252');
    expect((await commit(p1.importId)).statusCode).toBe(200);
    expect(await byCode('W1')).toMatchObject({ name: 'José Müller', departmentName: 'Àrea Été' });

    // Excel's "Unicode text": UTF-16LE with BOM, tab separated.
    const utf16 = iconv.encode(
      csvText(
        ENGLISH_HEADER,
        [rowCells({ code: 'V1', name: 'Nguyễn Văn An', whatsapp: '+84912345678' })],
        '\t',
      ),
      'utf-16le',
      { addBOM: true },
    );
    const p2 = await preview(utf16, 'nhanvien.txt');
    expect(p2.encoding).toBe('utf-16le');
    expect((await commit(p2.importId)).statusCode).toBe(200);
    expect((await byCode('V1')).name).toBe('Nguyễn Văn An');

    const noBom = iconv.encode(csvText(['ma nhan vien', 'ho ten'], [['V2', 'Trần Thị Bích']]), 'utf-16le');
    const p3 = await preview(noBom);
    expect(p3.encoding).toBe('utf-16le');
    expect(p3.validRows).toBe(1);

    const bomUtf8 = csvFile([{ code: 'U8', name: 'Dewi Lestari' }], { bom: true });
    expect((await preview(bomUtf8)).columns[0]?.field).toBe('employee_code');

    const xlsx = await xlsxFile(
      ['NIK', 'Nama Lengkap', 'Bagian', 'Nomor WA', 'Status'],
      [
        ['X1', 'Rina Wati', 'Produksi', 6281311112222, 'Aktif'],
        [1002, 'Joko', 'Produksi', '+6281311113333', 'cuti'],
      ],
    );
    const p4 = await preview(xlsx, 'karyawan.xlsx');
    expect(p4).toMatchObject({ format: 'xlsx', validRows: 2, toCreate: 2 });
    expect((await commit(p4.importId)).statusCode).toBe(200);
    expect(await byCode('1002')).toMatchObject({ status: 'on_leave', whatsapp: '+6281311113333' });
    // Excel gave the number as digits without '+': read as international.
    expect((await byCode('X1')).whatsapp).toBe('+6281311112222');
  });

  it('reports every kind of bad row, and imports only valid rows when asked', async () => {
    await admin.post('/api/employees', { employeeCode: 'OLD1', name: 'Old One', badgeId: 'BADGE-OLD' });
    const p = await preview(
      csvFile([
        { code: 'R1', name: '' },
        { code: 'R2', name: 'Dup A' },
        { code: 'R2', name: 'Dup B' },
        { code: 'R3', name: 'Badge thief', badge: 'BADGE-OLD' },
        { code: 'R4', name: 'Lost', supervisor: 'NOBODY' },
        { code: 'R5', name: 'Bad phone', whatsapp: 'call me' },
        { code: 'R6', name: 'Bad mail', email: 'not-an-email' },
        { code: 'R7', name: 'Loop A', supervisor: 'R8' },
        { code: 'R8', name: 'Loop B', supervisor: 'R7' },
        { code: 'R9', name: 'Reports to a bad row', supervisor: 'R5' },
        { code: 'R10', name: 'Bad status', status: 'sleeping' },
        { code: 'bad code!', name: 'Bad code' },
        { code: 'OK1', name: 'Fine', supervisor: 'OLD1' },
        { code: 'OK2', name: 'Also fine', supervisor: 'OK1', badge: 'NEW-1' },
      ]),
    );
    const codes = p.issues.map((i) => `${i.row}:${i.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        '1:missing_field',
        '2:duplicate_in_file',
        '3:duplicate_in_file',
        '4:duplicate_existing',
        '5:unknown_supervisor',
        '6:bad_phone',
        '7:invalid_email',
        '8:supervisor_cycle',
        '9:supervisor_cycle',
        '10:unknown_supervisor',
        '11:invalid_value',
        '12:invalid_value',
      ]),
    );
    expect(p).toMatchObject({ totalRows: 14, validRows: 2, invalidRows: 12 });
    const before = (await admin.get('/api/employees')).json<Page>().total;
    expect((await commit(p.importId)).statusCode).toBe(422);
    expect((await admin.get('/api/employees')).json<Page>().total).toBe(before);
    const res = await commit(p.importId, true);
    expect(res.json()).toEqual({ created: 2, updated: 0, skipped: 12 });
    expect((await byCode('OK2')).supervisorName).toBe('Fine');
  });

  it("reports all of a row's problems at once, not the next one after the first is fixed", async () => {
    const p = await preview(
      csvFile([
        {
          code: 'ALL1',
          name: 'Everything wrong',
          email: 'not-an-email',
          whatsapp: 'call me',
          status: 'sleeping',
          supervisor: 'NOBODY',
        },
        { code: 'BOSS', name: 'Bad boss', email: 'nope' },
        { code: 'ALL2', name: 'Reports to a bad row', email: 'also-bad', supervisor: 'BOSS' },
      ]),
    );
    const of = (row: number) =>
      p.issues
        .filter((i) => i.row === row)
        .map((i) => `${i.field}:${i.code}`)
        .sort();
    expect(of(1)).toEqual([
      'email:invalid_email',
      'status:invalid_value',
      'supervisor_code:unknown_supervisor',
      'whatsapp:bad_phone',
    ]);
    expect(of(3)).toEqual(['email:invalid_email', 'supervisor_code:unknown_supervisor']);
    expect(p).toMatchObject({ totalRows: 3, validRows: 0, invalidRows: 3 });
  });

  it('updates existing employees by code and leaves absent columns alone', async () => {
    const p = await preview(Buffer.from(csvText(['employee_code', 'name'], [['OK1', 'Fine Renamed']])));
    expect(p).toMatchObject({ toCreate: 0, toUpdate: 1 });
    expect((await commit(p.importId)).json()).toMatchObject({ created: 0, updated: 1 });
    expect(await byCode('OK1')).toMatchObject({ name: 'Fine Renamed', supervisorName: 'Old One' });
  });

  it('answers hostile and broken files with clear errors, never a 500', async () => {
    const cases: [Buffer, number, string][] = [
      [Buffer.alloc(0), 400, 'empty_file'],
      [Buffer.from('\r\n\r\n'), 400, 'empty_file'],
      [Buffer.from('employee_code,name\r\n'), 400, 'no_data_rows'],
      [Buffer.from('employee_code,name\r\nA1,"Budi\r\nA2,Siti\r\n'), 400, 'malformed_csv'],
      [Buffer.from('foo,bar\r\n1,2\r\n'), 400, 'missing_columns'],
      [Buffer.from('code,kode_karyawan,name\r\n1,2,3\r\n'), 400, 'duplicate_column'],
      [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(300, 7)]), 400, 'corrupt_xlsx'],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 1, 2]), 400, 'unsupported_format'],
      [
        Buffer.from([0x00, 0x01, 0x02, 0x03, 0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 9, 0, 0]),
        400,
        'unsupported_format',
      ],
    ];
    for (const [bytes, status, code] of cases) {
      const res = await upload(bytes);
      expect(res.statusCode, `${code}: ${res.body}`).toBe(status);
      expect(errorCode(res)).toBe(code);
    }
    // A real xlsx whose worksheet was truncated.
    const good = await xlsxFile(['employee_code', 'name'], [['Z1', 'Zed']]);
    const truncated = await upload(good.subarray(0, Math.floor(good.length * 0.6)), 'cut.xlsx');
    expect(truncated.statusCode).toBe(400);
    expect(errorCode(truncated)).toBe('corrupt_xlsx');

    const notMultipart = await admin.post('/api/employees/import', { file: 'employee_code,name' });
    expect(notMultipart.statusCode).toBe(415);
    const wrongTypes = await preview(
      Buffer.from(
        csvText(['employee_code', 'name', 'whatsapp', 'status'], [['{"a":1}', '[]', 'true', '42']]),
      ),
    );
    expect(wrongTypes.validRows).toBe(0);
    expect((await admin.post('/api/employees/import/commit', { importId: 'nope' })).statusCode).toBe(404);
    expect((await admin.post('/api/employees/import/commit', {})).statusCode).toBe(400);
  });

  it('refuses files over the row cap and expired previews', async () => {
    const lines = ['employee_code,name'];
    for (let i = 0; i <= 100_000; i++) lines.push(`C${i},N`);
    const res = await upload(Buffer.from(lines.join('\n')));
    expect(res.statusCode).toBe(413);
    expect(errorCode(res)).toBe('too_many_rows');

    const huge = await upload(Buffer.alloc(21 * 1024 * 1024, 'a'));
    expect(huge.statusCode).toBe(413);
    expect(errorCode(huge)).toBe('payload_too_large');

    const p = await preview(csvFile([{ code: 'LATE1', name: 'Late' }]));
    t.clock.advance(61 * 60_000);
    const late = await commit(p.importId);
    expect(late.statusCode).toBe(410);
    expect(errorCode(late)).toBe('import_expired');
  });

  it('stores formula-like text as is and neutralizes it on export; the export imports back unchanged', async () => {
    const hostile = [
      { code: 'FX1', name: "=cmd|' /C calc'!A0", department: '+SUM(A1:A9)' },
      { code: 'FX2', name: '-2+3', position: '@risky' },
      { code: 'FX3', name: '@SUM(1+1)*cmd|" /C calc"!A0', supervisor: 'FX1' },
    ];
    const p = await preview(csvFile(hostile));
    expect(p.issues).toEqual([]);
    expect((await commit(p.importId)).statusCode).toBe(200);
    expect(await byCode('FX1')).toMatchObject({ name: "=cmd|' /C calc'!A0", departmentName: '+SUM(A1:A9)' });

    const csv = await admin.get('/api/employees/export?format=csv&q=FX');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    const text = csv.rawPayload.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split(/\r?\n/);
    expect(lines[0]).toBe(ENGLISH_HEADER.join(','));
    const f1 = lines.find((l) => l.startsWith('FX1,'));
    expect(f1).toBe(`FX1,,'=cmd|' /C calc'!A0,'+SUM(A1:A9),,,,,,active`);
    for (const l of lines.slice(1)) {
      for (const field of l.split(',')) expect(field.replace(/^"/, '')).not.toMatch(/^[=+\-@\t]/);
    }

    const xlsx = await admin.get('/api/employees/export?format=xlsx&q=FX');
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0];
    const cells: string[] = [];
    sheet?.eachRow((row) => row.eachCell((c) => cells.push(typeof c.value === 'string' ? c.value : '')));
    expect(cells).toContain("'=cmd|' /C calc'!A0");
    expect(cells).toContain("'@risky");
    expect(sheet?.getCell('A2').type).toBe(ExcelJS.ValueType.String);

    // Round trip: both exports import back as "no change".
    for (const [bytes, name] of [
      [csv.rawPayload, 'export.csv'],
      [xlsx.rawPayload, 'export.xlsx'],
    ] as const) {
      const again = await preview(bytes, name);
      expect(again.issues).toEqual([]);
      expect(again).toMatchObject({ toCreate: 0, toUpdate: 3 });
      expect((await commit(again.importId)).json()).toMatchObject({ created: 0, updated: 0 });
    }
    expect(await byCode('FX3')).toMatchObject({
      name: '@SUM(1+1)*cmd|" /C calc"!A0',
      supervisorName: "=cmd|' /C calc'!A0",
    });
  });

  it('imports 50,000 rows in one transaction and exports them with the list filters', async () => {
    const bytes = csvFile(manyEmployees(50_000));
    const started = performance.now();
    const p = await preview(bytes, 'big.csv');
    const previewMs = performance.now() - started;
    expect(p).toMatchObject({ totalRows: 50_000, validRows: 50_000, toCreate: 50_000 });
    const c0 = performance.now();
    const res = await commit(p.importId);
    const commitMs = performance.now() - c0;
    expect(res.json()).toEqual({ created: 50_000, updated: 0, skipped: 0 });
    console.log(
      `[bench] ${dialect}: 50,000-row CSV (${(bytes.length / 1e6).toFixed(1)} MB) preview ${previewMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms`,
    );

    const deep = await byCode('BULK049999');
    expect(deep.supervisorName).toBe('Karyawan 4999 Santoso');
    const dept = (await admin.get('/api/departments')).json<
      { id: string; name: string; employeeCount: number }[]
    >();
    const d7 = dept.find((d) => d.name === 'Dept 7');
    expect(d7?.employeeCount).toBe(2500);

    const t0 = performance.now();
    const page = (await admin.get('/api/employees?q=santoso&page=40&pageSize=25&sort=name')).json<Page>();
    expect(page.total).toBeGreaterThanOrEqual(50_000);
    expect(performance.now() - t0).toBeLessThan(2000);

    const exported = await admin.get(`/api/employees/export?format=csv&departmentId=${d7?.id ?? ''}`);
    expect(exported.rawPayload.toString('utf8').trim().split('\n')).toHaveLength(2501);
  });
});
