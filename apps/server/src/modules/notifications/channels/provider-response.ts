// What a user may see of a provider's answer (issue 9 #3): never the raw body.
const MAX_FIELD = 200;

/**
 * What a user may see of a provider's answer: status-like fields, ids and an error's code/message, each
 * capped; never the raw body (a channel pointed at some other service must not become a way to read it).
 */
export function sanitizeProviderResponse(body: unknown): Record<string, unknown> | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const src = body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const scalar = (v: unknown) =>
    typeof v === 'string'
      ? v.slice(0, MAX_FIELD)
      : typeof v === 'number' || typeof v === 'boolean'
        ? v
        : undefined;
  for (const key of ['id', 'message_id', 'messageId', 'status', 'success', 'code', 'message', 'detail']) {
    const v = scalar(src[key]);
    if (v !== undefined) out[key] = v;
  }
  const messages = src.messages;
  if (Array.isArray(messages)) {
    const id = scalar((messages[0] as { id?: unknown } | undefined)?.id);
    if (id !== undefined) out.messages = [{ id }];
  }
  const err = src.error;
  if (err !== null && typeof err === 'object' && !Array.isArray(err)) {
    const e = err as Record<string, unknown>;
    const picked: Record<string, unknown> = {};
    for (const key of ['code', 'message', 'type', 'error_subcode']) {
      const v = scalar(e[key]);
      if (v !== undefined) picked[key] = v;
    }
    out.error = picked;
  } else if (typeof err === 'string') out.error = err.slice(0, MAX_FIELD);
  return Object.keys(out).length > 0 ? out : null;
}

/** A provider's error answer in one short line: its code and message fields, never the body text. */
export function providerErrorSummary(body: unknown): string {
  const s = sanitizeProviderResponse(body);
  if (s === null) return '';
  const err = (s.error ?? {}) as Record<string, unknown> | string;
  // Every value here is a capped scalar (sanitizeProviderResponse keeps nothing else).
  const text = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  const message = text(typeof err === 'string' ? err : (err.message ?? s.message ?? s.detail));
  const code = text(typeof err === 'string' ? s.code : (err.code ?? s.code));
  return [message, code !== '' ? `(code ${code})` : '']
    .filter((p) => p !== '')
    .join(' ')
    .slice(0, 300);
}
