// A camera file may set its own absentAfterMinutes (the window for people last seen there) and its own
// workingHours (when absence is watched for the people it covers, instead of the organization's hours).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraConfig } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type TestServer } from './support.js';
import { addEmployee } from './presence-fixtures.js';

const MIN = 60_000;
const NIGHT = { start: '20:00', end: '06:00' };
const NIGHT_SHIFT: NonNullable<CameraConfig['workingHours']> = {
  timeZone: 'Asia/Jakarta',
  days: { mon: NIGHT, tue: NIGHT, wed: NIGHT, thu: NIGHT, fri: NIGHT, sat: null, sun: null },
};

describe.each(await dialects())('camera rules in presence (%s)', (dialect) => {
  let t: TestServer;
  let orgId: string;
  let budi: string;
  const cameras = new Map<string, Partial<CameraConfig>>();

  /** Camera rows as the registry mirrors them; the heartbeat is refreshed on every tick. */
  const putCamera = async (id: string, own: Partial<CameraConfig>) => {
    const now = t.clock.nowMs();
    const status = {
      cameraId: id,
      state: 'online',
      targetFps: 2,
      measuredFps: 2,
      framesAnalyzed: 10,
      framesDropped: 0,
      lastFrameAt: null,
      lastError: null,
      restarts: 0,
      issues: [],
    };
    const config = {
      id,
      name: id,
      source: 'rtsp://127.0.0.1:1/cam',
      enabled: true,
      analysisFps: 2,
      minFacePx: 40,
      absentAfterMinutes: 30, // the resolved default: not an override unless listed in `overrides`
      rtspTransport: 'tcp',
      maxWidth: 1280,
      ...own,
      overrides: ['name', 'source', ...Object.keys(own)],
    };
    const row = {
      organizationId: orgId,
      name: id,
      areaId: null,
      enabled: 1,
      config: JSON.stringify(config),
      status: JSON.stringify(status),
      updatedAt: now,
    };
    await t.server.ctx.db
      .insertInto('cameras')
      .values({ id, ...row })
      .onConflict((oc) => oc.columns(['organizationId', 'id']).doUpdateSet(row))
      .execute();
  };
  const addCamera = async (id: string, own: Partial<CameraConfig> = {}) => {
    cameras.set(id, own);
    await putCamera(id, own);
  };
  const removeCamera = async (id: string) => {
    cameras.delete(id);
    await t.server.ctx.db.deleteFrom('cameras').where('id', '=', id).execute();
  };
  const stateOf = async (employeeId: string) => {
    for (const [id, own] of cameras) await putCamera(id, own);
    await t.server.modules.presence.tick();
    return t.server.ctx.db
      .selectFrom('employeePresence')
      .select(['state'])
      .where('employeeId', '=', employeeId)
      .executeTakeFirstOrThrow()
      .then((r) => r.state);
  };
  const see = async (cameraId: string) => {
    t.server.modules.presence.recordSighting({
      organizationId: orgId,
      employeeId: budi,
      cameraId,
      cameraName: cameraId,
      atMs: t.clock.nowMs(),
      cosineSimilarity: 0.8,
      trackId: null,
    });
    await t.server.modules.presence.flush();
  };

  beforeAll(async () => {
    t = await startTestServer(dialect); // Monday 09:00 in Jakarta; organization hours 08:00–17:00
    ({ orgId } = await setupOrganization(t.app));
    budi = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso' });
  });
  afterAll(async () => t?.close());

  it("a camera's own absentAfterMinutes is the window for people last seen there", async () => {
    await addCamera('dock', { absentAfterMinutes: 20 });
    await see('dock');
    expect(await stateOf(budi)).toBe('available');
    t.clock.advance(6 * MIN); // past the organization's 5 minutes, inside the camera's 20
    expect(await stateOf(budi)).toBe('available');
    t.clock.advance(15 * MIN);
    expect(await stateOf(budi)).toBe('off');
    await see('dock');
    expect(await stateOf(budi)).toBe('available');
  });

  it("a camera's workingHours replace the organization's for the people it covers", async () => {
    await removeCamera('dock');
    await addCamera('night', { workingHours: NIGHT_SHIFT });
    // 09:21 Monday: the organization works, but the only camera covering Budi watches 20:00–06:00.
    expect(await stateOf(budi)).toBe('outside_hours');
    t.clock.advance(12 * 60 * MIN); // 21:21: the organization has gone home, the night camera watches
    expect(await stateOf(budi)).toBe('off');
    // A second camera without its own hours watches during the organization's: either one watching counts.
    await addCamera('lobby');
    expect(await stateOf(budi)).toBe('off');
    await removeCamera('night');
    expect(await stateOf(budi)).toBe('outside_hours');
  });
});
