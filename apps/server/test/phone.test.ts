import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Employee, ImportPreview } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';
import { csvText, multipart } from './fixtures/employee-files.js';

type Res = Awaited<ReturnType<Client['get']>>;
const error = (res: Res) =>
  res.json<{ error: { code: string; message: string; details: { path: string; message: string }[] } }>()
    .error;

/** Phone numbers typed the local way become E.164 in the organization's country; invalid ones are refused. */
describe.each(await dialects())('phone numbers and import columns (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    admin = (await setupOrganization(t.app)).client;
  });
  afterAll(async () => t.close());

  it('normalizes local numbers on create and edit, and names the invalid field', async () => {
    const created = await admin.post('/api/employees', {
      employeeCode: 'P1',
      name: 'Putri',
      phone: '(021) 555-1234',
      whatsapp: '0812-3456-7890',
    });
    expect(created.statusCode, created.body).toBe(201);
    const e = created.json<Employee>();
    expect(e).toMatchObject({ phone: '+62215551234', whatsapp: '+6281234567890' });

    const bad = await admin.patch(`/api/employees/${e.id}`, { whatsapp: '0812 345', name: 'Putri X' });
    expect(bad.statusCode).toBe(400);
    expect(error(bad)).toMatchObject({
      code: 'bad_phone',
      details: [expect.objectContaining({ path: 'whatsapp' })],
    });
    expect(error(bad).message).toContain('not a valid phone number for ID');
    // Nothing was written.
    expect((await admin.get(`/api/employees/${e.id}`)).json<Employee>()).toMatchObject({
      name: 'Putri',
      whatsapp: '+6281234567890',
    });
    const noEmployee = await admin.post('/api/employees', { employeeCode: 'P2', name: 'Q', phone: '12345' });
    expect(noEmployee.statusCode).toBe(400);
    expect((await admin.get('/api/employees/lookup?employeeCode=P2')).statusCode).toBe(404);
  });

  it('reads local numbers in the organization country, which admins can change', async () => {
    expect(
      (await admin.get('/api/organization')).json<{ settings: { country: string } }>().settings.country,
    ).toBe('ID');
    const unknown = await admin.patch('/api/organization', { settings: { country: 'XX' } });
    expect(unknown.statusCode).toBe(400);
    expect(error(unknown).code).toBe('unknown_country');
    expect((await admin.patch('/api/organization', { settings: { country: 'VN' } })).statusCode).toBe(200);
    const vn = await admin.post('/api/employees', {
      employeeCode: 'V1',
      name: 'Lan',
      whatsapp: '0912 345 678',
    });
    expect(vn.json<Employee>().whatsapp).toBe('+84912345678');
    // An Indonesian mobile typed the local way is not a Vietnamese number.
    const idLocal = await admin.post('/api/employees', {
      employeeCode: 'V2',
      name: 'Budi',
      whatsapp: '0812-3456-7890',
    });
    expect(idLocal.statusCode).toBe(400);
    // International numbers are read as they are, whatever the country.
    const intl = await admin.post('/api/employees', {
      employeeCode: 'V3',
      name: 'Budi',
      whatsapp: '+62 812 3456 7891',
    });
    expect(intl.json<Employee>().whatsapp).toBe('+6281234567891');
    expect((await admin.patch('/api/organization', { settings: { country: 'ID' } })).statusCode).toBe(200);
  });

  it('maps "No. WhatsApp", reports unknown columns and normalizes imported numbers', async () => {
    const file = Buffer.from(
      csvText(
        ['NIK', 'Nama', 'No. WhatsApp', 'No. HP', 'Golongan Darah', ''],
        [
          ['I1', 'Ayu', '0813-1111-2222', '081311113333', 'O', ''],
          ['I2', 'Bima', '0813-11', '', 'A', ''],
        ],
      ),
    );
    const m = multipart('karyawan.csv', file);
    const res = await admin.request('POST', '/api/employees/import', m.body, m.headers);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json<ImportPreview>();
    expect(p.columns.map((c) => c.field)).toEqual(['employee_code', 'name', 'whatsapp', 'phone', null, null]);
    expect(p.unrecognizedColumns).toEqual(['Golongan Darah']);
    const wa = p.understood.find((u) => u.field === 'whatsapp');
    expect(wa?.header).toBe('No. WhatsApp');
    expect(wa?.accepts).toContain('No. WhatsApp');
    expect(p.issues).toEqual([expect.objectContaining({ row: 2, field: 'whatsapp', code: 'bad_phone' })]);
    const done = await admin.post('/api/employees/import/commit', {
      importId: p.importId,
      onlyValidRows: true,
    });
    expect(done.json()).toEqual({ created: 1, updated: 0, skipped: 1 });
    expect((await admin.get('/api/employees/lookup?employeeCode=I1')).json<Employee>()).toMatchObject({
      whatsapp: '+6281311112222',
      phone: '+6281311113333',
    });
  });

  it('reads a channel test recipient typed the local way', async () => {
    const ch = await admin.post('/api/notification-channels', { type: 'log', name: 'Log' });
    expect(ch.statusCode, ch.body).toBeLessThan(300);
    const id = ch.json<{ id: string }>().id;
    const bad = await admin.post(`/api/notification-channels/${id}/test`, { to: '0812 34' });
    expect(bad.statusCode).toBe(400);
    expect(error(bad).details).toEqual([expect.objectContaining({ path: 'to' })]);
    const good = await admin.post(`/api/notification-channels/${id}/test`, { to: '0812-3456-7890' });
    expect(good.statusCode, good.body).toBe(200);
    const row = await t.server.ctx.db
      .selectFrom('notifications')
      .select('toNumber')
      .where('kind', '=', 'test')
      .executeTakeFirstOrThrow();
    expect(row.toNumber).toBe('+6281234567890');
  });
});
