import { createHash } from 'node:crypto';
import type { CameraConfig, EdgeConfig } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { CameraRegistry } from '../cameras/index.js';
import { embeddingRows, type FaceModules } from '../faces/index.js';
import { edgeScope, servedCameraIds, type EdgeRow } from './edges.repository.js';

/**
 * What an edge box needs to run its cameras without the hub: its cameras' resolved configs and the
 * gallery of its organization for the active pack (only the people of its sites when it names sites;
 * people without an area are everywhere). The version is a hash of the whole answer, so any change of a
 * camera, an enrolment, a deletion or the threshold gives a new one, and the box polls cheaply with it.
 */
export class EdgeConfigService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly cameras: CameraRegistry,
    private readonly faces: FaceModules,
  ) {}

  async configFor(edge: EdgeRow): Promise<EdgeConfig> {
    const served = await servedCameraIds(this.ctx.db, edge);
    const cameras: { id: string; config: CameraConfig }[] = [];
    for (const e of this.cameras.list()) {
      if (e.organizationId !== edge.organizationId || !served.has(e.id) || !e.config) continue;
      cameras.push({ id: e.id, config: e.config });
    }
    cameras.sort((a, b) => a.id.localeCompare(b.id));
    const pack = await this.faces.engine.activePack();
    const threshold = pack ? await this.faces.galleries.thresholdFor(edge.organizationId) : null;
    const gallery = pack ? await this.galleryOf(edge, pack) : [];
    const body = { edgeId: edge.id, organizationId: edge.organizationId, pack, threshold, cameras, gallery };
    const version = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27);
    return { version, ...body };
  }

  private async galleryOf(edge: EdgeRow, pack: string): Promise<EdgeConfig['gallery']> {
    const rows = await embeddingRows(this.ctx.db, edge.organizationId, pack);
    const { siteIds } = edgeScope(edge);
    let allowed: Set<string> | null = null;
    if (siteIds.length) {
      const people = await this.ctx.db
        .selectFrom('employees')
        .leftJoin('areas', 'areas.id', 'employees.areaId')
        .select(['employees.id', 'employees.areaId', 'areas.siteId'])
        .where('employees.organizationId', '=', edge.organizationId)
        .execute();
      allowed = new Set(
        people.filter((p) => p.areaId === null || siteIds.includes(p.siteId ?? '')).map((p) => p.id),
      );
    }
    const byEmployee = new Map<string, string[]>();
    for (const r of rows) {
      if (allowed && !allowed.has(r.employeeId)) continue;
      const list = byEmployee.get(r.employeeId) ?? [];
      list.push(Buffer.from(r.embedding).toString('base64'));
      byEmployee.set(r.employeeId, list);
    }
    return [...byEmployee.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([employeeId, embeddings]) => ({ employeeId, embeddings: embeddings.sort() }));
  }
}
