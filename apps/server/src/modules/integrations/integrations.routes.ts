import {
  AttendanceExportQuery,
  BadgeScan,
  BadgeScanResult,
  ChangesQuery,
  CheckinImportCommit,
  CheckinImportPreview,
  CheckinImportResult,
  CheckinPush,
  CheckinPushed,
  DayChangesPage,
  EmployeeUpsert,
  EmployeeUpserted,
  EventChangesPage,
  Id,
  IntegrationSettingsInput,
  IntegrationSettingsView,
  WebhookDeliveriesQuery,
  WebhookDeliveryList,
  WebhookEndpointCreated,
  WebhookEndpointInput,
  WebhookEndpointList,
  WebhookEndpointUpdate,
  WebhookEndpointView,
} from '@hadir/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HttpApp } from '../../platform/http/app.js';
import { AppError, badRequest, payloadTooLarge } from '../../platform/http/errors.js';
import { authOf, orgOf } from '../auth/index.js';
import type { BatchExportService } from './batch-export.service.js';
import { fileNameFor } from './batch-export.service.js';
import { CHECKIN_IMPORT_LIMITS, type CheckinImportService } from './checkin-import.service.js';
import type { SyncService } from './sync.service.js';
import type { WebhooksService } from './webhooks.service.js';

const IdParams = z.object({ id: Id });
const DeliveryParams = z.object({ deliveryId: Id });
const Ok = z.object({ ok: z.literal(true) });

async function uploadedFile(req: FastifyRequest): Promise<{ bytes: Buffer; fileName: string }> {
  if (!req.isMultipart()) {
    throw new AppError(415, 'expected_multipart', 'Upload the file as multipart/form-data (field "file")');
  }
  const part = await req.file({ limits: { fileSize: CHECKIN_IMPORT_LIMITS.maxBytes, files: 1 } });
  if (!part) throw badRequest('missing_file', 'No file in the upload (field "file")');
  try {
    return { bytes: await part.toBuffer(), fileName: part.filename || 'upload' };
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw payloadTooLarge(
        `The file is larger than ${CHECKIN_IMPORT_LIMITS.maxBytes / 1024 / 1024} MB; split it`,
      );
    }
    throw error;
  }
}

export interface IntegrationServices {
  sync: SyncService;
  webhooks: WebhooksService;
  exports: BatchExportService;
  imports: CheckinImportService;
}

export function registerIntegrationRoutes(app: HttpApp, s: IntegrationServices): void {
  const tags = ['integrations'];

  // ---- change feed (pull) ----
  app.get(
    '/api/integrations/attendance/days/changes',
    {
      config: { auth: 'attendance:record:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Attendance days changed since a cursor (keyset over the change sequence; resumable)',
        querystring: ChangesQuery,
        response: { 200: DayChangesPage },
      },
    },
    async (req) => s.sync.dayChanges(orgOf(req), req.query),
  );
  app.get(
    '/api/integrations/attendance/events/changes',
    {
      config: { auth: 'attendance:record:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Raw attendance events written or moved since a cursor (keyset; resumable)',
        querystring: ChangesQuery,
        response: { 200: EventChangesPage },
      },
    },
    async (req) => s.sync.eventChanges(orgOf(req), req.query),
  );

  // ---- pushes ----
  app.post(
    '/api/integrations/checkins',
    {
      config: { auth: 'attendance:record:create' },
      schema: {
        tags,
        summary:
          'Push an external check-in/out (terminal, badge reader, ERP); stored once per Idempotency-Key',
        body: CheckinPush,
        response: { 200: CheckinPushed },
      },
    },
    async (req) => {
      const header = req.headers['idempotency-key'];
      return s.sync.pushCheckin(orgOf(req), req.body, typeof header === 'string' ? header : undefined);
    },
  );
  app.post(
    '/api/integrations/employees/upsert',
    {
      config: { auth: 'member:manage' },
      schema: {
        tags,
        summary:
          'Create or update an employee found by employee code or badge id (same payload twice: unchanged)',
        body: EmployeeUpsert,
        response: { 200: EmployeeUpserted },
      },
    },
    async (req) => s.sync.upsertEmployee(authOf(req), orgOf(req), req.body),
  );
  app.post(
    '/api/integrations/badge-scans',
    {
      config: { auth: 'attendance:record:create' },
      schema: {
        tags,
        summary: 'A badge scanned at a kiosk or reader: check-in, or check-out after a check-in today',
        body: BadgeScan,
        response: { 200: BadgeScanResult },
      },
    },
    async (req) => s.sync.scanBadge(orgOf(req), req.body, authOf(req).userId),
  );

  // ---- webhooks ----
  app.get(
    '/api/integrations/webhooks',
    {
      config: { auth: 'integration:manage' },
      schema: { tags, summary: 'Webhook endpoints', response: { 200: WebhookEndpointList } },
    },
    async (req) => ({ items: await s.webhooks.list(orgOf(req)) }),
  );
  app.post(
    '/api/integrations/webhooks',
    {
      config: { auth: 'integration:manage' },
      schema: {
        tags,
        summary: 'Add a webhook endpoint (the HMAC signing secret is shown once)',
        body: WebhookEndpointInput,
        response: { 201: WebhookEndpointCreated },
      },
    },
    async (req, reply) => reply.code(201).send(await s.webhooks.create(authOf(req), orgOf(req), req.body)),
  );
  app.patch(
    '/api/integrations/webhooks/:id',
    {
      config: { auth: 'integration:manage' },
      schema: {
        tags,
        summary: 'Rename, move or pause a webhook endpoint',
        params: IdParams,
        body: WebhookEndpointUpdate,
        response: { 200: WebhookEndpointView },
      },
    },
    async (req) => s.webhooks.update(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/integrations/webhooks/:id',
    {
      config: { auth: 'integration:manage' },
      schema: {
        tags,
        summary: 'Delete a webhook endpoint and its delivery log',
        params: IdParams,
        response: { 200: Ok },
      },
    },
    async (req) => {
      await s.webhooks.remove(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/integrations/webhooks/:id/deliveries',
    {
      config: { auth: 'integration:manage' },
      schema: {
        tags,
        summary: 'Delivery log of a webhook endpoint, newest first',
        params: IdParams,
        querystring: WebhookDeliveriesQuery,
        response: { 200: WebhookDeliveryList },
      },
    },
    async (req) => ({ items: await s.webhooks.deliveries(orgOf(req), req.params.id, req.query) }),
  );
  app.post(
    '/api/integrations/webhooks/deliveries/:deliveryId/retry',
    {
      config: { auth: 'integration:manage' },
      schema: {
        tags,
        summary: 'Send a failed delivery again now',
        params: DeliveryParams,
        response: { 200: Ok },
      },
    },
    async (req) => {
      await s.webhooks.retry(orgOf(req), req.params.deliveryId);
      return { ok: true as const };
    },
  );

  // ---- batch CSV ----
  app.get(
    '/api/integrations/export-settings',
    {
      config: { auth: 'integration:manage' },
      schema: {
        tags,
        summary: 'Scheduled batch export settings',
        response: { 200: IntegrationSettingsView },
      },
    },
    async (req) => s.exports.settings(orgOf(req)),
  );
  app.patch(
    '/api/integrations/export-settings',
    {
      config: { auth: 'integration:manage' },
      schema: {
        tags,
        summary: 'Turn the daily export of the previous day on or off, its time and folder',
        body: IntegrationSettingsInput,
        response: { 200: IntegrationSettingsView },
      },
    },
    async (req) => s.exports.saveSettings(authOf(req), orgOf(req), req.body),
  );
  app.get(
    '/api/integrations/exports/attendance',
    {
      config: { auth: 'attendance:record:view', limit: 'query' },
      schema: {
        tags,
        summary:
          'One day of attendance as CSV: the Hadir layout (employee_id, badge_id) or Frappe Employee Checkin',
        querystring: AttendanceExportQuery,
      },
    },
    async (req, reply) => {
      const body = await s.exports.dayCsv(orgOf(req), req.query.date, req.query.layout);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${fileNameFor(req.query.layout, req.query.date)}"`,
        )
        .send(body);
    },
  );

  // ---- check-in import ----
  app.post(
    '/api/integrations/checkins/import',
    {
      config: { auth: 'integration:manage', limit: 'upload' },
      schema: {
        tags,
        summary: 'Upload check-ins as CSV or .xlsx (multipart field "file") and preview the import',
        consumes: ['multipart/form-data'],
        response: { 200: CheckinImportPreview },
      },
    },
    async (req) => {
      const { bytes, fileName } = await uploadedFile(req);
      return s.imports.preview(authOf(req), orgOf(req), bytes, fileName);
    },
  );
  app.post(
    '/api/integrations/checkins/import/commit',
    {
      config: { auth: 'integration:manage' },
      schema: {
        tags,
        summary: 'Store a previewed check-in import in one transaction (rows already stored are skipped)',
        body: CheckinImportCommit,
        response: { 200: CheckinImportResult },
      },
    },
    async (req) => s.imports.commit(authOf(req), orgOf(req), req.body.importId, req.body.onlyValidRows),
  );
}
