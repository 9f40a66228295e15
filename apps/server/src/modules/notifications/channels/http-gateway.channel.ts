import type { z } from 'zod';
import type { HttpGatewaySettings } from '@hadir/contracts';
import {
  ChannelError,
  failOnHttpError,
  httpCall,
  jsonPath,
  type NotificationChannelPlugin,
  type OutgoingMessage,
  type SendResult,
} from './channel.js';
import { providerErrorSummary } from './provider-response.js';

type Settings = z.output<typeof HttpGatewaySettings>;

/** Replaces {{to}}, {{text}}, {{document_url}} with `encode(value)` (JSON literals in bodies, URL-encoded in URLs). */
export function fillTemplate(
  template: string,
  values: Record<'to' | 'text' | 'document_url', string>,
  encode: (s: string) => string,
): string {
  return template.replace(/\{\{\s*(to|text|document_url)\s*\}\}/g, (_m, key: keyof typeof values) =>
    encode(values[key]),
  );
}

/**
 * A local WhatsApp gateway (Fonnte/Wablas-style services common in Indonesia): one configurable HTTP
 * request per message. Gateways may deduplicate by the Idempotency-Key header we always send.
 */
export class HttpGatewayChannel implements NotificationChannelPlugin {
  readonly type = 'http_gateway' as const;
  readonly ratePerSecond: number;
  constructor(
    private readonly settings: Settings,
    private readonly headers: Record<string, string>,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.ratePerSecond = settings.ratePerSecond;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const values = { to: message.to, text: message.text, document_url: message.document?.url ?? '' };
    const url = fillTemplate(this.settings.url, values, encodeURIComponent);
    const hasBody = this.settings.method !== 'GET';
    const outcome = await httpCall(
      url,
      {
        method: this.settings.method,
        headers: {
          ...(hasBody ? { 'content-type': this.settings.contentType } : {}),
          ...this.headers,
          'idempotency-key': message.idempotencyKey,
        },
        ...(hasBody
          ? { body: fillTemplate(this.settings.bodyTemplate, values, (s) => JSON.stringify(s)) }
          : {}),
      },
      this.settings.timeoutMs,
      this.fetchImpl,
    );
    // Only the gateway's code/message fields: the URL could point at a service whose body is not ours to show.
    failOnHttpError(outcome, message.nowMs, providerErrorSummary);
    if (this.settings.successJsonPath) {
      const ok = jsonPath(outcome.body, this.settings.successJsonPath);
      if (!ok || ok === 'false' || ok === 'error') {
        throw new ChannelError(
          `Gateway answered ${outcome.status} but "${this.settings.successJsonPath}" is ${String(JSON.stringify(ok)).slice(0, 100)}`,
          { retryable: false, httpStatus: outcome.status, response: outcome.body },
        );
      }
    }
    const id = this.settings.messageIdJsonPath
      ? jsonPath(outcome.body, this.settings.messageIdJsonPath)
      : null;
    return {
      providerMessageId: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
      httpStatus: outcome.status,
      response: outcome.body,
      template: null,
    };
  }
}
