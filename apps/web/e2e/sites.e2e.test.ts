import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * Issue 11, the website's Sites page: an admin creates a site with a geofence from the browser's
 * location (a wrong radius is caught first), assigns an officer, turns a phone-app rule on, and sees the
 * site's members. Real server, Debian's Chromium; screenshots in both themes, phone and desktop, in
 * English, Indonesian and Vietnamese.
 */
const SKIP = hasChromium ? null : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (SKIP) console.warn(`Skipping sites e2e: ${SKIP}`);

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const SHOTS = path.join(SCREENSHOT_DIR, 'mobile-web');
const MONAS = { latitude: -6.1754, longitude: 106.8272 };

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

type Overview = {
  data: {
    settings: { recognition_site_only: boolean };
    sites: {
      id: string;
      name: string;
      geofence: { latitude: number; longitude: number; radius_m: number } | null;
      officer_ids: string[];
    }[];
  };
};

describe.skipIf(SKIP !== null)('sites on the website', () => {
  let server: RunningServer;
  let admin: Api;
  let officerId: string;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer({ dataDirPrefix: 'hadir-sites-e2e-' });
    admin = new Api(server.baseUrl);
    await admin.call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    officerId = (
      await admin.call<{ userId: string }>('POST', '/api/users', {
        name: 'Petugas Budi',
        email: 'budi@example.com',
        password: 'budi-password-123',
        role: 'officer',
      })
    ).userId;
  }, 180_000);
  afterAll(async () => server?.stop());

  it('creates a site with a geofence from the browser’s location, assigns an officer, shows its members', async () => {
    const browser = await launchBrowser();
    try {
      const { page, context } = browser;
      await context.grantPermissions(['geolocation'], { origin: server.baseUrl });
      await context.setGeolocation(MONAS);
      await page.goto(`${server.baseUrl}/`);
      await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
      await page.goto(`${server.baseUrl}/`);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor({ state: 'detached' });

      // In the settings navigation of someone who may manage settings.
      const nav = page.getByRole('navigation').first();
      await nav.locator('a[href="/"]').first().waitFor();
      expect(await nav.locator('a[href="/settings/sites"]').count()).toBe(1);
      await page.goto(`${server.baseUrl}/settings/sites`);
      await page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
      await page.getByText('No sites yet').waitFor();

      await page.getByRole('button', { name: 'New site' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill('Jakarta North');
      await dialog.getByLabel('Address').fill('Jl. Medan Merdeka 1');
      await dialog.getByRole('button', { name: 'Use my location' }).click();
      await expect.poll(() => dialog.getByLabel('Latitude').inputValue()).toBe('-6.175400');
      expect(await dialog.getByLabel('Longitude').inputValue()).toBe('106.827200');
      await dialog.getByLabel('Radius (m)').fill('5');
      await dialog.getByLabel('Petugas Budi · budi@example.com').check();
      await dialog.getByRole('button', { name: 'Create site' }).click();
      await dialog.getByText('A radius between 10 and 50,000 m').waitFor();
      expect((await admin.call<Overview>('GET', '/api/mobile/site-setup')).data.sites).toEqual([]);
      await dialog.getByLabel('Radius (m)').fill('250');
      await shootAll(page, 'site-editor-en', { dir: SHOTS, settleMs: 300, warnOverflow: true });
      await dialog.getByRole('button', { name: 'Create site' }).click();
      await page.getByText('Site “Jakarta North” created').waitFor();

      const overview = (await admin.call<Overview>('GET', '/api/mobile/site-setup')).data;
      expect(overview.sites).toEqual([
        expect.objectContaining({
          name: 'Jakarta North',
          geofence: { ...MONAS, radius_m: 250 },
          officer_ids: [officerId],
        }),
      ]);
      const siteId = overview.sites[0]!.id;
      const table = page.getByRole('table');
      await table.getByText('250 m around -6.17540, 106.82720').waitFor();
      await table.getByText('Petugas Budi').waitFor();

      // A member of the site (their area is at it) shows in its member list.
      const area = await admin.call<{ id: string }>('POST', '/api/areas', { name: 'Gate 1', siteId });
      await admin.call('POST', '/api/employees', {
        employeeCode: 'EMP001',
        name: 'Rina Wati',
        areaId: area.id,
      });
      await page.reload();
      await table.getByRole('button', { name: /Show members: Jakarta North/ }).click();
      await page.getByTestId('site-members').getByText('EMP001 · Rina Wati').waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

      // An organization rule saves at once.
      await page.getByLabel('Officers recognize only the members of the site they work at').check();
      await page.getByText('Phone app rules saved').waitFor();
      await expect
        .poll(async () => (await admin.call<Overview>('GET', '/api/mobile/site-setup')).data.settings)
        .toMatchObject({ recognition_site_only: true });
      await table.getByText('This site only').waitFor();

      // Editing: the geofence comes off, the officer stays.
      await table.getByRole('button', { name: 'Edit “Jakarta North”' }).click();
      await page
        .getByRole('dialog')
        .getByLabel('Refuse phone check-ins from outside a circle around the site')
        .uncheck();
      await page.getByRole('dialog').getByRole('button', { name: 'Save site' }).click();
      await page.getByText('Site “Jakarta North” saved').waitFor();
      await table.getByText('No geofence').waitFor();
      expect((await admin.call<Overview>('GET', '/api/mobile/site-setup')).data.sites[0]).toMatchObject({
        geofence: null,
        officer_ids: [officerId],
      });

      for (const [lang, heading] of [
        ['en', 'Sites'],
        ['id', 'Lokasi'],
        ['vi', 'Địa điểm'],
      ] as const) {
        await page.evaluate((l) => localStorage.setItem('hadir.lang', l), lang);
        await page.goto(`${server.baseUrl}/settings/sites`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await page.getByRole('table').getByText('Jakarta North').waitFor();
        await shootAll(page, `sites-${lang}`, { dir: SHOTS, settleMs: 300, warnOverflow: true });
        await page.getByRole('table').getByRole('button').nth(1).click();
        await page.getByRole('dialog').waitFor();
        await shootAll(page, `site-editor-edit-${lang}`, { dir: SHOTS, settleMs: 300, warnOverflow: true });
        await page.keyboard.press('Escape');
      }
      await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
    } finally {
      await browser.close();
    }
  });
});
