/** Same-origin JSON calls with the session cookie and CSRF header; errors carry the server's code. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf: string | null = null;
export const setCsrf = (token: string | null) => {
  csrf = token;
};

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  schema?: { parse: (v: unknown) => T },
): Promise<T> {
  if (method !== 'GET' && !csrf && path !== '/api/auth/login') await ensureCsrf();
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'Network error');
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText);
  }
  return schema ? schema.parse(json) : (json as T);
}

/** After an offline start the CSRF token is unknown: fetch the session once before writing. */
export async function ensureCsrf(): Promise<void> {
  if (csrf) return;
  const s = await call<{ csrfToken: string }>('GET', '/api/auth/session');
  csrf = s.csrfToken;
}

/** The `data` of a `{ success, data }` response. */
export async function data<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await call<{ success: true; data: T }>(method, path, body)).data;
}
