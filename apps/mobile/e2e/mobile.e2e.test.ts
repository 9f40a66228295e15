import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The attendance app on a 390×844 phone in Debian's Chromium, its camera fed (Chromium's fake capture
 * device) from a Y4M made with ffmpeg from real LFW photos of one person: a member registers and checks
 * in; offline, the app reloads from its service worker cache, queues three check-ins, and syncs them
 * when the network returns: exactly three records on the server, and syncing again adds nothing.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../../..');
const DIST = path.resolve(here, '../dist');
const SHARED = path.resolve(REPO, '..', 'shared');
const MODELS = process.env.HADIR_TEST_MODELS_DIR || path.join(SHARED, 'models');
const DATA = process.env.HADIR_TEST_DATA_DIR || path.join(SHARED, 'data');
const SHOTS = path.join(REPO, 'artifacts', 'screenshots', 'mobile');
const PERSON = 'Tony_Blair';
const CHROMIUM = '/usr/bin/chromium';
const SKIP = !fs.existsSync(CHROMIUM)
  ? 'no /usr/bin/chromium'
  : !fs.existsSync(path.join(DIST, 'index.html'))
    ? 'apps/mobile/dist missing (npm run build -w @hadir/mobile)'
    : !fs.existsSync(path.join(MODELS, 'buffalo_sc'))
      ? `no face models at ${MODELS}`
      : !fs.existsSync(path.join(DATA, 'faces', PERSON))
        ? `no face data at ${DATA}`
        : null;
if (SKIP) console.warn(`[skip] mobile e2e skipped: ${SKIP}`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

/** A Y4M clip of real photos of one person, each 0.4 s, so consecutive captures show different head turns. */
function makeFaceClip(dir: string): string {
  const photos = fs
    .readdirSync(path.join(DATA, 'faces', PERSON))
    .sort()
    .slice(0, 10)
    .map((f) => path.join(DATA, 'faces', PERSON, f));
  const list = path.join(dir, 'list.txt');
  fs.writeFileSync(
    list,
    photos.map((p) => `file '${p}'\nduration 0.4`).join('\n') + `\nfile '${photos.at(-1)}'\n`,
  );
  const out = path.join(dir, 'face.y4m');
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

describe.skipIf(SKIP !== null)('mobile attendance app in Chromium (390×844, fake camera)', () => {
  let server: ChildProcess;
  let base = '';
  let dataDir = '';
  let context: BrowserContext;
  let page: Page;
  let output = '';
  let adminCookie = '';
  let adminCsrf = '';
  let memberId = '';

  const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + url, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(adminCookie ? { cookie: adminCookie } : {}),
        ...(adminCsrf && method !== 'GET' ? { 'x-csrf-token': adminCsrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('hadir_session=')) adminCookie = setCookie.split(';')[0]!;
    const json = (await res.json()) as T & { csrfToken?: string };
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    if (json.csrfToken) adminCsrf = json.csrfToken;
    return json;
  };
  /** Raw attendance events of the member today (organization zone), from the day view. */
  const eventCount = async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());
    const day = await api<{ events: unknown[] }>('GET', `/api/attendance/days/${memberId}/${today}`);
    return day.events.length;
  };
  /** The big Check in button on the screen (the tab bar has a tab of the same name). */
  const checkIn = () => page.getByRole('main').getByRole('button', { name: 'Check in' });
  const shot = async (name: string) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-mobile-e2e-'));
    const clip = makeFaceClip(dataDir);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
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
      if (
        await fetch(`${base}/api/setup`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error(`server did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    await api('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: { name: 'Ani Admin', email: 'ani@maju.test', password: 'correct-horse-battery' },
    });
    memberId = (
      await api<{ id: string }>('POST', '/api/employees', { employeeCode: 'EMP001', name: 'Tony Blair' })
    ).id;
    await api('POST', '/api/users', {
      name: 'Tony Blair',
      email: 'tony@maju.test',
      password: 'member-password-1',
      role: 'member',
      employeeId: memberId,
    });
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-mobile-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
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
      permissions: ['camera'],
      serviceWorkers: 'allow',
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (server && server.exitCode === null) server.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a member signs in, registers the face and checks in (verified on the server)', async () => {
    await page.goto(`${base}/m/`);
    await page.evaluate(() => localStorage.setItem('hadir.m.locale', 'en'));
    await page.reload();
    await shot('signin-light');
    await page.getByLabel('Email').fill('tony@maju.test');
    await page.getByLabel('Password').fill('member-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Register your face' }).waitFor();
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await shot('register-light');
    await page.getByRole('button', { name: 'Take photos' }).click();
    await checkIn().waitFor({ timeout: 60_000 });
    // A self-registered face waits for a manager's approval before it is matched (issue 9, item 14).
    const pending = await api<{ items: { id: string; employee: { id: string } }[] }>(
      'GET',
      '/api/face-reviews',
    );
    expect(pending.items.length).toBeGreaterThan(0);
    for (const item of pending.items)
      await api('POST', `/api/employees/${item.employee.id}/faces/${item.id}/review`, {
        decision: 'approve',
      });
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    await checkIn().click();
    const outcome = page.getByTestId('outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.textContent()).toMatch(/Recorded at/);
    await shot('checkin-light');
    await page.getByRole('button', { name: 'Switch light or dark' }).click();
    await shot('checkin-dark');
    await page.getByRole('button', { name: 'Switch light or dark' }).click();
    expect(await eventCount()).toBe(1);
  });

  it('offline: reloads from cache, queues three check-ins, syncs exactly three when online', async () => {
    // The service worker has installed and cached the shell by now.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    await page.reload();
    await checkIn().waitFor();
    await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
    for (let i = 0; i < 3; i++) {
      await checkIn().click();
      await page.getByText('No network: saved on this phone').waitFor();
      await checkIn().isEnabled();
      await page.waitForTimeout(300);
    }
    await page.getByRole('button', { name: /Queue \(3\)/ }).click();
    expect(await page.getByTestId('queue').locator('li').count()).toBe(3);
    await shot('queue-offline-light');
    const before = await api<{ data: { records_synced: number }[] }>('GET', '/api/mobile/sync-logs');
    await context.setOffline(false);
    const result = page.getByTestId('sync-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(/3 recorded, 0 rejected/);
    expect(await page.getByTestId('queue').locator('li').count()).toBe(0);
    await page.getByRole('button', { name: 'Switch light or dark' }).click();
    await shot('queue-synced-dark');
    const logs = await api<{ data: { records_synced: number }[] }>('GET', '/api/mobile/sync-logs');
    expect(logs.data.length).toBe(before.data.length + 1);
    expect(logs.data[0]!.records_synced).toBe(3);
    // Syncing again adds nothing: the queue is empty and the server holds 1 + 3 events.
    expect(await eventCount()).toBe(1 + 3);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForTimeout(1000);
    expect(await eventCount()).toBe(1 + 3);
    const after = await api<{ data: { records_synced: number }[] }>('GET', '/api/mobile/sync-logs');
    expect(after.data.length).toBe(logs.data.length);
  });
});
