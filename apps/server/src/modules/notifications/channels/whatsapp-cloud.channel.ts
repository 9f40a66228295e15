import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { WhatsAppCloudSettings, WhatsAppTemplateRef } from '@hadir/contracts';
import {
  ChannelError,
  failOnHttpError,
  httpCall,
  type NotificationChannelPlugin,
  type OutgoingMessage,
  type SendResult,
} from './channel.js';
import { providerErrorSummary } from './provider-response.js';

type Settings = z.output<typeof WhatsAppCloudSettings>;

/** WhatsApp only lets a business send free-form messages within 24 h of the person's last message. */
export const SERVICE_WINDOW_MS = 24 * 3_600_000;

/** Graph API error body → "message (code 131047)". */
function graphError(body: unknown): string {
  const err = (body as { error?: { message?: unknown; code?: unknown; error_data?: { details?: unknown } } })
    ?.error;
  if (!err) return providerErrorSummary(body);
  const details =
    typeof err.error_data?.details === 'string' ? ` - ${err.error_data.details.slice(0, 200)}` : '';
  const message = typeof err.message === 'string' ? err.message.slice(0, 200) : 'error';
  const code = typeof err.code === 'number' || typeof err.code === 'string' ? ` (code ${err.code})` : '';
  return `${message}${details}${code}`;
}

/** Template parameters may not contain newlines, tabs or runs of spaces (Graph API rule). */
export function templateParameter(text: string): string {
  return text
    .replace(/\s*\n+\s*/g, ' · ')
    .replace(/\s{4,}/g, '   ')
    .slice(0, 1024);
}

/**
 * X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(raw body, app secret), compared in constant time.
 * The RAW bytes matter: re-serialized JSON would not match.
 */
export function verifyHubSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const sent = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

/**
 * Meta's WhatsApp Cloud API over plain fetch. Text inside the customer-service window, the approved
 * template configured for the message's kind outside it (or when unknown), PDFs as documents (uploaded
 * media, or a link) or in a template's DOCUMENT header.
 * The API has no idempotency key: a crash between its answer and our record can resend once.
 */
export class WhatsAppCloudChannel implements NotificationChannelPlugin {
  readonly type = 'whatsapp_cloud' as const;
  readonly ratePerSecond: number;
  constructor(
    private readonly settings: Settings,
    private readonly accessToken: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.ratePerSecond = settings.ratePerSecond;
  }

  private url(path: string): string {
    return `${this.settings.baseUrl.replace(/\/+$/, '')}/${this.settings.apiVersion}/${this.settings.phoneNumberId}/${path}`;
  }

  private async post(path: string, body: NonNullable<RequestInit['body']>, nowMs: number, json: boolean) {
    const outcome = await httpCall(
      this.url(path),
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.accessToken}`,
          ...(json ? { 'content-type': 'application/json' } : {}),
        },
        body,
      },
      this.settings.timeoutMs,
      this.fetchImpl,
    );
    failOnHttpError(outcome, nowMs, graphError);
    return outcome;
  }

  /** The approved template for this kind of message: its own slot first, then the older single one. */
  templateFor(message: OutgoingMessage): WhatsAppTemplateRef | null {
    const own = this.settings.templates[message.templateSlot];
    if (own) return own;
    const legacy = this.settings.alertTemplate;
    return legacy ? { ...legacy, parameters: ['message'], bodyText: null, documentHeader: false } : null;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const insideWindow =
      message.lastInboundAtMs !== null && message.nowMs - message.lastInboundAtMs < SERVICE_WINDOW_MS;
    // A template with a DOCUMENT header only fits the message that carries the PDF: the daily report's
    // separate text message then goes free-form (delivered inside the window only).
    const found = this.templateFor(message);
    const ref = found && (!found.documentHeader || message.document) ? found : null;
    let payload: Record<string, unknown>;
    let template: SendResult['template'] = null;
    if (ref && (!insideWindow || message.forceTemplate)) {
      // WhatsApp refuses an empty parameter, so a missing piece (no camera) becomes a dash.
      const values = { ...message.templateValues, message: message.templateValues.message ?? message.text };
      template = {
        name: ref.name,
        languageCode: ref.languageCode,
        parameters: ref.parameters.map((field) => templateParameter(values[field] || '-')),
      };
      const components: Record<string, unknown>[] = [];
      if (ref.documentHeader && message.document) {
        components.push({
          type: 'header',
          parameters: [{ type: 'document', document: await this.documentRef(message) }],
        });
      }
      if (template.parameters.length > 0) {
        components.push({
          type: 'body',
          parameters: template.parameters.map((text) => ({ type: 'text', text })),
        });
      }
      payload = {
        type: 'template',
        template: { name: template.name, language: { code: template.languageCode }, components },
      };
    } else if (message.document) {
      payload = { type: 'document', document: await this.documentRef(message) };
    } else {
      payload = { type: 'text', text: { preview_url: false, body: message.text.slice(0, 4096) } };
    }
    const outcome = await this.post(
      'messages',
      JSON.stringify({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: message.to,
        ...payload,
      }),
      message.nowMs,
      true,
    );
    const id = (outcome.body as { messages?: { id?: unknown }[] })?.messages?.[0]?.id;
    if (typeof id !== 'string') {
      throw new ChannelError('Graph API answered without a message id', {
        retryable: false,
        httpStatus: outcome.status,
        response: outcome.body,
      });
    }
    return { providerMessageId: id, httpStatus: outcome.status, response: outcome.body, template };
  }

  private async documentRef(message: OutgoingMessage): Promise<Record<string, unknown>> {
    const doc = message.document as NonNullable<OutgoingMessage['document']>;
    const base = { filename: doc.fileName, ...(doc.caption ? { caption: doc.caption.slice(0, 1024) } : {}) };
    if (this.settings.documentMode === 'link' && doc.url) return { ...base, link: doc.url };
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', 'application/pdf');
    form.append('file', new Blob([doc.bytes], { type: 'application/pdf' }), doc.fileName);
    const uploaded = await this.post('media', form, message.nowMs, false);
    const mediaId = (uploaded.body as { id?: unknown })?.id;
    if (typeof mediaId !== 'string') {
      throw new ChannelError('Media upload answered without an id', {
        retryable: false,
        httpStatus: uploaded.status,
        response: uploaded.body,
      });
    }
    return { ...base, id: mediaId };
  }
}
