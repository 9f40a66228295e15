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
 * The attendance page against a real server: a badge check-in recorded through the API is derived by
 * the worker into a late day, the page shows it with its reason, and an admin corrects it in the dialog.
 */
const SKIP = hasChromium ? null : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (SKIP) console.warn(`Skipping attendance e2e: ${SKIP}`);

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const SHOTS = path.join(SCREENSHOT_DIR, 'attendance');

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

/** Yesterday in Asia/Jakarta (a finished day, so it is judged, not pending). */
function yesterdayInJakarta(): string {
  const now = new Date(Date.now() + 7 * 3_600_000 - 86_400_000);
  return now.toISOString().slice(0, 10);
}

describe.skipIf(SKIP !== null)('attendance page end to end', () => {
  let server: RunningServer;
  let api: Api;
  const date = yesterdayInJakarta();

  beforeAll(async () => {
    assertBuilt();
    server = await startServer({ dataDirPrefix: 'hadir-att-e2e-' });
    api = new Api(server.baseUrl);
    await api.call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    const day = { start: '08:00', end: '17:00' };
    await api.call('PATCH', '/api/organization', {
      settings: {
        lateGraceMinutes: 10,
        workingHours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
      },
    });
    const budi = await api.call<{ id: string }>('POST', '/api/employees', {
      employeeCode: 'EMP001',
      name: 'Budi Santoso',
    });
    await api.call('POST', '/api/attendance/events', {
      employeeId: budi.id,
      occurredAt: `${date}T08:17:00+07:00`,
      kind: 'check_in',
      source: 'badge',
      label: 'Gudang A reader',
    });
    await api.call('POST', '/api/attendance/events', {
      employeeId: budi.id,
      occurredAt: `${date}T17:05:00+07:00`,
      kind: 'check_out',
      source: 'badge',
      label: 'Gudang A reader',
    });
  });
  afterAll(async () => server?.stop());

  it('shows the check-in with its reason and applies a correction from the dialog', async () => {
    // the worker derives the day from the events
    await expect
      .poll(
        async () =>
          (
            await api.call<{ items: { status: string }[] }>(
              'GET',
              `/api/attendance/days?from=${date}&to=${date}`,
            )
          ).items[0]?.status,
        { timeout: 30_000, interval: 300 },
      )
      .toBe('late');
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
      await page.getByRole('link', { name: 'Attendance' }).first().click();
      await page.getByRole('heading', { name: 'Attendance', level: 1 }).waitFor();
      const reason = page.getByTestId('attendance-reason').first();
      await expect
        .poll(() => reason.textContent(), { timeout: 15_000 })
        .toBe('late: checked in 08:17 at Gudang A reader, shift starts 08:00, grace 10 min');
      await shootAll(page, 'attendance-list', { dir: SHOTS, settleMs: 300, warnOverflow: true });

      await page.setViewportSize({ width: 1440, height: 900 });
      await page.getByRole('button', { name: 'Correct' }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Check-in').fill('07:58');
      await dialog.getByLabel('Reason for the correction').fill('Reader clock was 20 minutes fast');
      await shootAll(page, 'attendance-correction', { dir: SHOTS, settleMs: 300 });
      await page.setViewportSize({ width: 1440, height: 900 });
      await dialog.getByRole('button', { name: 'Save correction' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect
        .poll(() => page.getByTestId('attendance-reason').first().textContent(), { timeout: 15_000 })
        .toMatch(/^present: checked in 07:58 at Dewi Lestari, out 17:05 at Gudang A reader/);
      const stored = await api.call<{ items: { status: string; checkInAt: string }[] }>(
        'GET',
        `/api/attendance/days?from=${date}&to=${date}`,
      );
      expect(stored.items[0]).toMatchObject({ status: 'present', checkInAt: `${date}T00:58:00.000Z` });
    } finally {
      await browser.close();
    }
  });
});
