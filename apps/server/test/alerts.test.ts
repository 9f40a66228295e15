import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PresenceService } from '../src/modules/presence/index.js';
import { dialects, setupOrganization, startTestServer, type TestServer } from './support.js';
import type { Client } from './support.js';
import { addEmployee, setCamera } from './presence-fixtures.js';

const MIN = 60_000;

describe.each(await dialects())('alert lifecycle (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let boss: string;
  let sup: string;
  let budi: string;

  const server = () => t.server;
  const presence = () => t.server.modules.presence;
  /** The pipeline is not running here: keep the camera's heartbeat fresh as the fake clock moves. */
  const advance = async (ms: number, state: 'online' | 'offline' = 'online') => {
    t.clock.advance(ms);
    await setCamera(server(), orgId, 'gudang-a', 'Camera Gudang A', state);
  };
  const see = async (employeeId: string) => {
    presence().recordSighting({
      organizationId: orgId,
      employeeId,
      cameraId: 'gudang-a',
      cameraName: 'Camera Gudang A',
      atMs: t.clock.nowMs(),
      cosineSimilarity: 0.8,
      trackId: 't1',
    });
    await presence().flush();
  };
  const notifications = () =>
    server()
      .ctx.db.selectFrom('notifications')
      .select(['kind', 'body', 'recipientEmployeeId', 'relatedAlertId'])
      .orderBy('createdAt')
      .execute();
  const alerts = () =>
    server()
      .ctx.db.selectFrom('alerts')
      .selectAll()
      .where('kind', '=', 'absence')
      .orderBy('openedAt')
      .execute();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    boss = await addEmployee(server(), orgId, {
      code: 'EMP100',
      name: 'Sari Direktur',
      whatsapp: '+6281100000001',
    });
    sup = await addEmployee(server(), orgId, {
      code: 'EMP010',
      name: 'Andi Wijaya',
      supervisorId: boss,
      whatsapp: '+6281100000002',
    });
    budi = await addEmployee(server(), orgId, { code: 'EMP001', name: 'Budi Santoso', supervisorId: sup });
    await setCamera(server(), orgId, 'gudang-a', 'Camera Gudang A', 'online');
  });
  afterAll(async () => t?.close());

  it('seen → available; the absence window is "more than" absentAfterMinutes', async () => {
    await see(budi);
    await see(sup);
    await see(boss);
    await presence().tick();
    const res = await admin.get('/api/presence');
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      items: { employeeCode: string; state: string; lastCameraName: string }[];
      counts: Record<string, number>;
    }>();
    expect(body.items.find((i) => i.employeeCode === 'EMP001')).toMatchObject({
      state: 'available',
      lastCameraName: 'Camera Gudang A',
    });
    expect(body.counts.available).toBe(3);

    await advance(5 * MIN); // exactly 5:00 → still available
    await see(sup);
    await see(boss);
    await presence().tick();
    expect((await alerts()).length).toBe(0);
  });

  it('gone for 6 minutes → off and exactly one alert to the direct supervisor, with the right text', async () => {
    await advance(1 * MIN);
    await see(sup);
    await see(boss);
    await presence().tick();
    await presence().tick();
    const rows = await alerts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      employeeId: budi,
      status: 'open',
      level: 0,
      cameraName: 'Camera Gudang A',
    });
    const sent = await notifications();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'alert', recipientEmployeeId: sup });
    expect(sent[0]?.body).toBe('[ALERT] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 6 menit');

    const list = await admin.get('/api/alerts');
    expect(list.json<{ items: { message: string; employeeCode: string }[] }>().items[0]).toMatchObject({
      employeeCode: 'EMP001',
      message: '[ALERT] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 6 menit',
    });
    const board = await admin.get('/api/presence?state=off');
    expect(board.json<{ items: { employeeCode: string }[] }>().items.map((i) => i.employeeCode)).toEqual([
      'EMP001',
    ]);
  });

  it('a restart mid-absence neither loses nor duplicates the alert', async () => {
    // A fresh service has no memory: it reconciles from the persisted snapshot.
    const restarted = new PresenceService(server().ctx, server().modules.alerts);
    await advance(30_000);
    await see(sup);
    await see(boss);
    await restarted.tick();
    await restarted.tick();
    expect(await alerts()).toHaveLength(1);
    expect(await notifications()).toHaveLength(1);
  });

  it('unacknowledged for escalateAfterMinutes → escalates to the next supervisor up', async () => {
    await advance(15 * MIN);
    await see(sup);
    await see(boss);
    await presence().tick();
    const rows = await alerts();
    expect(rows[0]).toMatchObject({ level: 1, status: 'open' });
    const sent = await notifications();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ kind: 'alert_escalated', recipientEmployeeId: boss });
    expect(sent[1]?.body).toContain('EMP001 - Budi Santoso');
  });

  it('seen again → resolved, and everyone alerted hears "returned"', async () => {
    await advance(MIN);
    await see(budi);
    await see(sup);
    await see(boss);
    await presence().tick();
    const rows = await alerts();
    expect(rows[0]).toMatchObject({ status: 'resolved', resolution: 'returned' });
    const returned = (await notifications()).filter((n) => n.kind === 'alert_returned');
    expect(returned.map((n) => n.recipientEmployeeId).sort()).toEqual([boss, sup].sort());
    expect(returned[0]?.body).toMatch(/^\[INFO\] EMP001 - Budi Santoso kembali setelah 2\d menit$/);
    const past = await admin.get('/api/alerts?scope=past');
    expect(past.json<{ total: number }>().total).toBe(1);
  });

  it('acknowledging stops escalation', async () => {
    await advance(20 * MIN); // past the flapping cooldown
    await see(budi);
    await see(sup);
    await see(boss);
    await presence().tick();
    await advance(6 * MIN);
    await see(sup);
    await see(boss);
    await presence().tick();
    const open = (await alerts()).filter((a) => a.status === 'open');
    expect(open).toHaveLength(1);
    const ack = await admin.post(`/api/alerts/${open[0]?.id}/acknowledge`);
    expect(ack.statusCode).toBe(200);
    expect(ack.json<{ status: string }>().status).toBe('acknowledged');
    const before = (await notifications()).length;
    await advance(20 * MIN);
    await see(sup);
    await see(boss);
    await presence().tick();
    expect((await notifications()).length).toBe(before);
    expect((await admin.post(`/api/alerts/${open[0]?.id}/acknowledge`)).statusCode).toBe(409);
  });

  it('a dead camera makes people unknown (never absent) and raises one camera alert', async () => {
    await see(budi);
    await see(sup);
    await see(boss);
    await presence().tick();
    const absenceBefore = (await alerts()).length;
    for (let i = 0; i < 8; i++) {
      await advance(MIN, 'offline');
      await presence().tick();
    }
    const board = await admin.get('/api/presence');
    const body = board.json<{ counts: Record<string, number> }>();
    expect(body.counts.unknown).toBe(3);
    expect(body.counts.off).toBe(0);
    expect((await alerts()).length).toBe(absenceBefore);
    const cameraAlerts = await server()
      .ctx.db.selectFrom('alerts')
      .selectAll()
      .where('kind', '=', 'camera_down')
      .execute();
    expect(cameraAlerts).toHaveLength(1);
    expect(cameraAlerts[0]?.message).toMatch(/^\[ALERT\] Camera Gudang A offline sejak \d+ menit$/);

    await advance(MIN, 'online');
    await presence().tick();
    const after = await server()
      .ctx.db.selectFrom('alerts')
      .selectAll()
      .where('kind', '=', 'camera_down')
      .execute();
    expect(after[0]).toMatchObject({ status: 'resolved', resolution: 'camera_up' });
  });

  it('a manager sees only alerts of their own team', async () => {
    const res = await admin.get('/api/alerts?scope=all&kind=absence');
    expect(res.json<{ total: number }>().total).toBeGreaterThan(0);
    // Not linked to an employee: sees no absence alerts.
    const pw = 'role-password-123';
    const add = await admin.post('/api/users', {
      name: 'mgr',
      email: 'mgr@maju.test',
      password: pw,
      role: 'manager',
    });
    expect(add.statusCode).toBe(201);
    const { Client } = await import('./support.js');
    const mgr = new Client(t.app);
    await mgr.login('mgr@maju.test', pw);
    const mine = await mgr.get('/api/alerts?scope=all&kind=absence');
    expect(mine.statusCode).toBe(200);
    expect(mine.json<{ total: number }>().total).toBe(0);
  });
});
