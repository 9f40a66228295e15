// Edge boxes at the hub (issue 15), medium tier: real database, the composed server, fake clock. The
// box is played by the test through the HTTP API it uses (enrol, config, ingest).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@hadir/testing';
import type { EdgeEnrolCode, EdgeEnrolled, EdgeIngestItem, EdgeView, PresenceList } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';
import { addEmployee } from './presence-fixtures.js';

const iso = (ms: number) => new Date(ms).toISOString();
type Health = Extract<EdgeIngestItem, { kind: 'camera_health' }>;
type Sighting = Extract<EdgeIngestItem, { kind: 'sighting' }>;
const SECOND = 1000;

describe.each(await dialects())('edge boxes at the hub (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let budi: string;
  let seq = 0;

  const createEdge = async (body: Record<string, unknown> = {}) => {
    const res = await admin.post('/api/edges', { name: 'Gudang edge', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<EdgeEnrolCode>();
  };
  const enrol = (code: string) =>
    t.app.inject({ method: 'POST', url: '/api/edge/enrol', payload: { code, name: 'box-1' } });
  const asEdge = (credential: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Edge ${credential}` },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
  const enrolled = async (body: Record<string, unknown> = {}) => {
    const { enrolCode } = await createEdge(body);
    const res = await enrol(enrolCode);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<EdgeEnrolled>();
  };
  const push = (credential: string, items: EdgeIngestItem[], sentAtMs = t.clock.nowMs(), queueDepth = 0) =>
    asEdge(credential, 'POST', '/api/edge/ingest', { sentAt: iso(sentAtMs), queueDepth, items });
  const health = (atMs: number, state: 'online' | 'offline' = 'online'): Health => ({
    seq: ++seq,
    kind: 'camera_health',
    cameraId: 'gudang-a',
    observedAt: iso(atMs),
    status: {
      cameraId: 'gudang-a',
      state,
      targetFps: 5,
      measuredFps: 5,
      framesAnalyzed: 10,
      framesDropped: 0,
      lastFrameAt: iso(atMs),
      lastError: null,
      restarts: 0,
    },
  });
  const sighting = (fromMs: number, toMs: number, employeeId = budi): Sighting => ({
    seq: ++seq,
    kind: 'sighting',
    cameraId: 'gudang-a',
    employeeId,
    firstAt: iso(fromMs),
    lastAt: iso(toMs),
    count: 3,
    cosineSimilarity: 0.62,
    trackId: 'gudang-a:1',
  });
  const stateOf = async (employeeId: string) => {
    await t.server.modules.presence.tick();
    const res = await admin.get('/api/presence');
    return res.json<PresenceList>().items.find((i) => i.employeeId === employeeId);
  };
  const absenceAlerts = () =>
    t.server.ctx.db
      .selectFrom('alerts')
      .select(['id', 'status', 'lastSeenTs', 'resolution'])
      .where('organizationId', '=', orgId)
      .where('kind', '=', 'absence')
      .where('employeeId', '=', budi)
      .orderBy('openedAt')
      .execute();
  const stays = () =>
    t.server.ctx.db
      .selectFrom('presenceIntervals')
      .select(['startedAt', 'lastSeenTs', 'sightings'])
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', budi)
      .orderBy('startedAt')
      .execute();

  beforeAll(async () => {
    // No pipeline or worker loops: the test drives ticks itself. A one-minute absence window.
    t = await startTestServer(dialect, { HADIR_ABSENT_AFTER_SECONDS: '60', HADIR_FACE_PACK: 'off' });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    budi = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso' });
    // A camera on the edge's LAN: the hub never opens it (no pipeline role here; and an edge serves it).
    const cam = await admin.post('/api/cameras', {
      id: 'gudang-a',
      name: 'Camera Gudang A',
      source: 'rtsp://10.20.0.2:8554/cam',
    });
    expect(cam.statusCode, cam.body).toBe(201);
  }, 60_000);
  afterAll(async () => t?.close());

  it('an enrol code works once, and not after it expired', async () => {
    const { enrolCode, edge } = await createEdge();
    expect(edge.status).toBe('pending');
    const first = await enrol(enrolCode.toLowerCase());
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json<EdgeEnrolled>().credential).toMatch(/^hedge_/);
    expect((await enrol(enrolCode)).statusCode).toBe(401);
    const late = await createEdge();
    t.clock.advance(15 * 60 * SECOND + 1);
    expect((await enrol(late.enrolCode)).statusCode).toBe(401);
    // Nothing secret leaves in the list.
    const list = await admin.get('/api/edges');
    expect(list.body).not.toMatch(/hash|credential/i);
    const row = await t.server.ctx.db
      .selectFrom('edges')
      .select(['enrolCodeHash', 'credentialHash'])
      .where('id', '=', edge.id)
      .executeTakeFirstOrThrow();
    expect(row.enrolCodeHash).toBeNull();
    expect(row.credentialHash).not.toContain(first.json<EdgeEnrolled>().credential);
  });

  it('an edge credential reaches only the edge routes, and a revoked one is refused at once', async () => {
    const e = await enrolled();
    const config = await asEdge(e.credential, 'GET', '/api/edge/config');
    expect(config.statusCode, config.body).toBe(200);
    expect(config.json<{ cameras: { id: string }[] }>().cameras.map((c) => c.id)).toEqual(['gudang-a']);
    const etag = config.headers.etag as string;
    const again = await t.app.inject({
      method: 'GET',
      url: '/api/edge/config',
      headers: { authorization: `Edge ${e.credential}`, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    // Not a user: no user route, and no user on the edge routes.
    expect((await asEdge(e.credential, 'GET', '/api/employees')).statusCode).toBe(401);
    expect((await admin.get('/api/edge/config')).statusCode).toBe(401);
    const revoked = await admin.post(`/api/edges/${e.edgeId}/revoke`);
    expect(revoked.json<EdgeView>().status).toBe('revoked');
    expect((await asEdge(e.credential, 'GET', '/api/edge/config')).statusCode).toBe(401);
    expect((await push(e.credential, [])).statusCode).toBe(401);
    const audit = await t.server.ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityId', '=', e.edgeId)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['edge.created', 'edge.enrolled', 'edge.revoked']);
  });

  it('the same batch pushed twice is stored once; the edge’s clock skew is measured and corrected', async () => {
    const e = await enrolled();
    const t0 = t.clock.nowMs();
    const batch = [health(t0), sighting(t0 - 5 * SECOND, t0 - 2 * SECOND)];
    const first = await push(e.credential, batch, t0, 7);
    expect(first.json()).toMatchObject({ accepted: 2, duplicates: 0, refused: 0 });
    const second = await push(e.credential, batch, t0, 7);
    expect(second.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    let rows = await stays();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ startedAt: t0 - 5 * SECOND, lastSeenTs: t0 - 2 * SECOND, sightings: 3 });

    // An edge whose clock runs 90 s ahead: its stamps move back by 90 s.
    t.clock.advance(10 * SECOND);
    const now = t.clock.nowMs();
    const ahead = 90 * SECOND;
    const skewed = await push(
      e.credential,
      [sighting(now - 3 * SECOND + ahead, now - 1 * SECOND + ahead)],
      now + ahead,
    );
    expect(skewed.json<{ clockSkewMs: number }>().clockSkewMs).toBe(ahead);
    rows = await stays();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.lastSeenTs).toBe(now - 1 * SECOND);
    const view = (await admin.get('/api/edges')).json<EdgeView[]>().find((x) => x.id === e.edgeId);
    expect(view).toMatchObject({ status: 'online', clockSkewMs: ahead, queueDepth: 0 });

    // Someone else's employee, or a camera it does not serve, is refused, not applied.
    const other = await push(e.credential, [
      { ...sighting(now, now), employeeId: 'not-an-employee' },
      { ...health(now), cameraId: 'elsewhere', status: { ...health(now).status, cameraId: 'elsewhere' } },
    ]);
    expect(other.json()).toMatchObject({ accepted: 0, refused: 2 });
    await t.server.ctx.db.deleteFrom('presenceIntervals').where('organizationId', '=', orgId).execute();
    await t.server.ctx.db.deleteFrom('employeePresence').where('organizationId', '=', orgId).execute();
  });

  it('a silent edge makes its people unknown, not off; the replay after the cut proves presence', async () => {
    const e = await enrolled({ cameraIds: ['gudang-a'] });
    const t0 = t.clock.nowMs();
    expect((await push(e.credential, [health(t0), sighting(t0 - 2 * SECOND, t0)])).statusCode).toBe(200);
    expect(await stateOf(budi)).toMatchObject({ state: 'available' });

    // The link dies. The box keeps seeing Budi for 65 s, then he leaves; the hub hears nothing.
    const queued: EdgeIngestItem[] = [];
    for (let s = 5; s <= 65; s += 5)
      queued.push(health(t0 + s * SECOND), sighting(t0 + (s - 1) * SECOND, t0 + s * SECOND));
    t.clock.advance(70 * SECOND);
    const lost = await t.server.modules.edges.monitor.tick();
    expect(lost).toContain(e.edgeId);
    const during = await stateOf(budi);
    expect(during).toMatchObject({ state: 'unknown', reason: 'cameras_down' });
    expect(await absenceAlerts()).toEqual([]);
    expect((await admin.get('/api/edges')).json<EdgeView[]>().find((x) => x.id === e.edgeId)?.status).toBe(
      'lost',
    );

    // The link returns at t0 + 80 s: the queue replays in order, then current health.
    t.clock.advance(10 * SECOND);
    const replay = await push(e.credential, [...queued, health(t.clock.nowMs())], t.clock.nowMs());
    expect(replay.json()).toMatchObject({ accepted: queued.length + 1, duplicates: 0 });
    const rows = await stays();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ startedAt: t0 - 2 * SECOND, lastSeenTs: t0 + 65 * SECOND });
    expect(await stateOf(budi)).toMatchObject({ state: 'available' });

    // He really left at t0 + 65 s: one absence episode from then, as if the link had never been cut.
    for (let s = 90; s <= 200; s += 10) {
      t.clock.set(t0 + s * SECOND);
      await push(e.credential, [health(t.clock.nowMs())]);
      await t.server.modules.presence.tick();
    }
    expect(await stateOf(budi)).toMatchObject({ state: 'off', reason: 'left' });
    const alerts = await absenceAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.lastSeenTs).toBe(t0 + 65 * SECOND);
  });

  it('a replay that shows the person came back during the cut closes the open absence', async () => {
    const e = await enrolled({ cameraIds: ['gudang-a'] });
    const open = (await absenceAlerts()).filter((a) => a.status !== 'resolved');
    expect(open).toHaveLength(1);
    const t1 = t.clock.nowMs();
    // The box sees Budi return during a cut of 60 s; the hub keeps the episode open meanwhile.
    const queued = [
      health(t1 + 10 * SECOND),
      sighting(t1 + 20 * SECOND, t1 + 25 * SECOND),
      health(t1 + 30 * SECOND),
    ];
    t.clock.advance(60 * SECOND);
    expect(await stateOf(budi)).toMatchObject({ state: 'unknown', reason: 'cameras_down' });
    expect((await absenceAlerts()).filter((a) => a.status !== 'resolved')).toHaveLength(1);
    await push(e.credential, [...queued, health(t.clock.nowMs())]);
    expect(await stateOf(budi)).toMatchObject({ state: 'available' });
    const after = await absenceAlerts();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: 'resolved', resolution: 'returned' });
  });

  it('a replayed queue is written in one transaction, with the stays live recording gives', async () => {
    const e = await enrolled({ cameraIds: ['gudang-a'] });
    const ani = await addEmployee(t.server, orgId, { code: 'EMP101', name: 'Ani Lestari' });
    const citra = await addEmployee(t.server, orgId, { code: 'EMP102', name: 'Citra Dewi' });
    const t0 = t.clock.nowMs() - 300 * SECOND;
    const queued: Sighting[] = [];
    // Ani: 10 s seen, away 90 s (past the 60 s window), 5 s seen again: two stays. Citra: one stay.
    for (let i = 0; i < 10; i++) queued.push(sighting(t0 + i * SECOND, t0 + i * SECOND + 500, ani));
    for (let i = 0; i < 5; i++)
      queued.push(sighting(t0 + (100 + i) * SECOND, t0 + (100 + i) * SECOND + 500, ani));
    for (let i = 0; i < 10; i++) queued.push(sighting(t0 + i * SECOND, t0 + i * SECOND + 500, citra));
    const recorded: string[] = [];
    t.server.ctx.events.subscribe(
      'presence.stays.recorded',
      ({ stays }) => void recorded.push(...stays.map((s) => s.intervalId)),
    );
    const transactions = vi.spyOn(t.server.ctx.db, 'transaction');
    try {
      const res = await push(e.credential, queued);
      expect(res.json()).toMatchObject({ accepted: 25, duplicates: 0, refused: 0 });
      // Attendance turns the stays into first/last sightings after the commit.
      await waitFor(async () => {
        const events = await t.server.ctx.db
          .selectFrom('attendanceEvents')
          .select('id')
          .where('employeeId', 'in', [ani, citra])
          .execute();
        return events.length === 6;
      });
      // One for the stays, one for their attendance events. Before set-based writes: one per
      // (person, camera) and second for the stays (25 here), and one per stay and second for attendance.
      expect(transactions).toHaveBeenCalledTimes(2);
    } finally {
      transactions.mockRestore();
    }
    const rows = await t.server.ctx.db
      .selectFrom('presenceIntervals')
      .select(['id', 'employeeId', 'startedAt', 'lastSeenTs', 'sightings'])
      .where('employeeId', 'in', [ani, citra])
      .orderBy('employeeId')
      .orderBy('startedAt')
      .execute();
    const want = [
      { employeeId: ani, startedAt: t0, lastSeenTs: t0 + 9500, sightings: 30 },
      { employeeId: ani, startedAt: t0 + 100 * SECOND, lastSeenTs: t0 + 104_500, sightings: 15 },
      { employeeId: citra, startedAt: t0, lastSeenTs: t0 + 9500, sightings: 30 },
    ].sort((a, b) => a.employeeId.localeCompare(b.employeeId) || a.startedAt - b.startedAt);
    expect(rows).toMatchObject(want);
    // One event per stay (attendance runs once per stay and batch, not once per second).
    expect(recorded.sort()).toEqual(rows.map((r) => r.id).sort());
    const cameras = await t.server.ctx.db
      .selectFrom('presenceStayCameras')
      .select(['intervalId', 'firstSeenTs', 'lastSeenTs', 'sightings'])
      .where(
        'intervalId',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    expect(cameras.map((c) => c.sightings).reduce((a, b) => a + b)).toBe(75);
    const seen = await t.server.ctx.db
      .selectFrom('employeePresence')
      .select(['employeeId', 'lastSeenTs', 'lastCameraName'])
      .where('employeeId', 'in', [ani, citra])
      .orderBy('employeeId')
      .execute();
    expect(seen).toMatchObject(
      [
        { employeeId: ani, lastSeenTs: t0 + 104_500, lastCameraName: 'Camera Gudang A' },
        { employeeId: citra, lastSeenTs: t0 + 9500, lastCameraName: 'Camera Gudang A' },
      ].sort((a, b) => a.employeeId.localeCompare(b.employeeId)),
    );
    // The same queue again: nothing applied twice.
    expect((await push(e.credential, queued)).json()).toMatchObject({ accepted: 0, duplicates: 25 });
  });
});

// The hub's own pipeline leaves an edge's cameras to the edge, and takes them back when it is revoked.
describe('the hub pipeline and edge-served cameras', () => {
  let t: TestServer;
  let admin: Client;
  afterAll(async () => t?.close());

  it('stops running a camera an edge serves, and runs it again after the edge is revoked', async () => {
    t = await startTestServer('sqlite', { HADIR_ROLES: 'pipeline', HADIR_FACE_PACK: 'off' });
    ({ client: admin } = await setupOrganization(t.app));
    await t.server.start();
    const cam = await admin.post('/api/cameras', {
      id: 'gudang-b',
      name: 'Gudang B',
      source: 'rtsp://10.20.0.3:8554/cam',
    });
    expect(cam.statusCode, cam.body).toBe(201);
    const running = () => t.server.modules.pipeline.runningCameras.includes('gudang-b');
    await waitFor(running, { timeoutMs: 15_000, message: 'the hub runs the camera' });
    const created = await admin.post('/api/edges', { name: 'Gudang B edge', cameraIds: ['gudang-b'] });
    expect(created.statusCode, created.body).toBe(201);
    await waitFor(() => !running(), { timeoutMs: 15_000, message: 'the hub leaves the camera to the edge' });
    const revoked = await admin.post(`/api/edges/${created.json<EdgeEnrolCode>().edge.id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    await waitFor(running, { timeoutMs: 15_000, message: 'the hub runs the camera again' });
  }, 60_000);
});
