import { z } from 'zod';
import { Alert, AlertList, AlertsQuery, Id } from '@hadir/contracts';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import type { AlertsService } from './alerts.service.js';

export function registerAlertRoutes(app: HttpApp, alerts: AlertsService): void {
  app.get(
    '/api/alerts',
    {
      config: { auth: 'alert:view' },
      schema: {
        tags: ['alerts'],
        summary: 'Open or past alerts (managers see their team only)',
        querystring: AlertsQuery,
        response: { 200: AlertList },
      },
    },
    async (req) => alerts.list(authOf(req), orgOf(req), req.query),
  );
  app.post(
    '/api/alerts/:id/acknowledge',
    {
      config: { auth: 'alert:acknowledge' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert: escalation stops',
        params: z.object({ id: Id }),
        response: { 200: Alert },
      },
    },
    async (req) => alerts.acknowledge(authOf(req), orgOf(req), req.params.id),
  );
}
