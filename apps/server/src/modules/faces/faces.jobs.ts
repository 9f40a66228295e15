import type { ServerContext } from '../../context.js';
import type { FacesService } from './faces.service.js';

export function registerFaceJobs(ctx: ServerContext, faces: FacesService): void {
  ctx.jobs.register(
    'faces.reembed',
    async (payload) => {
      const result = await faces.reembed(payload.organizationId, payload.pack);
      ctx.log.info(
        { organizationId: payload.organizationId, pack: payload.pack, ...result },
        'face crops re-embedded',
      );
    },
    { maxAttempts: 3, backoffBaseMs: 30_000 },
  );
}
