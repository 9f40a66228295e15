import { ErrorBody } from '@hadir/contracts';

/** A failed API call: HTTP status plus the server's stable error code, message and details. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field errors of a 400 validation_failed, keyed by dotted path ("admin.email", "employeeCode"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const d of this.details as unknown[]) {
      if (d && typeof d === 'object' && 'path' in d && 'message' in d) {
        const { path, message } = d;
        const key = Array.isArray(path) ? path.join('.') : String(path);
        if (!(key in out)) out[key] = String(message);
      }
    }
    return out;
  }
}

let csrfToken: string | null = null;
/** Set from SessionInfo.csrfToken; sent on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Any contract schema (zod) — only its parse is needed; the web does not import zod itself. */
type Schema<T> = { parse(value: unknown): T };

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

let unauthorizedHandler: (() => void) | null = null;
/** Called when a request comes back 401 (session expired or signed out elsewhere). */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

async function request<T>(
  method: Method,
  path: string,
  options: {
    body?: unknown;
    query?: Query;
    schema?: Schema<T>;
    form?: FormData;
    bytes?: { data: Blob; type: string };
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.form) {
    body = options.form;
  } else if (options.bytes) {
    headers['content-type'] = options.bytes.type;
    body = options.bytes.data;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if (options.signal?.aborted) throw e;
    throw new ApiError(0, 'network', 'Network error');
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    const err = parsed.success
      ? new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details)
      : new ApiError(res.status, `http_${res.status}`, res.statusText || 'Request failed');
    if (res.status === 401 && unauthorizedHandler && !path.startsWith('/api/auth/login')) {
      unauthorizedHandler();
    }
    throw err;
  }
  // Responses are checked against the shared contract so a drifting server fails loudly, not subtly.
  return options.schema ? options.schema.parse(json) : (json as T);
}

export const api = {
  get: <T>(path: string, query?: Query, schema?: Schema<T>) => request<T>('GET', path, { query, schema }),
  post: <T>(path: string, body?: unknown, schema?: Schema<T>) =>
    request<T>('POST', path, { body: body ?? {}, schema }),
  patch: <T>(path: string, body: unknown, schema?: Schema<T>) => request<T>('PATCH', path, { body, schema }),
  put: <T>(path: string, body: unknown, schema?: Schema<T>) => request<T>('PUT', path, { body, schema }),
  delete: <T>(path: string) => request<T>('DELETE', path),
  upload: <T>(path: string, form: FormData, schema?: Schema<T>) => request<T>('POST', path, { form, schema }),
  /** Raw bytes (a chunk of a resumable upload), abortable. */
  putBytes: <T>(
    path: string,
    query: Query,
    bytes: { data: Blob; type: string },
    schema?: Schema<T>,
    signal?: AbortSignal,
  ) => request<T>('PUT', path, { query, bytes, schema, signal }),
};
