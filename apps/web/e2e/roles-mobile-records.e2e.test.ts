import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
// eslint-disable-next-line no-restricted-imports -- test-only: the shared models and photos; never shipped
import { findSharedDir } from '@hadir/testing';
import {
  CHROMIUM,
  SCREENSHOT_DIR,
  assertBuilt,
  hasChromium,
  launchBrowser,
  shootAll,
  startServer,
  type RunningServer,
} from './harness';

/**
 * Issue 11, the website side: an admin builds a custom role with the grouped checkboxes, a user holding
 * it sees exactly its pages; phone check-ins appear on the phone attendance page live (no reload), with
 * the face taken at the time, and a flagged one is rejected from the page. Real server, real face models,
 * real LFW photos, Debian's Chromium; screenshots in both themes, phone and desktop.
 */
const shared = findSharedDir();
const MODELS_OK = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
const DATA_OK = fs.existsSync(path.join(shared.dataDir, 'faces', 'Abdullah_Gul'));
const SKIP = !hasChromium
  ? `${CHROMIUM} is not installed (apt-get install chromium)`
  : !MODELS_OK
    ? `no face models at ${shared.modelsDir} (set HADIR_TEST_MODELS_DIR)`
    : !DATA_OK
      ? `no face data at ${shared.dataDir} (set HADIR_TEST_DATA_DIR)`
      : null;
if (SKIP) console.warn(`Skipping roles / phone attendance e2e: ${SKIP}`);

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const SHOTS = path.join(SCREENSHOT_DIR, 'mobile-web');
const lfw = (name: string, n: number) =>
  fs
    .readFileSync(path.join(shared.dataDir, 'faces', name, `${name}_${String(n).padStart(4, '0')}.jpg`))
    .toString('base64');

class Api {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}
  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + url, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
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
}

describe.skipIf(SKIP !== null)('roles and phone attendance on the website', () => {
  let server: RunningServer;
  let admin: Api;
  let member: Api;
  let gulId: string;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer({
      dataDirPrefix: 'hadir-mobweb-e2e-',
      env: () => ({ HADIR_MODELS_DIR: shared.modelsDir }),
      startTimeoutMs: 180_000,
    });
    admin = new Api(server.baseUrl);
    await admin.call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    const gul = await admin.call<{ id: string }>('POST', '/api/employees', {
      employeeCode: 'EMP001',
      name: 'Abdullah Gul',
    });
    gulId = gul.id;
    await admin.call('POST', `/api/members/${gulId}/face/register`, {
      face_images: [lfw('Abdullah_Gul', 1), lfw('Abdullah_Gul', 2)],
      consent: true,
    });
    await admin.call('POST', '/api/users', {
      name: 'Abdullah Gul',
      email: 'gul@example.com',
      password: 'gul-password-123',
      role: 'member',
      employeeId: gulId,
    });
    member = new Api(server.baseUrl);
    await member.call('POST', '/api/auth/login', { email: 'gul@example.com', password: 'gul-password-123' });
  }, 240_000);
  afterAll(async () => server?.stop());

  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(`${server.baseUrl}/`);
    await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor({ state: 'detached' });
  };

  it('builds a custom role with grouped checkboxes; its holder sees exactly its pages', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await signIn(page, ADMIN.email, ADMIN.password);
      await page.goto(`${server.baseUrl}/settings/roles`);
      await page.getByRole('heading', { name: 'Roles & permissions', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'New role' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Front desk');
      await dialog.getByLabel('Description').fill('Receptionists at the gate');
      await dialog.getByLabel('See employees').check();
      await dialog.getByLabel('See presence').check();
      await shootAll(page, 'role-editor', { dir: SHOTS, settleMs: 300, warnOverflow: true });
      await dialog.getByRole('button', { name: 'Create role' }).click();
      await page.getByText('Role “Front desk” created').waitFor();
      await page.getByRole('button', { name: 'Show permissions' }).first().click();
      await shootAll(page, 'roles', { dir: SHOTS, settleMs: 300, warnOverflow: true });

      // give it to a new user; they sign in to the website (not refused as an app-only member)
      const catalog = await admin.call<{ custom: { id: string; name: string }[] }>('GET', '/api/roles');
      await admin.call('POST', '/api/users', {
        name: 'Rina Front',
        email: 'rina@example.com',
        password: 'rina-password-123',
        role: 'member',
      });
      await page.goto(`${server.baseUrl}/settings/users`);
      await page
        .getByLabel('Role of Rina Front')
        .filter({ visible: true })
        .selectOption({ label: 'Front desk' });
      await page.getByText('Role of Rina Front changed').waitFor();
      await expect
        .poll(async () => {
          const list = await admin.call<{ email: string; customRoleId: string | null }[]>(
            'GET',
            '/api/users',
          );
          return list.find((u) => u.email === 'rina@example.com')?.customRoleId;
        })
        .toBe(catalog.custom.find((r) => r.name === 'Front desk')?.id);

      const other = await launchBrowser();
      try {
        await signIn(other.page, 'rina@example.com', 'rina-password-123');
        // The user's own language (Indonesian) applies after sign-in: read the navigation by link target.
        const nav = other.page.getByRole('navigation').first();
        await nav.locator('a[href="/employees"]').waitFor();
        expect(await nav.locator('a[href="/presence-log"]').count()).toBe(1);
        expect(await nav.locator('a[href="/cameras"]').count()).toBe(0);
        expect(await nav.locator('a[href="/attendance/mobile"]').count()).toBe(0);
        expect(await nav.locator('a[href="/settings/roles"]').count()).toBe(0);
        await other.page.goto(`${server.baseUrl}/settings/roles`);
        await other.page.waitForTimeout(1000);
        expect(await other.page.getByRole('heading', { name: 'Peran & izin' }).count()).toBe(0);
      } finally {
        await other.close();
      }
    } finally {
      await browser.close();
    }
  });

  it('shows phone check-ins live with the face, and rejects a flagged one from the page', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await signIn(page, ADMIN.email, ADMIN.password);
      await page.goto(`${server.baseUrl}/attendance/mobile`);
      await page.getByRole('heading', { name: 'Phone attendance', level: 1 }).waitFor();
      await page.getByText('No phone attendance in this period').waitFor();

      // a clean check-in from the app: it appears without a reload
      await member.call('POST', '/api/attendance/submit', {
        type: 'check_in',
        face_image: lfw('Abdullah_Gul', 3),
      });
      const table = page.getByRole('table');
      await table.getByText('Abdullah Gul').first().waitFor({ timeout: 20_000 });
      await expect
        .poll(() =>
          table
            .getByRole('img', { name: 'Abdullah Gul' })
            .first()
            .evaluate((img: HTMLImageElement) => img.naturalWidth),
        )
        .toBeGreaterThan(0);

      // a failed liveness check, then a success: flagged, waiting for review
      const still = lfw('Abdullah_Gul', 4);
      await member.call('POST', '/api/attendance/submit', {
        type: 'check_out',
        face_image: still,
        liveness_frames: [still, still, still],
      });
      await member.call('POST', '/api/attendance/submit', { type: 'check_out', face_image: still });
      await table.getByText('Liveness retried').waitFor({ timeout: 20_000 });
      await page.getByText('1 record waits for review').waitFor();
      await shootAll(page, 'phone-attendance', { dir: SHOTS, settleMs: 400, warnOverflow: true });

      await table.getByRole('button', { name: 'Reject' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Note (optional)').fill('Photo held to the camera');
      await shootAll(page, 'phone-attendance-reject', { dir: SHOTS, settleMs: 300 });
      await dialog.getByRole('button', { name: 'Reject' }).click();
      await table.getByText('Rejected by Dewi Lestari').waitFor();
      expect(await table.getByRole('button', { name: 'Reject' }).count()).toBe(0);
      const records = await admin.call<{ review: string; reviewNote: string | null }[]>(
        'GET',
        `/api/attendance/mobile-records?from=2020-01-01&to=2030-12-31&review=rejected`,
      );
      expect(records).toEqual([
        expect.objectContaining({ review: 'rejected', reviewNote: 'Photo held to the camera' }),
      ]);
    } finally {
      await browser.close();
    }
  });
});
