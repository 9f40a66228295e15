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
 * The badge kiosk against a real server: a USB badge reader types the badge number and Enter into the
 * page; the kiosk confirms the check-in with the employee's name, a second badge read later checks out,
 * and an unknown badge is refused on screen. The events are read back through the ERP change feed.
 */
const SKIP = hasChromium ? null : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (SKIP) console.warn(`Skipping kiosk e2e: ${SKIP}`);

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const SHOTS = path.join(SCREENSHOT_DIR, 'integrations');

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

describe.skipIf(SKIP !== null)('badge kiosk end to end', () => {
  let server: RunningServer;
  let api: Api;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer({ dataDirPrefix: 'hadir-kiosk-e2e-' });
    api = new Api(server.baseUrl);
    await api.call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    await api.call('POST', '/api/integrations/employees/upsert', {
      employeeCode: 'EMP007',
      name: 'Siti Rahma',
      badgeId: '0012345678',
    });
  });
  afterAll(async () => server?.stop());

  it('records a badge check-in typed by the reader and confirms it on screen', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/`);
      await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
      await page.goto(`${server.baseUrl}/`);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor({ state: 'detached' });
      await page.getByRole('link', { name: 'Badge kiosk' }).first().click();
      await page.getByRole('heading', { name: 'Badge kiosk', level: 1 }).waitFor();

      // The reader is a keyboard: characters, then Enter, into the focused field.
      const input = page.getByTestId('kiosk-badge');
      await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.type('0012345678', { delay: 5 });
      await page.keyboard.press('Enter');
      const result = page.getByTestId('kiosk-result');
      await expect
        .poll(() => result.textContent(), { timeout: 15_000 })
        .toMatch(/Siti Rahma\s*Checked in at/);
      expect(await input.inputValue()).toBe('');
      await shootAll(page, 'kiosk-checked-in', { dir: SHOTS, settleMs: 300, warnOverflow: true });

      await page.getByTestId('kiosk-badge').focus();
      await page.keyboard.type('99999', { delay: 5 });
      await page.keyboard.press('Enter');
      await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('Unknown badge 99999');

      const feed = await api.call<{
        items: { kind: string; source: string; badgeId: string; employeeCode: string }[];
      }>('GET', '/api/integrations/attendance/events/changes');
      expect(feed.items).toEqual([
        expect.objectContaining({
          kind: 'check_in',
          source: 'badge',
          badgeId: '0012345678',
          employeeCode: 'EMP007',
        }),
      ]);

      // The integrations settings page, for the screenshots (both themes, phone and desktop).
      await page.goto(`${server.baseUrl}/settings/integrations`);
      await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Add webhook' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Payroll');
      await dialog.getByLabel('URL').fill('https://erp.example.com/hooks/hadir');
      await dialog.getByRole('button', { name: 'Add webhook' }).click();
      const secret = page.getByTestId('webhook-secret');
      await expect.poll(() => secret.inputValue(), { timeout: 15_000 }).toMatch(/^whsec_/);
      await page.getByRole('button', { name: 'Close' }).last().click();
      await page.getByText('erp.example.com/hooks/hadir').filter({ visible: true }).first().waitFor();
      await shootAll(page, 'integrations-settings', { dir: SHOTS, settleMs: 300, warnOverflow: true });
    } finally {
      await browser.close();
    }
  });
});
