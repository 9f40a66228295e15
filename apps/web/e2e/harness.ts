import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Shared plumbing for the browser tests: a real server on a free port and a fresh Chromium. */

export const CHROMIUM = '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = path.resolve(here, '..');
export const REPO_ROOT = path.resolve(WEB_DIR, '../..');
export const DIST_DIR = path.join(WEB_DIR, 'dist');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts', 'screenshots');

export const hasChromium = fs.existsSync(CHROMIUM);

export function assertBuilt(): void {
  if (!fs.existsSync(path.join(DIST_DIR, 'index.html'))) {
    throw new Error(
      `apps/web/dist is missing: the e2e tests drive the built app. Run \`npm run build -w @hadir/web\` first.`,
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export type RunningServer = {
  baseUrl: string;
  dataDir: string;
  stop: () => Promise<void>;
  output: () => string;
};

export type ServerOptions = {
  /** Process roles (HADIR_ROLES); the camera pipeline only where a test has cameras. */
  roles?: string;
  /** Extra environment, given the fresh data directory (camera config, models, short timeouts). */
  env?: (dataDir: string) => Record<string, string>;
  dataDirPrefix?: string;
  /** How long the server may take to answer /api/setup (loading face models takes a while). */
  startTimeoutMs?: number;
  /** How long SIGTERM gets before SIGKILL. */
  stopGraceMs?: number;
  /** Keep only the newest characters of server output (a pipeline logs a lot); all of it by default. */
  keepOutputChars?: number;
};

/** A real server on a free port over a fresh data directory, serving the built app. */
export async function startServer({
  roles = 'api,worker',
  env = () => ({}),
  dataDirPrefix = 'hadir-e2e-',
  startTimeoutMs = 90_000,
  stopGraceMs = 5000,
  keepOutputChars = Infinity,
}: ServerOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), dataDirPrefix));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HADIR_DATA_DIR: dataDir,
      // The tests' cameras (gst RTSP) listen on 127.0.0.1: an explicit opt-in.
      HADIR_OUTBOUND_ALLOW_LOOPBACK: 'true',
      ...env(dataDir),
      PORT: String(port),
      HADIR_ROLES: roles,
      LOG_LEVEL: 'warn',
      HADIR_WEB_DIR: DIST_DIR,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-keepOutputChars));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/api/setup`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within ${startTimeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    baseUrl,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, stopGraceMs))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh headless Chromium profile; extraArgs for fake media devices and the like. */
export async function launchBrowser({
  extraArgs = [],
  acceptDownloads,
}: { extraArgs?: string[]; acceptDownloads?: boolean } = {}): Promise<{
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
    colorScheme: 'light',
    // The PWA service worker would cache the shell between runs; the tests want the network.
    serviceWorkers: 'block',
    ...(acceptDownloads === undefined ? {} : { acceptDownloads }),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1440, height: 900 },
} as const;

/** Set the theme the way a second tab would: stored choice + storage event (no reload). */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => {
    localStorage.setItem('hadir.theme', t);
    window.dispatchEvent(new StorageEvent('storage', { key: 'hadir.theme', newValue: t }));
  }, theme);
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
}

/** Every page in light and dark, at phone and desktop size, into artifacts/screenshots (or dir). */
export async function shootAll(
  page: Page,
  name: string,
  {
    dir = SCREENSHOT_DIR,
    settleMs = 150,
    warnOverflow = false,
  }: { dir?: string; settleMs?: number; warnOverflow?: boolean } = {},
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(settleMs);
      if (warnOverflow) {
        const overflow = await horizontalOverflow(page);
        if (overflow.length) console.warn(`${name} ${theme} ${size} overflows: ${overflow.join('; ')}`);
      }
      await page.screenshot({ path: path.join(dir, `${name}-${theme}-${size}.png`), fullPage: true });
    }
  }
  await setTheme(page, 'light');
  await page.setViewportSize(VIEWPORTS.desktop);
}

export async function shootOne(page: Page, file: string, width = 390, height = 844): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width, height });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, file), fullPage: true });
}

/** Elements wider than the viewport at this width (the usual sign of an overflowing label). */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width + 1)
      out.push(`document ${document.documentElement.scrollWidth}px`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('main *, header *'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      // Scrollable tables are allowed to be wider than the screen.
      if (el.closest('.overflow-x-auto, .overflow-auto')) continue;
      if (r.right > width + 1) {
        out.push(
          `${el.tagName.toLowerCase()}.${el.className.toString().slice(0, 40)} "${(el.textContent ?? '').trim().slice(0, 40)}" right=${Math.round(r.right)}`,
        );
      }
    }
    return out.slice(0, 10);
  });
}
