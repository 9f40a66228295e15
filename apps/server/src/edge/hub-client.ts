import {
  EdgeConfigSchema,
  EdgeEnrolledSchema,
  EdgeIngestResultSchema,
  type EdgeConfig,
  type EdgeEnrolled,
  type EdgeIngestBatch,
  type EdgeIngestResult,
} from '@hadir/contracts';

/** The hub refused the box (401: revoked or unknown credential, used or expired enrol code). */
export class HubRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HubRefused';
  }
}

/** The hub could not be reached or failed (network down, timeout, 5xx): try again later. */
export class HubUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubUnreachable';
  }
}

const TIMEOUT_MS = 15_000;

/** The edge box's only way to the hub: HTTPS calls with its device credential. */
export class HubClient {
  credential: string | null = null;

  constructor(private readonly hubUrl: string) {}

  private async call(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) {
    let res: Response;
    try {
      res = await fetch(new URL(pathname, this.hubUrl), {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.credential ? { authorization: `Edge ${this.credential}` } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new HubUnreachable(error instanceof Error ? error.message : String(error));
    }
    if (res.status === 401 || res.status === 403 || res.status === 400 || res.status === 413) {
      const text = await res.text().catch(() => '');
      throw new HubRefused(res.status, `hub answered ${res.status}: ${text.slice(0, 300)}`);
    }
    if (res.status >= 300 && res.status !== 304) {
      throw new HubUnreachable(`hub answered ${res.status}`);
    }
    return res;
  }

  async enrol(code: string, name: string): Promise<EdgeEnrolled> {
    const res = await this.call('POST', '/api/edge/enrol', { code, name });
    return EdgeEnrolledSchema.parse(await res.json());
  }

  /** The config, or null when the hub's version is still `version`. */
  async config(version: string | null): Promise<EdgeConfig | null> {
    const res = await this.call(
      'GET',
      '/api/edge/config',
      undefined,
      version ? { 'if-none-match': `"${version}"` } : {},
    );
    if (res.status === 304) return null;
    return EdgeConfigSchema.parse(await res.json());
  }

  async ingest(batch: EdgeIngestBatch): Promise<EdgeIngestResult> {
    const res = await this.call('POST', '/api/edge/ingest', batch);
    return EdgeIngestResultSchema.parse(await res.json());
  }
}
