/*
 * npm run bench -- attendance [--employees 5000] [--days 30] [--db sqlite|postgres|both] [--requests 200]
 *
 * The attendance derivation at size, in process against a real database (a temp SQLite file; a fresh
 * PostgreSQL schema at BENCH_DATABASE_URL or TEST_DATABASE_URL when reachable): N employees with three
 * raw events a day (badge check-in, a camera sighting, badge check-out) for a month are written straight
 * to attendance_events, then the real AttendanceDaysService derives and stores one day for everyone and
 * then the whole month, then the month again after a rule change for everyone (every day rewritten); finally GET /api/attendance/days (a page of 100, one day, filtered by status)
 * is called through the real HTTP stack and its p50/p95 is reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { FakeClock } from '../apps/server/src/platform/clock/clock.js';
import { parseEnv } from '../apps/server/src/platform/config/env.js';
import { newId } from '../apps/server/src/platform/ids/ids.js';
import { createLogger } from '../apps/server/src/platform/logging/logger.js';
import { composeServer } from '../apps/server/src/roles/compose.js';
import { percentile } from './bench-stats.js';

const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const wib = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);
const dateOf = (day: number) => `2026-03-${String(day).padStart(2, '0')}`;

async function databaseUrl(
  db: 'sqlite' | 'postgres',
): Promise<{ url: string; cleanup: () => Promise<void> } | null> {
  if (db === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-att-'));
    return {
      url: `sqlite:${path.join(dir, 'bench.sqlite')}`,
      cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_att_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
  } catch (error) {
    console.warn(`PostgreSQL skipped: ${String(error)}`);
    return null;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

async function run(db: 'sqlite' | 'postgres', employees: number, days: number, requests: number) {
  const database = await databaseUrl(db);
  if (!database) return null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-att-data-'));
  const clock = new FakeClock(wib(dateOf(days), '23:59') + 2 * 3_600_000);
  const env = parseEnv(
    {
      HADIR_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
      HADIR_MODELS_DIR: path.join(dataDir, 'models'),
      LOG_LEVEL: 'silent',
      HADIR_SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
    },
    [],
  );
  const server = await composeServer(env, { clock, logger: createLogger('silent'), webDir: null });
  try {
    const app = server.app;
    const setup = await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: {
        organization: { name: 'PT Bench', timeZone: 'Asia/Jakarta', locale: 'en' },
        admin: { name: 'Bench Admin', email: 'bench@example.com', password: 'correct-horse-battery' },
      },
    });
    const orgId = setup.json<{ activeOrganizationId: string }>().activeOrganizationId;
    const cookie = String(setup.headers['set-cookie']).split(';')[0] ?? '';
    const kdb = server.ctx.db;
    const now = clock.nowMs();
    const ids: string[] = [];
    const seedStart = performance.now();
    for (let i = 0; i < employees; i += 500) {
      const rows = [];
      for (let j = i; j < Math.min(employees, i + 500); j += 1) {
        const id = newId(now);
        ids.push(id);
        rows.push({
          id,
          organizationId: orgId,
          employeeCode: `E${String(j).padStart(5, '0')}`,
          badgeId: null,
          name: `Employee ${j}`,
          departmentId: null,
          positionId: null,
          areaId: null,
          email: null,
          phone: null,
          whatsapp: null,
          supervisorId: null,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        });
      }
      await kdb.insertInto('employees').values(rows).execute();
    }
    let seq = 0;
    for (let d = 1; d <= days; d += 1) {
      const date = dateOf(d);
      for (let i = 0; i < ids.length; i += 300) {
        const rows = [];
        for (const [k, id] of ids.slice(i, i + 300).entries()) {
          // arrivals spread 07:40–08:29 so some are late; one sighting at noon; leave 17:00–17:29
          const inAt = wib(date, '07:40') + ((i + k) % 50) * 60_000;
          for (const [atMs, kind, source] of [
            [inAt, 'check_in', 'badge'],
            [wib(date, '12:00'), 'sighting', 'camera'],
            [wib(date, '17:00') + ((i + k) % 30) * 60_000, 'check_out', 'badge'],
          ] as const) {
            seq += 1;
            rows.push({
              id: newId(now),
              organizationId: orgId,
              employeeId: id,
              occurredAt: atMs,
              kind,
              source,
              label: source === 'camera' ? 'Camera Gudang A' : 'Lobby',
              recordedBy: null,
              deviceId: null,
              clientId: null,
              score: null,
              snapshotId: null,
              idempotencyKey: `bench:${seq}`,
              seq,
              createdAt: now,
            });
          }
        }
        await kdb.insertInto('attendanceEvents').values(rows).execute();
      }
    }
    const seedS = (performance.now() - seedStart) / 1000;

    const days1 = server.modules.attendance.days;
    let t0 = performance.now();
    const oneDay = await days1.apply(orgId, dateOf(1), dateOf(1));
    const oneDayS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const month = await days1.apply(orgId, dateOf(1), dateOf(days));
    const monthS = (performance.now() - t0) / 1000;
    // A rule change for everyone (a shift type with a 15-minute grace replaces the organization
    // schedule): re-deriving the month rewrites every stored day, the path of "recompute → apply".
    const shift = await server.modules.attendance.shifts.saveType(
      orgId,
      null,
      {
        name: 'Office 08-17',
        kind: 'fixed',
        start: '08:00',
        end: '17:00',
        lateGraceMinutes: 15,
        earlyLeaveGraceMinutes: 0,
        halfDayThresholdMinutes: 240,
        breakMinutes: 60,
      },
      null,
    );
    const weekdays = { mon: shift.id, tue: shift.id, wed: shift.id, thu: shift.id, fri: shift.id };
    await server.modules.attendance.shifts.createAssignment(
      orgId,
      {
        employeeId: null,
        departmentId: null,
        effectiveFrom: dateOf(1),
        effectiveTo: null,
        pattern: { kind: 'weekly', days: { ...weekdays, sat: null, sun: null } },
      },
      null,
    );
    t0 = performance.now();
    const rederived = await days1.apply(orgId, dateOf(1), dateOf(days));
    const rederiveS = (performance.now() - t0) / 1000;

    const samples: number[] = [];
    const statuses = ['late', 'present', 'early_leave'];
    for (let r = 0; r < requests; r += 1) {
      const date = dateOf(1 + (r % days));
      const status = statuses[r % statuses.length];
      const started = performance.now();
      const res = await app.inject({
        method: 'GET',
        url: `/api/attendance/days?from=${date}&to=${date}&limit=100&status=${status}`,
        headers: { cookie },
      });
      samples.push(performance.now() - started);
      if (res.statusCode !== 200) throw new Error(`list failed: ${res.statusCode} ${res.body}`);
    }
    samples.sort((a, b) => a - b);
    return {
      db,
      seedS,
      oneDay: { s: oneDayS, rows: oneDay.length },
      month: { s: monthS, rows: month.length },
      rederive: { s: rederiveS, rows: rederived.length },
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
    };
  } finally {
    await server.stop();
    await database.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      employees: { type: 'string', default: '5000' },
      days: { type: 'string', default: '30' },
      db: { type: 'string', default: 'both' },
      requests: { type: 'string', default: '200' },
    },
  });
  const employees = Number(values.employees);
  const days = Math.min(31, Number(values.days));
  const dbs: ('sqlite' | 'postgres')[] =
    values.db === 'both' ? ['sqlite', 'postgres'] : [values.db as 'sqlite' | 'postgres'];
  console.log(`attendance: ${employees} employees × ${days} days × 3 events (${os.cpus().length} CPUs)`);
  console.log(
    '| database | seed events | derive + store 1 day | derive + store month (incl. day 1 again) | month again after a rule change | list p50 | list p95 |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const db of dbs) {
    const r = await run(db, employees, days, Number(values.requests));
    if (!r) continue;
    console.log(
      `| ${r.db} | ${r.seedS.toFixed(1)} s | ${r.oneDay.s.toFixed(2)} s (${r.oneDay.rows} days) | ${r.month.s.toFixed(1)} s (${r.month.rows} days) | ${r.rederive.s.toFixed(1)} s (${r.rederive.rows} days) | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms |`,
    );
  }
}
