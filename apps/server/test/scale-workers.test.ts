// Jobs on pg-boss with workers as separate processes (issue 15): three `--roles worker` processes on one
// PostgreSQL deliver 1,000 queued notifications through a loopback WhatsApp gateway, one is SIGKILLed
// midway, and every notification still reaches the gateway exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endChild, trackChild, waitFor } from '@hadir/testing';
import { addEmployee } from './fixtures/employee-row.js';
import { PG_URL, postgresAvailable, setupOrganization, startTestServer, type TestServer } from './support.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SECRET = 'test-secret-key-test-secret-key-0123456789';
const TOTAL = 1000;
const WORKER_CONCURRENCY = 4;
const hasPostgres = await postgresAvailable();
if (!hasPostgres) console.warn('[skip] three-worker outbox test: needs PostgreSQL (TEST_DATABASE_URL)');

/** A WhatsApp gateway that, like Fonnte/Wablas, accepts each Idempotency-Key once and answers repeats alike. */
function startGateway() {
  const accepted = new Map<string, string>();
  const requests: { key: string; atMs: number }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      requests.push({ key, atMs: Date.now() });
      if (!accepted.has(key)) accepted.set(key, `gw-${accepted.size + 1}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: true, id: accepted.get(key) }));
    });
  });
  return { server, accepted, requests };
}

function startWorker(env: Record<string, string>, name: string, dir: string): ChildProcess {
  const dataDir = path.join(dir, name);
  fs.mkdirSync(dataDir, { recursive: true });
  const out = fs.openSync(path.join(dir, `${name}.log`), 'a');
  return trackChild(
    spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', '--roles', 'worker'], {
      cwd: REPO,
      env: {
        ...process.env,
        ...env,
        HADIR_DATA_DIR: dataDir,
        HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
        HADIR_MODELS_DIR: path.join(dataDir, 'models'),
      },
      stdio: ['ignore', out, out],
    }),
  );
}

describe.skipIf(!hasPostgres)('three pg-boss worker processes share one outbox (postgres)', () => {
  let t: TestServer;
  const gateway = startGateway();
  const bossSchema = `boss_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-workers-'));
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    await new Promise<void>((r) => gateway.server.listen(0, '127.0.0.1', r));
    t = await startTestServer('postgres', {
      HADIR_JOBS: 'pgboss',
      HADIR_PGBOSS_SCHEMA: bossSchema,
      HADIR_JOB_LOCK_MS: '4000',
    });
    // The workers read the real clock: so does the process that enqueues.
    t.clock.set(Date.now());
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => endChild(w, 5000)));
    await new Promise((r) => gateway.server.close(r));
    await t?.close();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${bossSchema} cascade`);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('delivers 1,000 queued notifications exactly once each while one worker is SIGKILLed midway', async () => {
    const env = {
      DATABASE_URL: t.server.ctx.env.DATABASE_URL,
      HADIR_JOBS: 'pgboss',
      HADIR_PGBOSS_SCHEMA: bossSchema,
      HADIR_SECRET_KEY: SECRET,
      HADIR_OUTBOUND_ALLOW_LOOPBACK: 'true',
      HADIR_FACE_PACK: 'off',
      HADIR_JOB_POLL_MS: '500',
      HADIR_JOB_CONCURRENCY: String(WORKER_CONCURRENCY),
      // A killed worker's jobs are taken for dead after 4 s (pg-boss expiry, checked every 2 s).
      HADIR_JOB_LOCK_MS: '4000',
      LOG_LEVEL: 'warn',
    };
    // The workers boot while the outbox fills in one transaction: they see all 1,000 at once, at commit.
    const t0 = Date.now();
    for (const name of ['w1', 'w2', 'w3']) workers.push(startWorker(env, name, dir));
    const { client, orgId } = await setupOrganization(t.app);
    const port = (gateway.server.address() as AddressInfo).port;
    const channel = await client.post('/api/notification-channels', {
      type: 'http_gateway',
      name: 'Gateway',
      settings: {
        url: `http://127.0.0.1:${port}/send`,
        bodyTemplate: '{"target":{{to}},"message":{{text}}}',
        successJsonPath: 'status',
        messageIdJsonPath: 'id',
        ratePerSecond: 200,
      },
    });
    expect(channel.statusCode, channel.body).toBe(201);
    const recipients: string[] = [];
    for (let i = 0; i < 20; i++) {
      recipients.push(
        await addEmployee(t.server, orgId, {
          code: `W${i}`,
          name: `Worker ${i}`,
          whatsapp: `+62812000${String(i).padStart(5, '0')}`,
        }),
      );
    }
    const ids: string[] = [];
    await t.server.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < TOTAL; i++) {
        const n = await t.server.modules.notifications.enqueue(trx, {
          organizationId: orgId,
          kind: 'test',
          recipientEmployeeId: recipients[i % recipients.length]!,
          message: { type: 'test', text: `Message ${i}` },
          idempotencyKey: `scale:${i}`,
        });
        ids.push(n.id);
      }
    });
    expect(gateway.requests).toHaveLength(0);
    expect(new Set(ids).size).toBe(TOTAL);

    const victim = workers[0]!;

    const tail = (name: string) => fs.readFileSync(path.join(dir, `${name}.log`), 'utf8').slice(-1500);
    const alive = () => {
      const dead = workers.findIndex((w) => w.exitCode !== null);
      if (dead >= 0) throw new Error(`worker w${dead + 1} exited: ${tail(`w${dead + 1}`)}`);
    };
    await waitFor(
      () => {
        alive();
        return gateway.accepted.size >= 300;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 20,
        message: '300 messages sent (worker logs: w1.log … w3.log in the temp dir)',
      },
    );
    expect(workers.map((w) => w.exitCode)).toEqual([null, null, null]);
    const exited = new Promise<NodeJS.Signals | null>((r) => victim.once('exit', (_c, sig) => r(sig)));
    victim.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = gateway.accepted.size;
    expect(atKill).toBeLessThan(TOTAL);

    const countSent = async () => {
      const row = await t.server.ctx.db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('organizationId', '=', orgId)
        .where('status', '=', 'sent')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    await waitFor(async () => (await countSent()) === TOTAL, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: 'every notification sent',
    });
    const seconds = (Date.now() - t0) / 1000;
    const times = gateway.requests.map((r) => (r.atMs - t0) / 1000).sort((a, b) => a - b);
    const at = (n: number) => (times[n - 1] ?? NaN).toFixed(1);

    // Every notification reached the gateway, once: one accepted key each, nothing else.
    const keys = [...gateway.accepted.keys()].sort();
    expect(keys).toEqual([...Array(TOTAL).keys()].map((i) => `scale:${i}`).sort());
    // Only the killed worker's in-flight sends (at most its concurrency) may have been repeated, and
    // the repeat carried the same Idempotency-Key, which is how the gateway kept it to one message.
    const repeats = gateway.requests.length - gateway.accepted.size;
    expect(repeats).toBeLessThanOrEqual(WORKER_CONCURRENCY);
    // The outbox agrees: each row sent once, with the gateway's id for it.
    const rows = await t.server.ctx.db
      .selectFrom('notifications')
      .select(['idempotencyKey', 'providerMessageId', 'status'])
      .where('organizationId', '=', orgId)
      .execute();
    expect(rows).toHaveLength(TOTAL);
    for (const r of rows) expect(r.providerMessageId).toBe(gateway.accepted.get(r.idempotencyKey));
    console.info(
      `[scale] ${TOTAL} notifications by 3 pg-boss workers (one SIGKILLed after ${atKill}): ` +
        `${seconds.toFixed(1)} s from worker start (sends 1/300/900/1000 at ${at(1)}/${at(300)}/${at(900)}/${at(1000)} s), ` +
        `${gateway.requests.length} gateway requests, ${repeats} repeated`,
    );
  }, 150_000);
});
