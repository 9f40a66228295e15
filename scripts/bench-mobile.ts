/*
 * npm run bench -- mobile [--members 10000] [--real 400] [--requests 100] [--batch 500] [--db sqlite|postgres|both]
 *
 * The mobile app's two heavy calls, in process against a real database with the real face engine
 * (models from ../shared/models) and real LFW photos (../shared/data/faces):
 *
 *  1. POST /api/face/verify (1:1, server-side detect + embed + template lookup) with N enrolled members:
 *     the first --real LFW identities (those with two or more photos first) get a real template from
 *     their first photo, computed by the engine; the rest of the N members get random unit vectors of
 *     the pack's size (a 1:1 lookup reads only the claimed
 *     member's rows, so their content does not change its cost, only their number does). Probes are
 *     other photos of enrolled people; p50/p95 over sequential requests, plus where the time goes.
 *  2. POST /api/attendance/sync: one officer device sends a signed batch of queued records (real photos
 *     of enrolled people), verified at sync time; wall time of the whole batch and per record.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { syncCanonical } from '@hadir/contracts';
import { findSharedDir } from '@hadir/testing';
import { decodeImage } from '@hadir/vision';
import { FakeClock } from '../apps/server/src/platform/clock/clock.js';
import { parseEnv } from '../apps/server/src/platform/config/env.js';
import { newId } from '../apps/server/src/platform/ids/ids.js';
import { createLogger } from '../apps/server/src/platform/logging/logger.js';
import { composeServer } from '../apps/server/src/roles/compose.js';
import { embeddingRows, embeddingToBytes } from '../apps/server/src/modules/faces/index.js';
import { decodeBase64Image } from '../apps/server/src/modules/mobile/index.js';
import { percentile } from './bench-stats.js';

const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

async function databaseUrl(db: 'sqlite' | 'postgres') {
  if (db === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-mob-'));
    return {
      url: `sqlite:${path.join(dir, 'bench.sqlite')}`,
      cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_mob_${Date.now().toString(36)}`;
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

/** LFW identities with their photo files, those with two or more photos first. */
function lfwPeople(facesDir: string): { name: string; files: string[] }[] {
  return fs
    .readdirSync(facesDir)
    .sort()
    .map((name) => ({
      name,
      files: fs
        .readdirSync(path.join(facesDir, name))
        .filter((f) => f.endsWith('.jpg'))
        .sort()
        .map((f) => path.join(facesDir, name, f)),
    }))
    .filter((p) => p.files.length > 0)
    .sort((a, b) => Number(b.files.length > 1) - Number(a.files.length > 1));
}

function randomUnit(size: number): Float32Array {
  const v = new Float32Array(size);
  let norm = 0;
  for (let i = 0; i < size; i++) {
    v[i] = Math.random() * 2 - 1;
    norm += v[i]! * v[i]!;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < size; i++) v[i]! /= norm;
  return v;
}

const ms = (x: number) => Number(x.toFixed(1));

async function run(
  db: 'sqlite' | 'postgres',
  opts: { members: number; real: number; requests: number; batch: number },
) {
  const database = await databaseUrl(db);
  if (!database) return null;
  const shared = findSharedDir();
  const facesDir = path.join(shared.dataDir, 'faces');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-mob-data-'));
  const clock = new FakeClock(Date.parse('2026-03-04T03:00:00Z'));
  const env = parseEnv(
    {
      HADIR_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
      HADIR_MODELS_DIR: shared.modelsDir,
      LOG_LEVEL: 'silent',
      HADIR_SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
      HADIR_ROLES: 'api',
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
    const headers = {
      cookie: String(setup.headers['set-cookie']).split(';')[0] ?? '',
      'x-csrf-token': setup.json<{ csrfToken: string }>().csrfToken,
    };
    const kdb = server.ctx.db;
    const faces = server.modules.faces;
    const engine = await faces.engine.engine();
    const selected = await faces.engine.select();
    if (!selected.enabled) throw new Error('face recognition is not available: check the models dir');
    const pack = selected.pack;

    // ---- seed: N members, real templates for every LFW identity, random unit vectors for the rest
    const people = lfwPeople(facesDir).slice(0, opts.real);
    const now = clock.nowMs();
    const seedStart = performance.now();
    const members: { id: string; person: (typeof people)[number] | null }[] = [];
    for (let i = 0; i < opts.members; i++) members.push({ id: newId(now), person: people[i] ?? null });
    for (let i = 0; i < members.length; i += 500) {
      await kdb
        .insertInto('employees')
        .values(
          members.slice(i, i + 500).map((m, k) => ({
            id: m.id,
            organizationId: orgId,
            employeeCode: `M${String(i + k).padStart(5, '0')}`,
            badgeId: null,
            name: m.person?.name.replaceAll('_', ' ') ?? `Member ${i + k}`,
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
          })),
        )
        .execute();
    }
    let real = 0;
    for (let i = 0; i < members.length; i += 250) {
      const rows = [];
      for (const m of members.slice(i, i + 250)) {
        let embedding: ArrayLike<number> | null = null;
        if (m.person) {
          const found = await engine.analyze(await decodeImage(fs.readFileSync(m.person.files[0]!)));
          const main = found.reduce<(typeof found)[number] | null>(
            (a, b) => (!a || b.quality.sizePx > a.quality.sizePx ? b : a),
            null,
          );
          if (main) {
            embedding = main.embedding;
            real++;
          } else m.person = null;
        }
        rows.push({
          id: newId(now),
          organizationId: orgId,
          employeeId: m.id,
          pack,
          embedding: embeddingToBytes(embedding ?? randomUnit(selected.manifest.embeddingSize)),
          quality: 1,
          alignedCrop: null,
          source: 'upload' as const,
          createdAt: now,
          submittedByUserId: null,
          reviewedByUserId: null,
          reviewedAt: null,
          duplicateEmployeeId: null,
          duplicateSimilarity: null,
        });
      }
      await kdb.insertInto('faceSamples').values(rows).execute();
    }
    faces.galleries.invalidate(orgId);
    const seedS = (performance.now() - seedStart) / 1000;
    console.error(
      `[bench-mobile] ${db}: ${opts.members} members (${real} real LFW templates) seeded in ${seedS.toFixed(0)} s`,
    );

    // probes: a second photo of an enrolled person
    const probes = members
      .filter((m) => m.person && m.person.files.length > 1)
      .map((m) => ({ id: m.id, file: m.person!.files[1]! }));
    if (probes.length === 0) throw new Error('no LFW identity with two photos');
    const b64 = new Map<string, string>();
    const image = (file: string) => {
      let v = b64.get(file);
      if (!v) b64.set(file, (v = fs.readFileSync(file).toString('base64')));
      return v;
    };

    // ---- 1. POST /api/face/verify
    const verify = async (p: { id: string; file: string }) => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = await app.inject({
        method: 'POST',
        url: '/api/face/verify',
        headers,
        payload: { member_id: p.id, face_image: image(p.file) },
      });
      const took = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (res.statusCode !== 200) throw new Error(`verify: ${res.statusCode} ${res.body}`);
      return {
        took,
        cpuMs: (c.user + c.system) / 1000,
        verified: res.json<{ data: { verified: boolean } }>().data.verified,
      };
    };
    for (let i = 0; i < 5; i++) await verify(probes[i % probes.length]!); // warm-up
    const samples: number[] = [];
    const cpu: number[] = [];
    let verified = 0;
    for (let i = 0; i < opts.requests; i++) {
      const r = await verify(probes[(i * 7) % probes.length]!);
      samples.push(r.took);
      cpu.push(r.cpuMs);
      if (r.verified) verified++;
    }
    samples.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    // the same photos claimed for the wrong member: every one must be refused
    let impostorsAccepted = 0;
    for (let i = 0; i < opts.requests; i++) {
      const p = probes[(i * 7) % probes.length]!;
      const other = probes[(i * 7 + 1) % probes.length]!;
      if (other.id === p.id) continue;
      if ((await verify({ id: other.id, file: p.file })).verified) impostorsAccepted++;
    }
    // where the time goes, per stage, on the same probes (the phone path: decode here, then detect +
    // embed in a verification worker)
    const stage = { decode: [] as number[], analyze: [] as number[], lookup: [] as number[] };
    for (let i = 0; i < Math.min(30, opts.requests); i++) {
      const p = probes[(i * 7) % probes.length]!;
      let t0 = performance.now();
      const frame = await decodeBase64Image(image(p.file));
      stage.decode.push(performance.now() - t0);
      t0 = performance.now();
      await server.modules.mobile.verify.analyze(frame);
      stage.analyze.push(performance.now() - t0);
      t0 = performance.now();
      await embeddingRows(kdb, orgId, pack, p.id);
      stage.lookup.push(performance.now() - t0);
    }
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );

    // ---- 2. POST /api/attendance/sync with a batch of queued records (officer device)
    const officerRes = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: {
        name: 'Bench Officer',
        email: 'officer@example.com',
        password: 'correct-horse-battery',
        role: 'officer',
      },
    });
    if (officerRes.statusCode !== 201) throw new Error(`officer: ${officerRes.body}`);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'officer@example.com', password: 'correct-horse-battery' },
    });
    const officer = {
      cookie: String(login.headers['set-cookie']).split(';')[0] ?? '',
      'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken,
    };
    const dev = await app.inject({
      method: 'POST',
      url: '/api/mobile/devices',
      headers: officer,
      payload: { name: 'Bench desk' },
    });
    const { device_id, device_key } = dev.json<{ data: { device_id: string; device_key: string } }>().data;
    const records = Array.from({ length: opts.batch }, (_, i) => {
      const p = probes[i % probes.length]!;
      return {
        client_id: `bench-${i}-${newId(now)}`,
        member_id: p.id,
        type: 'check_in' as const,
        occurred_at: new Date(now - (opts.batch - i) * 1000).toISOString(),
        face_image: image(p.file),
        mode: 'officer' as const,
      };
    });
    const batch = { device_id, sent_at: new Date(now).toISOString(), records };
    const signature = createHmac('sha256', device_key).update(syncCanonical(batch)).digest('hex');
    const payload = JSON.stringify({ ...batch, signature });
    let t0 = performance.now();
    const syncCpu0 = process.cpuUsage();
    const synced = await app.inject({
      method: 'POST',
      url: '/api/attendance/sync',
      headers: { ...officer, 'content-type': 'application/json' },
      payload,
    });
    const syncS = (performance.now() - t0) / 1000;
    const syncCpu = process.cpuUsage(syncCpu0);
    const syncCpuS = (syncCpu.user + syncCpu.system) / 1e6;
    if (synced.statusCode !== 200) throw new Error(`sync: ${synced.statusCode} ${synced.body.slice(0, 300)}`);
    const result = synced.json<{ data: { synced: number; failed: number; duplicates: number } }>().data;
    t0 = performance.now();
    const again = await app.inject({
      method: 'POST',
      url: '/api/attendance/sync',
      headers: { ...officer, 'content-type': 'application/json' },
      payload,
    });
    const resendS = (performance.now() - t0) / 1000;
    const dup = again.json<{ data: { duplicates: number } }>().data;

    return {
      db,
      verifyWorkers: server.modules.mobile.inference.workers,
      members: opts.members,
      real,
      seedS,
      verify: {
        n: samples.length,
        verified,
        impostorsAccepted,
        p50: ms(percentile(samples, 50)),
        p95: ms(percentile(samples, 95)),
        max: ms(samples.at(-1) ?? NaN),
        cpuP50: ms(percentile(cpu, 50)),
        cpuP95: ms(percentile(cpu, 95)),
        decode: ms(median(stage.decode)),
        analyze: ms(median(stage.analyze)),
        lookup: ms(median(stage.lookup)),
      },
      sync: {
        batch: opts.batch,
        ...result,
        s: Number(syncS.toFixed(2)),
        cpuS: Number(syncCpuS.toFixed(2)),
        perRecordMs: ms((syncS * 1000) / opts.batch),
        resendS: Number(resendS.toFixed(2)),
        resendDuplicates: dup.duplicates,
      },
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
      members: { type: 'string', default: '10000' },
      real: { type: 'string', default: '400' },
      requests: { type: 'string', default: '100' },
      batch: { type: 'string', default: '500' },
      db: { type: 'string', default: 'sqlite' },
    },
  });
  const opts = {
    members: Number(values.members),
    real: Number(values.real),
    requests: Number(values.requests),
    batch: Number(values.batch),
  };
  const dbs = values.db === 'both' ? (['sqlite', 'postgres'] as const) : [values.db as 'sqlite' | 'postgres'];
  const rows = [];
  for (const db of dbs) {
    const r = await run(db, opts);
    if (r) rows.push(r);
  }
  console.log(
    `\nverification workers ${rows[0]?.verifyWorkers ?? '?'}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${os.cpus().length} CPUs\n`,
  );
  console.log(
    '| database | members (real templates) | verify requests | verified | impostors accepted | p50 ms | p95 ms | max ms | CPU ms p50 / p95 | decode ms | detect+embed ms | template lookup ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const v = r.verify;
    console.log(
      `| ${r.db} | ${r.members} (${r.real}) | ${v.n} | ${v.verified} | ${v.impostorsAccepted} | ${v.p50} | **${v.p95}** | ${v.max} | ${v.cpuP50} / ${v.cpuP95} | ${v.decode} | ${v.analyze} | ${v.lookup} |`,
    );
  }
  console.log(
    '\n| database | batch | synced | failed | duplicates | wall s | CPU s | ms/record | resend s (duplicates) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const s = r.sync;
    console.log(
      `| ${r.db} | ${s.batch} | ${s.synced} | ${s.failed} | ${s.duplicates} | **${s.s}** | ${s.cpuS} | ${s.perRecordMs} | ${s.resendS} (${s.resendDuplicates}) |`,
    );
  }
}
