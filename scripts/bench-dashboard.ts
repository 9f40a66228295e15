/*
 * npm run bench -- dashboard [--employees 1000] [--rate 25] [--duration 20] [--idle 5] [--tick-ms 200]
 * The live dashboard with N employees: a real server (roles api,worker, SQLite, the built web app), N
 * employees through the CSV import, half of them "available", then headless Chromium (1440×900) signed in
 * as the admin. Measures the time to the first presence cards, then drives `rate` real presence changes
 * per second for `duration` seconds and records, in the page, frames per second (requestAnimationFrame),
 * long tasks (PerformanceObserver 'longtask'), the JS heap (performance.memory) and how long a change
 * takes from the database write to the card on screen. Prints a markdown table.
 *
 * How changes are made: there is no API that records a sighting for a fake person (sightings come from
 * the camera pipeline, in process), so the bench writes `employee_presence.last_seen_ts` in the SQLite
 * file (now → available; NULL → unknown/no coverage, since no camera covers anyone) and the server's own
 * presence tick (HADIR_PRESENCE_TICK_MS) evaluates everyone and publishes `presence.changed` over the
 * WebSocket, exactly as for camera sightings. Working hours are set to all day so nobody is outside hours.
 * Needs `npm run build -w @hadir/web` and /usr/bin/chromium.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { percentile } from './bench-stats.js';

// The root program has no DOM lib: the little the page-side callbacks touch, typed here.
declare const document: {
  querySelectorAll(selector: string): { length: number };
  querySelector(selector: string): { textContent: string | null } | null;
};
declare const localStorage: { setItem(key: string, value: string): void };
declare const window: unknown;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const DIST_DIR = path.join(root, 'apps/web/dist');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface RunningServer {
  baseUrl: string;
  dataDir: string;
  stop: () => Promise<void>;
}

/** A real server (api + worker: the presence tick) on a free port over a fresh data directory. */
async function startServer(tickMs: number): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-dash-'));
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/server/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HADIR_DATA_DIR: dataDir,
      HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
      HADIR_MODELS_DIR: path.join(dataDir, 'models'),
      HADIR_PRESENCE_TICK_MS: String(tickMs),
      HADIR_WEB_DIR: DIST_DIR,
      HADIR_ROLES: 'api,worker',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/api/setup`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 900) throw new Error(`server did not start within 90 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const ADMIN = { name: 'Bench Admin', email: 'bench@hadir.test', password: 'bench-password-123' };

/** A cookie + CSRF client for arranging data through the public API. */
class Api {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}
  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const isForm = body instanceof FormData;
    const res = await fetch(this.base + url, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? null : isForm ? body : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('hadir_session=')) this.cookie = set.split(';')[0] ?? '';
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
    const json = text ? (JSON.parse(text) as T & { csrfToken?: unknown }) : (undefined as T);
    if (json && typeof json === 'object' && 'csrfToken' in json && typeof json.csrfToken === 'string')
      this.csrf = json.csrfToken;
    return json;
  }
}

function employeesCsv(n: number): string {
  const lines = ['employee_code,badge_id,name,department,position,whatsapp,supervisor_code'];
  const first = ['Budi', 'Siti', 'Agus', 'Dewi', 'Rina', 'Joko', 'Nguyen', 'Tran', 'Linh', 'Putri'];
  const last = ['Santoso', 'Wijaya', 'Lestari', 'Hartono', 'Van An', 'Thi Bich', 'Saputra', 'Kurniawan'];
  for (let i = 0; i < n; i++) {
    const code = `EMP${String(i).padStart(5, '0')}`;
    const name = `${first[i % first.length]} ${last[(i * 7) % last.length]} ${i}`;
    lines.push(`${code},B${i},${name},Dept ${i % 25},Pos ${i % 9},+62812${String(i).padStart(7, '0')},`);
  }
  return lines.join('\n');
}

async function seed(server: RunningServer, employees: number): Promise<Api> {
  const api = new Api(server.baseUrl);
  await api.call('POST', '/api/setup', {
    organization: { name: 'PT Bench Jaya', timeZone: 'Asia/Jakarta', locale: 'en' },
    admin: ADMIN,
  });
  const allDay = { start: '00:00', end: '23:59' };
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  await api.call('PATCH', '/api/organization', {
    settings: { workingHours: Object.fromEntries(days.map((d) => [d, allDay])) },
  });
  const form = new FormData();
  form.append('file', new Blob([employeesCsv(employees)], { type: 'text/csv' }), 'employees.csv');
  const preview = await api.call<{ importId: string; validRows: number }>(
    'POST',
    '/api/employees/import',
    form,
  );
  if (preview.validRows !== employees) throw new Error(`seed: only ${preview.validRows} valid rows`);
  await api.call('POST', '/api/employees/import/commit', { importId: preview.importId });
  return api;
}

interface PresencePage {
  total?: number;
  items: { employeeId: string; state: string }[];
  counts?: Record<string, number>;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Installed before any page script: rAF frame log, long tasks, WebSocket message count, card changes. */
const INSTRUMENT = `(() => {
  const b = (window.__bench = { frames: [], longTasks: [], wsMessages: 0, changes: [] });
  const loop = (t) => { b.frames.push(t); requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { b.wsMessages++; });
    }
  };
  new MutationObserver((records) => {
    const at = Date.now();
    for (const r of records) {
      const el = r.target;
      if (el.dataset && el.dataset.testid === 'presence-card')
        b.changes.push({ code: el.dataset.employeeCode, state: el.dataset.state, at });
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
})();`;

interface WindowStats {
  seconds: number;
  fps: number;
  worstFrameMs: number;
  framesOver50ms: number;
  longTasks: number;
  longTaskMs: number;
  longestTaskMs: number;
  wsMessages: number;
}

const round = (n: number, d = 1) => (Number.isFinite(n) ? Number(n.toFixed(d)) : NaN);

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      employees: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '25' },
      duration: { type: 'string', default: '20' },
      idle: { type: 'string', default: '5' },
      'tick-ms': { type: 'string', default: '200' },
    },
  });
  const employees = Number(values.employees);
  const rate = Number(values.rate);
  const duration = Number(values.duration);
  const idle = Number(values.idle);
  const tickMs = Number(values['tick-ms']);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is not installed`);
  if (!fs.existsSync(path.join(DIST_DIR, 'index.html')))
    throw new Error('apps/web/dist is missing: run `npm run build -w @hadir/web` first');

  const server = await startServer(tickMs);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--enable-precise-memory-info'],
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
    colorScheme: 'light',
    serviceWorkers: 'block',
  });
  const chromeVersion = context.browser()?.version() ?? 'headless';
  let db: Database.Database | null = null;
  try {
    const t0 = Date.now();
    const api = await seed(server, employees);
    console.error(`seeded ${employees} employees in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Every employee gets a presence row from the first tick (unknown: never seen, no camera).
    db = new Database(path.join(server.dataDir, 'hadir.sqlite'));
    db.pragma('busy_timeout = 5000');
    const sqlite = db;
    await waitFor('presence rows', async () => {
      const { n } = sqlite.prepare('select count(*) as n from employee_presence').get() as { n: number };
      return n >= employees ? n : null;
    });
    const people = sqlite
      .prepare('select id, employee_code as code from employees order by employee_code')
      .all() as { id: string; code: string }[];
    const setSeen = sqlite.prepare('update employee_presence set last_seen_ts = ? where employee_id = ?');
    const available = new Set<string>();
    sqlite.transaction(() => {
      for (let i = 0; i < people.length; i += 2) {
        setSeen.run(Date.now(), people[i]!.id);
        available.add(people[i]!.id);
      }
    })();
    await waitFor('half of the employees available', async () => {
      const p = await api.call<PresencePage>('GET', '/api/presence?state=available&page=1&pageSize=1');
      return (p.total ?? 0) >= available.size ? true : null;
    });

    // Sign in through the UI, then measure a fresh load of the dashboard.
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    await page.goto(`${server.baseUrl}/`);
    await page.evaluate(() => localStorage.setItem('hadir.lang', 'en'));
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid="presence-card"]').first().waitFor();

    await context.addInitScript({ content: INSTRUMENT });
    const cdp = await context.newCDPSession(page);
    // Times are read in the page at the frame the cards appear (origin: navigation start).
    const cardsAt = async (min: number): Promise<number> => {
      const handle = await page.waitForFunction(
        (n) =>
          document.querySelectorAll('[data-testid="presence-card"]').length >= n ? performance.now() : 0,
        min,
        { polling: 'raf' },
      );
      return handle.jsonValue();
    };
    const loadStart = Date.now();
    await page.goto(`${server.baseUrl}/`);
    const firstCardNavMs = await cardsAt(1);
    const firstCardWallMs = Date.now() - loadStart;
    const fullPageNavMs = await cardsAt(48);
    const cardsShown = await page.locator('[data-testid="presence-card"]').count();
    await page.locator('[data-live="open"]').waitFor({ timeout: 30_000 });
    const visibleCodes = new Set(
      await page
        .locator('[data-testid="presence-card"]')
        .evaluateAll((els) =>
          els.map((e) => (e as unknown as { dataset: { employeeCode?: string } }).dataset.employeeCode ?? ''),
        ),
    );

    type Heap = { used: number; total: number };
    const heap = async (): Promise<Heap> => {
      await cdp.send('HeapProfiler.collectGarbage');
      return page.evaluate(() => {
        const m = (performance as unknown as { memory: { usedJSHeapSize: number; totalJSHeapSize: number } })
          .memory;
        return { used: m.usedJSHeapSize, total: m.totalJSHeapSize };
      });
    };
    const windowStats = async (fromMs: number, toMs: number): Promise<WindowStats> =>
      page.evaluate(
        ([from, to]) => {
          const b = (
            window as {
              __bench: {
                frames: number[];
                longTasks: { start: number; duration: number }[];
                wsMessages: number;
              };
            }
          ).__bench;
          const frames = b.frames.filter((t) => t >= from && t <= to);
          const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
          const tasks = b.longTasks.filter((t) => t.start >= from && t.start <= to);
          return {
            seconds: (to - from) / 1000,
            fps: ((frames.length - 1) * 1000) / (to - from),
            worstFrameMs: gaps.length ? Math.max(...gaps) : NaN,
            framesOver50ms: gaps.filter((g) => g > 50).length,
            longTasks: tasks.length,
            longTaskMs: tasks.reduce((s, t) => s + t.duration, 0),
            longestTaskMs: tasks.length ? Math.max(...tasks.map((t) => t.duration)) : 0,
            wsMessages: b.wsMessages,
          };
        },
        [fromMs, toMs] as const,
      );
    const now = () => page.evaluate(() => performance.now());
    const wsCount = () =>
      page.evaluate(() => (window as { __bench: { wsMessages: number } }).__bench.wsMessages);

    // Idle: the board open, nothing changing.
    await page.waitForTimeout(1000);
    const heapBefore = await heap();
    const idleFrom = await now();
    await page.waitForTimeout(idle * 1000);
    const idleStats = await windowStats(idleFrom, await now());

    // Live: `rate` changes per second, alternating cards on screen and people on other pages.
    const byCode = new Map(people.map((p) => [p.code, p.id]));
    const onScreen = [...visibleCodes].map((c) => byCode.get(c)).filter((id): id is string => !!id);
    const offScreen = people.map((p) => p.id).filter((id) => !onScreen.includes(id));
    const codeOf = new Map(people.map((p) => [p.id, p.code]));
    const writes: { code: string; state: string; at: number; visible: boolean }[] = [];
    const wsBefore = await wsCount();
    const liveFrom = await now();
    const started = Date.now();
    const total = Math.round(rate * duration);
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const visible = i % 2 === 0;
      const pool = visible ? onScreen : offScreen;
      const id = pool[Math.floor(i / 2) % pool.length]!;
      const becomesAvailable = !available.has(id);
      setSeen.run(becomesAvailable ? Date.now() : null, id);
      if (becomesAvailable) available.add(id);
      else available.delete(id);
      writes.push({
        code: codeOf.get(id)!,
        state: becomesAvailable ? 'available' : 'unknown',
        at: Date.now(),
        visible,
      });
    }
    const drivenSeconds = (Date.now() - started) / 1000;
    await page.waitForTimeout(Math.max(1000, tickMs * 3));
    const liveStats = await windowStats(liveFrom, await now());
    liveStats.wsMessages = (await wsCount()) - wsBefore;
    idleStats.wsMessages = wsBefore;
    const heapAfter = await heap();

    // Write → card latency for the cards on screen (first matching data-state change after the write).
    const changes = await page.evaluate(
      () =>
        (window as { __bench: { changes: { code: string; state: string; at: number }[] } }).__bench.changes,
    );
    const latencies: number[] = [];
    let missed = 0;
    for (const w of writes.filter((x) => x.visible)) {
      const seen = changes.find((c) => c.code === w.code && c.state === w.state && c.at >= w.at);
      if (seen) latencies.push(seen.at - w.at);
      else missed++;
    }
    latencies.sort((a, b) => a - b);
    const finalCounts = await page.evaluate(() =>
      ['available', 'off', 'unknown', 'outside_hours'].map(
        (s) => `${s} ${document.querySelector(`[data-testid="count-${s}"]`)?.textContent ?? '?'}`,
      ),
    );

    const mb = (b: number) => round(b / 1024 / 1024, 1);
    const row = (name: string, s: WindowStats) =>
      `| ${name} | ${round(s.seconds)} | ${round(s.fps)} | ${round(s.worstFrameMs)} | ${s.framesOver50ms} | ${s.longTasks} | ${round(s.longTaskMs, 0)} | ${round(s.longestTaskMs, 0)} | ${s.wsMessages} |`;
    const out = [
      `Dashboard, ${employees} employees, ${cardsShown} cards on screen, Chromium ${chromeVersion} 1440×900, presence tick ${tickMs} ms`,
      '',
      '| Load | ms |',
      '| --- | ---: |',
      `| goto → first card seen by the bench (wall clock, incl. polling) | ${firstCardWallMs} |`,
      `| navigation start → first card (in page) | ${round(firstCardNavMs, 0)} |`,
      `| navigation start → ${cardsShown} cards (in page) | ${round(fullPageNavMs, 0)} |`,
      '',
      '| Window | s | FPS | worst frame ms | frames > 50 ms | long tasks | long-task ms | longest ms | WS messages |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('idle (board open; WS = messages since load)', idleStats),
      row(`live (${total} changes, ${round(total / drivenSeconds)}/s)`, liveStats),
      '',
      '| JS heap after GC | used MB | total MB |',
      '| --- | ---: | ---: |',
      `| before live changes | ${mb(heapBefore.used)} | ${mb(heapBefore.total)} |`,
      `| after live changes | ${mb(heapAfter.used)} | ${mb(heapAfter.total)} |`,
      '',
      `On-screen changes: ${writes.filter((w) => w.visible).length} written, ${latencies.length} seen on the card, ${missed} not seen; DB write → card p50 ${round(percentile(latencies, 50), 0)} ms, p95 ${round(percentile(latencies, 95), 0)} ms, max ${round(latencies.at(-1) ?? NaN, 0)} ms.`,
      `Counters at the end: ${finalCounts.join(', ')} (expected available ${available.size}).`,
    ];
    console.log(out.join('\n'));
  } finally {
    db?.close();
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    await server.stop();
  }
}
