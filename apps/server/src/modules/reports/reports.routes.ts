import { DailyReportQuery } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { orgOf } from '../auth/index.js';
import type { ReportsService } from './reports.service.js';

export function registerReportRoutes(app: HttpApp, _ctx: ServerContext, reports: ReportsService): void {
  app.get(
    '/api/reports/daily',
    {
      config: { auth: 'report:generate', limit: 'query' },
      schema: {
        tags: ['reports'],
        summary:
          'Daily attendance report for a supervisor’s team or the whole organization (format json: DailyReport; csv; pdf)',
        querystring: DailyReportQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const out = await reports.render(orgOf(req), {
        date: q.date,
        supervisorId: q.supervisorId ?? null,
        locale: q.locale,
        format: q.format,
      });
      if (q.format === 'json') return out.body;
      return reply
        .type(out.contentType)
        .header('content-disposition', `attachment; filename="${out.fileName}"`)
        .send(out.body);
    },
  );
}
