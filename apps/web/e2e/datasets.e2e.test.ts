import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
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
 * Faces into a dataset and models from it, end to end in Chromium on real footage and the real models:
 * cut a processed video's faces, review them with the keyboard (select a range, Delete), snapshot a
 * version and read its YOLO zip back, train a head and watch its curves arrive, see its metrics,
 * activate it and apply it to another video where the person comes back named. Screenshots of the
 * dataset, versions and models pages in both themes, phone and desktop.
 */

const shared = {
  modelsDir: process.env.HADIR_TEST_MODELS_DIR || path.join(REPO_ROOT, '..', 'shared', 'models'),
  dataDir: process.env.HADIR_TEST_DATA_DIR || path.join(REPO_ROOT, '..', 'shared', 'data'),
};
const GIF = path.join(shared.dataDir, 'videos', 'face-demographics-walking-and-pause.gif');
const GIF2 = path.join(shared.dataDir, 'videos', 'head-pose-face-detection-female-and-male.gif');
const READY =
  hasChromium &&
  fs.existsSync(GIF) &&
  fs.existsSync(GIF2) &&
  fs.existsSync(path.join(shared.modelsDir, 'yolox', 'yolox_nano.onnx')) &&
  fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
if (!READY)
  console.warn(
    `Skipping datasets e2e: needs /usr/bin/chromium, ${GIF}, ${GIF2} and the yolox + buffalo_sc models in ${shared.modelsDir} (HADIR_TEST_MODELS_DIR / HADIR_TEST_DATA_DIR).`,
  );

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };

describe.skipIf(!READY)('face dataset and models end to end', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let csrf = '';
  const ids = { first: '', second: '' };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-ds-e2e-'));

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
  const upload = async (file: string): Promise<string> => {
    const res = await page.request.post(url('/api/videos'), {
      headers: { 'x-csrf-token': csrf },
      multipart: {
        file: { name: path.basename(file), mimeType: 'video/mp4', buffer: fs.readFileSync(file) },
      },
    });
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()) as { videos: { id: string }[] }).videos[0]!.id;
  };
  // Polled by hand: expect.poll only works inside a test, and the first upload is processed in beforeAll.
  const ready = async (id: string): Promise<void> => {
    const until = Date.now() + 300_000;
    for (;;) {
      const v = await call<{ status: string; error: string | null }>('GET', `/api/videos/${id}`);
      if (v.status === 'ready') return;
      if (v.status === 'failed' || v.status === 'cancelled') throw new Error(`video ${v.status}: ${v.error}`);
      if (Date.now() > until) throw new Error(`video still ${v.status} after 5 minutes`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  beforeAll(async () => {
    assertBuilt();
    // The corridor walk joined with two people turning their heads close to the camera (many face views),
    // and that second clip alone as the "another video" the model is applied to.
    const enc = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'];
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-i', GIF, '-i', GIF2, '-filter_complex'],
      '[0:v]fps=12,scale=480:270,setsar=1[a];[1:v]fps=12,scale=480:270,setsar=1[b];[a][b]concat=n=2:v=1[v]',
      ...['-map', '[v]', ...enc, path.join(tmp, 'corridor-and-desk.mp4')],
    ]);
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-i', GIF2, '-vf', 'fps=12,scale=480:270,setsar=1'],
      ...[...enc, path.join(tmp, 'desk-again.mp4')],
    ]);
    server = await startServer({
      env: () => ({ HADIR_MODELS_DIR: shared.modelsDir, HADIR_VIDEO_ANALYSED_FPS: '5' }),
    });
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(30_000);
    await call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    await call('PATCH', '/api/auth/me', { locale: 'en' });
    ids.first = await upload(path.join(tmp, 'corridor-and-desk.mp4'));
    await ready(ids.first);
  }, 400_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      const file = path.join(
        SCREENSHOT_DIR,
        `FAILED-datasets-${ctx.task.name.replace(/\W+/g, '-').slice(0, 50)}.png`,
      );
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.warn(`Failure screenshot: ${file} (url ${page.url()})\n${server?.output().slice(-3000)}`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('cuts faces from a video and reviews them with the keyboard', async () => {
    await page.goto(url('/videos/datasets'));
    await page.getByRole('heading', { name: 'Face dataset', level: 1 }).waitFor();
    await page.getByTestId('extract-open').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Video').selectOption({ label: 'corridor-and-desk' });
    await dialog.getByRole('button', { name: 'Cut faces from a video' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('ds-person').first().waitFor({ timeout: 240_000 });
    // The person with the most crops is named, so the model has a name to give back later.
    const persons = await call<{ items: { id: string; code: string; faceCount: number }[] }>(
      'GET',
      '/api/datasets/persons',
    );
    const top = [...persons.items].sort((a, b) => b.faceCount - a.faceCount)[0]!;
    expect(top.faceCount).toBeGreaterThanOrEqual(4);
    await call('PATCH', `/api/video-persons/${top.id}`, { name: 'Budi' });
    await page.reload();
    await page.locator(`[data-testid="ds-person"][data-code="${top.code}"]`).click();
    const grid = page.locator(`[data-testid="ds-faces"][data-code="${top.code}"] [data-testid="ds-grid"]`);
    await grid.getByTestId('ds-face').first().locator('img').waitFor();
    const before = await grid.getByTestId('ds-face').count();
    expect(before).toBe(top.faceCount);
    await shootAll(page, 'datasets-review', { warnOverflow: true });

    // Keyboard: click the last crop, Shift+ArrowLeft extends the selection, Delete asks, confirm removes.
    await grid
      .getByTestId('ds-face')
      .nth(before - 1)
      .click();
    await page.keyboard.press('Shift+ArrowLeft');
    await expect.poll(() => grid.locator('[aria-selected="true"]').count()).toBe(2);
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('dialog');
    await confirm.getByText('Remove 2 crops?').waitFor();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => grid.getByTestId('ds-face').count()).toBe(before - 2);
    // Space toggles, Escape clears.
    await grid.getByTestId('ds-face').first().click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await expect.poll(() => grid.locator('[aria-selected="true"]').count()).toBe(2);
    await page.keyboard.press('Escape');
    await expect.poll(() => grid.locator('[aria-selected="true"]').count()).toBe(0);
  }, 400_000);

  it('snapshots a version and exports a zip Ultralytics YOLO reads', async () => {
    await page.goto(url('/videos/datasets/versions'));
    await page.getByRole('heading', { name: 'Dataset versions', level: 1 }).waitFor();
    await page.getByTestId('ds-version-name').fill('First review');
    await page.getByLabel('Validation share (%)').fill('25');
    await page.getByLabel('Fewest crops per class').fill('3');
    await page.getByTestId('ds-version-create').click();
    const card = page.locator('[data-testid="ds-version"][data-number="1"]');
    await card.getByText('25% validation').waitFor();
    await card.getByText(/Budi/).waitFor();
    await shootAll(page, 'datasets-versions', { warnOverflow: true });

    const href = await card.getByTestId('ds-export').getAttribute('href');
    const res = await page.request.get(url(href!));
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await res.body()));
    const names = Object.keys(files);
    const rel = names.map((n) => n.split('/').slice(1).join('/'));
    // classification layout: train/<class>/… and val/<class>/…
    expect(rel.some((n) => /^classify\/train\/PERSON-\d{4}\/face_\d{4}_frame_\d{4}\.jpg$/.test(n))).toBe(
      true,
    );
    expect(rel.some((n) => /^classify\/val\/PERSON-\d{4}\/.+\.jpg$/.test(n))).toBe(true);
    // detection layout: images/, labels/ with "class cx cy w h" normalized, data.yaml with names
    const labels = names.filter((n) => /\/detect\/labels\/(train|val)\/.+\.txt$/.test(n));
    expect(labels.length).toBeGreaterThan(0);
    for (const n of labels) {
      for (const line of strFromU8(files[n]!).trim().split('\n')) {
        const [cls, ...box] = line.split(' ');
        expect(Number.isInteger(Number(cls))).toBe(true);
        expect(box).toHaveLength(4);
        for (const v of box.map(Number)) expect(v >= 0 && v <= 1).toBe(true);
      }
    }
    const yaml = strFromU8(files[names.find((n) => n.endsWith('/detect/data.yaml'))!]!);
    expect(yaml).toMatch(/names:/);
    expect(names.some((n) => n.endsWith('/manifest.csv'))).toBe(true);
  }, 120_000);

  it('trains a model with live curves, shows its metrics, compares and activates it', async () => {
    await page.goto(url('/videos/models'));
    await page.getByRole('heading', { name: 'Recognition models', level: 1 }).waitFor();
    // The baseline first, then logistic regression whose epochs arrive over the WebSocket.
    await page.getByTestId('train-method').selectOption('centroid');
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="model-card"][data-number="1"][data-status="ready"]').waitFor({
      timeout: 120_000,
    });
    await page.getByTestId('train-method').selectOption('logistic');
    await page.getByTestId('train-epochs').fill('40');
    await page.getByTestId('train-start').click();
    const card = page.locator('[data-testid="model-card"][data-number="2"]');
    // Points drawn while it trains (the card is open while training), without a reload.
    await card.locator('[data-testid="curve-loss"]').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="model-card"][data-number="2"][data-status="ready"]').waitFor({
      timeout: 180_000,
    });
    expect(Number(await card.getByTestId('curve-loss').getAttribute('data-points'))).toBeGreaterThan(1);
    const accuracy = await card.getByTestId('metric-accuracy').textContent();
    expect(accuracy).toMatch(/^\d+\.\d%$/);
    await card.getByTestId('confusion').waitFor();
    console.log(
      `logistic model: accuracy ${accuracy}, threshold ${await card.getByTestId('metric-threshold').textContent()}`,
    );

    await page.locator('[data-testid="model-card"][data-number="1"]').getByLabel('Compare').check();
    await card.getByLabel('Compare').check();
    await page.getByTestId('model-compare').getByText('Two models side by side').waitFor();
    await shootAll(page, 'datasets-models', { warnOverflow: true });

    // The head also leaves as an ONNX graph (a protobuf whose graph names its input).
    const onnx = await page.request.get(
      url((await card.getByTestId('model-export-onnx').getAttribute('href'))!),
    );
    expect(onnx.status()).toBe(200);
    expect((await onnx.body()).includes(Buffer.from('embedding'))).toBe(true);

    await card.getByTestId('activate-library').click();
    await card.getByText('Active · library').waitFor();
  }, 400_000);

  it('applies the active model to another video and the person comes back named', async () => {
    ids.second = await upload(path.join(tmp, 'desk-again.mp4'));
    await ready(ids.second);
    await page.goto(url('/videos/models'));
    const card = page.locator('[data-testid="model-card"][data-number="2"]');
    await card.getByTestId('model-apply').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Video').selectOption({ label: 'desk-again' });
    await dialog.getByRole('button', { name: 'Apply to a video' }).click();
    const result = dialog.getByTestId('apply-result');
    await result.waitFor();
    await result.getByText(/Budi/).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.goto(url(`/videos/${ids.second}`));
    await page.getByRole('heading', { name: 'desk-again', level: 1 }).waitFor();
    await page.getByText(/Budi/).first().waitFor();
  }, 400_000);
});
