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
 * The video library end to end in Chromium against a real server, real ffmpeg and the real person and
 * face models: upload a real clip through the resumable upload, watch processing progress arrive over
 * the live socket, see the persons, click one and check on the <video> element that playback starts at
 * their first appearance and pauses where it ends. Then the persons page (search, rename), and
 * screenshots of every video page in both themes, phone and desktop.
 */

// The shared models and footage (never committed): HADIR_TEST_MODELS_DIR / HADIR_TEST_DATA_DIR, else ../shared.
const shared = {
  modelsDir: process.env.HADIR_TEST_MODELS_DIR || path.join(REPO_ROOT, '..', 'shared', 'models'),
  dataDir: process.env.HADIR_TEST_DATA_DIR || path.join(REPO_ROOT, '..', 'shared', 'data'),
};
const GIF = path.join(shared.dataDir, 'videos', 'face-demographics-walking-and-pause.gif');
const READY =
  hasChromium &&
  fs.existsSync(GIF) &&
  fs.existsSync(path.join(shared.modelsDir, 'yolox', 'yolox_nano.onnx')) &&
  fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
if (!READY)
  console.warn(
    `Skipping videos e2e: needs /usr/bin/chromium, ${GIF} and the yolox + buffalo_sc models in ${shared.modelsDir} (HADIR_TEST_MODELS_DIR / HADIR_TEST_DATA_DIR).`,
  );

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };

type Detail = {
  id: string;
  durationSec: number;
  people: { person: { id: string; code: string }; ranges: { startSec: number; endSec: number }[] }[];
};

describe.skipIf(!READY)('video library end to end', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let csrf = '';
  let videoId = '';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-video-e2e-'));
  const clip = path.join(tmp, 'lobby-walk.mp4');
  const notVideo = path.join(tmp, 'notes.txt');

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
    // A real clip of three people walking (H.264, as a phone or NVR export would be).
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      GIF,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      // Two seconds of black after the people walk out of view, as when a camera cuts away: every
      // range then ends well before the video does, so "pauses where they leave" is not "the video ended".
      '-vf',
      'scale=trunc(iw/2)*2:trunc(ih/2)*2,tpad=stop_mode=add:stop_duration=2:color=black',
      '-movflags',
      '+faststart',
      clip,
    ]);
    fs.writeFileSync(notVideo, 'not a video');
    server = await startServer({
      env: () => ({ HADIR_MODELS_DIR: shared.modelsDir, HADIR_VIDEO_ANALYSED_FPS: '5' }),
    });
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(20_000);
    await call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    await call('PATCH', '/api/auth/me', { locale: 'en' });
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      const file = path.join(
        SCREENSHOT_DIR,
        `FAILED-videos-${ctx.task.name.replace(/\W+/g, '-').slice(0, 50)}.png`,
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

  it('uploads several files, refuses the wrong one before sending, and shows processing live to done', async () => {
    await page.goto(url('/videos'));
    await page.getByRole('heading', { name: 'Video library', level: 1 }).waitFor();
    // The limit is shown before anything is uploaded.
    await page
      .getByText(/Up to 2 GB per file · MP4, AVI, MOV, MKV/)
      .first()
      .waitFor();
    // Every progress value the page shows is recorded, to prove that progress arrived live.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { __progress: number[] }).__progress = seen;
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-testid="video-progress"] [role="progressbar"]'))
          seen.push(Number(el.getAttribute('aria-valuenow')));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByTestId('video-file-input').setInputFiles([clip, notVideo]);
    const panel = page.getByTestId('upload-panel');
    await panel.getByText('Not a video this library takes').waitFor();
    await panel.getByText('Uploaded, queued for processing').waitFor({ timeout: 60_000 });
    const card = page.getByTestId('video-card').filter({ hasText: 'lobby-walk' });
    await card.waitFor();
    await card.locator('img').first().waitFor();
    // Processing goes to done without a reload: the card's status changes through the live socket.
    await page.locator('[data-testid="video-card"][data-status="ready"]').waitFor({ timeout: 180_000 });
    await card.getByText(/\d+ (person|people)/).waitFor();
    const seen = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeGreaterThan(0);
    const list = await call<{ items: { id: string; title: string }[] }>('GET', '/api/videos');
    videoId = list.items.find((v) => v.title === 'lobby-walk')!.id;
  });

  it('plays a person from their first appearance and pauses where they leave', async () => {
    const detail = await call<Detail>('GET', `/api/videos/${videoId}`);
    expect(detail.people.length).toBeGreaterThan(0);
    await page.getByTestId('video-card').filter({ hasText: 'lobby-walk' }).getByRole('link').first().click();
    await page.getByRole('heading', { name: 'lobby-walk', level: 1 }).waitFor();
    const player = page.getByTestId('video-player');
    const playable = await player.evaluate((v: HTMLVideoElement) =>
      v.canPlayType('video/mp4; codecs="avc1.64001E"'),
    );
    expect(playable, 'this Chromium cannot play H.264').not.toBe('');
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="video-player"]');
      return !!v && v.readyState >= 1;
    });
    // The person who leaves first (a range that ends well before the video does).
    const p = [...detail.people].sort((a, b) => a.ranges[0]!.endSec - b.ranges[0]!.endSec)[0]!;
    const first = p.ranges[0]!;
    expect(first.endSec).toBeLessThan(detail.durationSec - 0.3);
    await page.evaluate(() => {
      const w = window as unknown as { __boxSeen: boolean };
      w.__boxSeen = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="person-box"]')) w.__boxSeen = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    // Where the click sent the media clock, read in the page at the seek and when playback started
    // (reading it afterwards from the test would include however long the round trip took).
    await player.evaluate((v: HTMLVideoElement) => {
      const w = window as unknown as { __seekTo: number | null; __playingAt: number | null };
      w.__seekTo = null;
      w.__playingAt = null;
      v.addEventListener('seeking', () => (w.__seekTo ??= v.currentTime));
      v.addEventListener('playing', () => (w.__playingAt ??= v.currentTime));
    });
    await page.locator(`[data-testid="person-chip"][data-code="${p.person.code}"]`).click();
    await page.waitForFunction(
      () => (window as unknown as { __playingAt: number | null }).__playingAt !== null,
    );
    const { __seekTo: seekTo, __playingAt: playingAt } = await page.evaluate(() => {
      const w = window as unknown as { __seekTo: number | null; __playingAt: number | null };
      return { __seekTo: w.__seekTo, __playingAt: w.__playingAt };
    });
    expect(Math.abs(seekTo! - first.startSec)).toBeLessThan(0.05);
    expect(Math.abs(playingAt! - first.startSec)).toBeLessThan(0.3);
    // It stops on its own where the person leaves: paused at the range's end, not the video's.
    await page.waitForFunction(
      (end) => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="video-player"]')!;
        return v.paused && v.currentTime >= end - 0.1;
      },
      first.endSec,
      { timeout: 30_000 },
    );
    const end = await player.evaluate((v: HTMLVideoElement) => ({ t: v.currentTime, paused: v.paused }));
    expect(end.paused).toBe(true);
    expect(Math.abs(end.t - first.endSec)).toBeLessThan(0.15);
    expect(end.t).toBeLessThan(detail.durationSec - 0.2);
    expect(await page.evaluate(() => (window as unknown as { __boxSeen: boolean }).__boxSeen)).toBe(true);
    await page.getByText(new RegExp(`${p.person.code}: range 1 of ${p.ranges.length}`)).waitFor();
    await shootAll(page, 'videos-player', { warnOverflow: true });
  });

  it('finds a person across the library by code, renames them and finds them by name', async () => {
    await page.goto(url('/videos/persons'));
    await page.getByRole('heading', { name: 'Persons', level: 1 }).waitFor();
    await shootAll(page, 'videos-persons', { warnOverflow: true });
    await page.getByTestId('person-search').fill('PERSON-0001');
    const card = page.locator('[data-testid="person-card"][data-code="PERSON-0001"]');
    await card.waitFor();
    await expect.poll(() => page.getByTestId('person-card').count()).toBe(1);
    await card.getByRole('link', { name: 'lobby-walk' }).waitFor();
    await card.getByRole('button', { name: 'Actions for PERSON-0001' }).click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Budi');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('person-search').fill('bud');
    await page.locator('[data-testid="person-card"][data-code="PERSON-0001"]').getByText('Budi').waitFor();
    // A range chip leads to the video page with that person's range ready.
    await page
      .locator('[data-testid="person-card"][data-code="PERSON-0001"]')
      .getByRole('link')
      .nth(1)
      .click();
    await page.getByText(/Budi · PERSON-0001: range 1 of/).waitFor();
  });

  it('manages collections: create, move a video into one, and shoots the library', async () => {
    await page.goto(url('/videos'));
    await page.getByRole('heading', { name: 'Video library', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New collection' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Gudang A');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const card = page.getByTestId('video-card').filter({ hasText: 'lobby-walk' });
    await card.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Move to collection' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Collections').selectOption({ label: 'Gudang A' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const collections = page.getByTestId('collections');
    await collections.getByRole('button', { name: /^Gudang A/ }).click();
    await page.getByTestId('video-card').filter({ hasText: 'lobby-walk' }).waitFor();
    await collections.getByRole('button', { name: /^Gudang A\s*1$/ }).waitFor();
    await shootAll(page, 'videos-library', { warnOverflow: true });
  });
});
