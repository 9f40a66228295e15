import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Employee } from '@hadir/contracts';
import {
  Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

type Page = { items: Employee[]; total: number; page: number; pageSize: number };
const errorCode = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;

describe.each(await dialects())('employees CRUD and hierarchy (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let deptId: string;

  const create = async (body: Record<string, unknown>) => {
    const res = await admin.post('/api/employees', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Employee>();
  };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    admin = (await setupOrganization(t.app)).client;
    deptId = (await admin.post('/api/departments', { name: 'Gudang' })).json<{ id: string }>().id;
  });
  afterAll(async () => t.close());

  it('creates, reads, updates and audits an employee', async () => {
    const e = await create({
      employeeCode: 'EMP001',
      badgeId: 'B-001',
      name: 'Budi Santoso',
      departmentId: deptId,
      email: 'Budi@Maju.test',
      whatsapp: '+62 812-3456-7890',
    });
    expect(e).toMatchObject({
      employeeCode: 'EMP001',
      departmentName: 'Gudang',
      email: 'budi@maju.test',
      whatsapp: '+6281234567890',
      status: 'active',
      faceSamples: 0,
    });
    expect((await admin.get(`/api/employees/${e.id}`)).json<Employee>().name).toBe('Budi Santoso');

    const patched = await admin.patch(`/api/employees/${e.id}`, { name: 'Budi S.', status: 'on_leave' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json<Employee>()).toMatchObject({ name: 'Budi S.', status: 'on_leave' });

    const audit = (await admin.get(`/api/audit?entityType=employee&entityId=${e.id}`)).json<{
      items: { action: string; changes: Record<string, { from: unknown; to: unknown }> }[];
    }>();
    expect(audit.items.map((i) => i.action)).toEqual(['employee.updated', 'employee.created']);
    expect(audit.items[0]?.changes.name).toEqual({ from: 'Budi Santoso', to: 'Budi S.' });
  });

  it('refuses duplicate codes and badges with 409 and clear codes', async () => {
    const dupCode = await admin.post('/api/employees', { employeeCode: 'EMP001', name: 'Other' });
    expect(dupCode.statusCode).toBe(409);
    expect(errorCode(dupCode)).toBe('duplicate_employee_code');
    const dupBadge = await admin.post('/api/employees', {
      employeeCode: 'EMP002',
      name: 'X',
      badgeId: 'B-001',
    });
    expect(dupBadge.statusCode).toBe(409);
    expect(errorCode(dupBadge)).toBe('duplicate_badge_id');
    const bad = await admin.post('/api/employees', { employeeCode: 'has space', name: '' });
    expect(bad.statusCode).toBe(400);
    expect(
      (await admin.post('/api/employees', { employeeCode: 'E9', name: 'x', phone: '12' })).statusCode,
    ).toBe(400);
  });

  it('refuses references to unknown departments, positions, areas and supervisors', async () => {
    for (const field of ['departmentId', 'positionId', 'areaId', 'supervisorId']) {
      const res = await admin.post('/api/employees', { employeeCode: 'REF1', name: 'Ref', [field]: 'nope' });
      expect(res.statusCode, field).toBe(404);
    }
  });

  it('keeps the supervisor tree loop-free and re-parents on delete', async () => {
    const boss = await create({ employeeCode: 'H1', name: 'Head' });
    const mid = await create({ employeeCode: 'H2', name: 'Middle', supervisorId: boss.id });
    const low = await create({ employeeCode: 'H3', name: 'Low', supervisorId: mid.id });
    expect(low.supervisorName).toBe('Middle');

    const self = await admin.patch(`/api/employees/${boss.id}`, { supervisorId: boss.id });
    expect(self.statusCode).toBe(400);
    expect(errorCode(self)).toBe('supervisor_self');
    const loop = await admin.patch(`/api/employees/${boss.id}`, { supervisorId: low.id });
    expect(loop.statusCode).toBe(409);
    expect(errorCode(loop)).toBe('supervisor_cycle');

    const chain = (await admin.get(`/api/employees/${low.id}/chain`)).json<{ employeeCode: string }[]>();
    expect(chain.map((c) => c.employeeCode)).toEqual(['H2', 'H1']);

    // Moving a subtree is fine when it stays a tree.
    const other = await create({ employeeCode: 'H4', name: 'Other head' });
    expect((await admin.patch(`/api/employees/${mid.id}`, { supervisorId: other.id })).statusCode).toBe(200);

    expect((await admin.delete(`/api/employees/${mid.id}`)).statusCode).toBe(200);
    const after = (await admin.get(`/api/employees/${low.id}`)).json<Employee>();
    expect(after.supervisorId).toBe(other.id);
    expect((await admin.get(`/api/employees/${mid.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/employees/${mid.id}`)).statusCode).toBe(404);
  });

  it('lists with search, filters, sorting and pagination', async () => {
    for (let i = 0; i < 30; i++) {
      await create({
        employeeCode: `L${String(i).padStart(3, '0')}`,
        name: i % 3 === 0 ? `Siti 50%_${i}` : `Agus ${i}`,
        departmentId: i % 2 === 0 ? deptId : null,
        status: i % 5 === 0 ? 'inactive' : 'active',
      });
    }
    const page = (await admin.get('/api/employees?page=2&pageSize=10&q=L0')).json<Page>();
    expect(page.total).toBe(30);
    expect(page.items).toHaveLength(10);
    expect(page.items[0]?.employeeCode).toBe('L010');

    const siti = (
      await admin.get(`/api/employees?q=${encodeURIComponent('50%_')}&pageSize=100`)
    ).json<Page>();
    expect(siti.total).toBe(10); // % and _ are literal, not wildcards
    const caseless = (await admin.get('/api/employees?q=SITI&pageSize=100')).json<Page>();
    expect(caseless.total).toBe(10);
    const pastTheEnd = (await admin.get('/api/employees?q=SITI&page=50')).json<Page>();
    expect(pastTheEnd).toMatchObject({ total: 10, items: [] });
    const byDept = (await admin.get('/api/employees?q=L0&sort=department&pageSize=100')).json<Page>();
    expect(byDept.items.map((e) => e.departmentName ?? '')).toHaveLength(30);

    const filtered = (
      await admin.get(`/api/employees?departmentId=${deptId}&status=inactive&pageSize=100`)
    ).json<Page>();
    expect(filtered.items.every((e) => e.departmentId === deptId && e.status === 'inactive')).toBe(true);
    expect(filtered.total).toBe(3);

    const byNameDesc = (await admin.get('/api/employees?q=L0&sort=name&order=desc&pageSize=5')).json<Page>();
    const names = byNameDesc.items.map((e) => e.name);
    expect([...names].sort().reverse()).toEqual(names);
    expect((await admin.get('/api/employees?sort=department')).statusCode).toBe(200);
    expect((await admin.get('/api/employees?pageSize=100000')).statusCode).toBe(400);
  });

  it('looks up by employee code or badge for ERP sync', async () => {
    const byCode = await admin.get('/api/employees/lookup?employeeCode=EMP001');
    expect(byCode.json<Employee>().badgeId).toBe('B-001');
    const byBadge = await admin.get('/api/employees/lookup?badgeId=B-001');
    expect(byBadge.json<Employee>().employeeCode).toBe('EMP001');
    expect((await admin.get('/api/employees/lookup?badgeId=none')).statusCode).toBe(404);
    expect((await admin.get('/api/employees/lookup')).statusCode).toBe(400);
  });

  it('lets a member read only their own linked employee', async () => {
    const me = await create({ employeeCode: 'SELF1', name: 'Self Service' });
    const email = `self-${dialect}@maju.test`;
    const added = await admin.post('/api/users', {
      name: 'Self',
      email,
      password: 'role-password-123',
      role: 'member',
      employeeId: me.id,
    });
    expect(added.statusCode).toBe(201);
    const member = new Client(t.app);
    await member.login(email, 'role-password-123');
    expect((await member.get(`/api/employees/${me.id}`)).statusCode).toBe(200);
    const boss = (await admin.get('/api/employees/lookup?employeeCode=H1')).json<Employee>();
    expect((await member.get(`/api/employees/${boss.id}`)).statusCode).toBe(403);
    expect((await member.get('/api/employees')).statusCode).toBe(403);
    const officer = await userWithRole(t.app, admin, 'officer');
    expect((await officer.get(`/api/employees/${boss.id}`)).statusCode).toBe(200);
    expect((await officer.post('/api/employees', { employeeCode: 'NO', name: 'No' })).statusCode).toBe(403);
  });
});
