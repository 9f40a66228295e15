import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import type { CameraRegistry } from '../cameras/index.js';
import type { FaceModules } from '../faces/index.js';
import type { PresenceService } from '../presence/index.js';
import { EdgeConfigService } from './edge-config.service.js';
import { EdgeIngestService } from './edge-ingest.service.js';
import { EdgeMonitor } from './edge-monitor.js';
import { EdgesService } from './edges.service.js';
import { registerEdgeRoutes } from './edges.routes.js';
import { servedCameraIds } from './edges.repository.js';

export { EdgesService, isEdgeAuthorization, ENROL_CODE_TTL_MS } from './edges.service.js';
export { EdgeIngestService, SKEW_TOLERANCE_MS } from './edge-ingest.service.js';
export { EdgeMonitor } from './edge-monitor.js';

export interface EdgeModules {
  edges: EdgesService;
  config: EdgeConfigService;
  ingest: EdgeIngestService;
  monitor: EdgeMonitor;
  /** Whether an edge box (not this hub's pipeline) runs this camera. */
  servedByEdge(orgId: string, cameraId: string): Promise<boolean>;
}

/** The hub side of edge boxes: admin routes, enrolment, config pull, ingest and the lost-edge watch. */
export function registerEdgeModules(
  app: HttpApp,
  ctx: ServerContext,
  deps: { cameras: CameraRegistry; presence: PresenceService; faces: FaceModules },
): EdgeModules {
  const edges = new EdgesService(ctx);
  const config = new EdgeConfigService(ctx, deps.cameras, deps.faces);
  const ingest = new EdgeIngestService(ctx, deps.cameras, deps.presence, deps.faces);
  registerEdgeRoutes(app, { edges, config, ingest });
  return {
    edges,
    config,
    ingest,
    monitor: new EdgeMonitor(ctx, ctx.env.HADIR_EDGE_LOST_AFTER_SECONDS * 1000),
    async servedByEdge(orgId, cameraId) {
      const rows = await ctx.db
        .selectFrom('edges')
        .select(['organizationId', 'siteIds', 'cameraIds'])
        .where('organizationId', '=', orgId)
        .where('revokedAt', 'is', null)
        .execute();
      for (const r of rows) if ((await servedCameraIds(ctx.db, r)).has(cameraId)) return true;
      return false;
    },
  };
}
