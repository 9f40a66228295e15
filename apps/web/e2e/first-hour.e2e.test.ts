import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
// eslint-disable-next-line no-restricted-imports -- test-only: the loopback WhatsApp Graph API fake
import { startFakeGraphApi, type FakeGraphApi } from '@hadir/testing';
import {
  SCREENSHOT_DIR,
  assertBuilt,
  hasChromium,
  launchBrowser,
  shootAll,
  startServer,
  type RunningServer,
} from './harness';

const SHOTS = path.join(SCREENSHOT_DIR, 'first-hour');
const ADMIN = { name: 'Dewi Lestari', email: 'dewi@example.com', password: 'correct-horse-42' };
const TOKEN = 'EAAG-e2e-token';

/** Cookie + CSRF client for arranging data; the UI is exercised where the issue was. */
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
  post = <T>(url: string, body: unknown = {}) => this.call<T>('POST', url, body);
  patch = <T>(url: string, body: unknown) => this.call<T>('PATCH', url, body);
}

const shoot = (page: Page, name: string) =>
  shootAll(page, name, { dir: SHOTS, settleMs: 300, warnOverflow: true });

/**
 * What a new admin hit in the first hour, in a real browser: WhatsApp templates on the channel form
 * (preview, Send test as template, refusal explained, resend), cameras disabled/enabled, the camera id
 * made from the name, and the dashboard's camera summary.
 */
describe.skipIf(!hasChromium)('first hour in the dashboard', () => {
  let server: RunningServer;
  let graph: FakeGraphApi;
  let admin: Api;
  let channelId: string;
  const url = (p: string) => `${server.baseUrl}${p}`;

  beforeAll(async () => {
    assertBuilt();
    graph = await startFakeGraphApi({
      accessToken: TOKEN,
      enforceServiceWindow: true,
      templates: [{ name: 'hadir_alert', language: 'en', bodyParameters: 3 }],
    });
    server = await startServer({
      dataDirPrefix: 'hadir-fh-e2e-',
      env: (dataDir) => ({ HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config') }),
    });
    admin = new Api(server.baseUrl);
    await admin.post('/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: ADMIN,
    });
    channelId = (
      await admin.post<{ id: string }>('/api/notification-channels', {
        type: 'whatsapp_cloud',
        name: 'WhatsApp Kantor',
        settings: { baseUrl: graph.baseUrl, phoneNumberId: '1234567890' },
        secrets: { accessToken: TOKEN },
      })
    ).id;
    // Without a template WhatsApp refuses a message to someone who has not written: a failed row.
    const refused = await admin.post<{ ok: boolean }>(`/api/notification-channels/${channelId}/test`, {
      to: '+6281234567890',
    });
    expect(refused.ok).toBe(false);
    await admin.post('/api/cameras', {
      id: 'gudang-a',
      name: 'Camera Gudang A',
      source: 'rtsp://127.0.0.1:1/a',
    });
    await admin.post('/api/cameras', { id: 'lobby', name: 'Lobby', source: 'rtsp://127.0.0.1:1/b' });
    await admin.patch('/api/cameras/lobby', { enabled: false });
  });
  afterAll(async () => {
    await server?.stop();
    await graph?.close();
  });

  it('sets a WhatsApp template with a preview, sends the test as it, explains and resends a refusal', async () => {
    const b = await launchBrowser();
    const { page } = b;
    page.setDefaultTimeout(30_000);
    try {
      await page.goto(url('/'));
      await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
      await page.goto(url('/'));
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor({ state: 'detached' });

      // The dashboard does not claim every camera runs while one is disabled.
      await page
        .getByText('All enabled cameras are running (1 disabled)')
        .filter({ visible: true })
        .first()
        .waitFor();
      await shoot(page, 'dashboard');
      // On a phone the secondary filters wait behind a toggle so the list starts on the first screen.
      await page.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => page.getByLabel('Area').isVisible()).toBe(false);
      await page.getByRole('button', { name: 'More filters' }).click();
      await expect.poll(() => page.getByLabel('Area').isVisible()).toBe(true);
      await page.getByLabel('Area').selectOption({ index: 0 });
      await page.getByRole('button', { name: 'Fewer filters' }).click();
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-filters-closed-phone.png') });
      await page.goto(url('/presence-log'));
      await page.getByRole('button', { name: 'More filters' }).waitFor();
      await page.getByLabel('From').waitFor();
      await expect.poll(() => page.getByLabel('Camera', { exact: true }).isVisible()).toBe(false);
      await page.screenshot({ path: path.join(SHOTS, 'presence-log-filters-closed-phone.png') });
      await page.setViewportSize({ width: 1440, height: 900 });
      await expect.poll(() => page.getByLabel('Camera', { exact: true }).isVisible()).toBe(true);

      await page.goto(url('/settings/notifications'));
      const outboxError = page
        .getByText(/WhatsApp refused free text.*\(code 131047\)/)
        .filter({ visible: true })
        .first();
      await outboxError.waitFor();
      await shoot(page, 'notifications-refused');

      await page
        .locator('[data-testid="channel-row"]', { hasText: 'WhatsApp Kantor' })
        .getByRole('button', { name: 'Edit' })
        .click();
      const slot = page.getByTestId('wa-template-alert');
      await slot.getByLabel(/Use a template: Alerts/).check();
      await slot.getByLabel('Template name').fill('hadir_alert');
      await slot.getByLabel('Template language').fill('en');
      await slot.getByLabel('Body parameters, in order 1').selectOption('employeeName');
      await slot.getByRole('button', { name: 'Add parameter' }).click();
      await slot.getByLabel('Body parameters, in order 2').selectOption('cameraName');
      await slot.getByRole('button', { name: 'Add parameter' }).click();
      await slot.getByLabel('Body parameters, in order 3').selectOption('duration');
      await slot.getByLabel(/Approved body text/).fill('{{1}} has not been seen at {{2}} for {{3}}.');
      await expect
        .poll(() => page.getByTestId('wa-preview-alert').innerText())
        .toContain('Budi Santoso has not been seen at Camera Gudang A for 6 minutes.');
      await shoot(page, 'channel-form-template');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('wa-templates').waitFor({ state: 'detached' });

      // Resend the refused message: it now goes as the template.
      await page.getByRole('button', { name: 'Resend' }).first().click();
      await page.getByText('Sent as template hadir_alert').filter({ visible: true }).first().waitFor();
      expect(graph.messages.at(-1)).toMatchObject({ type: 'template' });

      await page
        .locator('[data-testid="channel-row"]', { hasText: 'WhatsApp Kantor' })
        .getByRole('button', { name: 'Send test' })
        .click();
      await page.getByLabel('Phone number').fill('+6281299999999');
      await expect.poll(() => page.getByLabel('Send as').inputValue()).toBe('alert');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByRole('dialog').getByText('Sent as template hadir_alert').waitFor();
      expect(graph.messages.at(-1)?.text).toBe('Test | Camera 1 | 6 minutes');
      await page.getByRole('button', { name: 'Close' }).last().click();
      await shoot(page, 'notifications');

      // Cameras: a disabled camera says so; the id of a new one comes from its name.
      await page.goto(url('/cameras'));
      const lobby = page.locator('[data-testid="camera-card"][data-camera-id="lobby"]');
      await lobby.getByText('Disabled').filter({ visible: true }).first().waitFor();
      await expect.poll(() => lobby.getAttribute('data-state')).toBe('disabled');
      await lobby.getByRole('button', { name: 'Enable' }).click();
      await page.getByText('Lobby enabled').waitFor();
      await page
        .locator('[data-testid="camera-card"][data-camera-id="gudang-a"]')
        .getByRole('button', { name: 'Disable' })
        .click();
      await page.getByText('Camera Gudang A disabled').waitFor();
      await shoot(page, 'cameras');
      await page.getByRole('button', { name: 'Add camera' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Pintu Masuk Utara');
      await expect.poll(() => page.getByLabel('Camera ID').inputValue()).toBe('pintu-masuk-utara');
      await shoot(page, 'camera-form');
    } catch (error) {
      await page.screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true }).catch(() => undefined);
      console.error(await page.evaluate(() => document.body.innerText).catch(() => ''));
      throw error;
    } finally {
      await b.close();
    }
  }, 240_000);

  it('enters dates as dd/mm/yyyy in Indonesian and downloads a PDF fit to hand over', async () => {
    const budi = await admin.post<{ id: string }>('/api/employees', {
      employeeCode: 'EMP001',
      name: 'Budi Santoso',
    });
    await admin.post('/api/employees', { employeeCode: 'EMP002', name: 'Nguyễn Thị Phương Thảo' });
    await admin.patch('/api/auth/me', { locale: 'id' });
    const b = await launchBrowser();
    const { page } = b;
    page.setDefaultTimeout(30_000);
    try {
      await page.goto(url('/'));
      await page.evaluate(() => localStorage.setItem('hadir.lang', 'id'));
      await page.goto(url('/'));
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Kata sandi', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Masuk' }).click();
      await page.getByRole('heading', { name: 'Masuk', level: 1 }).waitFor({ state: 'detached' });
      await page.goto(url('/reports'));
      const from = page.getByLabel('Dari', { exact: true });
      // dd/mm/yyyy whatever the browser's own language (Chromium here runs in en-US: mm/dd/yyyy).
      await expect.poll(() => from.inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      expect(await from.getAttribute('placeholder')).toBe('hh/bb/tttt');
      const to = await page.getByLabel('Sampai', { exact: true }).inputValue();
      const [dd, mm, yyyy] = to.split('/');
      const toIso = `${yyyy}-${mm}-${dd}`;
      const weekBefore = new Date(Date.parse(`${toIso}T12:00:00Z`) - 6 * 86_400_000);
      const day = (n: number) => String(n).padStart(2, '0');
      const typed = `${weekBefore.getUTCDate()}/${weekBefore.getUTCMonth() + 1}/${weekBefore.getUTCFullYear()}`;
      await from.fill(typed);
      await from.blur();
      const fromIso = `${weekBefore.getUTCFullYear()}-${day(weekBefore.getUTCMonth() + 1)}-${day(weekBefore.getUTCDate())}`;
      await expect
        .poll(() => from.inputValue())
        .toBe(`${fromIso.slice(8)}/${fromIso.slice(5, 7)}/${fromIso.slice(0, 4)}`);
      const pdfLink = page.getByRole('link', { name: 'Ekspor PDF' }).first();
      await expect.poll(() => pdfLink.getAttribute('href')).toContain(`from=${fromIso}`);
      // A date that does not exist is explained, not sent.
      await from.fill('31/02/2026');
      await from.blur();
      await page
        .getByText('Bukan tanggal; tulis sebagai hh/bb/tttt')
        .filter({ visible: true })
        .first()
        .waitFor();
      await shoot(page, 'reports-date-invalid-id');
      await from.fill(typed);
      await from.blur();
      await shoot(page, 'reports-dates-id');

      const [download] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
      const file = path.join(SHOTS, 'attendance-report-id.pdf');
      await download.saveAs(file);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('Laporan kehadiran');
      expect(text).toContain('Kehadiran per hari');
      expect(text).toMatch(/EMP002\s+Nguyễn Thị Phương Thảo/);
      expect(text).toMatch(/Halaman 1 dari \d/);
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      execFileSync('pdftoppm', ['-png', '-r', '70', file, path.join(SHOTS, 'attendance-report-id')]);

      // The active face pack and whether its licence allows commercial use (as the log and /readyz say).
      await page.goto(url(`/employees/${budi.id}/faces`));
      const pack = page.getByTestId('face-pack');
      await pack.waitFor();
      expect(await pack.innerText()).toMatch(
        /Paket model wajah: blazeface_faceapi[\s\S]*Boleh untuk penggunaan komersial/,
      );
      await shoot(page, 'face-pack-id');
    } catch (error) {
      await page
        .screenshot({ path: path.join(SHOTS, 'failure-dates.png'), fullPage: true })
        .catch(() => undefined);
      throw error;
    } finally {
      await b.close();
    }
  }, 180_000);
});
