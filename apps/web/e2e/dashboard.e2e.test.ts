import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
// eslint-disable-next-line no-restricted-imports -- test-only: a real RTSP camera and face videos; never shipped
import {
  findSharedDir,
  hasBinary,
  hasGstRtsp,
  makeFaceVideo,
  makeTestPatternVideo,
  startRtspCamera,
  type RtspCamera,
} from '@hadir/testing';
import {
  CHROMIUM,
  SCREENSHOT_DIR,
  assertBuilt,
  hasChromium,
  launchBrowser,
  shootAll,
  startServer,
  VIEWPORTS,
  type RunningServer,
} from './harness';

/**
 * The management dashboard against a real server and a real camera pipeline: a looping video of real
 * faces served over RTSP on loopback, the real face models, a short absence window
 * (HADIR_ABSENT_AFTER_SECONDS). A supervisor watches an employee turn Available and then Off live,
 * acknowledges the alert, filters and exports the presence log; an admin enrols faces by upload and by
 * Chromium's fake camera fed from a real face video. Screenshots of every page, both themes, two sizes.
 */

const shared = findSharedDir();
const FACES = path.join(shared.dataDir, 'faces');
/** The i-th photo (0-based, sorted) of an LFW identity; LFW numbering has gaps. */
const lfw = (name: string, i: number) => {
  const dir = path.join(FACES, name);
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.jpg'))
        .sort()
    : [];
  return path.join(dir, files[i] ?? `${name}_missing_${i}.jpg`);
};
const WORKER = 'Tony_Blair';
const NEWCOMER = 'Vicente_Fox';
const STRANGER = 'Tom_Ridge';

function skipReason(): string | null {
  if (!hasChromium) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  const ffmpeg = hasBinary('ffmpeg');
  if (!ffmpeg.ok) return ffmpeg.reason;
  const gst = hasGstRtsp();
  if (!gst.ok) return gst.reason;
  const pdftotext = hasBinary('pdftotext');
  if (!pdftotext.ok) return pdftotext.reason;
  if (!fs.existsSync(shared.modelsDir))
    return `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`;
  if (!fs.existsSync(lfw(WORKER, 7)) || !fs.existsSync(lfw(NEWCOMER, 3)) || !fs.existsSync(lfw(STRANGER, 3)))
    return `no LFW photos under ${FACES} (set HADIR_TEST_DATA_DIR)`;
  return null;
}
const SKIP = skipReason();
if (SKIP) console.warn(`Skipping dashboard e2e: ${SKIP}`);

const SHOTS = path.join(SCREENSHOT_DIR, 'dashboard');
const ABSENT_AFTER_S = 12;
const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const SUPERVISOR = { name: 'Andi Wijaya', email: 'andi@example.com', password: 'supervisor-pass-42' };

/** Every page in light and dark at phone and desktop size, into artifacts/screenshots/dashboard. */
function shoot(page: Page, name: string): Promise<void> {
  return shootAll(page, name, { dir: SHOTS, settleMs: 300, warnOverflow: true });
}

/** The whole server, camera pipeline included, with a short absence window. */
function startDashboardServer(): Promise<RunningServer> {
  return startServer({
    roles: 'api,pipeline,worker',
    env: (dataDir) => ({
      HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
      HADIR_MODELS_DIR: shared.modelsDir,
      HADIR_ABSENT_AFTER_SECONDS: String(ABSENT_AFTER_S),
    }),
    dataDirPrefix: 'hadir-dash-e2e-',
    startTimeoutMs: 120_000,
    stopGraceMs: 8000,
    keepOutputChars: 20_000,
  });
}

/** A cookie + CSRF API client for arranging data (the UI is tested where it matters). */
class Api {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}
  async call<T>(
    method: string,
    url: string,
    body?: unknown,
    raw?: { body: Buffer; type: string },
  ): Promise<T> {
    const res = await fetch(this.base + url, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(raw
          ? { 'content-type': raw.type }
          : body !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
      },
      body: raw ? new Uint8Array(raw.body) : body !== undefined ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('hadir_session=')) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
    const json = text ? (JSON.parse(text) as T & { csrfToken?: string }) : (undefined as T);
    if (json && typeof json === 'object' && 'csrfToken' in json && typeof json.csrfToken === 'string')
      this.csrf = json.csrfToken;
    return json;
  }
  post = <T>(url: string, body: unknown = {}) => this.call<T>('POST', url, body);
  patch = <T>(url: string, body: unknown) => this.call<T>('PATCH', url, body);
  upload<T>(url: string, files: string[]): Promise<T> {
    const boundary = `----hadir${Math.random().toString(16).slice(2)}`;
    const parts = files.flatMap((f) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="${path.basename(f)}"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      fs.readFileSync(f),
      Buffer.from('\r\n'),
    ]);
    const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
    return this.call<T>('POST', url, undefined, { body, type: `multipart/form-data; boundary=${boundary}` });
  }
}

async function launch(
  extraArgs: string[] = [],
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const browser = await launchBrowser({ extraArgs, acceptDownloads: true });
  browser.page.setDefaultTimeout(30_000);
  return browser;
}

/** On failure: a screenshot and the visible text, so a red run says what the page showed. */
async function explain(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page
    .screenshot({ path: path.join(SHOTS, `failure-${name}.png`), fullPage: true })
    .catch(() => undefined);
  const text = await page.evaluate(() => document.body.innerText).catch(() => '');
  console.error(`[${name}] ${page.url()}\n${text.slice(0, 2000)}`);
}

async function signIn(page: Page, base: string, who: { email: string; password: string }) {
  await page.goto(`${base}/`);
  await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor({ state: 'detached' });
}

describe.skipIf(SKIP !== null)('management dashboard end to end', () => {
  let server: RunningServer;
  let admin: Api;
  let work: string;
  let feedFaces: RtspCamera;
  let feedEmpty: RtspCamera;
  let feedStranger: RtspCamera;
  let fakeCameraFile: string;
  let workerId: string;
  let newcomerId: string;
  const url = (p: string) => `${server.baseUrl}${p}`;

  beforeAll(async () => {
    assertBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-dash-media-'));
    const faceVideo = await makeFaceVideo({
      photos: [0, 1, 2, 3].map((i) => lfw(WORKER, i)),
      secondsPerPhoto: 2,
      out: path.join(work, 'worker.mp4'),
      width: 640,
      height: 480,
    });
    const empty = await makeTestPatternVideo({ out: path.join(work, 'empty.mp4'), seconds: 4 });
    const newcomerVideo = await makeFaceVideo({
      photos: [0, 1, 2].map((i) => lfw(NEWCOMER, i)),
      secondsPerPhoto: 2,
      out: path.join(work, 'newcomer.mp4'),
      width: 640,
      height: 480,
      fit: 'crop',
    });
    // Chromium's fake camera reads Y4M (raw) in a loop.
    fakeCameraFile = path.join(work, 'newcomer.y4m');
    execFileSync('ffmpeg', [
      '-y',
      '-loglevel',
      'error',
      '-i',
      newcomerVideo.path,
      '-pix_fmt',
      'yuv420p',
      fakeCameraFile,
    ]);
    feedFaces = await startRtspCamera({ video: faceVideo.path });
    feedEmpty = await startRtspCamera({ video: empty });
    const strangerVideo = await makeFaceVideo({
      photos: [0, 1, 2, 3].map((i) => lfw(STRANGER, i)),
      secondsPerPhoto: 2,
      out: path.join(work, 'stranger.mp4'),
      width: 640,
      height: 480,
    });
    feedStranger = await startRtspCamera({ video: strangerVideo.path });
    server = await startDashboardServer();
    admin = new Api(server.baseUrl);
    const setup = await admin.post<{ activeOrganizationId: string }>('/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    expect(setup.activeOrganizationId).toBeTruthy();
    // Working all day, every day: absence is watched whenever the test runs.
    const allDay = { start: '00:00', end: '23:59' };
    await admin.patch('/api/organization', {
      settings: {
        workingHours: {
          mon: allDay,
          tue: allDay,
          wed: allDay,
          thu: allDay,
          fri: allDay,
          sat: allDay,
          sun: allDay,
        },
      },
    });
    const dept = await admin.post<{ id: string }>('/api/departments', { name: 'Gudang' });
    const boss = await admin.post<{ id: string }>('/api/employees', {
      employeeCode: 'EMP001',
      name: SUPERVISOR.name,
      whatsapp: '+6281100000001',
      departmentId: dept.id,
    });
    workerId = (
      await admin.post<{ id: string }>('/api/employees', {
        employeeCode: 'EMP002',
        name: 'Tony Blair',
        supervisorId: boss.id,
        departmentId: dept.id,
      })
    ).id;
    newcomerId = (
      await admin.post<{ id: string }>('/api/employees', {
        employeeCode: 'EMP003',
        name: 'Vicente Fox',
        supervisorId: boss.id,
        departmentId: dept.id,
      })
    ).id;
    await admin.post('/api/users', { ...SUPERVISOR, role: 'manager', employeeId: boss.id });
    // New users start in Indonesian; this test reads English labels (id and vi are spot-checked below).
    const sup = new Api(server.baseUrl);
    await sup.post('/api/auth/login', { email: SUPERVISOR.email, password: SUPERVISOR.password });
    await sup.patch('/api/auth/me', { locale: 'en' });
    const enrol = await admin.upload<{ accepted: number }>(
      `/api/employees/${workerId}/faces`,
      [4, 5, 6, 7].map((i) => lfw(WORKER, i)),
    );
    expect(enrol.accepted).toBeGreaterThanOrEqual(2);
    await admin.post('/api/notification-channels', { name: 'Log', type: 'log', isDefault: true });
    await admin.post('/api/cameras', {
      id: 'gudang-a',
      name: 'Camera Gudang A',
      source: feedFaces.url,
      analysisFps: 2,
      minFacePx: 24,
    });
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await feedFaces?.stop();
    await feedEmpty?.stop();
    await feedStranger?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    console.log(`Dashboard screenshots: ${SHOTS}`);
  });

  it('shows a supervisor an employee turning Available, then Off with an alert, live', async () => {
    const b = await launch();
    const { page } = b;
    try {
      await signIn(page, server.baseUrl, SUPERVISOR);
      await page.getByRole('heading', { name: 'Live presence' }).waitFor();
      await page.locator('[data-live="open"]').waitFor({ timeout: 30_000 });
      const card = page.locator('[data-testid="presence-card"][data-employee-code="EMP002"]');
      // No reload from here on: every change arrives over the WebSocket.
      await card.and(page.locator('[data-state="available"]')).waitFor({ timeout: 150_000 });
      await expect(card.textContent()).resolves.toMatch(/Last seen .* at Camera Gudang A/);
      await expect.poll(() => page.getByTestId('count-available').textContent()).toBe('1');
      await shoot(page, 'live');

      // The camera keeps running but Tony leaves the picture.
      await admin.patch('/api/cameras/gudang-a', { source: feedEmpty.url });
      await card.and(page.locator('[data-state="off"]')).waitFor({ timeout: 150_000 });
      await page
        .getByRole('link', { name: /Tony Blair/ })
        .first()
        .waitFor({ timeout: 60_000 });
      await shoot(page, 'live-off');

      await page.getByRole('link', { name: 'Alerts' }).first().click();
      await page.getByRole('heading', { name: 'Alerts' }).waitFor();
      const row = page.locator('[data-testid="alert-row"]', { hasText: 'Tony Blair' }).first();
      await row.waitFor();
      await row.getByRole('button', { name: 'Who was told' }).click();
      await row.getByText('Messages sent').waitFor();
      await shoot(page, 'alerts');
      await row.getByRole('button', { name: 'Acknowledge' }).click();
      await page.locator('[data-testid="alert-row"][data-alert-status="acknowledged"]').first().waitFor();
      await expect(row.getByText('Acknowledged', { exact: true }).isVisible()).resolves.toBe(true);
    } catch (error) {
      await explain(page, 'supervisor-live');
      console.error(server.output());
      throw error;
    } finally {
      await b.close();
    }
  }, 480_000);

  it('filters the presence log and exports CSV and PDF', async () => {
    const b = await launch();
    const { page } = b;
    try {
      await signIn(page, server.baseUrl, SUPERVISOR);
      await page.goto(url('/presence-log'));
      await page.getByRole('heading', { name: 'Presence log' }).waitFor();
      await page.getByLabel('Camera').selectOption('gudang-a');
      const employee = page.getByRole('combobox', { name: 'Employee' });
      await employee.fill('Tony');
      await page.getByRole('option', { name: /Tony Blair/ }).click();
      await page
        .getByRole('cell', { name: /Tony Blair/ })
        .first()
        .waitFor();
      await shoot(page, 'presence-log');

      const download = async (name: string) => {
        const [dl] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('link', { name }).click(),
        ]);
        const file = path.join(work, dl.suggestedFilename());
        await dl.saveAs(file);
        return file;
      };
      const csv = fs
        .readFileSync(await download('Export CSV'), 'utf8')
        .trim()
        .split('\n');
      expect(csv[0]).toContain('employee_code');
      expect(csv.length).toBeGreaterThan(1);
      expect(csv.slice(1).every((line) => line.startsWith('EMP002,Tony Blair,Camera Gudang A'))).toBe(true);
      const pdfText = execFileSync('pdftotext', [await download('Export PDF'), '-']).toString();
      expect(pdfText).toContain('Presence log');
      expect(pdfText).toContain('Tony Blair');
      expect(pdfText).toContain('Camera Gudang A');
    } catch (error) {
      await explain(page, 'presence-log');
      throw error;
    } finally {
      await b.close();
    }
  }, 240_000);

  it('lets an admin enrol a face by upload and by the camera', async () => {
    const b = await launch([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${fakeCameraFile}`,
    ]);
    const { page, context } = b;
    try {
      await context.grantPermissions(['camera'], { origin: server.baseUrl });
      await signIn(page, server.baseUrl, ADMIN);
      await page.goto(url(`/employees/${newcomerId}/faces`));
      await page.getByRole('heading', { name: 'Face enrolment' }).waitFor();
      await page.getByText('No face enrolled yet').waitFor();
      await shoot(page, 'enrolment-empty');

      await page.getByLabel('Choose photos').setInputFiles([lfw(NEWCOMER, 3)]);
      const results = page.getByTestId('enrol-results');
      await results.getByText('Accepted').waitFor({ timeout: 90_000 });
      await page.locator('[data-testid="face-sample"]').first().waitFor();
      await expect(page.locator('[data-testid="face-sample"]').count()).resolves.toBe(1);

      await page.getByRole('tab', { name: 'Use camera' }).click();
      await page.getByRole('button', { name: 'Start camera' }).click();
      await page.locator('[data-testid="face-box"]').first().waitFor({ timeout: 90_000 });
      await shoot(page, 'enrolment-camera');
      for (let i = 0; i < 3; i++) {
        await page.getByRole('button', { name: 'Capture', exact: true }).click();
        await page.waitForTimeout(1200);
      }
      await page.getByRole('button', { name: 'Enrol 3 photos' }).click();
      await page
        .getByText(/of 3 photos accepted/)
        .first()
        .waitFor({ timeout: 120_000 });
      const accepted = await results.getByText('Accepted', { exact: true }).count();
      expect(accepted).toBeGreaterThanOrEqual(1);
      // The sample list refetches after the results render: wait for it rather than read it once.
      await expect
        .poll(() => page.locator('[data-testid="face-sample"]').count(), { timeout: 30_000 })
        .toBe(1 + accepted);
      // Captures are recorded as 'camera', the chosen file as 'upload'.
      const samples = page.locator('[data-testid="face-sample"]');
      await expect(samples.filter({ hasText: 'Camera' }).count()).resolves.toBe(accepted);
      await expect(samples.filter({ hasText: 'Uploaded' }).count()).resolves.toBe(1);
      await shoot(page, 'enrolment-done');
    } catch (error) {
      await explain(page, 'enrolment');
      throw error;
    } finally {
      await b.close();
    }
  }, 360_000);

  it('renders cameras, unknown faces, reports and notification settings for an admin', async () => {
    const b = await launch();
    const { page } = b;
    try {
      // Someone nobody enrolled walks in front of the camera: an unknown-face group forms.
      await admin.patch('/api/cameras/gudang-a', { source: feedStranger.url });
      await signIn(page, server.baseUrl, ADMIN);
      await page.goto(url('/cameras'));
      await page.locator('[data-testid="camera-card"][data-camera-id="gudang-a"]').waitFor();
      await page.getByRole('button', { name: 'Add camera' }).click();
      await page.getByLabel('Source URL').fill(feedFaces.url);
      await page.getByRole('button', { name: 'Test source' }).click();
      await page.getByText(/Connected: \d+×\d+/).waitFor({ timeout: 60_000 });
      await shoot(page, 'camera-form');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await shoot(page, 'cameras');

      const deadline = Date.now() + 150_000;
      while (
        (await admin.call<{ items: unknown[] }>('GET', '/api/unknown-faces/groups')).items.length === 0
      ) {
        if (Date.now() > deadline) throw new Error('no unknown-face group formed within 150 s');
        await page.waitForTimeout(2000);
      }
      await page.goto(url('/unknown-faces'));
      await page.getByRole('heading', { name: 'Unknown faces', exact: true }).waitFor();
      const group = page.getByTestId('unknown-group').first();
      await group.getByRole('img').first().waitFor();
      await shoot(page, 'unknown-faces');
      await group.getByRole('button', { name: 'Assign to employee' }).click();
      const picker = page.getByRole('combobox', { name: 'Employee' });
      await picker.fill('Andi');
      await page.getByRole('option', { name: /Andi Wijaya/ }).click();
      await shoot(page, 'unknown-faces-assign');
      await page.getByRole('dialog').getByRole('button', { name: 'Assign to employee' }).click();
      await page.getByText(/samples? added to Andi Wijaya/).waitFor();

      await page.goto(url('/reports'));
      await page.getByRole('heading', { name: 'Attendance per day' }).waitFor();
      await page.locator('canvas').first().waitFor();
      await shoot(page, 'reports');

      await page.goto(url('/settings/notifications'));
      await page.locator('[data-testid="channel-row"]', { hasText: 'Log' }).waitFor();
      await page.getByRole('button', { name: 'Add channel' }).click();
      await page.getByLabel('Name', { exact: true }).fill('WhatsApp Kantor');
      await shoot(page, 'channel-form');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('button', { name: 'Send test' }).click();
      await page.getByLabel('Phone number').fill('+6281234567890');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByText(/^Sent in \d+ ms/).waitFor();
      await page.getByRole('button', { name: 'Close' }).last().click();
      await shoot(page, 'notifications');

      // Indonesian and Vietnamese render too (spot check on the live board).
      for (const [lng, heading] of [
        ['id', 'Kehadiran langsung'],
        ['vi', 'Có mặt trực tiếp'],
      ] as const) {
        await page.evaluate((l) => localStorage.setItem('hadir.lang', l), lng);
        await page.goto(url('/'));
        await page.getByRole('heading', { name: heading }).waitFor();
        await page.setViewportSize(VIEWPORTS.phone);
        await page.screenshot({ path: path.join(SHOTS, `live-${lng}-phone.png`), fullPage: true });
        await page.setViewportSize(VIEWPORTS.desktop);
      }
      await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
    } catch (error) {
      await explain(page, 'admin-pages');
      throw error;
    } finally {
      await b.close();
    }
  }, 300_000);
});
