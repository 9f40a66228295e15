/**
 * Notifications & reports tables (migration 0020). Times are epoch ms; JSON columns are text; booleans 0/1.
 */
export interface NotificationChannelsTable {
  id: string;
  organizationId: string;
  /** 'whatsapp_cloud' | 'http_gateway' | 'log' */
  type: string;
  name: string;
  enabled: number;
  /** JSON { settings, sealed }: `sealed` is the SecretBox-sealed JSON of the channel's secrets. */
  config: string;
  isDefault: number;
  createdAt: number;
  updatedAt: number;
}

/** The outbox: written in the transaction of the event that causes a message, delivered by a job. */
export interface NotificationsTable {
  id: string;
  organizationId: string;
  channelId: string | null;
  kind: string;
  recipientEmployeeId: string | null;
  recipientUserId: string | null;
  /** The employee the message is about (cooldown and HR routing), when there is one. */
  subjectEmployeeId: string | null;
  toNumber: string | null;
  locale: string;
  body: string;
  /** JSON of the WhatsApp template actually used (name, language, parameters), when one was. */
  template: string | null;
  /** JSON Record<TemplateField, string>: the message's pieces for WhatsApp template parameters (0070). */
  templateValues: string | null;
  /** Relative to the data dir; never leaves the server. */
  documentPath: string | null;
  documentFileName: string | null;
  idempotencyKey: string;
  status: string;
  attempts: number;
  lastError: string | null;
  providerMessageId: string | null;
  relatedAlertId: string | null;
  /** Do not deliver before this instant (quiet hours deferral, rate limits, Retry-After). */
  notBefore: number;
  createdAt: number;
  sentAt: number | null;
  deliveredAt: number | null;
  readAt: number | null;
  failedAt: number | null;
  updatedAt: number;
}

export interface NotificationSettingsTable {
  organizationId: string;
  /** JSON NotificationSettings. */
  settings: string;
  updatedAt: number;
}

/** Last message a number sent us per channel: the WhatsApp 24-hour customer-service window. */
export interface WhatsappContactsTable {
  channelId: string;
  waNumber: string;
  lastInboundAt: number;
}

export interface ReportRunsTable {
  id: string;
  organizationId: string;
  supervisorEmployeeId: string;
  localDate: string;
  createdAt: number;
}

/** Each channel's token bucket, shared by every worker process (migration 0100). */
export interface NotificationRateLimitsTable {
  key: string;
  tokens: number;
  /** When `tokens` was last refilled (epoch ms). */
  atMs: number;
}

export interface NotificationTables {
  notificationChannels: NotificationChannelsTable;
  notifications: NotificationsTable;
  notificationSettings: NotificationSettingsTable;
  whatsappContacts: WhatsappContactsTable;
  reportRuns: ReportRunsTable;
  notificationRateLimits: NotificationRateLimitsTable;
}
