/**
 * `npm run bench -- videos [--fps 5] [--video FILE]`: video library processing speed as a multiple of
 * real time (person detection + tracking + faces at N analysed fps) for a 720p and a 1080p clip.
 * The 720p clip is ../shared/data/videos/example_02.mp4 (1280×720, 13.7 s, a busy plaza); the 1080p one
 * is the same clip scaled up by ffmpeg at run time, so both have the same people.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findSharedDir } from '@hadir/testing';
import {
  indexVideo,
  loadFaceEngine,
  locateFfmpeg,
  probeVideo,
  resolvePersonDetector,
  YoloxPersonDetector,
} from '@hadir/vision';

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { fps: { type: 'string' }, video: { type: 'string' } } });
  const fps = Number(values.fps ?? 5);
  const shared = findSharedDir();
  const ff = locateFfmpeg();
  if (!ff?.ffprobe) throw new Error('ffmpeg and ffprobe are needed');
  const det = await resolvePersonDetector(shared.modelsDir);
  if (det.path === null) throw new Error(det.reason);
  const src = values.video ?? path.join(shared.dataDir, 'videos', 'example_02.mp4');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-videos-'));
  const hd = path.join(tmp, '1080p.mp4');
  execFileSync(ff.ffmpeg, [
    '-v',
    'error',
    '-y',
    '-i',
    src,
    '-vf',
    'scale=1920:1080',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-an',
    hd,
  ]);
  const detector = await YoloxPersonDetector.load(det.path);
  const engine = await loadFaceEngine({ modelsDir: shared.modelsDir });
  console.log(
    `cores ${os.cpus().length}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, pack ${engine.info.pack}, person detector ${det.manifest.name}, ${fps} analysed fps`,
  );
  console.log('| clip | resolution | duration | frames analysed | wall | × real time | persons | peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|');
  try {
    for (const [label, file] of [
      ['720p', src],
      ['1080p', hd],
    ] as const) {
      const p = await probeVideo(ff.ffprobe, file);
      let peak = process.memoryUsage().rss;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
      const r = await indexVideo({
        ffmpeg: ff.ffmpeg,
        file,
        durationSec: p.durationSec,
        videoFps: p.fps,
        width: p.width,
        height: p.height,
        personDetector: detector,
        faceEngine: engine,
        analysedFps: fps,
      });
      clearInterval(timer);
      console.log(
        `| ${label} | ${p.width}×${p.height} | ${p.durationSec.toFixed(1)} s | ${r.framesAnalyzed} | ${(r.elapsedMs / 1000).toFixed(1)} s | ${r.realtimeFactor.toFixed(2)}× | ${r.persons.length} | ${Math.round(peak / 2 ** 20)} MiB |`,
      );
    }
  } finally {
    await detector.close();
    await engine.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
