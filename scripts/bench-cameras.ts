/*
 * npm run bench -- cameras [--counts 1,2,4,8,16,24,32] [--seconds 25] [--fps 2] [--modes main,substream]
 *                          [--detector-input 480x288] [--models DIR] [--out docs/benchmarks-cameras.md]
 *                          [--no-quality]
 *
 * N cameras on one box. Two real RTSP servers on loopback (packages/testing, gst-rtsp-server, served over
 * TCP without re-encoding) loop the same scene as a camera would offer it: a 1920×1080 15 fps H.264 main
 * stream at ~4 Mbit/s and a 640×360 substream at ~0.5 Mbit/s. The scene is made from LFW photos of one
 * enrolled person with temporal sensor-like noise added, so the encoder really spends its bitrate (a
 * clean slideshow decodes ~2× cheaper than camera footage). N Hadir cameras pull it (each decodes its own
 * stream). Mode `main`: detection on the main stream (maxWidth 1280, the default); mode `substream`: the
 * camera names the substream as detectSource. The real pipeline runs in this process (roles
 * pipeline+worker). Reported per N: analysed fps per camera, drops, CPU of this process (incl. inference
 * workers) and of its ffmpeg children, read per process from /proc, CPU ms per analysed frame, RSS, and
 * the time from cameras starting to each camera's first recognition stored (every round has its own
 * organization and employee, so a stay from the previous round cannot hide it). A second table breaks
 * the time per analysed frame down by stage: ffmpeg (from /proc) and the stages the pipeline records
 * (capture read, motion, detect, align, embed, main-stream search, match, tracker). A third reports
 * recognition quality on footage with known people (the replay tool, same workers and detector input):
 * who was found, identity switches, time from entering the view to recognition.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_WALKS,
  findSharedDir,
  makeFaceVideo,
  makeKnownPeopleClip,
  startRtspCamera,
  waitFor,
  type KnownPeopleClip,
  type KnownPersonWalk,
} from '@hadir/testing';
import type { AuthContext } from '../apps/server/src/platform/http/auth-context.js';
import type { PipelineStageTotals } from '../apps/server/src/modules/pipeline/index.js';
import { parseArgs as parseReplayArgs, replay } from '../apps/server/src/cli/replay-cli.js';
import { parseEnv } from '../apps/server/src/platform/config/env.js';
import { composeServer } from '../apps/server/src/roles/compose.js';
import { createLogger } from '../apps/server/src/platform/logging/logger.js';
import { newId } from '../apps/server/src/platform/ids/ids.js';
import { addEmployee } from '../apps/server/test/fixtures/employee-row.js';
import { PERMISSIONS } from '@hadir/domain';
import { DEFAULT_ORGANIZATION_SETTINGS } from '@hadir/contracts';

const CLOCK_TICKS_PER_S = 100;

/** utime + stime (seconds) of this process's ffmpeg children, from /proc/<pid>/stat. */
function ffmpegChildrenCpuS(): { cpuS: number; pids: Map<number, number> } {
  const pids = new Map<number, number>();
  let cpuS = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    if (Number(f[1]) !== process.pid || comm !== 'ffmpeg') continue;
    const s = (Number(f[11]) + Number(f[12])) / CLOCK_TICKS_PER_S;
    pids.set(Number(entry), s);
    cpuS += s;
  }
  return { cpuS, pids };
}

/** CPU seconds the ffmpeg children spent between two readings (children present in both). */
function ffmpegDelta(a: Map<number, number>, b: Map<number, number>): number {
  let d = 0;
  for (const [pid, s] of b) d += s - (a.get(pid) ?? s);
  return d;
}

/** Encode the scene as a camera's stream: H.264, `bitrate`, 15 fps, a keyframe every 2 s, sensor noise. */
function encodeStream(input: string, out: string, width: number, height: number, bitrate: string): void {
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-i',
    input,
    '-vf',
    `scale=${width}:${height},fps=15,noise=alls=10:allf=t`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-b:v',
    bitrate,
    '-maxrate',
    bitrate,
    '-bufsize',
    bitrate,
    '-g',
    '30',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
}

function systemCpuTimes(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

type Server = Awaited<ReturnType<typeof composeServer>>;

/** A fresh organization with one enrolled employee: each round's first recognitions are its own. */
async function benchOrganization(server: Server, round: string, enrolPhoto: string): Promise<string> {
  const db = server.ctx.db;
  const now = Date.now();
  const orgId = newId(now);
  await db
    .insertInto('organizations')
    .values({
      id: orgId,
      name: `Bench ${round}`,
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
    { fileName: 'enrol.jpg', bytes: fs.readFileSync(enrolPhoto) },
  ]);
  return orgId;
}

const STAGES: [keyof PipelineStageTotals, string][] = [
  ['captureReadMs', 'capture read'],
  ['motionMs', 'motion'],
  ['detectMs', 'detect (+quality)'],
  ['alignMs', 'align'],
  ['embedMs', 'embed'],
  ['mainStreamMs', 'main-stream search'],
  ['matchMs', 'match'],
  ['trackMs', 'tracker'],
];

/** Recognition quality on footage with known people, through the replay tool (same workers). */
async function replayQuality(
  clip: KnownPeopleClip,
  video: string,
  modelsDir: string,
  fps: number,
  detectorInput: string | undefined,
): Promise<string> {
  const enrol = Object.entries(clip.enrolPhotos).flatMap(([name, photos]) =>
    photos.slice(0, 2).flatMap((p) => ['--enrol', `${name}=${p}`]),
  );
  const args = parseReplayArgs([
    '--video',
    video,
    ...enrol,
    '--models',
    modelsDir,
    '--fps',
    String(fps),
    ...(detectorInput ? ['--detector-input', detectorInput] : []),
  ]);
  const r = await replay(args, () => undefined);
  const walkers = clip.truth.map((w) => w.name);
  const found = walkers.filter((n) => r.identities.some((i) => i.name === n));
  const others = r.identities.filter((i) => !walkers.includes(i.name)).map((i) => i.name);
  const delays = clip.truth.map((w) => {
    const seen = r.identities.find((i) => i.name === w.name);
    return seen ? `${w.name} ${(seen.firstSeenSec - w.enterS).toFixed(1)} s` : `${w.name} missed`;
  });
  return `| ${path.basename(video)} | ${clip.width}×${clip.height} | ${found.length}/${walkers.length} | ${others.length === 0 ? 'none' : others.join(', ')} | ${r.unknownTracks} | ${r.identitySwitches} | ${delays.join(', ')} | ${r.facesEmbedded} / ${r.facesSkipped} |`;
}

/** The known-people walks scaled from the 640×360 default to another frame size (same scene, more pixels). */
function scaledWalks(k: number): KnownPersonWalk[] {
  const p = (q: { x: number; y: number; facePx: number }) => ({
    x: q.x * k,
    y: q.y * k,
    facePx: q.facePx * k,
  });
  return DEFAULT_WALKS.map((w) => ({ ...w, from: p(w.from), to: p(w.to) }));
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      counts: { type: 'string', default: '1,2,4,8,16,24,32' },
      seconds: { type: 'string', default: '25' },
      fps: { type: 'string', default: '2' },
      models: { type: 'string' },
      out: { type: 'string' },
      modes: { type: 'string', default: 'main,substream' },
      'detector-input': { type: 'string' },
      'no-quality': { type: 'boolean', default: false },
    },
  });
  const modes = values.modes.split(',') as ('main' | 'substream')[];
  const counts = values.counts.split(',').map(Number);
  const seconds = Number(values.seconds);
  const fps = Number(values.fps);
  const shared = findSharedDir();
  const modelsDir = values.models ?? shared.modelsDir;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-cameras-'));
  const person = path.join(shared.dataDir, 'faces', 'Colin_Powell');
  const enrolPhoto = path.join(person, 'Colin_Powell_0001.jpg');
  const video = await makeFaceVideo({
    photos: [2, 3, 4, 5, 6].map((n) => path.join(person, `Colin_Powell_000${n}.jpg`)),
    secondsPerPhoto: 2,
    out: path.join(work, 'person-1080p.mp4'),
    width: 1920,
    height: 1080,
    fps: 10,
    fit: 'pad',
  });
  const mainFile = path.join(work, 'main-1080p15.mp4');
  const subFile = path.join(work, 'sub-360p15.mp4');
  encodeStream(video.path, mainFile, 1920, 1080, '4M');
  encodeStream(video.path, subFile, 640, 360, '500k');

  // Recognition quality first, on an otherwise idle pipeline: the replay tool on the known-people clip
  // as the substream (640×360) and as the main stream (1920×1080, the same walks with 3× the pixels).
  const qualityRows: string[] = [];
  if (!values['no-quality']) {
    const sub = await makeKnownPeopleClip({
      dataDir: shared.dataDir,
      out: path.join(work, 'known', 'sub.mp4'),
    });
    const main = await makeKnownPeopleClip({
      dataDir: shared.dataDir,
      out: path.join(work, 'known-main', 'main.mp4'),
      width: 1920,
      height: 1080,
      walks: scaledWalks(3),
    });
    if (modes.includes('substream'))
      qualityRows.push(await replayQuality(sub, sub.path, modelsDir, fps, values['detector-input']));
    if (modes.includes('main'))
      qualityRows.push(await replayQuality(main, main.path, modelsDir, fps, values['detector-input']));
    for (const r of qualityRows) console.log(r);
  }

  const camera = await startRtspCamera({ video: mainFile, path: '/main' });
  const substream = await startRtspCamera({ video: subFile, path: '/sub' });
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
      ...(values['detector-input'] ? { HADIR_DETECTOR_INPUT: values['detector-input'] } : {}),
    },
    [],
  );
  const server = await composeServer(env, { logger: createLogger('warn'), webDir: null });
  const db = server.ctx.db;
  await server.start();
  await server.modules.pipeline.whenReady();

  const rows: string[] = [];
  const stageRows: string[] = [];
  for (const mode of modes)
    for (const n of counts) {
      for (const f of fs.readdirSync(env.cameraConfigDir))
        fs.rmSync(path.join(env.cameraConfigDir, f), { recursive: true });
      await server.modules.cameras.rescan();
      await new Promise((r) => setTimeout(r, 1000));
      const orgId = await benchOrganization(server, `${mode} ${n}`, enrolPhoto);
      const startedAt = Date.now();
      for (let i = 1; i <= n; i++) {
        server.modules.cameras.files.write(`n${n}-cam-${i}`, {
          organizationId: orgId,
          name: `Bench ${i}`,
          source: camera.url,
          analysisFps: fps,
          // Worst case: every frame analysed (a busy scene); motion gating only lowers the load.
          motionKeepAliveMs: 0,
          ...(mode === 'substream' ? { detectSource: substream.url, maxWidth: 640 } : {}),
        });
      }
      await server.modules.cameras.rescan();
      // Time to recognition per camera: cameras written → that camera's first sighting stored in this
      // round's organization (presence_stay_cameras.first_seen_ts). Waits for the first camera only.
      const firstSeen = async () =>
        db
          .selectFrom('presenceStayCameras')
          .select(['cameraId', db.fn.min('firstSeenTs').as('first')])
          .where('organizationId', '=', orgId)
          .groupBy('cameraId')
          .execute();
      await waitFor(async () => ((await firstSeen()).length > 0 ? true : null), {
        timeoutMs: 60_000,
        intervalMs: 200,
      }).catch(() => null);
      // Let every stream settle, then measure a steady window.
      await new Promise((r) => setTimeout(r, 4000));
      const list = () => server.modules.cameras.list().filter((c) => c.id.startsWith(`n${n}-cam-`));
      const before = new Map(list().map((c) => [c.id, { ...c.status }]));
      const stages0 = server.modules.pipeline.stageTotals();
      const cpu0 = process.cpuUsage();
      const ff0 = ffmpegChildrenCpuS();
      const sys0 = systemCpuTimes();
      const t0 = Date.now();
      let rssMax = 0;
      const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 500);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      clearInterval(sampler);
      const wallS = (Date.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const ff1 = ffmpegChildrenCpuS();
      const sys1 = systemCpuTimes();
      const stages1 = server.modules.pipeline.stageTotals();
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
      const procCpuS = (cpu.user + cpu.system) / 1e6;
      const ffmpegCpuS = ffmpegDelta(ff0.pids, ff1.pids);
      const procCpu = (procCpuS / wallS) * 100;
      const ffmpegCpu = (ffmpegCpuS / wallS) * 100;
      const framesTotal = perCam.reduce((a, c) => a + c.fps, 0) * wallS;
      const msPerFrame = framesTotal > 0 ? ((procCpuS + ffmpegCpuS) * 1000) / framesTotal : 0;
      const hadirTotal = procCpu + ffmpegCpu;
      const sysCpu =
        ((sys1.busy - sys0.busy) / Math.max(1, sys1.total - sys0.total)) * 100 * os.cpus().length;
      const online = perCam.filter((c) => c.state === 'online').length;
      // Per camera: seconds from the cameras being written to its first recognition.
      const seen = (await firstSeen()).map((r) => (Number(r.first) - startedAt) / 1000).sort((a, b) => a - b);
      const recognition =
        seen.length === 0
          ? 'none'
          : `${seen.length}/${n} cameras; median ${seen[Math.floor(seen.length / 2)]!.toFixed(1)} s, last ${seen[seen.length - 1]!.toFixed(1)} s`;
      const row = `| ${mode} | ${n} | ${avgFps.toFixed(2)} | ${minFps.toFixed(2)} | ${dropped} | ${online}/${n} | ${procCpu.toFixed(0)} % | ${ffmpegCpu.toFixed(0)} % | ${hadirTotal.toFixed(0)} % (${(hadirTotal / os.cpus().length).toFixed(0)} % of box) | ${msPerFrame.toFixed(0)} | ${sysCpu.toFixed(0)} % | ${(rssMax / 1024 / 1024).toFixed(0)} MiB | ${recognition} |`;
      console.log(row);
      rows.push(row);
      // Stage breakdown, ms per analysed frame: ffmpeg from /proc; the rest as recorded by the pipeline.
      const frames = Math.max(1, stages1.framesInferred - stages0.framesInferred);
      const per = (k: keyof PipelineStageTotals) => (stages1[k] - stages0[k]) / frames;
      const inProcess = STAGES.reduce((a, [k]) => a + per(k), 0);
      const other = (procCpuS * 1000) / frames - inProcess;
      const embedded = stages1.facesEmbedded - stages0.facesEmbedded;
      const skipped = stages1.facesSkipped - stages0.facesSkipped;
      const stageRow = `| ${mode} | ${n} | ${frames} | ${((ffmpegCpuS * 1000) / frames).toFixed(1)} | ${STAGES.map(([k]) => per(k).toFixed(1)).join(' | ')} | ${other.toFixed(1)} | ${embedded} / ${skipped} |`;
      console.log(stageRow);
      stageRows.push(stageRow);
    }
  await server.stop();
  await camera.stop();
  await substream.stop();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const table = [
    `| detect on | cameras | analysed fps per camera (mean) | (min) | frames dropped | online | CPU Hadir process (incl. workers) | CPU its ffmpeg children | Hadir + ffmpeg (of ${os.cpus().length * 100} %) | CPU ms per analysed frame | CPU whole box, other users included | RSS peak | cameras start → first recognition stored, per camera |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  const stageTable = [
    `| detect on | cameras | frames analysed | ffmpeg (CPU, /proc) | ${STAGES.map(([, name]) => name).join(' | ')} | rest of the Hadir process (CPU − stages) | faces embedded / followed |`,
    `|---|---|---|---|${STAGES.map(() => '---').join('|')}|---|---|`,
    ...stageRows,
  ].join('\n');
  const qualityTable = [
    '| footage (known-people clip) | size | walkers found | others named | unknown tracks | identity switches | enters view → recognized | faces embedded / followed |',
    '|---|---|---|---|---|---|---|---|',
    ...qualityRows,
  ].join('\n');
  console.log(`\n${table}\n\n${stageTable}\n\n${qualityTable}\n\nload average at the end: ${load}`);
  if (values.out) {
    const cmd = `npm run bench -- cameras --counts ${values.counts} --seconds ${seconds} --fps ${fps} --modes ${values.modes}${values['detector-input'] ? ` --detector-input ${values['detector-input']}` : ''}`;
    fs.writeFileSync(
      values.out,
      `# Camera scale benchmark\n\nCommand: \`${cmd}\` (${new Date().toISOString()}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, load average at the end ${load}).\n\n${table}\n\nms per analysed frame, by stage (worker stages are wall time in a one-thread worker: CPU time when the core is not contended):\n\n${stageTable}\n\nRecognition quality (replay tool, same detector input):\n\n${qualityTable}\n`,
    );
  }
  execFileSync('rm', ['-rf', work]);
}
