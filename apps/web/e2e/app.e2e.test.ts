import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  SCREENSHOT_DIR,
  assertBuilt,
  hasChromium,
  horizontalOverflow,
  launchBrowser,
  shootAll,
  shootOne,
  startServer,
  type RunningServer,
} from './harness';

/**
 * The whole signed-in journey against a real server and a real Chromium: setup → logout → login →
 * employees CRUD → CSV import → theme → language, with screenshots of every page.
 */

if (!hasChromium)
  console.warn('Skipping web e2e: /usr/bin/chromium is not installed (apt-get install chromium).');

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };

describe.skipIf(!hasChromium)('web app end to end', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let employeesReady = false;

  const url = (p: string) => `${server.baseUrl}${p}`;
  const go = async (p: string) => {
    await page.goto(url(p));
    await page.waitForSelector('h1');
  };

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(20_000);
  });

  afterEach(async (ctx) => {
    // Leave a picture of the moment a step failed next to the other screenshots.
    if (ctx.task.result?.state === 'fail' && page) {
      const file = path.join(SCREENSHOT_DIR, `FAILED-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.warn(`Failure screenshot: ${file} (url ${page.url()})`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    console.log(`Screenshots: ${SCREENSHOT_DIR}`);
  });

  it('runs the setup wizard and lands signed in', async () => {
    await page.goto(url('/employees'));
    await page.waitForURL(/\/setup$/);
    await page.getByLabel('Organization name').fill('PT Maju Jaya');
    await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('Asia/Jakarta');
    await shootAll(page, 'setup-1');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill('something-else-1');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect(page.getByText('The passwords do not match').isVisible()).resolves.toBe(true);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await shootAll(page, 'setup-2');
    await page.getByRole('button', { name: 'Create organization' }).click();

    await page.getByRole('button', { name: 'Account menu' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const res = await page.request.get(url('/api/employees?pageSize=1'));
    employeesReady = res.ok();
    if (!employeesReady)
      console.warn(`Employee routes answer ${res.status()}; employee steps will be skipped.`);
  });

  it('signs out, rejects a wrong password, and signs back in', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await shootAll(page, 'login');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Account menu' }).waitFor();
  });

  it('creates, edits and deletes an employee', async (ctx) => {
    if (!employeesReady) ctx.skip();
    await page.getByRole('link', { name: 'Employees', exact: true }).click();
    await page.getByRole('heading', { name: 'Employees', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'New employee' }).first().click();
    await page.getByRole('heading', { name: 'New employee', level: 1 }).waitFor();

    await page.getByLabel('Employee code').fill('EMP001');
    await page.getByLabel('Full name').fill('Agus Wijaya');
    await page.getByLabel('Email').fill('agus@example.com');
    await page.getByLabel('Phone').fill('12');
    await page.getByRole('button', { name: 'Save' }).click();
    // Client-side check with the shared contract, shown on the field.
    await page.getByText('Use a phone number like +6281234567890').first().waitFor();
    await page.getByLabel('Phone').fill('+62 812 3456 7890');
    await page.getByLabel('WhatsApp').fill('+6281234567890');
    await shootAll(page, 'employee-new');
    await page.getByRole('button', { name: 'Save' }).click();

    await page.getByRole('heading', { name: 'Employees', level: 1 }).waitFor();
    await page.locator('tbody tr', { hasText: 'Agus Wijaya' }).waitFor();

    // Server-side validation: a duplicate code is refused and shown on the form.
    await page.getByRole('link', { name: 'New employee' }).first().click();
    await page.getByLabel('Employee code').fill('EMP001');
    await page.getByLabel('Full name').fill('Someone Else');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/employees/new');
    await page.getByRole('link', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Edit: Agus Wijaya' }).click();
    await page.getByRole('heading', { name: 'Edit employee', level: 1 }).waitFor();
    await expect(page.getByLabel('Employee code').inputValue()).resolves.toBe('EMP001');
    await page.getByLabel('Full name').fill('Agus Wijaya Putra');
    await page.getByLabel('Status').selectOption('on_leave');
    await shootAll(page, 'employee-edit');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .locator('tbody tr', { hasText: 'Agus Wijaya Putra' })
      .filter({ hasText: 'On leave' })
      .waitFor();

    await page.getByRole('button', { name: 'Delete: Agus Wijaya Putra' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete employee?' });
    await dialog.waitFor();
    await shootAll(page, 'employee-delete-dialog');
    await dialog.getByRole('button', { name: 'Delete employee' }).click();
    await page.getByText('No employees yet').waitFor();
  });

  it('imports a CSV file and shows the rows in the list', async (ctx) => {
    if (!employeesReady) ctx.skip();
    const csv = [
      'employee_code,badge_id,name,department,position,email,phone,whatsapp,supervisor_code,status',
      'IMP001,B-1001,Siti Rahayu,Produksi,Operator,siti@example.com,+6281234567001,+6281234567001,IMP002,active',
      'IMP002,B-1002,Budi Santoso,Produksi,Supervisor,budi@example.com,+6281234567002,+6281234567002,,active',
      'IMP003,,Nguyễn Văn An,Kho,Staff,an@example.com,+84912345678,,IMP002,active',
      'IMP004,,Bad Email Person,Kho,,not-an-email,,,,active',
    ].join('\n');
    await go('/employees/import');
    await page.getByRole('heading', { name: 'Import employees', level: 1 }).waitFor();
    await page.locator('input[type=file]').setInputFiles({
      name: 'employees.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    await page.getByRole('heading', { name: 'Problems found' }).waitFor();
    const stats = await page.getByTestId('import-stats').innerText();
    expect(stats).toMatch(/Rows\s+4/);
    expect(stats).toMatch(/Valid\s+3/);
    expect(stats).toMatch(/With errors\s+1/);
    await shootAll(page, 'import-preview');

    await page.getByRole('button', { name: 'Import only valid rows' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    expect(await page.getByTestId('import-result').innerText()).toMatch(/Created\s+3/);
    await shootAll(page, 'import-result');
    await page.getByRole('link', { name: 'Back to employees' }).click();
    for (const name of ['Siti Rahayu', 'Budi Santoso', 'Nguyễn Văn An']) {
      await page.getByRole('cell', { name }).first().waitFor();
    }
    await expect(page.getByRole('cell', { name: 'Bad Email Person' }).count()).resolves.toBe(0);
  });

  it('switches the theme and keeps it', async () => {
    await go('/');
    const html = page.locator('html');
    const bodyBg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await html.getAttribute('data-theme')).toBe('light');
    expect(await bodyBg()).toBe('rgb(245, 245, 245)');

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await html.getAttribute('data-theme')).toBe('dark');
    expect(await html.getAttribute('class')).toContain('dark');
    expect(await bodyBg()).toBe('rgb(14, 17, 36)');

    await page.reload();
    await page.waitForSelector('h1');
    expect(await html.getAttribute('data-theme')).toBe('dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await html.getAttribute('data-theme')).toBe('light');
    expect(await bodyBg()).toBe('rgb(245, 245, 245)');
  });

  it('switches the language to Indonesian and Vietnamese', async () => {
    await go('/');
    const pick = async (language: string) => {
      await page.getByTestId('language-menu').click();
      await page.getByRole('menuitemradio', { name: language }).click();
    };
    await pick('Bahasa Indonesia');
    await page.getByRole('link', { name: 'Karyawan', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('id');
    await pick('Tiếng Việt');
    await page.getByRole('link', { name: 'Nhân viên', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Cài đặt' }).or(page.getByText('Cài đặt')).first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    // The choice is saved on the account: it survives a reload.
    await page.reload();
    await page.getByRole('link', { name: 'Nhân viên', exact: true }).waitFor();
    await pick('English');
    await page.getByRole('link', { name: 'Employees', exact: true }).waitFor();
  });

  it('offers an organization switcher and, after login, a picker when there are several', async () => {
    const session = (await (await page.request.get(url('/api/auth/session'))).json()) as {
      csrfToken: string;
    };
    const created = await page.request.post(url('/api/organizations'), {
      data: { name: 'CV Sinar Baru' },
      headers: { 'x-csrf-token': session.csrfToken },
    });
    expect(created.status()).toBe(201);
    await go('/');
    await page.getByTestId('org-switcher').click();
    await page.getByRole('menuitemradio', { name: 'CV Sinar Baru' }).click();
    await page.getByTestId('org-switcher').filter({ hasText: 'CV Sinar Baru' }).waitFor();

    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose an organization', level: 1 }).waitFor();
    await shootAll(page, 'organization-picker');
    await page.getByRole('button', { name: /PT Maju Jaya/ }).click();
    await page.getByTestId('org-switcher').filter({ hasText: 'PT Maju Jaya' }).waitFor();
  });

  it('screenshots every page; nothing overflows at 360 px in any language', async () => {
    const pages: [string, string][] = [
      ['home', '/'],
      ['organization', '/settings/organization'],
      ['users', '/settings/users'],
      ['tokens', '/settings/tokens'],
      ['audit', '/settings/audit'],
      ['account', '/account'],
      ['not-found', '/no-such-page'],
    ];
    if (employeesReady) {
      pages.push(
        ['employees', '/employees'],
        ['employee-form', '/employees/new'],
        ['import', '/employees/import'],
      );
    }
    for (const [name, path] of pages) {
      await go(path);
      await page.waitForLoadState('networkidle');
      await shootAll(page, name);
    }

    // The drawer (phone navigation) and the user menu.
    await page.setViewportSize({ width: 390, height: 844 });
    await go('/');
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.getByRole('dialog', { name: 'Main navigation' }).waitFor();
    await shootOne(page, 'drawer-light-phone.png');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Account menu' }).click();
    await shootOne(page, 'user-menu-light-phone.png');
    await page.keyboard.press('Escape');

    const problems: string[] = [];
    for (const [lang, label] of [
      ['id', 'Bahasa Indonesia'],
      ['vi', 'Tiếng Việt'],
      ['en', 'English'],
    ] as const) {
      await page.setViewportSize({ width: 1440, height: 900 });
      await go('/');
      await page.getByTestId('language-menu').click();
      await page.getByRole('menuitemradio', { name: label }).click();
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      for (const [name, path] of pages) {
        await page.setViewportSize({ width: 1440, height: 900 });
        await go(path);
        await page.waitForLoadState('networkidle');
        await page.setViewportSize({ width: 360, height: 740 });
        await page.waitForTimeout(100);
        for (const issue of await horizontalOverflow(page)) problems.push(`${lang} ${name}: ${issue}`);
        if (lang !== 'en') await shootOne(page, `${name}-${lang}-light-phone.png`, 360, 740);
      }
    }
    expect(problems).toEqual([]);
  }, 360_000);

  it('account page: own name and language, a wrong current password, and sign-out clears toasts', async () => {
    await go('/');
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();

    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password', { exact: true }).fill('another-horse-43');
    await page.getByLabel('Confirm new password').fill('another-horse-43');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is wrong.').waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Dewi L.');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Profile saved' }).waitFor();
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menu').filter({ hasText: 'Dewi L.' }).waitFor();
    await page.keyboard.press('Escape');

    // The "Profile saved" toast is still up: signing out must not carry it to the login screen.
    expect(await page.getByRole('status').filter({ hasText: 'Profile saved' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Profile saved' }).count()).toBe(0);
  });
});
