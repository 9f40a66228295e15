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
 * The attendance rules pages against a real server in Chromium: an admin creates a night shift type,
 * assigns it to an employee with weekly days off, loads the national holidays, and sees the employee's
 * month as a calendar with a reason for each day. Screenshots in both themes, phone and desktop.
 */
const SKIP = hasChromium ? null : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (SKIP) console.warn(`Skipping attendance rules e2e: ${SKIP}`);

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const SHOTS = path.join(SCREENSHOT_DIR, 'attendance-rules');

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

/** A date n days ago in Asia/Jakarta. */
function jakartaDate(daysAgo: number): string {
  return new Date(Date.now() + 7 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

describe.skipIf(SKIP !== null)('attendance rules pages end to end', () => {
  let server: RunningServer;
  let api: Api;
  const worked = jakartaDate(1);

  beforeAll(async () => {
    assertBuilt();
    server = await startServer({ dataDirPrefix: 'hadir-attr-e2e-' });
    api = new Api(server.baseUrl);
    await api.call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    const budi = await api.call<{ id: string }>('POST', '/api/employees', {
      employeeCode: 'EMP001',
      name: 'Budi Santoso',
    });
    await api.call('POST', '/api/employees', { employeeCode: 'EMP002', name: 'Siti Rahayu' });
    // A night shift worked yesterday: in at 21:55, out this morning at 06:03.
    await api.call('POST', '/api/attendance/events', {
      employeeId: budi.id,
      occurredAt: `${worked}T21:55:00+07:00`,
      kind: 'check_in',
      source: 'badge',
      label: 'Gate reader',
    });
    await api.call('POST', '/api/attendance/events', {
      employeeId: budi.id,
      occurredAt: `${jakartaDate(0)}T06:03:00+07:00`,
      kind: 'check_out',
      source: 'badge',
      label: 'Gate reader',
    });
  });
  afterAll(async () => server?.stop());

  it('creates a night shift, assigns it, loads holidays and shows the month with reasons', async () => {
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

      // Shift types: create a night shift in the dialog.
      await page.getByRole('link', { name: 'Shifts & rosters' }).first().click();
      await page.getByRole('heading', { name: 'Shifts & rosters', level: 1 }).waitFor();
      await page.getByTestId('new-shift-type').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill('Night');
      await dialog.getByLabel('Start', { exact: true }).fill('22:00');
      await dialog.getByLabel('End', { exact: true }).fill('06:00');
      await dialog.getByLabel('Late after (minutes of grace)').fill('10');
      await dialog.getByLabel('Break (minutes)').fill('30');
      await shootAll(page, 'shift-type-dialog', { dir: SHOTS, settleMs: 300 });
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('cell', { name: /Night/ }).first().waitFor();

      // Assign it to Budi every day of the week (weekly pattern, no days off).
      await page.getByTestId('new-assignment').click();
      const assign = page.getByRole('dialog');
      const employee = assign.getByRole('combobox', { name: 'Employee' });
      await employee.fill('Budi');
      await page.getByRole('option', { name: /Budi Santoso/ }).click();
      await assign.getByLabel('Effective from').fill(jakartaDate(40));
      for (const d of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])
        await assign.getByLabel(d, { exact: true }).selectOption({ label: 'Night' });
      await assign.getByRole('button', { name: 'Save' }).click();
      await assign.waitFor({ state: 'detached', timeout: 8000 }).catch(async (e: unknown) => {
        console.log('DIALOG', await assign.textContent());
        throw e;
      });
      await page
        .getByRole('cell', { name: /Mon: Night/ })
        .first()
        .waitFor();
      await shootAll(page, 'shifts', { dir: SHOTS, settleMs: 300, warnOverflow: true });

      // Holidays: a calendar with Indonesia's national holidays.
      await page.getByRole('link', { name: 'Holidays' }).first().click();
      await page.getByRole('heading', { name: 'Holidays', level: 1 }).waitFor();
      await page.getByTestId('new-calendar').click();
      const cal = page.getByRole('dialog');
      await cal.getByLabel('Name', { exact: true }).fill('Indonesia');
      await cal.getByRole('button', { name: 'Save' }).click();
      await cal.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Load' }).click();
      await page
        .getByText(/holidays added/)
        .first()
        .waitFor();
      await shootAll(page, 'holidays', { dir: SHOTS, settleMs: 300, warnOverflow: true });
      // One holiday removed after a confirmation (17 national holidays → 16).
      await page.getByText('17 holidays').first().waitFor();
      await page
        .getByRole('row')
        .filter({ hasText: '2026' })
        .nth(1)
        .getByRole('button', { name: 'Remove' })
        .click();
      const confirm = page.getByRole('dialog');
      await confirm.getByText('Days already stored keep their status').waitFor();
      await shootAll(page, 'holiday-remove', { dir: SHOTS, settleMs: 300 });
      await page.setViewportSize({ width: 1440, height: 900 });
      await confirm.getByRole('button', { name: 'Remove' }).click();
      await page.getByText('16 holidays').first().waitFor();

      // The month view: yesterday's night shift is present, with its reason.
      await page.getByRole('link', { name: 'Attendance month' }).first().click();
      await page.getByRole('heading', { name: 'Attendance month', level: 1 }).waitFor();
      await page.getByLabel('Month').fill(worked.slice(0, 7));
      const picker = page.getByRole('combobox', { name: 'Employee' }).first();
      await picker.fill('Budi');
      await page.getByRole('option', { name: /Budi Santoso/ }).click();
      await page.getByTestId('month-totals').waitFor();
      const cells = page.getByTestId('month-day');
      await expect.poll(() => cells.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(28);
      const cell = cells.nth(Number(worked.slice(8)) - 1);
      await expect
        .poll(() => cell.textContent(), { timeout: 15_000 })
        .toMatch(/checked in 21:55 at Gate reader/);
      await shootAll(page, 'month', { dir: SHOTS, settleMs: 400, warnOverflow: true });

      // Recompute preview: nothing changes after the rules were applied.
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.getByRole('button', { name: 'Preview' }).click();
      await page
        .getByText(/Apply \d+ changes|Nothing would change/)
        .first()
        .waitFor();
      await shootAll(page, 'recompute', { dir: SHOTS, settleMs: 300 });
    } finally {
      await browser.close();
    }
  });
});
