/*
 * npm run bench -- ingest [--cameras 0,25,50,100,200,400,800] [--edges 10] [--people-per-camera 4]
 *                         [--warmup 10] [--seconds 30] [--arrivals-per-second 2] [--p95-limit-ms 2000]
 *                         [--tick-ms 1000] [--until limit|behind] [--cpu-prof DIR]
 *
 * Hub ingest (issue 15): one real hub process (`--roles api,worker`, presence tick `--tick-ms`) on
 * PostgreSQL (a fresh schema of BENCH_DATABASE_URL / TEST_DATABASE_URL), N simulated edges enrolled
 * through the real enrol-code flow, each pushing through the edge ingest API as the edge role does
 * (an ordered, numbered queue; push, wait 2 s, push; a heartbeat when empty): sightings (every camera sees
 * `people-per-camera` people, one sighting per person every 2 s) and camera health (every 5 s) for its
 * share of the cameras. The total number of cameras ramps step by step until the push-to-dashboard p95
 * passes the limit (`--until behind`: until the hub stops keeping up). Push-to-dashboard: a person's first
 * sighting pushed by an edge → `presence.changed` to `available` for that person on a dashboard WebSocket
 * (/api/ws, signed in as the admin, as the web app is). People arrive and leave through the whole run
 * (churn), so every step has arrivals to time; a step's new cameras bring their people over the warm-up.
 *
 * Per step it prints: cameras, sightings/s applied and offered, ingest requests/s and their p50/p95,
 * push-to-dashboard p50/p95 (an arrival never shown counts as infinitely late) and the part after the
 * hub's answer (0 when the socket had it first), what the edges still had queued, hub CPU (the hub process
 * and the PostgreSQL backends serving it, per process from /proc), hub RSS, this bench's own CPU and the
 * machine's load; then the cost per camera (a line through hub CPU over cameras) and the 1,000-camera need.
 * Employees: enough for every step's people and the churn; the presence tick's cost grows with them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import { percentile } from './bench-stats.js';
import { CpuWindow } from './bench-proc.js';
import { PeopleOnCameras, seededRandom, type SimCamera } from './bench-ingest-sim.js';
import {
  BENCH_PG_URL,
  BenchApi,
  backendPids,
  freshSchema,
  loadAverage,
  postgresReachable,
  seedOrganization,
  spawnServer,
  type SpawnedServer,
} from './bench-server.js';
import {
  createEdge,
  enrolEdge,
  hubEnv,
  pushBatch,
  writeCameraFiles,
  type EdgeCredential,
  type IngestItem,
} from './bench-ingest-protocol.js';

const SIGHTING_INTERVAL_MS = 2000;
/** As the edge role does (apps/server/src/edge): push, sleep HADIR_EDGE_POLL_MS (default 2 s), push. */
const EDGE_POLL_MS = 2000;
/** The edge queues each camera's health at least this often (edge-pipeline.ts HEALTH_EVERY_MS). */
const HEALTH_INTERVAL_MS = 5000;
const MAX_BATCH_ITEMS = 1000;

interface StepResult {
  cameras: number;
  /** Sightings per second the cameras' people produce (cameras × people per camera / 2 s). */
  offeredPerS: number;
  seconds: number;
  sightingsPerS: number;
  requestsPerS: number;
  failedRequests: number;
  ingestP50: number;
  ingestP95: number;
  arrivals: number;
  missed: number;
  dashP50: number;
  dashP95: number;
  hubCpuPct: number;
  pgCpuPct: number;
  benchCpuPct: number;
  machinePct: number;
  hubRssMb: number;
  load: string;
  /** Median of the hub's answer → the socket (the presence tick and the socket's 100 ms coalescing). */
  afterAckP50: number;
  /** Items waiting in the edges' queues when the window closed. */
  queuedAtEnd: number;
}

/** The dashboard: a WebSocket signed in as the admin; records when each person turns available. */
class Dashboard {
  private ws: WebSocket | null = null;
  private stopped = false;
  /** employeeId → when their first sighting was pushed (ms), until the dashboard shows them. */
  readonly waiting = new Map<string, number>();
  /** employeeId → when the hub answered the request that carried their first sighting. */
  private readonly acked = new Map<string, number>();
  /** ms: push → socket; afterAckMs: the hub's answer → socket (the presence tick's part). */
  readonly latencies: { pushedAt: number; ms: number; afterAckMs: number }[] = [];
  resyncs = 0;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
  ) {}

  async open(): Promise<void> {
    const ws = new WebSocket(this.url, { headers: { cookie: this.cookie } });
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve()); // hello
      ws.once('error', reject);
    });
    ws.on('message', (data: Buffer) => {
      const at = Date.now();
      const m = JSON.parse(data.toString()) as {
        type: string;
        presence?: { employeeId: string; state: string };
      };
      if (m.type !== 'presence.changed' || m.presence?.state !== 'available') return;
      const pushedAt = this.waiting.get(m.presence.employeeId);
      if (pushedAt === undefined) return;
      const ackedAt = this.acked.get(m.presence.employeeId) ?? at;
      this.waiting.delete(m.presence.employeeId);
      this.acked.delete(m.presence.employeeId);
      this.latencies.push({ pushedAt, ms: at - pushedAt, afterAckMs: at - ackedAt });
    });
    ws.on('close', (code) => {
      if (this.stopped) return;
      // 4000: the server found this client behind and asks it to resync; the web app reconnects.
      if (code === 4000) this.resyncs++;
      setTimeout(() => void this.open().catch(() => undefined), 200);
    });
  }

  pushed(employeeId: string, at: number): void {
    if (!this.waiting.has(employeeId)) this.waiting.set(employeeId, at);
  }

  answered(employeeId: string, at: number): void {
    if (this.waiting.has(employeeId) && !this.acked.has(employeeId)) this.acked.set(employeeId, at);
  }

  close(): void {
    this.stopped = true;
    this.ws?.close();
  }
}

/**
 * One simulated edge: an ordered queue (each item numbered when it is queued, as the edge's SQLite queue
 * does), drained once a second in batches of up to 1,000; a failed batch stays queued and is sent again
 * with the same numbers, so the hub's idempotency, not luck, keeps it from being stored twice.
 */
class SimEdge {
  private seq = 0;
  private readonly queue: { item: IngestItem; arrival: string | null }[] = [];
  private lastHealthMs: number;
  private framesAnalyzed = 0;
  readonly requests: { at: number; ms: number; ok: boolean }[] = [];
  sightingsSent = 0;
  duplicates = 0;
  refused = 0;

  constructor(
    readonly index: number,
    private readonly baseUrl: string,
    private readonly credential: EdgeCredential,
    private readonly people: PeopleOnCameras,
    private readonly dashboard: Dashboard,
    edgeCount: number,
  ) {
    // Health reports of the edges spread over the interval instead of all landing in one second.
    this.lastHealthMs = Date.now() - Math.floor((index / edgeCount) * HEALTH_INTERVAL_MS);
  }

  private enqueue(now: number): void {
    for (const s of this.people.takeDue(this.index, now)) {
      const at = new Date(s.atMs).toISOString();
      this.queue.push({
        item: {
          seq: ++this.seq,
          kind: 'sighting',
          cameraId: s.cameraId,
          employeeId: s.employeeId,
          firstAt: at,
          lastAt: at,
          count: 1,
          cosineSimilarity: 0.55 + (s.atMs % 300) / 1000,
          trackId: `${s.cameraId}:${s.employeeId.slice(-6)}`,
        },
        arrival: s.arrival ? s.employeeId : null,
      });
    }
    if (now - this.lastHealthMs < HEALTH_INTERVAL_MS) return;
    this.lastHealthMs = now;
    const at = new Date(now).toISOString();
    this.framesAnalyzed += (HEALTH_INTERVAL_MS / 1000) * 5;
    for (const c of this.people.camerasOf(this.index)) {
      this.queue.push({
        item: {
          seq: ++this.seq,
          kind: 'camera_health',
          cameraId: c.id,
          observedAt: at,
          status: {
            cameraId: c.id,
            state: 'online',
            targetFps: 5,
            measuredFps: 4.9,
            framesAnalyzed: this.framesAnalyzed,
            framesDropped: 0,
            lastFrameAt: at,
            lastError: null,
            restarts: 0,
          },
        },
        arrival: null,
      });
    }
  }

  /**
   * Queues what is due, then sends the oldest batch (an empty one is the heartbeat); true when a full
   * batch went and more waits, so the edge sends again at once instead of sleeping.
   */
  async pushOnce(): Promise<boolean> {
    this.enqueue(Date.now());
    const batch = this.queue.slice(0, MAX_BATCH_ITEMS);
    const startedAt = Date.now();
    for (const q of batch) if (q.arrival) this.dashboard.pushed(q.arrival, startedAt);
    try {
      const answer = await pushBatch(
        this.baseUrl,
        this.credential,
        batch.map((q) => q.item),
        this.queue.length - batch.length,
      );
      this.queue.splice(0, batch.length);
      const answeredAt = Date.now();
      for (const q of batch) if (q.arrival) this.dashboard.answered(q.arrival, answeredAt);
      this.sightingsSent += batch.filter((q) => q.item.kind === 'sighting').length;
      this.duplicates += answer.duplicates;
      this.refused += answer.refused;
      this.requests.push({ at: startedAt, ms: Date.now() - startedAt, ok: true });
      return batch.length === MAX_BATCH_ITEMS && this.queue.length > 0;
    } catch (err) {
      if (this.requests.filter((q) => !q.ok).length < 3) console.error(`edge ${this.index}: ${String(err)}`);
      this.requests.push({ at: startedAt, ms: Date.now() - startedAt, ok: false });
      return false;
    }
  }

  get queueDepth(): number {
    return this.queue.length;
  }
}

const round = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : Number.isNaN(n) ? '–' : '∞');
const ms = (n: number) => (Number.isNaN(n) ? '–' : `${round(n)} ms`);

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cameras: { type: 'string', default: '0,25,50,100,200,400,800' },
      edges: { type: 'string', default: '10' },
      'people-per-camera': { type: 'string', default: '4' },
      warmup: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '30' },
      'arrivals-per-second': { type: 'string', default: '2' },
      'p95-limit-ms': { type: 'string', default: '2000' },
      'tick-ms': { type: 'string', default: '1000' },
      'cpu-prof': { type: 'string' },
      until: { type: 'string', default: 'limit' },
    },
  });
  const steps = values.cameras.split(',').map(Number);
  const edgeCount = Number(values.edges);
  const peoplePerCamera = Number(values['people-per-camera']);
  const warmupS = Number(values.warmup);
  const seconds = Number(values.seconds);
  const arrivalsPerS = Number(values['arrivals-per-second']);
  const limitMs = Number(values['p95-limit-ms']);
  const tickMs = Number(values['tick-ms']);
  const maxCameras = Math.max(...steps);
  const totalS = steps.length * (warmupS + seconds) + 10;
  const employees = maxCameras * peoplePerCamera + Math.ceil(arrivalsPerS * totalS * 1.2) + 10;

  if (!(await postgresReachable()))
    throw new Error('PostgreSQL is not reachable (BENCH_DATABASE_URL / TEST_DATABASE_URL)');
  console.log(`load average before: ${loadAverage()}`);
  const db = await freshSchema('bench_ingest');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-ingest-'));
  // The hub's PostgreSQL backends carry this name, so their CPU can be told from other users'.
  const appName = `hadir-bench-${db.schema}`;
  const monitor = new pg.Client({ connectionString: BENCH_PG_URL });
  await monitor.connect();
  let hub: SpawnedServer | null = null;
  let dashboard: Dashboard | null = null;
  const results: StepResult[] = [];
  try {
    const env = hubEnv(db.url, dataDir, tickMs);
    hub = await spawnServer(
      { ...env, PGAPPNAME: appName, LOG_LEVEL: 'warn' },
      values['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] } : {},
    );
    const api = new BenchApi(hub.baseUrl);
    const t0 = Date.now();
    const { organizationId } = await seedOrganization(api, employees);
    const employeeIds = await employeeIdsOf(db.url);
    console.error(`seeded ${employeeIds.length} employees in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Cameras: M/N per edge, interleaved so that the first m cameras are spread over every edge.
    const perEdge = Math.ceil(maxCameras / edgeCount);
    const cameras: SimCamera[] = [];
    for (let i = 0; i < perEdge; i++)
      for (let e = 0; e < edgeCount; e++) cameras.push({ id: `e${e}-cam-${i}`, edge: e });
    writeCameraFiles(
      env.HADIR_CAMERA_CONFIG_DIR!,
      organizationId,
      cameras.map((c) => c.id),
    );
    await waitFor(`${cameras.length} cameras at the hub`, async () => {
      const list = await api.call<unknown[]>('GET', '/api/cameras');
      return list.length >= cameras.length ? true : null;
    });

    // Edges through the real flow: the admin creates each (enrol code), the edge enrols with it.
    const credentials: EdgeCredential[] = [];
    for (let e = 0; e < edgeCount; e++) {
      const ids = cameras.filter((c) => c.edge === e).map((c) => c.id);
      const { enrolCode } = await createEdge(api, `Site ${e}`, ids);
      credentials.push(await enrolEdge(hub.baseUrl, enrolCode, `edge-${e}`));
    }
    console.error(`${cameras.length} cameras and ${edgeCount} enrolled edges ready`);

    const people = new PeopleOnCameras(cameras, employeeIds, {
      peoplePerCamera,
      sightingIntervalMs: SIGHTING_INTERVAL_MS,
      random: seededRandom(15),
    });
    dashboard = new Dashboard(`${hub.baseUrl.replace('http', 'ws')}/api/ws`, api.cookie);
    await dashboard.open();
    const edges = credentials.map((c, i) => new SimEdge(i, hub!.baseUrl, c, people, dashboard!, edgeCount));

    // The edges run on their own, each at its own phase, until the last step ends.
    let running = true;
    const loops = edges.map(async (edge) => {
      await sleep((edge.index * EDGE_POLL_MS) / edgeCount);
      while (running) if (!(await edge.pushOnce())) await sleep(EDGE_POLL_MS);
    });
    let lastChurn = Date.now();
    const churnTimer = setInterval(() => {
      const now = Date.now();
      people.churn(arrivalsPerS, now - lastChurn, now);
      lastChurn = now;
    }, 250);

    console.log(
      '| cameras | sightings/s applied (offered) | ingest req/s | ingest p50 | ingest p95 | failed | arrivals timed | push → dashboard p50 | p95 | hub answer → dashboard p50 | queued at end | hub CPU | PostgreSQL CPU | hub + PG CPU ms per camera-second | hub RSS | bench CPU | machine busy (all users) | load |',
    );
    console.log(
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    for (const count of steps) {
      people.activate(count, Date.now(), warmupS * 1000);
      await sleep(warmupS * 1000);
      const r = await measure(
        { cameras: count, peoplePerCamera, seconds },
        {
          hub,
          backends: () => backendPids(monitor, appName),
          edges,
          dashboard,
        },
      );
      results.push(r);
      console.log(
        `| ${r.cameras} | ${round(r.sightingsPerS)} (${round(r.offeredPerS)}) | ${round(r.requestsPerS, 1)} | ${round(r.ingestP50)} ms | ${round(r.ingestP95)} ms | ${r.failedRequests} | ${r.arrivals}${r.missed ? ` (${r.missed} never shown)` : ''} | ${ms(r.dashP50)} | ${ms(r.dashP95)} | ${ms(r.afterAckP50)} | ${r.queuedAtEnd} | ${round(r.hubCpuPct)} % | ${round(r.pgCpuPct)} % | ${r.cameras > 0 ? round(cpuMsPerS(r) / r.cameras, 1) : '–'} | ${round(r.hubRssMb)} MB | ${round(r.benchCpuPct)} % | ${round(r.machinePct)} % | ${r.load} |`,
      );
      // limit: stop at the first step over the p95 limit; behind: go on while the hub keeps up, for
      // more points on the CPU line on a box too loaded to meet the limit.
      if (values.until === 'behind' ? !keptUp(r) : !withinLimit(r, limitMs)) break;
    }
    running = false;
    clearInterval(churnTimer);
    await Promise.all(loops);
    if (people.exhausted > 0) console.error(`churn ran out of employees ${people.exhausted} times`);
    if (dashboard.resyncs > 0) console.log(`dashboard socket told to resync ${dashboard.resyncs} times`);
    summarize(results, limitMs);
  } finally {
    dashboard?.close();
    await hub?.stop();
    await monitor.end();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`load average after: ${loadAverage()}`);
}

/** One measuring window of `seconds` at `cameras`, then a short wait for the window's last arrivals. */
async function measure(
  { cameras, peoplePerCamera, seconds }: { cameras: number; peoplePerCamera: number; seconds: number },
  probes: {
    hub: SpawnedServer;
    backends: () => Promise<number[]>;
    edges: SimEdge[];
    dashboard: Dashboard;
  },
): Promise<StepResult> {
  const { hub, edges, dashboard } = probes;
  const groups = async () => ({ hub: [hub.pid], postgres: await probes.backends(), bench: [process.pid] });
  const window = new CpuWindow(await groups());
  const from = Date.now();
  const sentBefore = edges.reduce((s, e) => s + e.sightingsSent, 0);
  while (Date.now() - from < seconds * 1000) {
    await sleep(1000);
    window.sample(await groups());
  }
  const to = Date.now();
  const cpu = window.result();
  const sent = edges.reduce((s, e) => s + e.sightingsSent, 0) - sentBefore;
  const queuedAtEnd = edges.reduce((s, e) => s + e.queueDepth, 0);
  const load = loadAverage();
  // Arrivals pushed inside the window get up to 3 × the limit to show; later they count as never shown.
  await sleep(6000);
  const requests = edges.flatMap((e) => e.requests.filter((q) => q.at >= from && q.at < to));
  const ok = requests
    .filter((q) => q.ok)
    .map((q) => q.ms)
    .sort((a, b) => a - b);
  const inWindow = dashboard.latencies.filter((l) => l.pushedAt >= from && l.pushedAt < to);
  const shown = inWindow.map((l) => l.ms);
  const afterAck = inWindow.map((l) => l.afterAckMs).sort((a, b) => a - b);
  const missed = [...dashboard.waiting.values()].filter((at) => at >= from && at < to).length;
  const lat = [...shown, ...Array<number>(missed).fill(Infinity)].sort((a, b) => a - b);
  const pct = (ms: number | undefined) => ((ms ?? 0) / (cpu.seconds * 1000)) * 100;
  return {
    cameras,
    offeredPerS: (cameras * peoplePerCamera * 1000) / SIGHTING_INTERVAL_MS,
    seconds: cpu.seconds,
    sightingsPerS: sent / cpu.seconds,
    requestsPerS: requests.length / cpu.seconds,
    failedRequests: requests.length - ok.length,
    ingestP50: percentile(ok, 50),
    ingestP95: percentile(ok, 95),
    arrivals: lat.length,
    missed,
    dashP50: percentile(lat, 50),
    dashP95: percentile(lat, 95),
    afterAckP50: percentile(afterAck, 50),
    queuedAtEnd,
    hubCpuPct: pct(cpu.cpuMs.hub),
    pgCpuPct: pct(cpu.cpuMs.postgres),
    benchCpuPct: pct(cpu.cpuMs.bench),
    machinePct: cpu.machineBusyPercent,
    hubRssMb: (cpu.peakRssBytes.hub ?? 0) / 1024 / 1024,
    load,
  };
}

/** Hub + PostgreSQL CPU, ms per second of the window. */
const cpuMsPerS = (r: StepResult) => (r.hubCpuPct + r.pgCpuPct) * 10;
/**
 * The hub applied what it was offered: the edges' queues hold no more than about two polls' worth at the
 * end of the window. Its CPU then is the cost of that load, not the share the box let it have.
 */
const keptUp = (r: StepResult) => r.queuedAtEnd <= (r.offeredPerS + r.cameras / 5) * 5;
const withinLimit = (r: StepResult, limitMs: number) => r.arrivals === 0 || r.dashP95 <= limitMs;

/**
 * Cost per camera: a least-squares line through (cameras, hub + PostgreSQL CPU ms per second) of the
 * steps where the hub kept up with the offered sightings (a saturated step shows the CPU share the box
 * gave the hub, not what the load costs); the slope is CPU ms per camera-second, the intercept the hub's
 * fixed cost (presence ticks over every employee, camera rescans, edge heartbeats).
 */
function summarize(results: StepResult[], limitMs: number): void {
  const points = results.filter(keptUp).map((r) => ({ x: r.cameras, y: cpuMsPerS(r) }));
  const n = points.length;
  const best = results.filter((r) => r.cameras > 0 && withinLimit(r, limitMs)).at(-1);
  console.log('');
  console.log(
    best
      ? `Sustained with push → dashboard p95 ≤ ${limitMs} ms: ${best.cameras} cameras (p95 ${round(best.dashP95)} ms, hub + PostgreSQL ${round(best.hubCpuPct + best.pgCpuPct)} % CPU).`
      : `No step with cameras kept push → dashboard p95 ≤ ${limitMs} ms.`,
  );
  if (n < 2 || new Set(points.map((p) => p.x)).size < 2) {
    console.log('Fewer than two steps kept up with their load: no cost per camera can be fitted.');
    return;
  }
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const slope = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  const intercept = my - slope * mx;
  const cores = os.cpus().length;
  console.log(
    `Cost per camera: ${slope.toFixed(2)} CPU ms per camera-second (hub + PostgreSQL), fixed ${intercept.toFixed(0)} ms/s ` +
      `(least squares over the ${n} steps that kept up: ${points.map((p) => p.x).join(', ')} cameras).`,
  );
  console.log(
    `CPU alone: ${cores} cores at 100 % carry ~${round((cores * 1000 - intercept) / slope)} cameras, at 70 % ~${round((cores * 700 - intercept) / slope)}; ` +
      `1,000 cameras need ~${((intercept + 1000 * slope) / 1000).toFixed(1)} cores of hub + PostgreSQL CPU at 100 %.`,
  );
}

async function employeeIdsOf(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ id: string }>('select id from employees order by employee_code');
    return r.rows.map((row) => row.id);
  } finally {
    await c.end();
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
