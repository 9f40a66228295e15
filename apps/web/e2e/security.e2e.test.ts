import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, assertBuilt, hasChromium, startServer, type RunningServer } from './harness';

/**
 * Issue 9 item 19 and the time zone item of issue 10, in a real Chromium against the built app:
 * the Content-Security-Policy the server sends lets the SPA, its service worker, Chart.js and the
 * camera capture work (no violation is reported), and times show in the organization's zone, named,
 * although the browser sits in New York.
 */

const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };

describe.skipIf(!hasChromium)('security headers and organization time in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const violations: string[] = [];
  const url = (p: string) => `${server.baseUrl}${p}`;

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    });
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      timezoneId: 'America/New_York',
      serviceWorkers: 'allow',
    });
    await context.grantPermissions(['camera'], { origin: server.baseUrl });
    // Every CSP violation in any page or worker is reported here.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(
          `CSP violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`,
        );
      });
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      if (/Content Security Policy|CSP violation/i.test(m.text())) violations.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('sends the policy with the shell and keeps the app framable by no one', async () => {
    const res = await page.request.get(url('/'));
    const csp = res.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(res.headers()['x-frame-options']).toBe('DENY');
  });

  it('sets up, registers the service worker, and draws charts without a CSP violation', async () => {
    await page.goto(url('/setup'));
    await page.getByLabel('Organization name').fill('PT Maju Jaya');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('button', { name: 'Account menu' }).waitFor();

    const sw = await page.evaluate(async () => {
      const reg = await Promise.race([
        navigator.serviceWorker.ready,
        new Promise<null>((r) => setTimeout(() => r(null), 15_000)),
      ]);
      return reg?.active?.scriptURL ?? null;
    });
    expect(sw).toMatch(/\/sw\.js$/);

    await page.goto(url('/reports'));
    await page.waitForSelector('h1');
    await page.locator('canvas').first().waitFor();
    expect(violations).toEqual([]);
  }, 60_000);

  it('shows audit times in the organization zone with its name, not the browser zone', async () => {
    await page.goto(url('/settings/audit'));
    await page.waitForSelector('h1');
    const cell = page
      .getByText(/GMT\+7/)
      .locator('visible=true')
      .first();
    await cell.waitFor();
    const text = await cell.innerText();
    // The setup ran at "now"; in Jakarta that is now + 7 h, in New York now - 5 h: they differ.
    const hourIn = (timeZone: string) =>
      new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date());
    expect(text).toContain(`${hourIn('Asia/Jakarta')}:`);
    expect(violations).toEqual([]);
  });

  it('starts the camera capture for enrolment under the policy', async () => {
    const created = await page.request.post(url('/api/employees'), {
      data: { employeeCode: 'E1', name: 'Budi Santoso' },
      headers: { 'x-csrf-token': await csrf(page, server.baseUrl) },
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await page.goto(url(`/employees/${id}/faces`));
    await page.getByRole('heading', { name: 'Face enrolment' }).waitFor();
    await page.getByRole('tab', { name: 'Use camera' }).click();
    await page.getByRole('button', { name: 'Start camera' }).click();
    // Polled with evaluate: waitForFunction compiles its predicate with eval, which the policy forbids.
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const v = document.querySelector('video');
            return v !== null && v.readyState >= 2 && v.videoWidth > 0;
          }),
        { timeout: 20_000 },
      )
      .toBe(true);
    expect(violations).toEqual([]);
  }, 60_000);
});

async function csrf(page: Page, baseUrl: string): Promise<string> {
  const res = await page.request.get(`${baseUrl}/api/auth/session`);
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}
