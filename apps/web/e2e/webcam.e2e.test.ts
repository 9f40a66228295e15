import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  REPO_ROOT,
  SCREENSHOT_DIR,
  assertBuilt,
  hasChromium,
  launchBrowser,
  shootAll,
  startServer,
  type RunningServer,
} from './harness';

/**
 * Live recognition from a browser camera, end to end: Chromium's fake camera plays a Y4M made at test
 * time from real photos of an enrolled employee; the page sends frames over /api/webcam/ws and draws the
 * names and boxes that come back.
 */

const shared = {
  modelsDir: process.env.HADIR_TEST_MODELS_DIR || path.join(REPO_ROOT, '..', 'shared', 'models'),
  dataDir: process.env.HADIR_TEST_DATA_DIR || path.join(REPO_ROOT, '..', 'shared', 'data'),
};
const GUL = path.join(shared.dataDir, 'faces', 'Abdullah_Gul');
const READY =
  hasChromium &&
  fs.existsSync(GUL) &&
  fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
if (!READY)
  console.warn(
    `Skipping webcam e2e: needs /usr/bin/chromium, LFW faces in ${shared.dataDir}/faces and the face models in ${shared.modelsDir} (HADIR_TEST_MODELS_DIR / HADIR_TEST_DATA_DIR).`,
  );

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const photo = (n: number) => path.join(GUL, `Abdullah_Gul_${String(n).padStart(4, '0')}.jpg`);

describe.skipIf(!READY)('browser camera recognition end to end', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let csrf = '';
  let employeeId = '';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-webcam-e2e-'));
  const y4m = path.join(tmp, 'gul.y4m');
  const url = (p: string) => `${server.baseUrl}${p}`;
  const call = async <T>(method: 'POST' | 'PATCH' | 'GET', p: string, data?: unknown): Promise<T> => {
    const res = await page.request.fetch(url(p), {
      method,
      headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
      ...(data === undefined ? {} : { data: JSON.stringify(data) }),
    });
    const body = (await res.json()) as T & { csrfToken?: string };
    if (!res.ok()) throw new Error(`${method} ${p}: ${res.status()} ${JSON.stringify(body)}`);
    if (typeof body.csrfToken === 'string') csrf = body.csrfToken;
    return body;
  };

  beforeAll(async () => {
    assertBuilt();
    // Two real photos the enrolment never saw, each held for a second, as a 640×480 camera would send.
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y'],
      ...['-loop', '1', '-t', '1', '-i', photo(2), '-loop', '1', '-t', '1', '-i', photo(3)],
      '-filter_complex',
      '[0:v]scale=360:360,pad=640:480:140:60,setsar=1,fps=15[a];[1:v]scale=360:360,pad=640:480:140:60,setsar=1,fps=15[b];[a][b]concat=n=2:v=1[v]',
      ...['-map', '[v]', '-pix_fmt', 'yuv420p', y4m],
    ]);
    server = await startServer({ env: () => ({ HADIR_MODELS_DIR: shared.modelsDir }) });
    browser = await launchBrowser({
      extraArgs: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${y4m}`,
      ],
    });
    page = browser.page;
    page.setDefaultTimeout(30_000);
    await call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    await call('PATCH', '/api/auth/me', { locale: 'en' });
    const e = await call<{ id: string }>('POST', '/api/employees', {
      employeeCode: 'EMP001',
      name: 'Abdullah Gul',
    });
    employeeId = e.id;
    const res = await page.request.post(url(`/api/employees/${e.id}/faces`), {
      headers: { 'x-csrf-token': csrf },
      multipart: { photos: { name: 'gul1.jpg', mimeType: 'image/jpeg', buffer: fs.readFileSync(photo(1)) } },
    });
    expect(res.status(), await res.text()).toBe(200);
  }, 180_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, 'FAILED-webcam.png');
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.warn(`Failure screenshot: ${file}\n${server?.output().slice(-3000)}`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('names the enrolled employee in the fake camera and draws the box, frame after frame', async () => {
    // The organization records attendance from the browser camera (an admin's setting, off by default).
    await call('PATCH', '/api/organization', {
      settings: { libraryAttendance: true, webcamAttendanceIntervalMinutes: 30 },
    });
    await page.goto(url('/videos/webcam'));
    await page.getByRole('heading', { name: 'Browser camera', level: 1 }).waitFor();
    await page.getByTestId('webcam-recording').waitFor();
    await shootAll(page, 'datasets-webcam-idle', { warnOverflow: true });
    await page.getByTestId('webcam-start').click();
    await page
      .getByTestId('webcam-name')
      .filter({ hasText: 'Abdullah Gul' })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('webcam-box').first().waitFor();
    // Frames keep flowing: the answered-frame count grows while the page is open.
    const frames = async () =>
      Number((await page.getByTestId('webcam-stats').getAttribute('data-frames')) ?? '0');
    const first = await frames();
    await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan(first + 2);
    console.log(`webcam: ${await page.getByTestId('webcam-stats').textContent()}`);

    // The recognised employee got one `webcam` attendance event, not one per frame.
    await page.getByTestId('webcam-recorded').filter({ hasText: 'Abdullah Gul' }).waitFor();
    const date = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10); // Asia/Jakarta
    const detail = async () =>
      (
        await call<{ events: { source: string }[] }>('GET', `/api/attendance/days/${employeeId}/${date}`)
      ).events.filter((e) => e.source === 'webcam').length;
    expect(await detail()).toBe(1);
    await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan((await frames()) + 3);
    expect(await detail()).toBe(1);

    // On a phone the labels stay readable (their size follows the picture's displayed size, never
    // below 13 CSS px) and the controls are on screen without scrolling sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(async () => Number(await page.getByTestId('webcam-box').first().getAttribute('data-font-px')))
      .toBeGreaterThanOrEqual(13);
    const stop = await page.getByTestId('webcam-stop').boundingBox();
    expect(stop && stop.x >= 0 && stop.x + stop.width <= 390).toBe(true);
    await page.setViewportSize({ width: 1440, height: 900 });
    await shootAll(page, 'datasets-webcam', { warnOverflow: true });
    await page.getByTestId('webcam-stop').click();
    await page.getByTestId('webcam-start').waitFor();
  }, 180_000);
});
