// A loopback stand-in for Meta's WhatsApp Cloud (Graph) API: records every request, answers like the
// real API, can be told to fail, rate-limit or hang, and sends signed status webhooks back to Hadir.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON for JSON bodies; the raw text (truncated) otherwise, e.g. multipart uploads. */
  body: unknown;
  /** What the fake answered: an HTTP status, or 'timeout' when it hung up without answering. */
  answered: number | 'timeout';
}

/** A message the fake accepted (HTTP 200 with a wamid). */
export interface GraphMessage {
  id: string;
  to: string;
  type: string;
  /** Text body, template parameters joined, or the document filename. */
  text: string;
  payload: Record<string, unknown>;
}

export type FakeFailure =
  | { kind: 'error'; status: number; code?: number; message?: string }
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  | { kind: 'timeout' };

export interface FakeGraphApiOptions {
  /** Requests must carry `Authorization: Bearer <accessToken>` (401 OAuthException otherwise). */
  accessToken?: string;
  /** Signs webhooks (X-Hub-Signature-256). */
  appSecret?: string;
  /**
   * Refuse free-form messages (text, document) to a number that has not written within 24 h, as
   * WhatsApp does (HTTP 400, code 131047). Inbound messages are the ones made by inboundMessageWebhook.
   */
  enforceServiceWindow?: boolean;
  /** The fake's clock for the window (defaults to Date.now); pass the server's fake clock. */
  nowMs?: () => number;
  /**
   * Approved templates. When given, an unknown name/language is refused (132001) and a wrong number of
   * body parameters too (132000), like the real API.
   */
  templates?: FakeTemplate[];
}

export interface FakeTemplate {
  name: string;
  language: string;
  bodyParameters: number;
  documentHeader?: boolean;
}

export interface StatusWebhookInput {
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  recipient?: string;
  timestampMs?: number;
  error?: { code: number; title: string };
}

export interface FakeGraphApi {
  /** e.g. http://127.0.0.1:43121 — use as the channel's baseUrl. */
  baseUrl: string;
  requests: GraphRequest[];
  messages: GraphMessage[];
  /** The next `count` message/media calls fail this way, then normal service resumes. */
  failNext(failure: FakeFailure, count?: number): void;
  /** Forgets failures queued by failNext that were not used. */
  clearFailures(): void;
  /** A webhook body and headers, signed with the app secret (or `secret` to forge one). */
  statusWebhook(
    input: StatusWebhookInput,
    secret?: string,
  ): { body: string; headers: Record<string, string> };
  inboundMessageWebhook(
    from: string,
    text: string,
    timestampMs: number,
    secret?: string,
  ): {
    body: string;
    headers: Record<string, string>;
  };
  /** POSTs a signed status webhook to `url` (Hadir listening on loopback); returns the HTTP status. */
  sendStatusWebhook(url: string, input: StatusWebhookInput, secret?: string): Promise<number>;
  close(): Promise<void>;
}

function graphError(status: number, message: string, code: number, type = 'OAuthException') {
  return { status, body: { error: { message, type, code, fbtrace_id: 'FAKE' } } };
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeGraphApi(opts: FakeGraphApiOptions = {}): Promise<FakeGraphApi> {
  const requests: GraphRequest[] = [];
  const messages: GraphMessage[] = [];
  const failures: FakeFailure[] = [];
  const hanging = new Set<http.ServerResponse>();
  const lastInbound = new Map<string, number>();
  const now = opts.nowMs ?? (() => Date.now());
  let seq = 0;

  /** Why the real API would refuse this message payload, or null. */
  const refusal = (payload: Record<string, unknown>, type: string) => {
    const to = typeof payload.to === 'string' ? payload.to : '';
    if (type !== 'template') {
      const last = lastInbound.get(to);
      if (opts.enforceServiceWindow && (last === undefined || now() - last >= 24 * 3_600_000)) {
        return graphError(
          400,
          'Re-engagement message: more than 24 hours have passed since the recipient last replied',
          131047,
        );
      }
      return null;
    }
    if (!opts.templates) return null;
    const t = payload.template as
      | {
          name?: string;
          language?: { code?: string };
          components?: { type?: string; parameters?: { type?: string }[] }[];
        }
      | undefined;
    const known = opts.templates.find((x) => x.name === t?.name && x.language === t?.language?.code);
    if (!known) return graphError(404, 'Template name does not exist in the translation', 132001);
    const body = (t?.components ?? []).find((c) => c.type === 'body')?.parameters ?? [];
    const header = (t?.components ?? []).find((c) => c.type === 'header')?.parameters ?? [];
    if (body.length !== known.bodyParameters || (known.documentHeader ?? false) !== header.length > 0) {
      return graphError(400, 'Number of parameters does not match the expected number of params', 132000);
    }
    return null;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const isJson = /json/.test(req.headers['content-type'] ?? '');
      let body: unknown = raw.slice(0, 2000);
      if (isJson) {
        try {
          body = JSON.parse(raw) as unknown;
        } catch {
          // keep text
        }
      }
      const record: GraphRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        answered: 200,
      };
      requests.push(record);
      const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        record.answered = status;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };

      const route = /^\/(v\d+\.\d+)\/([^/]+)\/(messages|media)$/.exec((req.url ?? '').split('?')[0] ?? '');
      if (req.method !== 'POST' || !route) {
        const e = graphError(400, 'Unsupported request', 100, 'GraphMethodException');
        return reply(e.status, e.body);
      }
      if (opts.accessToken && req.headers.authorization !== `Bearer ${opts.accessToken}`) {
        const e = graphError(401, 'Error validating access token', 190);
        return reply(e.status, e.body);
      }
      const failure = failures.shift();
      if (failure) {
        switch (failure.kind) {
          case 'timeout':
            record.answered = 'timeout';
            hanging.add(res);
            return undefined;
          case 'rate_limit': {
            const e = graphError(429, '(#130429) Rate limit hit', 130429);
            return reply(e.status, e.body, { 'retry-after': String(failure.retryAfterSeconds) });
          }
          case 'error': {
            const e = graphError(
              failure.status,
              failure.message ?? 'Service temporarily unavailable',
              failure.code ?? 2,
            );
            return reply(e.status, e.body);
          }
          default:
            return undefined;
        }
      }
      if (route[3] === 'media') return reply(200, { id: `media-${++seq}` });

      const payload = (body ?? {}) as Record<string, unknown>;
      const type = typeof payload.type === 'string' ? payload.type : 'text';
      let text = '';
      if (type === 'text') text = String((payload.text as { body?: string } | undefined)?.body ?? '');
      else if (type === 'template') {
        const components = (payload.template as { components?: { parameters?: { text?: string }[] }[] })
          ?.components;
        text = (components ?? [])
          .flatMap((c) => (c.parameters ?? []).flatMap((p) => (p.text === undefined ? [] : [p.text])))
          .join(' | ');
      } else if (type === 'document')
        text = String((payload.document as { filename?: string } | undefined)?.filename ?? '');
      const refused = refusal(payload, type);
      if (refused) return reply(refused.status, refused.body);
      const id = `wamid.FAKE${String(++seq).padStart(6, '0')}`;
      const to = typeof payload.to === 'string' ? payload.to : '';
      messages.push({ id, to, type, text, payload });
      return reply(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id }],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const sign = (body: string, secret: string | undefined) => {
    if (!secret) throw new Error('startFakeGraphApi: give appSecret to sign webhooks');
    return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  };
  const envelope = (value: Record<string, unknown>) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA-FAKE',
          changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', ...value } }],
        },
      ],
    });

  const statusWebhook = (input: StatusWebhookInput, secret = opts.appSecret) => {
    const body = envelope({
      statuses: [
        {
          id: input.messageId,
          status: input.status,
          timestamp: String(Math.floor((input.timestampMs ?? Date.now()) / 1000)),
          recipient_id: input.recipient ?? '',
          ...(input.error ? { errors: [input.error] } : {}),
        },
      ],
    });
    return {
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, secret) },
    };
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    messages,
    failNext(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    clearFailures() {
      failures.length = 0;
    },
    statusWebhook,
    inboundMessageWebhook(from, text, timestampMs, secret = opts.appSecret) {
      lastInbound.set(from, Math.max(lastInbound.get(from) ?? 0, timestampMs));
      const body = envelope({
        contacts: [{ wa_id: from, profile: { name: 'Fake' } }],
        messages: [
          {
            from,
            id: `wamid.IN${++seq}`,
            timestamp: String(Math.floor(timestampMs / 1000)),
            type: 'text',
            text: { body: text },
          },
        ],
      });
      return {
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, secret) },
      };
    },
    async sendStatusWebhook(url, input, secret) {
      const { body, headers } = statusWebhook(input, secret);
      const res = await fetch(url, { method: 'POST', headers, body });
      await res.arrayBuffer();
      return res.status;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
