// An absence alert shows how the person was last seen: the last face the pipeline kept in memory when it
// has one (saved as an `alert` snapshot), else the snapshot of their last presence interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJpeg } from '@hadir/vision';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';
import { addEmployee, setCamera } from './presence-fixtures.js';

const MIN = 60_000;

async function jpeg(grey: number): Promise<Uint8Array> {
  const data = new Uint8Array(32 * 32 * 3).fill(grey);
  return encodeJpeg({ data, width: 32, height: 32 });
}

describe.each(await dialects())('absence alert snapshots (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let sup: string;
  let budi: string;
  let citra: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    sup = await addEmployee(t.server, orgId, { code: 'EMP010', name: 'Andi Wijaya', whatsapp: '+628110001' });
    budi = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso', supervisorId: sup });
    citra = await addEmployee(t.server, orgId, { code: 'EMP002', name: 'Citra Lestari', supervisorId: sup });
    await setCamera(t.server, orgId, 'gudang-a', 'Camera Gudang A', 'online');
  });
  afterAll(async () => t?.close());

  it('links the last face from memory, else the last presence snapshot', async () => {
    const { presence, pipeline, faces } = t.server.modules;
    // What the pipeline role wires up when it runs in this process (it does not run in this test).
    presence.lastFaceSnapshot = (o, e) => pipeline.saveLastFace(o, e);
    const presenceJpeg = await jpeg(90);
    let presenceSnapshotId: string | null = null;
    for (const employeeId of [sup, budi, citra]) {
      presence.recordSighting({
        organizationId: orgId,
        employeeId,
        cameraId: 'gudang-a',
        cameraName: 'Camera Gudang A',
        atMs: t.clock.nowMs(),
        cosineSimilarity: 0.8,
        trackId: 'gudang-a:1',
        snapshot:
          employeeId === budi
            ? async () => {
                const saved = await faces.snapshots.save(orgId, {
                  kind: 'presence',
                  cameraId: 'gudang-a',
                  employeeId,
                  faceJpeg: presenceJpeg,
                });
                presenceSnapshotId = saved.id;
                return saved.id;
              }
            : undefined,
      });
    }
    await presence.flush();
    expect(presenceSnapshotId).not.toBeNull();
    // Citra left the view a moment later; the pipeline kept how she looked then.
    const lastFace = await jpeg(200);
    pipeline.recentFaces.remember({
      organizationId: orgId,
      employeeId: citra,
      cameraId: 'gudang-a',
      seenAtMs: t.clock.nowMs() + 1000,
      faceJpeg: lastFace,
      frameJpeg: await jpeg(150),
    });

    t.clock.advance(6 * MIN);
    await setCamera(t.server, orgId, 'gudang-a', 'Camera Gudang A', 'online');
    presence.recordSighting({
      organizationId: orgId,
      employeeId: sup,
      cameraId: 'gudang-a',
      cameraName: 'Camera Gudang A',
      atMs: t.clock.nowMs(),
      cosineSimilarity: 0.8,
      trackId: null,
    });
    await presence.flush();
    await presence.tick();

    const rows = await t.server.ctx.db
      .selectFrom('alerts')
      .leftJoin('snapshots', 'snapshots.id', 'alerts.snapshotId')
      .select([
        'alerts.employeeId',
        'alerts.snapshotId',
        'snapshots.kind',
        'snapshots.employeeId as snapshotEmployeeId',
        'snapshots.cameraId',
      ])
      .where('alerts.organizationId', '=', orgId)
      .where('alerts.kind', '=', 'absence')
      .execute();
    expect(rows).toHaveLength(2);
    const of = (id: string) => rows.find((r) => r.employeeId === id);
    expect(of(budi)).toMatchObject({ snapshotId: presenceSnapshotId, kind: 'presence' });
    expect(of(citra)).toMatchObject({ kind: 'alert', snapshotEmployeeId: citra, cameraId: 'gudang-a' });

    // The picture is served like any snapshot, to presence viewers of the organization.
    const res = await admin.get(`/api/snapshots/${of(citra)?.snapshotId ?? ''}/face.jpg`);
    expect(res.statusCode).toBe(200);
    expect(Buffer.compare(res.rawPayload, Buffer.from(lastFace))).toBe(0);
    const frame = await admin.get(`/api/snapshots/${of(citra)?.snapshotId ?? ''}/frame.jpg`);
    expect(frame.statusCode).toBe(200);
  });
});
