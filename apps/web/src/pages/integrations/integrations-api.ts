import {
  BadgeScanResult,
  CheckinImportPreview,
  CheckinImportResult,
  IntegrationSettingsView,
  WebhookDeliveryList,
  WebhookEndpointCreated,
  WebhookEndpointList,
  WebhookEndpointView,
  type IntegrationSettingsInput,
} from '@hadir/contracts';
import { api } from '../../api/client';

export const integrationKeys = {
  webhooks: ['integrations', 'webhooks'] as const,
  deliveries: (id: string) => ['integrations', 'deliveries', id] as const,
  settings: ['integrations', 'settings'] as const,
};

/** The integrations and kiosk pages' API calls. */
export const integrationsApi = {
  webhooks: () => api.get('/api/integrations/webhooks', undefined, WebhookEndpointList),
  createWebhook: (body: { name: string; url: string }) =>
    api.post('/api/integrations/webhooks', body, WebhookEndpointCreated),
  setActive: (id: string, active: boolean) =>
    api.patch(`/api/integrations/webhooks/${id}`, { active }, WebhookEndpointView),
  deleteWebhook: (id: string) => api.delete(`/api/integrations/webhooks/${id}`),
  deliveries: (id: string) =>
    api.get(`/api/integrations/webhooks/${id}/deliveries`, { limit: 50 }, WebhookDeliveryList),
  retry: (deliveryId: string) => api.post(`/api/integrations/webhooks/deliveries/${deliveryId}/retry`),
  settings: () => api.get('/api/integrations/export-settings', undefined, IntegrationSettingsView),
  saveSettings: (body: IntegrationSettingsInput) =>
    api.patch('/api/integrations/export-settings', body, IntegrationSettingsView),
  importPreview: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    return api.upload('/api/integrations/checkins/import', form, CheckinImportPreview);
  },
  importCommit: (importId: string, onlyValidRows: boolean) =>
    api.post('/api/integrations/checkins/import/commit', { importId, onlyValidRows }, CheckinImportResult),
  scan: (body: { badgeId: string; deviceId?: string; scanId: string }) =>
    api.post('/api/integrations/badge-scans', body, BadgeScanResult),
};
