import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** What the phone-app e2e specs share: a real server, a fake camera fed from real photos, the browser. */
const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../..');
export const DIST = path.resolve(here, '../dist');
const SHARED = path.resolve(REPO, '..', 'shared');
export const MODELS = process.env.HADIR_TEST_MODELS_DIR || path.join(SHARED, 'models');
export const DATA = process.env.HADIR_TEST_DATA_DIR || path.join(SHARED, 'data');
export const SHOTS = path.join(REPO, 'artifacts', 'screenshots', 'mobile');
export const CHROMIUM = '/usr/bin/chromium';

/** Why the e2e cannot run here (missing browser, build, models or photos), or null. */
export function skipReason(people: readonly string[]): string | null {
  if (!fs.existsSync(CHROMIUM)) return 'no /usr/bin/chromium';
  if (!fs.existsSync(path.join(DIST, 'index.html')))
    return 'apps/mobile/dist missing (npm run build -w @hadir/mobile)';
  if (!fs.existsSync(path.join(MODELS, 'buffalo_sc'))) return `no face models at ${MODELS}`;
  const missing = people.find((p) => !fs.existsSync(path.join(DATA, 'faces', p)));
  return missing ? `no face data for ${missing} at ${DATA}` : null;
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

/** Real LFW photos of a person, in file order. */
export const photosOf = (person: string, n = 10) =>
  fs
    .readdirSync(path.join(DATA, 'faces', person))
    .sort()
    .slice(0, n)
    .map((f) => path.join(DATA, 'faces', person, f));

/**
 * A Y4M clip for Chromium's fake camera (`--use-file-for-fake-video-capture`, played in a loop): each
 * photo shown `seconds`, so consecutive captures show different head turns (or people).
 */
export function makeClip(dir: string, name: string, photos: readonly string[], seconds = 0.4): string {
  const list = path.join(dir, `${name}.txt`);
  fs.writeFileSync(
    list,
    photos.map((p) => `file '${p}'\nduration ${seconds}`).join('\n') + `\nfile '${photos.at(-1)}'\n`,
  );
  const out = path.join(dir, `${name}.y4m`);
  const r = spawnSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-vf',
    'scale=480:480,pad=640:480:80:0,fps=10,format=yuv420p',
    '-f',
    'yuv4mpegpipe',
    out,
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
  return out;
}

export interface E2eServer {
  base: string;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  close: () => void;
}

/** The real server (api + worker) serving the built app under /m/, on a fresh SQLite database. */
export async function startServer(): Promise<E2eServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-mobile-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: REPO,
    env: {
      ...process.env,
      HADIR_DATA_DIR: dataDir,
      HADIR_MODELS_DIR: MODELS,
      HADIR_MOBILE_DIR: DIST,
      PORT: String(port),
      HADIR_ROLES: 'api,worker',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error(`server exited: ${output}`);
    const up = await fetch(`${base}/api/setup`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 300) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    base,
    dataDir,
    process: server,
    output: () => output,
    close: () => {
      if (server.exitCode === null) server.kill('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JSON client with its own session cookie and CSRF token (the admin's, in the specs). */
export function apiClient(base: string) {
  let cookie = '';
  let csrf = '';
  return async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + url, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(cookie ? { cookie } : {}),
        ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('hadir_session=')) cookie = setCookie.split(';')[0]!;
    const json = (await res.json()) as T & { csrfToken?: string };
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    if (json.csrfToken) csrf = json.csrfToken;
    return json;
  };
}

/** Debian's Chromium as a 390×844 phone whose front camera plays `clip`. */
export async function launchPhone(
  clip: string,
  extra: { geolocation?: { latitude: number; longitude: number } } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-mobile-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${clip}`,
    ],
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-US',
    permissions: extra.geolocation ? ['camera', 'geolocation'] : ['camera'],
    ...(extra.geolocation ? { geolocation: extra.geolocation } : {}),
    serviceWorkers: 'allow',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Waits until the app's <video> shows frames from the fake camera. */
export const cameraReady = (page: Page) =>
  page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0, undefined, {
    timeout: 60_000,
  });

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}
