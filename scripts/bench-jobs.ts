/*
 * npm run bench -- jobs [--notifications 1000] [--workers 1,3] [--engine builtin|pgboss|both]
 *
 * Outbox delivery by separate worker processes on one PostgreSQL (BENCH_DATABASE_URL or
 * TEST_DATABASE_URL): N notifications are written in one transaction, then W `--roles worker`
 * processes deliver them through a loopback HTTP gateway (channel rate 1,000/s, so the engine, not the
 * bucket, is measured). Prints, per engine and worker count, the time from spawning the workers to the
 * first send (process start-up) and the delivery rate from the first send to the last.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseEnv } from '../apps/server/src/platform/config/env.js';
import { newId } from '../apps/server/src/platform/ids/ids.js';
import { createLogger } from '../apps/server/src/platform/logging/logger.js';
import { composeServer } from '../apps/server/src/roles/compose.js';

const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'bench-secret-key-bench-secret-key-0123456789';

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(query);
  await c.end();
}

async function run(engine: 'builtin' | 'pgboss', workers: number, total: number) {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const schema = `bench_jobs_${tag}`;
  const bossSchema = `bench_boss_${tag}`;
  await admin(`create schema ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-jobs-'));
  const sends: number[] = [];
  const gateway = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      sends.push(Date.now());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: true, id: `gw-${sends.length}` }));
    });
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  const baseEnv = {
    DATABASE_URL: url.toString(),
    HADIR_JOBS: engine,
    HADIR_PGBOSS_SCHEMA: bossSchema,
    HADIR_SECRET_KEY: SECRET,
    HADIR_OUTBOUND_ALLOW_LOOPBACK: 'true',
    HADIR_FACE_PACK: 'off',
    LOG_LEVEL: 'warn',
  };
  const env = parseEnv(
    {
      ...baseEnv,
      HADIR_DATA_DIR: path.join(dir, 'writer'),
      HADIR_CAMERA_CONFIG_DIR: path.join(dir, 'camera_config'),
      HADIR_MODELS_DIR: path.join(dir, 'models'),
    },
    [],
  );
  const server = await composeServer(env, { logger: createLogger('silent'), webDir: null, mobileDir: null });
  const children: ChildProcess[] = [];
  try {
    const setup = await server.app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: {
        organization: { name: 'PT Bench', timeZone: 'Asia/Jakarta', locale: 'id' },
        admin: { name: 'Bench', email: 'bench@bench.test', password: 'bench-password-123' },
      },
    });
    const { activeOrganizationId: orgId, csrfToken } = setup.json<{
      activeOrganizationId: string;
      csrfToken: string;
    }>();
    const cookie = String(setup.headers['set-cookie']).split(';')[0] ?? '';
    const channel = await server.app.inject({
      method: 'POST',
      url: '/api/notification-channels',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: {
        type: 'http_gateway',
        name: 'Gateway',
        settings: {
          url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`,
          bodyTemplate: '{"target":{{to}},"message":{{text}}}',
          successJsonPath: 'status',
          ratePerSecond: 1000,
        },
      },
    });
    if (channel.statusCode !== 201) throw new Error(`channel: ${channel.body}`);
    const now = Date.now();
    const recipients = Array.from({ length: 20 }, (_, i) => ({ id: newId(now), i }));
    await server.ctx.db
      .insertInto('employees')
      .values(
        recipients.map(({ id, i }) => ({
          id,
          organizationId: orgId,
          employeeCode: `B${i}`,
          badgeId: null,
          name: `Bench ${i}`,
          departmentId: null,
          positionId: null,
          areaId: null,
          email: null,
          phone: null,
          whatsapp: `+62812000${String(i).padStart(5, '0')}`,
          supervisorId: null,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        })),
      )
      .execute();
    await server.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < total; i++) {
        await server.modules.notifications.enqueue(trx, {
          organizationId: orgId,
          kind: 'test',
          recipientEmployeeId: recipients[i % recipients.length]!.id,
          message: { type: 'test', text: `Message ${i}` },
          idempotencyKey: `bench:${i}`,
        });
      }
    });
    const t0 = Date.now();
    for (let w = 0; w < workers; w++) {
      const dataDir = path.join(dir, `w${w}`);
      children.push(
        spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', '--roles', 'worker'], {
          cwd: REPO,
          env: {
            ...process.env,
            ...baseEnv,
            HADIR_DATA_DIR: dataDir,
            HADIR_CAMERA_CONFIG_DIR: path.join(dir, 'camera_config'),
            HADIR_MODELS_DIR: path.join(dir, 'models'),
          },
          stdio: [
            'ignore',
            fs.openSync(path.join(dir, `w${w}.log`), 'a'),
            fs.openSync(path.join(dir, `w${w}.log`), 'a'),
          ],
        }),
      );
    }
    const deadline = Date.now() + 300_000;
    while (sends.length < total && Date.now() < deadline) {
      if (children.every((c) => c.exitCode !== null)) {
        const log = fs.readFileSync(path.join(dir, 'w0.log'), 'utf8').slice(-3000);
        throw new Error(`every worker exited (codes ${children.map((c) => c.exitCode).join(', ')}): ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (sends.length < total) throw new Error(`only ${sends.length} of ${total} sent in 5 min`);
    const first = Math.min(...sends);
    const last = Math.max(...sends);
    return {
      startupS: (first - t0) / 1000,
      drainS: (last - first) / 1000,
      perSecond: total / Math.max(0.001, (last - first) / 1000),
      requests: sends.length,
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    for (const c of children) {
      if (c.exitCode === null) await new Promise((r) => c.once('exit', r));
    }
    await server.stop();
    await new Promise((r) => gateway.close(r));
    await admin(`drop schema if exists ${schema} cascade`);
    await admin(`drop schema if exists ${bossSchema} cascade`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      notifications: { type: 'string', default: '1000' },
      workers: { type: 'string', default: '1,3' },
      engine: { type: 'string', default: 'both' },
    },
  });
  const total = Number(values.notifications);
  const counts = values.workers.split(',').map(Number);
  const engines = values.engine === 'both' ? (['builtin', 'pgboss'] as const) : [values.engine as 'builtin'];
  console.log(
    `load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log('| engine | worker processes | notifications | start-up to first send | delivery | rate |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const engine of engines) {
    for (const workers of counts) {
      const r = await run(engine, workers, total);
      console.log(
        `| ${engine} | ${workers} | ${total} | ${r.startupS.toFixed(1)} s | ${r.drainS.toFixed(1)} s | ` +
          `${r.perSecond.toFixed(0)} /s |`,
      );
    }
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
