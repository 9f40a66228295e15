import type { TemplateField, TemplateSlot } from '@hadir/contracts';

/**
 * One interface for every way a message leaves Hadir. Each implementation is a self-contained plugin
 * (WhatsApp Cloud API, HTTP gateway, log) built from a channel row's settings and opened secrets.
 */
export interface OutgoingDocument {
  /** PDF bytes (read from the data dir by the service). */
  bytes: Buffer;
  fileName: string;
  caption: string | null;
  /** A signed public link to the same file, when HADIR_PUBLIC_URL is configured. */
  url: string | null;
}

export interface OutgoingMessage {
  /** Stable per notification: an HTTP gateway receives it as the Idempotency-Key header. */
  idempotencyKey: string;
  /** Digits only, international format without "+" (what WhatsApp APIs expect). */
  to: string;
  text: string;
  document: OutgoingDocument | null;
  /**
   * When the recipient last wrote to this channel (WhatsApp's 24-hour customer-service window); null =
   * never or unknown. Outside the window the Cloud API only accepts approved templates.
   */
  lastInboundAtMs: number | null;
  nowMs: number;
  /** Which approved template a WhatsApp message of this kind uses outside the window. */
  templateSlot: TemplateSlot;
  /** The message's pieces for the template's body parameters. */
  templateValues: Partial<Record<TemplateField, string>>;
  /** Send the template even inside the window ("Send test" with a template chosen). */
  forceTemplate?: boolean;
}

export interface SendResult {
  providerMessageId: string | null;
  httpStatus: number | null;
  /** Provider response, kept for the channel test page (never contains our secrets). */
  response: unknown;
  /** The template actually used, if the message went out as one. */
  template: { name: string; languageCode: string; parameters: string[] } | null;
}

/** A provider refusal or transport failure, classified so delivery knows whether to try again. */
export class ChannelError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  readonly httpStatus: number | null;
  readonly response: unknown;
  constructor(
    message: string,
    opts: {
      retryable: boolean;
      retryAfterMs?: number | null;
      httpStatus?: number | null;
      response?: unknown;
    },
  ) {
    super(message);
    this.name = 'ChannelError';
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.httpStatus = opts.httpStatus ?? null;
    this.response = opts.response;
  }
}

export interface NotificationChannelPlugin {
  readonly type: 'whatsapp_cloud' | 'http_gateway' | 'log';
  /** Messages per second the token bucket lets through. */
  readonly ratePerSecond: number;
  send(message: OutgoingMessage): Promise<SendResult>;
}

/** Retry-After is seconds or an HTTP date; absent or unreadable → `fallbackMs`. */
export function parseRetryAfterMs(header: string | null, nowMs: number, fallbackMs = 30_000): number {
  if (!header) return fallbackMs;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 3_600_000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.min(at - nowMs, 3_600_000)) : fallbackMs;
}

export interface HttpOutcome {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * fetch with a timeout; transport failures and timeouts become retryable ChannelErrors. The body is
 * parsed as JSON when it is JSON, else kept as (truncated) text.
 */
export async function httpCall(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): Promise<HttpOutcome> {
  let res: Response;
  try {
    res = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const e = error as Error;
    // The outbound-target policy refused the address (at connect time): trying again cannot help.
    if (e.name === 'OutboundRefused')
      throw new ChannelError(`Destination refused: ${e.message}`, { retryable: false });
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    throw new ChannelError(
      timedOut ? `No answer from provider within ${timeoutMs} ms` : `Provider unreachable: ${e.message}`,
      { retryable: true },
    );
  }
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    throw new ChannelError(`Provider response cut off: ${(error as Error).message}`, {
      retryable: true,
      httpStatus: res.status,
    });
  }
  let body: unknown = text.slice(0, 4000);
  if (text && /json/.test(res.headers.get('content-type') ?? '')) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // keep the text
    }
  }
  return { status: res.status, headers: res.headers, body };
}

/** Throws the right ChannelError for a non-2xx answer: 429/408/5xx retry, other 4xx do not. */
export function failOnHttpError(outcome: HttpOutcome, nowMs: number, describe: (body: unknown) => string) {
  if (outcome.status >= 200 && outcome.status < 300) return;
  const detail = describe(outcome.body);
  const message = `HTTP ${outcome.status}${detail ? `: ${detail}` : ''}`;
  if (outcome.status === 429) {
    throw new ChannelError(message, {
      retryable: true,
      retryAfterMs: parseRetryAfterMs(outcome.headers.get('retry-after'), nowMs),
      httpStatus: 429,
      response: outcome.body,
    });
  }
  throw new ChannelError(message, {
    retryable: outcome.status >= 500 || outcome.status === 408,
    httpStatus: outcome.status,
    response: outcome.body,
  });
}

/** `a.b.0.c` lookup in parsed JSON. */
export function jsonPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
