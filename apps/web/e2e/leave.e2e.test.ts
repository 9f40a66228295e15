import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  SCREENSHOT_DIR,
  assertBuilt,
  hasChromium,
  launchBrowser,
  shootAll,
  startServer,
  type RunningServer,
} from './harness';

/**
 * Leave end to end in Chromium against a real server: an employee requests leave on the web, their
 * supervisor (a linked user) approves it from the approvals inbox, and it shows in the team calendar.
 * Also screenshots the leave and organization-structure pages in both themes, phone and desktop.
 */

if (!hasChromium)
  console.warn('Skipping leave e2e: /usr/bin/chromium is not installed (apt-get install chromium).');

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const PASSWORD = 'leave-password-42';

/** Next Wednesday after today (a working day in the default Monday–Friday schedule). */
function nextWednesday(): Date {
  const d = new Date();
  d.setDate(d.getDate() + ((3 - d.getDay() + 7) % 7 || 7));
  return d;
}
const iso = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

describe.skipIf(!hasChromium)('leave end to end', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let csrf = '';
  const leaveDay = nextWednesday();

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
  /** Signs in through the API (the browser shares the cookie) and reads the app in English. */
  const signIn = async (email: string, password: string) => {
    await browser.context.clearCookies();
    await call('POST', '/api/auth/login', { email, password });
    await call('PATCH', '/api/auth/me', { locale: 'en' });
  };
  const go = async (p: string, heading: string) => {
    await page.goto(url(p));
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(20_000);
    // The organization, a supervisor and her report, each with a user linked to their employee record.
    await call('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    const dept = await call<{ id: string }>('POST', '/api/departments', { name: 'Gudang' });
    const sari = await call<{ id: string }>('POST', '/api/employees', {
      employeeCode: 'SUP01',
      name: 'Sari Supervisor',
      departmentId: dept.id,
      whatsapp: '0812-1111-0001',
    });
    const budi = await call<{ id: string }>('POST', '/api/employees', {
      employeeCode: 'EMP01',
      name: 'Budi Santoso',
      departmentId: dept.id,
      supervisorId: sari.id,
      whatsapp: '0812-1111-0002',
    });
    for (const [name, email, role, employeeId] of [
      ['Sari Supervisor', 'sari@example.com', 'manager', sari.id],
      // Members use the mobile app (the website refuses them); an office employee with the support role
      // requests leave on the website.
      ['Budi Santoso', 'budi@example.com', 'support', budi.id],
    ] as const) {
      await call('POST', '/api/users', { name, email, password: PASSWORD, role, employeeId });
    }
    for (const name of ['Produksi', 'Kantor']) await call('POST', '/api/departments', { name });
    await call('POST', '/api/positions', { name: 'Kepala Gudang' });
    const site = await call<{ id: string }>('POST', '/api/sites', {
      name: 'Pabrik Cikarang',
      address: 'Jl. Industri 1',
    });
    await call('POST', '/api/areas', { name: 'Gudang A', siteId: site.id });
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      const file = path.join(
        SCREENSHOT_DIR,
        `FAILED-leave-${ctx.task.name.replace(/\W+/g, '-').slice(0, 50)}.png`,
      );
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.warn(`Failure screenshot: ${file} (url ${page.url()})`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the employee requests a day of annual leave', async () => {
    await signIn('budi@example.com', PASSWORD);
    await go('/leave', 'My leave');
    await page.getByTestId('leave-balances').getByText('12 left').waitFor();
    await page.getByRole('button', { name: 'Request leave' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Leave type').selectOption({ label: 'Annual leave' });
    await dialog.getByLabel('From', { exact: true }).fill(iso(leaveDay));
    await dialog.getByLabel('To', { exact: true }).fill(iso(leaveDay));
    await dialog.getByLabel('Reason').fill('Family wedding');
    await shootAll(page, 'leave-request-form');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('Request sent to Sari Supervisor').waitFor();
    await page.getByTestId('leave-balances').getByText('11 left').waitFor();
    await page.getByRole('table').getByText('Pending').waitFor();
    await shootAll(page, 'leave-mine');
  });

  it('the supervisor approves it from the approvals inbox', async () => {
    await signIn('sari@example.com', PASSWORD);
    await go('/leave/approvals', 'Leave approvals');
    const item = page
      .getByTestId('leave-approvals')
      .getByRole('listitem')
      .filter({ hasText: 'Budi Santoso' });
    await item.getByText('Family wedding').waitFor();
    await shootAll(page, 'leave-approvals');
    await item.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Comment').fill('Selamat!');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Nothing to approve').waitFor();
  });

  it('the approved day shows in the team calendar', async () => {
    await go('/leave/calendar', 'Team calendar');
    const now = new Date();
    if (leaveDay.getMonth() !== now.getMonth())
      await page.getByRole('button', { name: 'Next month' }).click();
    const row = page.getByTestId('leave-calendar').getByRole('row').filter({ hasText: 'Budi Santoso' });
    await row.getByLabel('Annual leave · Approved · Full day').waitFor();
    expect(await row.getByLabel(/Annual leave/).count()).toBe(1);
    await shootAll(page, 'leave-calendar');
  });

  it('admins see leave types, allocations and the organization structure', async () => {
    await signIn(ADMIN.email, ADMIN.password);
    await go('/settings/leave', 'Leave types and allocations');
    await page.getByRole('cell', { name: 'Sick leave' }).first().waitFor();
    await shootAll(page, 'leave-admin');
    await go('/settings/structure', 'Organization structure');
    await page.getByTestId('structure-areas').getByText('Gudang A').waitFor();
    await page.getByLabel('Departments: Name').fill('Gudang Baru');
    await page.getByRole('button', { name: 'Add' }).first().click();
    await page.getByTestId('structure-departments').getByText('Gudang Baru').waitFor();
    await shootAll(page, 'structure');
    await go('/settings/users', 'Users');
    await page.getByRole('button', { name: 'Employee record of Budi Santoso' }).first().waitFor();
    await shootAll(page, 'users-employee-link');
  });
});
