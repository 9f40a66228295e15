/** ERP and device integration tables (migration 0041). Times are epoch ms; JSON columns are text. */
export interface WebhookEndpointsTable {
  id: string;
  organizationId: string;
  name: string;
  url: string;
  /** The HMAC signing secret, sealed with the SecretBox; shown to the admin once, at creation. */
  secret: string;
  /** JSON array of event names (today only `attendance.day.changed`). */
  events: string;
  active: number;
  cursorSeq: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One event for one endpoint: the outbox row the job runner retries until delivered or given up. */
export interface WebhookDeliveriesTable {
  id: string;
  organizationId: string;
  endpointId: string;
  event: string;
  seq: number;
  payload: string;
  /** pending, delivered, failed */
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface IntegrationSettingsTable {
  organizationId: string;
  exportEnabled: number;
  /** A folder name under the data directory's exports/ folder. */
  exportFolder: string;
  /** Local HH:MM in the organization's zone after which yesterday is exported. */
  exportTime: string;
  /** JSON array: `hadir` and/or `frappe`. */
  exportLayouts: string;
  lastExportDate: string | null;
  lastExportAt: number | null;
  lastExportError: string | null;
  updatedAt: number;
}

export interface IntegrationTables {
  webhookEndpoints: WebhookEndpointsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  integrationSettings: IntegrationSettingsTable;
}
