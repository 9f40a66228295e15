// Real models on real footage: the tracker scored against a hand-made ground truth.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDir, hasMobileFaceNet, modelsDir } from '../../test/fixtures.js';
import { loadFaceEngine, type FaceEngine } from '../engine/face-engine.js';
import { locateFfmpeg } from '../capture/ffmpeg-command.js';
import { YoloxPersonDetector } from './yolox-detector.js';
import { resolvePersonDetector } from './person-packs.js';
import { probeVideo } from './video-probe.js';
import { indexVideo } from './video-indexer.js';
import { scoreTracker } from './score.js';

type Truth = {
  clips: {
    file: string;
    toleranceSec: number;
    persons: { id: string; ranges: [number, number][]; cx?: number }[];
  }[];
};
const truth = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../../test/fixtures/video-ground-truth.json'), 'utf8'),
) as Truth;
const ff = locateFfmpeg();
const yolox = path.join(modelsDir, 'yolox', 'yolox_nano.onnx');
const ready =
  existsSync(yolox) &&
  hasMobileFaceNet &&
  ff?.ffprobe &&
  truth.clips.every((c) => existsSync(path.join(dataDir, c.file)));
if (!ready)
  console.warn(
    `person-video tests skipped: need ${yolox}, the mobilefacenet pack, ffmpeg+ffprobe and the clips under ${dataDir}`,
  );

describe.skipIf(!ready)('person tracking on real clips (hand-made ground truth)', () => {
  let detector: YoloxPersonDetector;
  let engine: FaceEngine;
  beforeAll(async () => {
    const resolved = await resolvePersonDetector(modelsDir);
    expect(resolved.path).not.toBeNull();
    detector = await YoloxPersonDetector.load(resolved.path!);
    engine = await loadFaceEngine({ modelsDir, pack: 'mobilefacenet' });
  });
  afterAll(async () => {
    await detector?.close();
    await engine?.close();
  });

  it.each(truth.clips.map((c) => [c.file, c] as const))(
    '%s: every person found with their ranges, no identity switch',
    async (_name, clip) => {
      const file = path.join(dataDir, clip.file);
      const p = await probeVideo(ff!.ffprobe!, file);
      const r = await indexVideo({
        ffmpeg: ff!.ffmpeg,
        file,
        durationSec: p.durationSec,
        videoFps: p.fps,
        width: p.width,
        height: p.height,
        personDetector: detector,
        faceEngine: engine,
        analysedFps: p.durationSec > 30 ? 2 : 5,
      });
      const predicted = r.persons.map((q) => q.ranges.map((x) => [x.startSec, x.endSec] as [number, number]));
      const s = scoreTracker(
        clip.persons.map((q) => q.ranges),
        predicted,
        {
          toleranceSec: clip.toleranceSec,
          truthCx: clip.persons.map((q) => q.cx),
          // Median horizontal centre of each predicted person's boxes.
          predictedCx: r.persons.map((q) => {
            const xs = q.boxes.map((b) => b.x + b.w / 2).sort((a, b) => a - b);
            return xs[Math.floor(xs.length / 2)] ?? 0;
          }),
        },
      );
      console.log(
        clip.file,
        JSON.stringify({ ...s, persons: predicted, realtimeFactor: r.realtimeFactor.toFixed(2) }),
      );
      expect(s.rangeRecall).toBeGreaterThanOrEqual(0.85);
      expect(s.rangePrecision).toBeGreaterThanOrEqual(0.85);
      expect(s.identitySwitches).toBe(0);
      expect(s.falsePersons).toBe(0);
    },
    240_000,
  );
});

describe.skipIf(!ready)('npm run index-video', () => {
  it('prints one JSON object as its last line, naming the enrolled person', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const run = promisify(execFile);
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'hadir-index-video-'));
    try {
      const gif = path.join(dataDir, 'videos', 'face-demographics-walking-and-pause.gif');
      // The bald man in the centre, cut from frame 20 of the clip as an enrolment photo.
      const photo = path.join(tmp, 'man.png');
      await run(ff!.ffmpeg, [
        '-v',
        'error',
        '-y',
        '-i',
        gif,
        '-vf',
        'select=eq(n\\,20),crop=140:160:145:10',
        '-frames:v',
        '1',
        photo,
      ]);
      const cli = path.join(import.meta.dirname, '../cli/index-video-cli.ts');
      const { stdout: out } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          cli,
          '--video',
          gif,
          '--enrol',
          `Budi=${photo}`,
          '--models',
          modelsDir,
          '--pack',
          'mobilefacenet',
          '--json',
        ],
        { timeout: 120_000 },
      );
      const last = JSON.parse(out.trim().split('\n').at(-1)!) as {
        persons: { code: string; name?: string; ranges: [number, number][]; faces: number }[];
        framesAnalyzed: number;
        durationSec: number;
        realtimeFactor: number;
      };
      expect(last.persons).toHaveLength(3);
      expect(last.persons.filter((p) => p.name === 'Budi')).toHaveLength(1);
      expect(last.persons.map((p) => p.code)).toEqual(['PERSON-0001', 'PERSON-0002', 'PERSON-0003']);
      for (const p of last.persons) expect(p.ranges[0]![1]).toBeGreaterThan(3);
      expect(last.framesAnalyzed).toBe(17);
      expect(last.durationSec).toBeCloseTo(3.41, 2);
      expect(last.realtimeFactor).toBeGreaterThan(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 180_000);
});
