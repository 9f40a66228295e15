import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import type { AttendanceModule } from '../attendance/index.js';
import type { EmployeesService } from '../people/index.js';
import { BatchExportService } from './batch-export.service.js';
import { CheckinImportService } from './checkin-import.service.js';
import { registerIntegrationJobs, startIntegrationWorker } from './integrations.jobs.js';
import { registerIntegrationRoutes, type IntegrationServices } from './integrations.routes.js';
import { SyncService } from './sync.service.js';
import { WebhooksService } from './webhooks.service.js';

export { signWebhook, SIGNATURE_HEADER } from './webhooks.service.js';
export { encodeCursor, decodeCursor } from './sync.service.js';
export { HADIR_COLUMNS, FRAPPE_COLUMNS } from './batch-export.service.js';
export type { IntegrationServices };

export interface IntegrationModules extends IntegrationServices {
  /** Worker role: the webhook sweep and the scheduled export; returns its stopper. */
  startWorker(): () => Promise<void>;
}

/** ERP and device integration: change feed, idempotent pushes, signed webhooks, batch CSV, badge kiosk. */
export function registerIntegrationModules(
  app: HttpApp,
  ctx: ServerContext,
  attendance: AttendanceModule,
  employees: EmployeesService,
): IntegrationModules {
  const sync = new SyncService(ctx, attendance, employees);
  const webhooks = new WebhooksService(ctx, sync);
  const exports = new BatchExportService(ctx, attendance);
  const imports = new CheckinImportService(ctx);
  registerIntegrationRoutes(app, { sync, webhooks, exports, imports });
  registerIntegrationJobs(ctx, webhooks);
  return {
    sync,
    webhooks,
    exports,
    imports,
    startWorker: () => startIntegrationWorker(ctx, webhooks, exports),
  };
}
