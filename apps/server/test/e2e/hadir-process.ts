// A real Hadir server as a child process (`node --import tsx apps/server/src/main.ts`), killable with
// SIGKILL and restartable on the same data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@hadir/testing';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export class HadirProcess {
  child: ChildProcess | null = null;
  readonly logFile: string;

  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
    readonly dataDir: string,
  ) {
    this.logFile = path.join(dataDir, 'hadir.log');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<number> {
    const t0 = Date.now();
    fs.mkdirSync(this.dataDir, { recursive: true });
    const out = fs.openSync(this.logFile, 'a');
    this.child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: REPO,
      env: {
        ...process.env,
        // The test cameras (gst RTSP) listen on 127.0.0.1: an explicit opt-in.
        HADIR_OUTBOUND_ALLOW_LOOPBACK: 'true',
        ...this.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        HADIR_DATA_DIR: this.dataDir,
      },
      stdio: ['ignore', out, out],
    });
    await waitFor(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`hadir exited: ${this.tail()}`);
        const r = await fetch(`${this.url}/healthz`).catch(() => null);
        return r?.ok;
      },
      { timeoutMs: 90_000, intervalMs: 250, message: 'hadir listening' },
    );
    return Date.now() - t0;
  }

  kill9(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      c.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      c.kill('SIGTERM');
    });
  }

  tail(lines = 30): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** A cookie + CSRF aware HTTP client against a real server. */
export class HttpClient {
  cookie = '';
  csrf = '';
  constructor(private readonly base: () => string) {}

  async req<T = unknown>(method: string, url: string, body?: unknown): Promise<{ status: number; json: T }> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.base()}${url}`, {
      method,
      headers,
      ...(payload ? { body: payload } : {}),
    });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('hadir_session=')) this.cookie = set.split(';')[0] ?? '';
    const text = await res.text();
    const json = (text ? JSON.parse(text) : null) as T;
    if (json && typeof json === 'object' && 'csrfToken' in json && typeof json.csrfToken === 'string') {
      this.csrf = json.csrfToken;
    }
    return { status: res.status, json };
  }
}
