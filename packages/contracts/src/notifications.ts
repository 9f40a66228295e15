import { z } from 'zod';
import { Id, IsoDateTime, PageQuery, paginated } from './common.js';
import { PhoneNumber } from './employees.js';

const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

export const NOTIFICATION_KINDS = [
  'alert',
  'alert_escalated',
  'alert_returned',
  'camera_down',
  'daily_report',
  'test',
  'leave_requested',
  'leave_decided',
  'correction_requested',
  'correction_decided',
] as const;
export const NotificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof NotificationKind>;

export const NOTIFICATION_STATUSES = [
  'pending',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'dashboard_only',
  'suppressed',
] as const;
export const NotificationStatus = z.enum(NOTIFICATION_STATUSES);
export type NotificationStatus = z.infer<typeof NotificationStatus>;

/**
 * What to say, not how: the notifications module renders it in the recipient's locale at enqueue time
 * (with @hadir/domain's formatters), so callers never build message text themselves.
 */
export const NotificationMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('absence'),
    employeeCode: z.string(),
    employeeName: z.string(),
    cameraName: z.string().nullable(),
    awayMs: z.number().min(0),
  }),
  z.object({
    type: z.literal('escalation'),
    employeeCode: z.string(),
    employeeName: z.string(),
    cameraName: z.string().nullable(),
    awayMs: z.number().min(0),
    /** Escalation level reached, 1 = the supervisor's supervisor. */
    level: z.number().int().min(1),
    unacknowledgedByName: z.string().nullable().optional(),
  }),
  z.object({
    type: z.literal('returned'),
    employeeCode: z.string(),
    employeeName: z.string(),
    awayMs: z.number().min(0),
  }),
  z.object({ type: z.literal('camera_down'), cameraName: z.string(), downMs: z.number().min(0) }),
  z.object({
    type: z.literal('daily_report'),
    /** Already localized report text (the report module renders it for the recipient). */
    text: z.string(),
    /** Shown under the PDF in WhatsApp. */
    documentCaption: z.string().nullable().optional(),
    documentFileName: z.string().nullable().optional(),
  }),
  z.object({ type: z.literal('test'), text: z.string().min(1).max(4096) }),
  /** A leave request to approve, or the decision on one; the leave module renders it for the recipient. */
  z.object({ type: z.literal('leave'), text: z.string().min(1).max(4096) }),
  /** A regularization (attendance correction) request to decide, or the decision; rendered by attendance. */
  z.object({ type: z.literal('correction'), text: z.string().min(1).max(4096) }),
]);
export type NotificationMessage = z.infer<typeof NotificationMessage>;

// ---------------------------------------------------------------- channels

export const CHANNEL_TYPES = ['whatsapp_cloud', 'http_gateway', 'log'] as const;
export const ChannelType = z.enum(CHANNEL_TYPES);
export type ChannelType = z.infer<typeof ChannelType>;

const RatePerSecond = z
  .number()
  .min(0.1)
  .max(1000)
  .describe('Token bucket refill rate: messages per second this channel may send');
const TimeoutMs = z.number().int().min(100).max(120_000).describe('Provider call timeout');

/**
 * What a template body parameter can be filled with. Values are rendered in the recipient's language
 * and the organization's time zone when the message is queued.
 */
export const TEMPLATE_FIELDS = [
  'message',
  'employeeName',
  'employeeCode',
  'cameraName',
  'duration',
  'date',
  'time',
] as const;
export const TemplateField = z.enum(TEMPLATE_FIELDS);
export type TemplateField = z.infer<typeof TemplateField>;

export const WhatsAppTemplateRef = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(512)
    .regex(/^[a-z0-9_]+$/, 'expected the template name as approved: lowercase letters, digits and _')
    .describe('Approved template name'),
  languageCode: z.string().trim().min(2).max(16).describe('Template language, e.g. id, en_US, vi'),
  parameters: z
    .array(TemplateField)
    .max(10)
    .default(['message'])
    .describe('Body parameters in order: {{1}} gets the first field, {{2}} the second, …'),
  bodyText: z
    .string()
    .max(1024)
    .nullable()
    .default(null)
    .describe('The approved body text with {{1}}, {{2}} … (only used to preview the filled template)'),
  documentHeader: z
    .boolean()
    .default(false)
    .describe('The template has a DOCUMENT header: the report PDF goes in it'),
});
export type WhatsAppTemplateRef = z.infer<typeof WhatsAppTemplateRef>;

/** Which message kinds use which template slot. */
export const TEMPLATE_SLOTS = ['alert', 'returned', 'dailyReport'] as const;
export const TemplateSlot = z.enum(TEMPLATE_SLOTS);
export type TemplateSlot = z.infer<typeof TemplateSlot>;

export function templateSlotOf(kind: NotificationKind): TemplateSlot {
  if (kind === 'alert_returned') return 'returned';
  if (kind === 'daily_report') return 'dailyReport';
  return 'alert';
}

export const WhatsAppTemplates = z.object({
  alert: WhatsAppTemplateRef.nullable().default(null).describe('Alerts, escalations and camera down'),
  returned: WhatsAppTemplateRef.nullable().default(null).describe('"Is back" messages'),
  dailyReport: WhatsAppTemplateRef.nullable().default(null).describe('The daily report'),
});
export type WhatsAppTemplates = z.infer<typeof WhatsAppTemplates>;

/** Public (non-secret) WhatsApp Cloud API settings. */
export const WhatsAppCloudSettings = z.object({
  baseUrl: z.string().url().default('https://graph.facebook.com').describe('Graph API base URL'),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'expected e.g. v21.0')
    .default('v21.0'),
  phoneNumberId: z.string().trim().min(1).max(64).describe('WhatsApp Business phone number id'),
  alertTemplate: WhatsAppTemplateRef.nullable()
    .default(null)
    .describe(
      'Older single template used outside the 24-hour window for any kind without its own template in `templates`',
    ),
  templates: WhatsAppTemplates.default({ alert: null, returned: null, dailyReport: null }).describe(
    'Approved templates per message kind, used outside the 24-hour customer-service window',
  ),
  documentMode: z
    .enum(['upload', 'link'])
    .default('upload')
    .describe('upload: media upload then send by id; link: send a signed HADIR_PUBLIC_URL link'),
  ratePerSecond: RatePerSecond.default(20),
  timeoutMs: TimeoutMs.default(10_000),
});

export const WhatsAppCloudSecrets = z.object({
  accessToken: z.string().min(1).max(2048),
  appSecret: z.string().min(1).max(512).nullable().optional().describe('Verifies X-Hub-Signature-256'),
  verifyToken: z
    .string()
    .min(1)
    .max(512)
    .nullable()
    .optional()
    .describe('Answer to the webhook verification handshake'),
});

export const HttpGatewaySettings = z.object({
  url: z.string().url(),
  method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
  bodyTemplate: z
    .string()
    .max(10_000)
    .default('{"to":{{to}},"text":{{text}}}')
    .describe('Placeholders {{to}}, {{text}}, {{document_url}} are replaced by JSON string literals'),
  contentType: z.string().max(200).default('application/json'),
  successJsonPath: z
    .string()
    .max(200)
    .nullable()
    .default(null)
    .describe('Dotted path in the JSON response that must be truthy (e.g. "status"); null = 2xx is enough'),
  messageIdJsonPath: z.string().max(200).nullable().default(null).describe('Dotted path of the message id'),
  ratePerSecond: RatePerSecond.default(5),
  timeoutMs: TimeoutMs.default(10_000),
});

export const HttpGatewaySecrets = z.object({
  headers: z
    .record(z.string().min(1).max(200), z.string().max(4000))
    .describe('Extra request headers, e.g. Authorization; stored encrypted'),
});

export const LogSettings = z.object({ ratePerSecond: RatePerSecond.default(100) });

const ChannelBase = {
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  isDefault: z.boolean().default(false).describe('Messages go through the default enabled channel'),
};

export const NotificationChannelCreate = z.discriminatedUnion('type', [
  z.object({
    ...ChannelBase,
    type: z.literal('whatsapp_cloud'),
    settings: WhatsAppCloudSettings,
    secrets: WhatsAppCloudSecrets,
  }),
  z.object({
    ...ChannelBase,
    type: z.literal('http_gateway'),
    settings: HttpGatewaySettings,
    secrets: HttpGatewaySecrets.default({ headers: {} }),
  }),
  z.object({ ...ChannelBase, type: z.literal('log'), settings: LogSettings.default({ ratePerSecond: 100 }) }),
]);
export type NotificationChannelCreate = z.infer<typeof NotificationChannelCreate>;

/** Settings merge over the stored ones; a secret left out is kept, a secret set to null is removed. */
export const NotificationChannelUpdate = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  enabled: z.boolean().optional(),
  isDefault: z.boolean().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  secrets: z.record(z.string(), z.unknown()).optional(),
});
export type NotificationChannelUpdate = z.infer<typeof NotificationChannelUpdate>;

export const NotificationChannel = z.object({
  id: Id,
  type: ChannelType,
  name: z.string(),
  enabled: z.boolean(),
  isDefault: z.boolean(),
  settings: z.record(z.string(), z.unknown()).describe('Non-secret settings'),
  /** Which secrets are set, e.g. { hasAccessToken: true }; secret values never leave the server. */
  secrets: z.record(z.string(), z.union([z.boolean(), z.array(z.string())])),
  webhookUrl: z.string().nullable().describe('Where to point the provider webhook (WhatsApp Cloud API)'),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type NotificationChannel = z.infer<typeof NotificationChannel>;

export const ChannelTestRequest = z.object({
  to: PhoneNumber.describe('Local numbers are read in the organization country'),
  text: z.string().min(1).max(1000).optional(),
  /** Send this template slot with sample values (WhatsApp Cloud API); left out = as an alert would go. */
  template: TemplateSlot.optional(),
});

export const ChannelTestResult = z.object({
  ok: z.boolean(),
  providerMessageId: z.string().nullable(),
  httpStatus: z.number().int().nullable(),
  response: z.unknown().describe('Provider response body (JSON or text, truncated)'),
  error: z.string().nullable(),
  /** The provider's own error code (e.g. WhatsApp 131047), for a translated explanation. */
  providerErrorCode: z.string().nullable(),
  /** The template the message went as, when it did. */
  template: z
    .object({ name: z.string(), languageCode: z.string(), parameters: z.array(z.string()) })
    .nullable(),
  durationMs: z.number(),
});
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;

// ---------------------------------------------------------------- outbox

export const Notification = z.object({
  id: Id,
  kind: NotificationKind,
  status: NotificationStatus,
  channelId: Id.nullable(),
  recipientEmployeeId: Id.nullable(),
  recipientName: z.string().nullable(),
  /** Masked: only the last digits are shown. */
  toNumber: z.string().nullable(),
  locale: z.string(),
  body: z.string(),
  hasDocument: z.boolean(),
  attempts: z.number().int(),
  lastError: z.string().nullable().describe("The provider's error, shown when delivery failed"),
  providerErrorCode: z
    .string()
    .nullable()
    .describe(
      "The provider's error code from lastError (e.g. WhatsApp 131047), for a translated explanation",
    ),
  /** Name of the WhatsApp template the message went as, when it did. */
  templateName: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  relatedAlertId: Id.nullable(),
  createdAt: IsoDateTime,
  sentAt: IsoDateTime.nullable(),
  deliveredAt: IsoDateTime.nullable(),
  readAt: IsoDateTime.nullable(),
  failedAt: IsoDateTime.nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationListQuery = PageQuery.extend({
  status: NotificationStatus.optional(),
  kind: NotificationKind.optional(),
  alertId: Id.optional(),
  recipientEmployeeId: Id.optional(),
});
export const NotificationPage = paginated(Notification);

// ---------------------------------------------------------------- settings

export const NotificationSettings = z.object({
  quietHours: z
    .object({ start: Hhmm, end: Hhmm })
    .nullable()
    .describe('Local time range without alert messages, e.g. 22:00–06:00; null = none'),
  quietHoursBehaviour: z
    .enum(['defer', 'drop'])
    .describe('defer: send when quiet hours end; drop: record and never send'),
  cooldownMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .describe(
      'After an alert about a person, further alerts about them to the same recipient wait this long',
    ),
  notifyOnReturn: z.boolean().describe('Tell alerted supervisors when the person is back'),
  hrRecipients: z
    .record(Id, z.array(Id).max(50))
    .describe('Department id → employee ids (e.g. HR) who also receive that department’s alerts'),
  maxAttempts: z.number().int().min(1).max(20).describe('Delivery attempts before a message is failed'),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  quietHours: null,
  quietHoursBehaviour: 'defer',
  cooldownMinutes: 10,
  notifyOnReturn: true,
  hrRecipients: {},
  maxAttempts: 6,
};

export const NotificationSettingsUpdate = NotificationSettings.partial();
