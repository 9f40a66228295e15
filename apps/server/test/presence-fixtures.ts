// Factories for the cameras & presence tests: employees with a supervisor chain and a camera row whose
// health the test controls (the pipeline is not running in these tests).
import type { CameraStatus } from '@hadir/contracts';
import type { HadirServer } from '../src/roles/compose.js';
import { newId } from '../src/platform/ids/ids.js';

export async function addEmployee(
  server: HadirServer,
  orgId: string,
  e: {
    code: string;
    name: string;
    supervisorId?: string | null;
    whatsapp?: string | null;
    areaId?: string | null;
  },
): Promise<string> {
  const now = server.ctx.clock.nowMs();
  const id = newId(now);
  await server.ctx.db
    .insertInto('employees')
    .values({
      id,
      organizationId: orgId,
      employeeCode: e.code,
      badgeId: null,
      name: e.name,
      departmentId: null,
      positionId: null,
      areaId: e.areaId ?? null,
      email: null,
      phone: null,
      whatsapp: e.whatsapp ?? null,
      supervisorId: e.supervisorId ?? null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  return id;
}

export async function setCamera(
  server: HadirServer,
  orgId: string,
  id: string,
  name: string,
  state: CameraStatus['state'],
): Promise<void> {
  const now = server.ctx.clock.nowMs();
  const status = {
    cameraId: id,
    state,
    targetFps: 2,
    measuredFps: state === 'online' ? 2 : 0,
    framesAnalyzed: 0,
    framesDropped: 0,
    lastFrameAt: null,
    lastError: state === 'offline' ? 'Connection refused' : null,
    restarts: 0,
    issues: [],
  };
  const row = {
    organizationId: orgId,
    name,
    areaId: null,
    enabled: 1,
    config: JSON.stringify({ id, name, source: 'rtsp://127.0.0.1:1/cam', enabled: true, overrides: [] }),
    status: JSON.stringify(status),
    updatedAt: now,
  };
  await server.ctx.db
    .insertInto('cameras')
    .values({ id, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}
