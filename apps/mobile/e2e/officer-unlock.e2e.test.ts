import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  cameraReady,
  DATA,
  launchPhone,
  makeClip,
  photosOf,
  shot,
  skipReason,
  startServer,
  type E2eServer,
} from './support';

/**
 * The phone app's second half in Debian's Chromium at 390×844, each phone's camera fed from real LFW
 * photos: an officer records three members one after another (1:N at their site, name and score to
 * confirm); a still photo held to the camera fails the liveness check; another person's face fails
 * verification; the PIN and the face unlock a registered phone; a site's geofence lets a check-in from
 * inside through. Screenshots of every screen in both themes and three languages.
 */
const PEOPLE = ['Tony_Blair', 'Abdullah_Gul', 'Colin_Powell'] as const;
const SKIP = skipReason(PEOPLE);
if (SKIP) console.warn(`[skip] mobile officer/unlock e2e skipped: ${SKIP}`);
const PASSWORD = 'member-password-1';
const MONAS = { latitude: -6.1754, longitude: 106.8272 };
const photo = (person: string, n: number) =>
  path.join(DATA, 'faces', person, `${person}_${String(n).padStart(4, '0')}.jpg`);
const b64 = (person: string, n: number) => fs.readFileSync(photo(person, n)).toString('base64');

describe.skipIf(SKIP !== null)('officer capture, liveness, verification and unlock (390×844)', () => {
  let server: E2eServer;
  let api: ReturnType<typeof apiClient>;
  let clipDir = '';
  let context: BrowserContext | null = null;
  let page: Page;
  const ids: Record<string, string> = {};
  let officerId = '';
  let siteId = '';

  const phone = async (clip: string, geolocation?: { latitude: number; longitude: number }) => {
    ({ context, page } = await launchPhone(clip, geolocation ? { geolocation } : {}));
    await page.goto(`${server.base}/m/`);
    await page.evaluate(() => {
      localStorage.setItem('hadir.m.locale', 'en');
      localStorage.setItem('hadir.theme', 'light');
    });
    await page.reload();
  };
  const signIn = async (email: string) => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const main = () => page.getByRole('main');
  const checkIn = () => main().getByRole('button', { name: 'Check in' });
  const tab = (name: string | RegExp) => page.getByRole('navigation').getByRole('button', { name });
  const eventsOf = async (memberId: string) => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());
    const day = await api<{ events: { source: string; recordedBy?: string | null }[] }>(
      'GET',
      `/api/attendance/days/${memberId}/${today}`,
    );
    return day.events;
  };

  beforeAll(async () => {
    clipDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-mobile-clips-'));
    server = await startServer();
    api = apiClient(server.base);
    await api('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
      admin: { name: 'Ani Admin', email: 'ani@maju.test', password: 'correct-horse-battery' },
    });
    siteId = (await api<{ id: string }>('POST', '/api/sites', { name: 'Jakarta North' })).id;
    const areaId = (await api<{ id: string }>('POST', '/api/areas', { name: 'Gate 1', siteId })).id;
    for (const [i, person] of PEOPLE.entries()) {
      ids[person] = (
        await api<{ id: string }>('POST', '/api/employees', {
          employeeCode: `EMP00${i + 1}`,
          name: person.replace('_', ' '),
          areaId,
        })
      ).id;
      // Registered by the admin (approved at once) from two photos; the cameras show others.
      await api('POST', `/api/members/${ids[person]}/face/register`, {
        face_images: [b64(person, 1), b64(person, 2)],
        consent: true,
      });
    }
    ids.rina = (
      await api<{ id: string }>('POST', '/api/employees', {
        employeeCode: 'EMP009',
        name: 'Rina Wati',
        areaId,
      })
    ).id;
    await api('POST', '/api/users', {
      name: 'Tony Blair',
      email: 'tony@maju.test',
      password: PASSWORD,
      role: 'member',
      employeeId: ids.Tony_Blair,
    });
    await api('POST', '/api/users', {
      name: 'Rina Wati',
      email: 'rina@maju.test',
      password: PASSWORD,
      role: 'member',
      employeeId: ids.rina,
    });
    officerId = (
      await api<{ userId: string }>('POST', '/api/users', {
        name: 'Petugas Budi',
        email: 'budi@maju.test',
        password: PASSWORD,
        role: 'officer',
      })
    ).userId;
    await api('PUT', `/api/mobile/officers/${officerId}/sites`, { site_ids: [siteId] });
    await api('PUT', '/api/mobile/settings', { officers_restricted_to_sites: true });
  });
  afterEach(async () => {
    await context?.close();
    context = null;
  });
  afterAll(async () => {
    server?.close();
    fs.rmSync(clipDir, { recursive: true, force: true });
  });

  it('an officer recognizes three members one after another (name and score to confirm) and records them', async () => {
    // The camera shows three people in turn, 3 s each (a queue at the gate).
    const clip = makeClip(
      clipDir,
      'three',
      PEOPLE.map((p) => photo(p, 3)),
      3,
    );
    await phone(clip);
    await signIn('budi@maju.test');
    await main().getByRole('heading', { name: 'Capture session' }).waitFor();
    expect(await page.getByLabel('Site').inputValue()).toBe(siteId);
    await cameraReady(page);
    const recorded = new Set<string>();
    for (let i = 0; i < 40 && recorded.size < 3; i++) {
      await main().getByRole('button', { name: 'Recognize' }).click();
      const found = page.getByTestId('found');
      const outcome = page.getByTestId('officer-outcome');
      await found.or(outcome).first().waitFor({ timeout: 60_000 });
      if (await found.isVisible()) {
        const name = (await found.locator('p').first().textContent()) ?? '';
        expect(await found.textContent()).toMatch(/Score 0\.\d\d/);
        if (recorded.size === 0) await shot(page, 'officer-found-light-en');
        if (recorded.has(name)) {
          await found.getByRole('button', { name: 'Not them' }).click();
        } else {
          await found.getByRole('button', { name: 'Record' }).click();
          await outcome.waitFor({ timeout: 60_000 });
          if ((await outcome.textContent())?.includes('recorded')) recorded.add(name);
        }
      }
      await page.waitForTimeout(500);
    }
    expect([...recorded].sort()).toEqual(['Abdullah Gul', 'Colin Powell', 'Tony Blair']);
    await expect.poll(() => page.getByText('3 recorded in this session').count()).toBe(1);
    for (const person of PEOPLE) {
      const events = await eventsOf(ids[person]!);
      expect(events.filter((e) => e.source === 'officer')).toHaveLength(1);
    }
    // Fallback: search by name; a member without a face can be registered with their consent.
    await main().getByLabel('Name or code').fill('Rina');
    const row = page.getByTestId('matches').locator('li').first();
    await row.waitFor();
    await row.getByRole('button', { name: 'Register face' }).click();
    await page.getByTestId('consent').waitFor();
    expect(await page.getByTestId('consent').textContent()).toMatch(/I, Rina Wati, agree/);
    await shot(page, 'officer-consent-light-en');
    await page.getByTestId('consent').getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Record' }).click();
    await expect
      .poll(async () => page.getByTestId('officer-outcome').textContent())
      .toMatch(/Rina Wati recorded/);
  });

  it('offline, an officer’s capture is queued on the phone and, back online, recorded exactly once', async () => {
    /** Officer records of Colin Powell on the server, with who recorded them. */
    const officerRecords = async () => {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());
      return api<{ recordedByName: string | null }[]>(
        'GET',
        `/api/attendance/mobile-records?from=${today}&to=${today}&source=officer&employeeId=${ids.Colin_Powell}`,
      );
    };
    const powell = makeClip(clipDir, 'powell', photosOf('Colin_Powell', 10));
    await phone(powell);
    await signIn('budi@maju.test');
    await main().getByRole('heading', { name: 'Capture session' }).waitFor();
    await cameraReady(page);
    // The shell is cached by the service worker, the member list and sites by the capture screen.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.waitForTimeout(1000);
    const before = (await officerRecords()).length;

    await context!.setOffline(true);
    await page.reload();
    await main().getByRole('heading', { name: 'Capture session' }).waitFor();
    expect(await page.getByLabel('Site').inputValue()).toBe(siteId);
    await cameraReady(page);
    await main().getByRole('button', { name: 'Recognize' }).click();
    await expect
      .poll(() => page.getByTestId('officer-outcome').textContent(), { timeout: 30_000 })
      .toMatch(/No network: the capture is saved/);
    // Offline search finds members in the cached list.
    await main().getByLabel('Name or code').fill('Powell');
    await page.getByTestId('matches').getByText('EMP003 · Colin Powell').waitFor();
    await shot(page, 'officer-offline-light-en');
    await tab(/Queue \(1\)/).click();
    expect(await page.getByTestId('queue').locator('li').count()).toBe(1);
    expect(await page.getByTestId('queue').textContent()).toMatch(/recognized at sync/);
    await shot(page, 'officer-queue-offline-light-en');
    expect(await officerRecords()).toHaveLength(before);

    await context!.setOffline(false);
    const result = page.getByTestId('sync-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(/1 recorded, 0 rejected/);
    expect(await page.getByTestId('queue').locator('li').count()).toBe(0);
    const after = await officerRecords();
    expect(after).toHaveLength(before + 1);
    expect(after.filter((r) => r.recordedByName === 'Petugas Budi').length).toBeGreaterThan(0);
    // Syncing again adds nothing.
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForTimeout(1000);
    expect(await officerRecords()).toHaveLength(before + 1);
  });

  it('a still photo fails the liveness check; the PIN then unlocks the phone', async () => {
    const still = makeClip(clipDir, 'still', [photo('Tony_Blair', 4)], 2);
    await phone(still);
    await signIn('tony@maju.test');
    await cameraReady(page);
    await checkIn().click();
    const outcome = page.getByTestId('outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.textContent()).toMatch(/Try again: Turn your head/);
    expect((await eventsOf(ids.Tony_Blair!)).filter((e) => e.source === 'mobile')).toHaveLength(0);

    await tab('Account').click();
    await main().getByLabel('New PIN').fill('2468');
    await main().getByLabel('Repeat the PIN').fill('2468');
    await main().getByRole('button', { name: 'Save PIN' }).click();
    await page.getByText('PIN saved').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Welcome back, Tony Blair' }).waitFor();
    await page.getByLabel('PIN').fill('1111');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByText('Wrong PIN.').waitFor();
    await page.getByLabel('PIN').fill('2468');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await checkIn().waitFor({ timeout: 30_000 });
  });

  it('another person’s face fails verification, at check-in and at face unlock', async () => {
    const gul = makeClip(clipDir, 'gul', photosOf('Abdullah_Gul', 10));
    await phone(gul);
    await signIn('tony@maju.test');
    await cameraReady(page);
    await checkIn().click();
    const outcome = page.getByTestId('outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.textContent()).toMatch(/Refused: The face does not match/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Unlock with my face' }).click();
    await cameraReady(page);
    await page.getByRole('button', { name: 'Look at the camera and turn your head' }).click();
    await page.getByText(/Face not verified/).waitFor({ timeout: 60_000 });
    expect((await eventsOf(ids.Tony_Blair!)).filter((e) => e.source === 'mobile')).toHaveLength(0);
  });

  it('the face unlocks the phone, a check-in from inside the site’s geofence is recorded, and leave is requested', async () => {
    await api('PUT', `/api/sites/${siteId}/geofence`, { ...MONAS, radius_m: 300 });
    const tony = makeClip(clipDir, 'tony', photosOf('Tony_Blair', 10));
    await phone(tony, MONAS);
    await signIn('tony@maju.test');
    await main().getByText('Your site checks where you are').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Unlock with my face' }).click();
    await cameraReady(page);
    await page.getByRole('button', { name: 'Look at the camera and turn your head' }).click();
    await checkIn().waitFor({ timeout: 60_000 });
    await cameraReady(page);
    await checkIn().click();
    const outcome = page.getByTestId('outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.textContent()).toMatch(/Recorded at/);
    expect((await eventsOf(ids.Tony_Blair!)).filter((e) => e.source === 'mobile')).toHaveLength(1);

    // My leave: a request through the leave module, then its status in the list.
    await tab('Leave').click();
    await main().getByLabel('From').fill('15/12/2026');
    await main().getByLabel('To').fill('16/12/2026');
    await main().getByRole('button', { name: 'Request leave' }).click();
    await page.getByTestId('leave-outcome').waitFor({ timeout: 30_000 });
    const list = page.getByTestId('leave-list');
    await list.locator('li').first().waitFor();
    expect(await list.textContent()).toMatch(/15\/12\/2026 – 16\/12\/2026.*Pending/);
    const mine = await api<{ employeeId: string; fromDate: string; status: string }[]>(
      'GET',
      '/api/leave/requests?scope=all',
    );
    expect(mine.filter((r) => r.employeeId === ids.Tony_Blair)).toMatchObject([
      { fromDate: '2026-12-15', status: 'pending' },
    ]);
  });
  it('screenshots every screen at 390×844 in light and dark, in English, Indonesian and Vietnamese', async () => {
    const tony = makeClip(clipDir, 'tony-walk', photosOf('Tony_Blair', 10));
    await phone(tony, MONAS);
    const forget = async () => {
      await context!.clearCookies();
      await page.evaluate(() => {
        localStorage.removeItem('hadir.m.device');
        localStorage.removeItem('hadir.m.who');
        localStorage.removeItem('hadir.m.me');
      });
    };
    const setUp = async (lang: string, theme: string) => {
      await page.evaluate(
        ([l, th]) => {
          localStorage.setItem('hadir.m.locale', l!);
          localStorage.setItem('hadir.theme', th!);
        },
        [lang, theme],
      );
      await page.reload();
    };
    // Language-neutral selectors: the labels change with the language.
    const login = async (email: string) => {
      await page.locator('input[type=email]').fill(email);
      await page.locator('input[type=password]').fill(PASSWORD);
      await page.locator('form button[type=submit]').click();
      await page.locator('nav, video').first().waitFor({ timeout: 30_000 });
    };
    const signOut = () => page.locator('header button').last().click();
    const tabs = () => page.getByRole('navigation').getByRole('button');
    let count = 0;
    for (const lang of ['en', 'id', 'vi']) {
      for (const theme of ['light', 'dark']) {
        const name = (screen: string) => `${screen}-${theme}-${lang}`;
        const snap = async (screen: string) => {
          await page.waitForTimeout(300);
          await shot(page, name(screen));
          count++;
        };
        await forget();
        await setUp(lang, theme);
        await page.locator('input[type=email]').waitFor();
        await snap('signin');
        await login('rina@maju.test');
        await cameraReady(page);
        await snap('register');

        await forget();
        await setUp(lang, theme);
        await login('tony@maju.test');
        await cameraReady(page);
        await snap('checkin');
        await tabs().nth(1).click();
        await page.waitForTimeout(500);
        await snap('history');
        await tabs().nth(2).click();
        await page.locator('select').nth(1).waitFor();
        await snap('leave');
        await tabs().nth(3).click();
        await snap('queue');
        await tabs().nth(4).click();
        const pins = main().locator('input[type=password]');
        await pins.nth(0).fill('2468');
        await pins.nth(1).fill('2468');
        await main().locator('form button[type=submit]').click();
        await page.getByTestId('account-outcome').waitFor();
        await snap('account');
        await signOut();
        await page.getByRole('navigation').waitFor({ state: 'detached' });
        await page.locator('input[type=password]').waitFor();
        await snap('unlock-pin');
        await main().getByRole('button').nth(1).click();
        await cameraReady(page);
        await snap('unlock-face');

        await forget();
        await setUp(lang, theme);
        await login('budi@maju.test');
        await cameraReady(page);
        await snap('officer');
        await main().locator('input[type=search]').fill('Rina');
        const row = page.getByTestId('matches').locator('li').first();
        await row.waitFor();
        await snap('officer-search');
        await row.getByRole('button').first().click();
        await page.getByTestId('consent').waitFor();
        await cameraReady(page);
        await page.getByTestId('consent').scrollIntoViewIfNeeded();
        await snap('officer-consent');
      }
    }
    expect(count).toBe(3 * 2 * 12);
  }, 900_000);
});
