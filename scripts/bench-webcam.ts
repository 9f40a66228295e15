/*
 * npm run bench -- webcam [--frames 200] [--people 20] [--attendance on|off]
 *
 * The browser camera's socket (/api/webcam/ws) as the page uses it: one 640×480 JPEG (quality 0.8, as the
 * page's canvas sends) in flight, the next sent when the answer is back. In process against a real
 * SQLite database and the real face engine (models from ../shared/models): --people LFW identities are
 * enrolled with a real template from their first photo; each frame is another photo of one of them on a
 * 640×480 grey background (the face about 150 px, as at arm's length from a laptop camera), so every
 * frame has one face to detect, embed and match. With --attendance on (the default) the organization
 * records webcam attendance, so each answer also pays the once-per-interval check.
 *
 * Reports round trip p50/p95 (send → answer), frames/s sustained over the run, the server's own time per
 * frame, and CPU ms per frame (the whole process: client and server share it; the client only sends
 * prepared bytes). The first 5 frames warm the models and are left out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { WebcamResult } from '@hadir/contracts';
import { findSharedDir } from '@hadir/testing';
import { decodeImage, encodeJpeg, resizeFrame, type RgbFrame } from '@hadir/vision';
import { FakeClock } from '../apps/server/src/platform/clock/clock.js';
import { parseEnv } from '../apps/server/src/platform/config/env.js';
import { newId } from '../apps/server/src/platform/ids/ids.js';
import { createLogger } from '../apps/server/src/platform/logging/logger.js';
import { composeServer } from '../apps/server/src/roles/compose.js';
import { embeddingToBytes } from '../apps/server/src/modules/faces/index.js';
import { percentile } from './bench-stats.js';

const WARMUP = 5;
const W = 640;
const H = 480;

/** LFW identities with two or more photos: the first enrols, the others are the camera's frames. */
function lfwPeople(facesDir: string, n: number): { name: string; files: string[] }[] {
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
    .filter((p) => p.files.length > 1)
    .slice(0, n);
}

/** A photo scaled to 360×360 in the middle of a grey 640×480 frame, as JPEG quality 80. */
async function cameraFrame(photo: Buffer): Promise<Buffer> {
  const face = await resizeFrame(await decodeImage(photo), 360, 360);
  const data = new Uint8Array(W * H * 3).fill(110);
  const x0 = Math.round((W - face.width) / 2);
  const y0 = Math.round((H - face.height) / 2);
  for (let y = 0; y < face.height; y++)
    data.set(face.data.subarray(y * face.width * 3, (y + 1) * face.width * 3), ((y0 + y) * W + x0) * 3);
  const frame: RgbFrame = { width: W, height: H, data };
  return Buffer.from(await encodeJpeg(frame, { quality: 80 }));
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      frames: { type: 'string', default: '200' },
      people: { type: 'string', default: '20' },
      attendance: { type: 'string', default: 'on' },
    },
  });
  const frames = Number(values.frames);
  const shared = findSharedDir();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-webcam-'));
  const clock = new FakeClock(Date.parse('2026-03-04T03:00:00Z'));
  const env = parseEnv(
    {
      HADIR_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${path.join(dataDir, 'bench.sqlite')}`,
      HADIR_CAMERA_CONFIG_DIR: path.join(dataDir, 'camera_config'),
      HADIR_MODELS_DIR: shared.modelsDir,
      LOG_LEVEL: 'silent',
      HADIR_SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
      HADIR_ROLES: 'api',
    },
    [],
  );
  const server = await composeServer(env, { clock, logger: createLogger('silent'), webDir: null });
  const open: WebSocket[] = [];
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
    const csrf = setup.json<{ csrfToken: string }>().csrfToken;
    if (values.attendance === 'on') {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/organization',
        headers: { cookie, 'x-csrf-token': csrf },
        payload: { settings: { libraryAttendance: true, webcamAttendanceIntervalMinutes: 15 } },
      });
      if (res.statusCode !== 200) throw new Error(`settings: ${res.body}`);
    }
    const faces = server.modules.faces;
    const engine = await faces.engine.engine();
    const selected = await faces.engine.select();
    if (!selected.enabled) throw new Error('face recognition is not available: check the models dir');

    // Enrol the people (a real template each) and prepare the camera's frames from their other photos.
    const people = lfwPeople(path.join(shared.dataDir, 'faces'), Number(values.people));
    const now = clock.nowMs();
    const prepared: Buffer[] = [];
    for (const [i, p] of people.entries()) {
      const id = newId(now);
      await server.ctx.db
        .insertInto('employees')
        .values({
          id,
          organizationId: orgId,
          employeeCode: `W${String(i).padStart(4, '0')}`,
          badgeId: null,
          name: p.name.replaceAll('_', ' '),
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
        })
        .execute();
      const found = await engine.analyze(await decodeImage(fs.readFileSync(p.files[0]!)));
      const main = found.reduce<(typeof found)[number] | null>(
        (a, b) => (!a || b.quality.sizePx > a.quality.sizePx ? b : a),
        null,
      );
      if (!main) continue;
      await server.ctx.db
        .insertInto('faceSamples')
        .values({
          id: newId(now),
          organizationId: orgId,
          employeeId: id,
          pack: selected.pack,
          embedding: embeddingToBytes(main.embedding),
          quality: 1,
          alignedCrop: null,
          source: 'upload',
          createdAt: now,
        })
        .execute();
      for (const f of p.files.slice(1, 4)) prepared.push(await cameraFrame(fs.readFileSync(f)));
    }
    faces.galleries.invalidate(orgId);
    const bytes = prepared.reduce((n, b) => n + b.length, 0) / prepared.length;

    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const socket = new WebSocket(`${address.replace(/^http/, 'ws')}/api/webcam/ws`, { headers: { cookie } });
    open.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const ask = (frame: Buffer) =>
      new Promise<WebcamResult>((resolve, reject) => {
        socket.once('message', (data: Buffer) => {
          const a = JSON.parse(data.toString('utf8')) as
            WebcamResult | { type: 'webcam.error'; message: string };
          if (a.type === 'webcam.result') resolve(a);
          else reject(new Error(a.message));
        });
        socket.send(frame);
      });

    for (let i = 0; i < WARMUP; i++) await ask(prepared[i % prepared.length]!);
    const rtt: number[] = [];
    const serverMs: number[] = [];
    let named = 0;
    let recorded = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < frames; i++) {
      const started = performance.now();
      const r = await ask(prepared[i % prepared.length]!);
      rtt.push(performance.now() - started);
      serverMs.push(r.serverMs);
      if (r.faces.some((f) => f.employeeId)) named++;
      recorded += r.recorded.length;
    }
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    rtt.sort((a, b) => a - b);
    serverMs.sort((a, b) => a - b);
    const f1 = (x: number) => x.toFixed(1);
    console.log(
      `\nload average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(
          ' ',
        )}, ${os.cpus().length} CPUs; pack ${selected.pack}; ${people.length} people enrolled; ${prepared.length} distinct frames of ${Math.round(bytes / 1024)} kB; attendance ${values.attendance}\n`,
    );
    console.log(
      '| frames | round trip p50 ms | p95 ms | max ms | frames/s sustained | server ms p50 / p95 | CPU ms per frame | frames named | events recorded |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    console.log(
      `| ${frames} | ${f1(percentile(rtt, 50))} | ${f1(percentile(rtt, 95))} | ${f1(rtt.at(-1) ?? NaN)} | ${(
        frames / wallS
      ).toFixed(2)} | ${percentile(serverMs, 50)} / ${percentile(serverMs, 95)} | ${f1(
        (cpu.user + cpu.system) / 1000 / frames,
      )} | ${named} | ${recorded} |`,
    );
  } finally {
    for (const s of open) s.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
