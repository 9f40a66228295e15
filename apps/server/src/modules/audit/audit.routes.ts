import { z } from 'zod';
import { AuditEntry, PageQuery, paginated } from '@hadir/contracts';
import type { HttpApp } from '../../platform/http/app.js';
import type { ServerContext } from '../../context.js';
import { listAudit } from './audit.service.js';
import { orgOf } from '../auth/index.js';

export function registerAuditRoutes(app: HttpApp, ctx: ServerContext): void {
  app.get(
    '/api/audit',
    {
      config: { auth: 'audit:view', limit: 'query' },
      schema: {
        tags: ['audit'],
        summary: 'Audit log of who changed what',
        querystring: PageQuery.extend({
          entityType: z.string().max(40).optional(),
          entityId: z.string().max(64).optional(),
          action: z.string().max(60).optional(),
        }),
        response: { 200: paginated(AuditEntry) },
      },
    },
    async (req) => {
      const result = await listAudit(ctx.db, orgOf(req), req.query);
      return { ...result, page: req.query.page, pageSize: req.query.pageSize };
    },
  );
}
