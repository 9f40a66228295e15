// Factories for the cameras & presence tests: employees with a supervisor chain and a camera row whose
// health the test controls (the pipeline is not running in these tests).
export { addEmployee } from './fixtures/employee-row.js';
import type { CameraStatus } from '@hadir/contracts';
import type { HadirServer } from '../src/roles/compose.js';

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
    .onConflict((oc) => oc.columns(['organizationId', 'id']).doUpdateSet(row))
    .execute();
}
