import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
// eslint-disable-next-line no-restricted-imports -- test-only: shared data and a loopback RTSP camera
import {
  findSharedDir,
  hasGstRtsp,
  makeTestPatternVideo,
  startRtspCamera,
  type RtspCamera,
} from '@hadir/testing';
import {
  SCREENSHOT_DIR,
  assertBuilt,
  hasChromium,
  launchBrowser,
  shootAll,
  startServer,
  type RunningServer,
} from './harness';

const SHOTS = path.join(SCREENSHOT_DIR, 'enrol-pick');
const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const shared = findSharedDir();
const GROUP = path.join(shared.dataDir, 'groups', '000_5.jpg');
const skipReason = !hasChromium
  ? 'no /usr/bin/chromium'
  : !fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'))
    ? `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`
    : !fs.existsSync(GROUP)
      ? `no group photo at ${GROUP} (set HADIR_TEST_DATA_DIR)`
      : !hasGstRtsp().ok
        ? 'gst-rtsp-server missing'
        : null;
if (skipReason) console.warn(`[skip] enrolment pick-a-face e2e: ${skipReason}`);

const shoot = (page: Page, name: string) =>
  shootAll(page, name, { dir: SHOTS, settleMs: 300, warnOverflow: true });

async function api<T>(
  base: string,
  cookie: { v: string; csrf: string },
  method: string,
  url: string,
  body?: unknown,
) {
  const res = await fetch(base + url, {
    method,
    headers: {
      ...(cookie.v ? { cookie: cookie.v } : {}),
      ...(cookie.csrf && method !== 'GET' ? { 'x-csrf-token': cookie.csrf } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const set = res.headers.get('set-cookie');
  if (set?.startsWith('hadir_session=')) cookie.v = set.split(';')[0]!;
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  const json = (text ? JSON.parse(text) : undefined) as T & { csrfToken?: string };
  if (json && typeof json.csrfToken === 'string') cookie.csrf = json.csrfToken;
  return json as T;
}

/**
 * Issue 14 #3 and #5 in a real browser: a group photo offers its faces on the photo, clicking one
 * enrols it and the sample shows a 0–100 quality with its factors; "Test source" on a 360p 5 fps RTSP
 * camera shows the decoded frame and says why the stream is too poor for recognition.
 */
describe.skipIf(skipReason !== null)('pick a face from a group photo; camera test preview', () => {
  let server: RunningServer;
  let camera: RtspCamera;
  let work: string;
  let employeeId: string;
  const url = (p: string) => `${server.baseUrl}${p}`;

  beforeAll(async () => {
    assertBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-pick-e2e-'));
    const video = await makeTestPatternVideo({
      out: path.join(work, 'low.mp4'),
      seconds: 6,
      width: 640,
      height: 360,
      fps: 5,
    });
    camera = await startRtspCamera({ video });
    server = await startServer({
      dataDirPrefix: 'hadir-pick-e2e-',
      env: (dataDir) => ({
        HADIR_MODELS_DIR: shared.modelsDir,
        HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
      }),
    });
    const c = { v: '', csrf: '' };
    await api(server.baseUrl, c, 'POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    employeeId = (
      await api<{ id: string }>(server.baseUrl, c, 'POST', '/api/employees', {
        employeeCode: 'EMP001',
        name: 'Budi Santoso',
      })
    ).id;
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await camera?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('offers the faces of a group photo and enrols the one clicked; Test source shows the frame and warns', async () => {
    const b = await launchBrowser();
    const { page } = b;
    page.setDefaultTimeout(60_000);
    try {
      await page.goto(url('/'));
      await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
      await page.goto(url('/'));
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor({ state: 'detached' });

      await page.goto(url(`/employees/${employeeId}/faces`));
      await page.getByLabel('Choose photos').setInputFiles([GROUP]);
      const picker = page.getByTestId('face-picker');
      await picker.getByText('5 faces in 000_5.jpg: click the face to enrol').waitFor();
      const choices = picker.getByRole('button', { name: /^Face \d: quality \d+\/100$/ });
      expect(await choices.count()).toBeGreaterThanOrEqual(3);
      await shoot(page, 'enrol-choose-face');
      const label = (await choices.nth(1).getAttribute('aria-label'))!;
      const score = Number(/quality (\d+)\/100/.exec(label)![1]);
      await choices.nth(1).click();
      await page.getByTestId('enrol-results').getByText('Accepted', { exact: true }).waitFor();
      await expect.poll(() => picker.count()).toBe(0);
      const sample = page.getByTestId('face-sample').first();
      await sample.getByText(`Quality ${score}/100`).waitFor();
      await sample.getByText(/^Sharpness \d+$/).waitFor();
      await shoot(page, 'enrol-chosen');

      await page.goto(url('/cameras'));
      await page.getByRole('button', { name: 'Add camera' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Pintu Samping');
      await page.getByLabel('Source URL').fill(camera.url);
      await page.getByRole('button', { name: 'Test source' }).click();
      const preview = page.getByTestId('source-preview');
      await preview.waitFor();
      await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640);
      const warnings = page.getByTestId('stream-warnings');
      await warnings.getByText(/The stream is 640×360: below 720p/).waitFor();
      await warnings.getByText(/The stream runs at 5 fps: below 10 fps/).waitFor();
      await shoot(page, 'camera-test-source');
    } catch (error) {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true }).catch(() => undefined);
      console.error(await page.evaluate(() => document.body.innerText).catch(() => ''));
      throw error;
    } finally {
      await b.close();
    }
  }, 300_000);
});
