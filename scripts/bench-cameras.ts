/*
 * npm run bench -- cameras [--counts 1,2,4,8,16] [--seconds 25] [--fps 2] [--models DIR] [--out docs/benchmarks-cameras.md]
 *
 * N simulated 1080p cameras: one real RTSP server on loopback (packages/testing, gst-rtsp-server) loops a
 * 1920×1080 H.264 video made from LFW photos of one enrolled person; N Hadir cameras pull it (each decodes
 * its own stream, as real cameras would). The real pipeline runs in this process (roles pipeline+worker):
 * ffmpeg capture, worker-thread inference, tracker, presence writes. For each N it reports sustained
 * analysis fps per camera, frames dropped, CPU (this process incl. workers, and ffmpeg children via the
 * whole machine), memory, and the time from cameras starting to the first recognition stored (capture
 * connect + 2 consensus frames + 1 s presence flush).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findSharedDir, makeFaceVideo, startRtspCamera, waitFor } from '@hadir/testing';
import type { AuthContext } from '../apps/server/src/platform/http/auth-context.js';
import { parseEnv } from '../apps/server/src/platform/config/env.js';
import { composeServer } from '../apps/server/src/roles/compose.js';
import { createLogger } from '../apps/server/src/platform/logging/logger.js';
import { newId } from '../apps/server/src/platform/ids/ids.js';
import { addEmployee } from '../apps/server/test/fixtures/employee-row.js';
import { PERMISSIONS } from '@hadir/domain';
import { DEFAULT_ORGANIZATION_SETTINGS } from '@hadir/contracts';

function systemCpuTimes(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      counts: { type: 'string', default: '1,2,4,8,16' },
      seconds: { type: 'string', default: '25' },
      fps: { type: 'string', default: '2' },
      models: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const counts = values.counts.split(',').map(Number);
  const seconds = Number(values.seconds);
  const fps = Number(values.fps);
  const shared = findSharedDir();
  const modelsDir = values.models ?? shared.modelsDir;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-cameras-'));
  const person = path.join(shared.dataDir, 'faces', 'Colin_Powell');
  const video = await makeFaceVideo({
    photos: [2, 3, 4, 5, 6].map((n) => path.join(person, `Colin_Powell_000${n}.jpg`)),
    secondsPerPhoto: 2,
    out: path.join(work, 'person-1080p.mp4'),
    width: 1920,
    height: 1080,
    fps: 10,
    fit: 'pad',
  });
  const camera = await startRtspCamera({ video: video.path });
  const env = parseEnv(
    {
      HADIR_DATA_DIR: path.join(work, 'data'),
      HADIR_CAMERA_CONFIG_DIR: path.join(work, 'camera_config'),
      HADIR_MODELS_DIR: modelsDir,
      HADIR_ROLES: 'pipeline,worker',
      LOG_LEVEL: 'warn',
      HADIR_SECRET_KEY: 'bench-secret-key-bench-secret-key-0123',
      HADIR_PRESENCE_TICK_MS: '500',
      // The benchmark's RTSP camera listens on 127.0.0.1: the explicit loopback opt-in.
      HADIR_OUTBOUND_ALLOW_LOOPBACK: 'true',
    },
    [],
  );
  const server = await composeServer(env, { logger: createLogger('warn'), webDir: null });
  const db = server.ctx.db;
  const now = Date.now();
  const orgId = newId(now);
  await db
    .insertInto('organizations')
    .values({
      id: orgId,
      name: 'Bench',
      settings: JSON.stringify({
        ...DEFAULT_ORGANIZATION_SETTINGS,
        workingHours: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { start: '00:00', end: '00:00' }]),
        ),
      }),
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  const employeeId = await addEmployee(server, orgId, {
    id: newId(now),
    code: 'EMP001',
    name: 'Colin Powell',
  });
  const admin: AuthContext = {
    kind: 'token',
    userId: null,
    tokenId: 'bench',
    sessionId: null,
    organizationId: orgId,
    role: 'admin',
    employeeId: null,
    permissions: new Set(PERMISSIONS),
    csrfToken: null,
  };
  await server.modules.faces.faces.enrol(admin, orgId, employeeId, [
    { fileName: 'enrol.jpg', bytes: fs.readFileSync(path.join(person, 'Colin_Powell_0001.jpg')) },
  ]);
  await server.start();
  await server.modules.pipeline.whenReady();

  const rows: string[] = [];
  for (const n of counts) {
    for (const f of fs.readdirSync(env.cameraConfigDir))
      fs.rmSync(path.join(env.cameraConfigDir, f), { recursive: true });
    await server.modules.cameras.rescan();
    await new Promise((r) => setTimeout(r, 1000));
    const startedAt = Date.now();
    for (let i = 1; i <= n; i++) {
      server.modules.cameras.files.write(`n${n}-cam-${i}`, {
        organizationId: orgId,
        name: `Bench ${i}`,
        source: camera.url,
        analysisFps: fps,
        maxWidth: 1920,
      });
    }
    await server.modules.cameras.rescan();
    // Time to recognition: cameras written → the first presence interval of this round is in the database.
    let firstAvailableMs: number | null = null;
    await waitFor(
      async () => {
        const p = await db
          .selectFrom('presenceIntervals')
          .select('id')
          .where('cameraId', 'like', `n${n}-cam-%`)
          .executeTakeFirst();
        if (p) firstAvailableMs = Date.now() - startedAt;
        return firstAvailableMs;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    ).catch(() => null);
    // Let every stream settle, then measure a steady window.
    await new Promise((r) => setTimeout(r, 4000));
    const list = () => server.modules.cameras.list().filter((c) => c.id.startsWith(`n${n}-cam-`));
    const before = new Map(list().map((c) => [c.id, { ...c.status }]));
    const cpu0 = process.cpuUsage();
    const sys0 = systemCpuTimes();
    const t0 = Date.now();
    let rssMax = 0;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 500);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(sampler);
    const wallS = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const sys1 = systemCpuTimes();
    const after = list();
    const perCam = after.map((c) => {
      const b = before.get(c.id);
      return {
        fps: (c.status.framesAnalyzed - (b?.framesAnalyzed ?? 0)) / wallS,
        dropped: c.status.framesDropped - (b?.framesDropped ?? 0),
        state: c.status.state,
      };
    });
    const avgFps = perCam.reduce((a, c) => a + c.fps, 0) / Math.max(1, perCam.length);
    const minFps = Math.min(...perCam.map((c) => c.fps));
    const dropped = perCam.reduce((a, c) => a + c.dropped, 0);
    const procCpu = ((cpu.user + cpu.system) / 1e6 / wallS) * 100;
    const sysCpu = ((sys1.busy - sys0.busy) / Math.max(1, sys1.total - sys0.total)) * 100 * os.cpus().length;
    const online = perCam.filter((c) => c.state === 'online').length;
    const row = `| ${n} | ${avgFps.toFixed(2)} | ${minFps.toFixed(2)} | ${dropped} | ${online}/${n} | ${procCpu.toFixed(0)} % | ${sysCpu.toFixed(0)} % | ${(rssMax / 1024 / 1024).toFixed(0)} MiB | ${firstAvailableMs === null ? 'n/a' : (firstAvailableMs / 1000).toFixed(1) + ' s'} |`;
    console.log(row);
    rows.push(row);
  }
  await server.stop();
  await camera.stop();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const table = [
    `| cameras | analysis fps per camera (mean) | (min) | frames dropped | online | CPU Hadir process | CPU whole box (of ${os.cpus().length * 100} %) | RSS peak | cameras start → first recognition stored |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(`\n${table}\n\nload average at the end: ${load}`);
  if (values.out) {
    const cmd = `npm run bench -- cameras --counts ${values.counts} --seconds ${seconds} --fps ${fps}`;
    fs.writeFileSync(
      values.out,
      `# Camera scale benchmark\n\nCommand: \`${cmd}\` (${new Date().toISOString()}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, load average at the end ${load}).\n\n${table}\n`,
    );
  }
  execFileSync('rm', ['-rf', work]);
}
