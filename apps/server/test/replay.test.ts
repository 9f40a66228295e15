import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findRepoRoot,
  findSharedDir,
  hasBinary,
  makeFaceVideo,
  makeKnownPeopleClip,
  type KnownPeopleClip,
} from '@hadir/testing';
import type { ReplayReport } from '../src/cli/replay-cli.js';

const run = promisify(execFile);
const shared = findSharedDir();
const faces = path.join(shared.dataDir, 'faces');
const skip =
  [
    hasBinary('ffmpeg').ok ? null : 'ffmpeg missing',
    fs.existsSync(path.join(shared.modelsDir, 'foamliu_mobilefacenet/MobileFaceNet.onnx'))
      ? null
      : 'models missing',
    fs.existsSync(path.join(faces, 'Colin_Powell')) ? null : 'LFW photos missing',
  ].find((r) => r !== null) ?? null;
if (skip) console.warn(`[skip] replay test: ${skip}`);

describe.skipIf(skip !== null)('npm run replay', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-replay-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('finds the enrolled person in a video made from OTHER photos of them, and nobody else', async () => {
    const blank = path.join(work, 'blank.jpg');
    await run('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=250x250',
      '-frames:v',
      '1',
      blank,
    ]);
    const photos = [2, 3, 4, 5, 6].map((n) => path.join(faces, 'Colin_Powell', `Colin_Powell_000${n}.jpg`));
    const video = await makeFaceVideo({
      photos: [...photos, blank, blank],
      secondsPerPhoto: 2,
      out: path.join(work, 'colin.mp4'),
      width: 640,
      height: 480,
      fps: 5,
    });
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'apps/server/src/cli/replay-cli.ts',
        '--video',
        video.path,
        '--enrol',
        `Colin Powell=${path.join(faces, 'Colin_Powell', 'Colin_Powell_0001.jpg')}`,
        '--enrol',
        `Bill Gates=${path.join(faces, 'Bill_Gates', 'Bill_Gates_0001.jpg')}`,
        '--models',
        shared.modelsDir,
        '--fps',
        '2',
        '--json',
      ],
      { cwd: findRepoRoot(), timeout: 120_000 },
    );
    const lines = stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1] ?? '{}') as ReplayReport;
    expect(report.framesAnalyzed).toBe(28);
    expect(report.identities.map((i) => i.name)).toEqual(['Colin Powell']);
    const colin = report.identities[0];
    expect(colin?.firstSeenSec).toBeLessThanOrEqual(1.5);
    expect(colin?.lastSeenSec).toBeGreaterThanOrEqual(8.5);
    expect(colin?.lastSeenSec).toBeLessThan(10.5); // the blank tail has nobody
    expect(colin?.sightings).toBeGreaterThanOrEqual(15);
    expect(colin?.bestSimilarity).toBeGreaterThan(0.5);
    expect(report.realtimeFactor).toBeGreaterThan(0);
  }, 180_000);

  it('embed once per track finds the same people on a real clip as embedding every face with flip', async () => {
    const clip = path.join(shared.dataDir, 'videos', 'head-pose-face-detection-female-and-male.gif');
    if (!fs.existsSync(clip)) return console.warn(`[skip] real clip missing: ${clip}`);
    // Enrol the two people from the clip's own frame at 0.5 s: each stands in one half of the view.
    const still = path.join(work, 'still.png');
    await run('ffmpeg', ['-loglevel', 'error', '-ss', '0.5', '-i', clip, '-frames:v', '1', still]);
    const halves = ['0', '240'].map((x) => path.join(work, `half${x}.png`));
    for (const [i, x] of ['0', '240'].entries())
      await run('ffmpeg', ['-loglevel', 'error', '-i', still, '-vf', `crop=240:270:${x}:0`, halves[i]!]);
    const replayWith = async (extra: string[]) => {
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'apps/server/src/cli/replay-cli.ts',
          '--video',
          clip,
          '--enrol',
          `Left=${halves[0]!}`,
          '--enrol',
          `Right=${halves[1]!}`,
          '--models',
          shared.modelsDir,
          '--fps',
          '4',
          '--json',
          ...extra,
        ],
        { cwd: findRepoRoot(), timeout: 120_000 },
      );
      const lines = stdout.trim().split('\n');
      return JSON.parse(lines[lines.length - 1] ?? '{}') as ReplayReport;
    };
    const before = await replayWith(['--recheck-ms', '0', '--flip']);
    const after = await replayWith([]);
    const names = (r: ReplayReport) => r.identities.map((i) => i.name).sort();
    expect(names(before)).toEqual(['Left', 'Right']);
    expect(names(after)).toEqual(names(before));
    expect(after.unknownTracks).toBe(before.unknownTracks);
    for (const b of before.identities) {
      const a = after.identities.find((i) => i.name === b.name);
      expect(a?.firstSeenSec).toBe(b.firstSeenSec);
      expect(a?.sightings).toBeGreaterThanOrEqual(b.sightings - 1);
    }
    // Before: every face of every frame; after: each track embedded until named, then re-checked.
    expect(before.facesSkipped).toBe(0);
    expect(after.facesEmbedded).toBeLessThan(before.facesEmbedded / 3);
    expect(after.facesEmbedded + after.facesSkipped).toBe(before.facesEmbedded);
  }, 240_000);
});

const knownSkip =
  [
    hasBinary('ffmpeg').ok ? null : 'ffmpeg missing',
    fs.existsSync(path.join(shared.dataDir, 'known_people', 'raj')) ? null : 'known_people photos missing',
    fs.existsSync(path.join(shared.dataDir, 'videos', 'one-by-one-person-detection.mp4'))
      ? null
      : 'background video missing',
  ].find((r) => r !== null) ?? null;
if (knownSkip) console.warn(`[skip] replay on the known-people clip: ${knownSkip}`);

describe.skipIf(knownSkip !== null)('npm run replay on the known-people clip', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-replay-known-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  let clip: KnownPeopleClip | undefined;
  const clipOnce = async () =>
    (clip ??= await makeKnownPeopleClip({ dataDir: shared.dataDir, out: path.join(work, 'known.mp4') }));

  /** All eight known people enrolled (two photos each, none of them the one in the clip). */
  const replayKnown = async (modelsDir: string, pack: string | null) => {
    const c = await clipOnce();
    const enrol = Object.entries(c.enrolPhotos).flatMap(([name, photos]) =>
      photos.slice(0, 2).flatMap((p) => ['--enrol', `${name}=${p}`]),
    );
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'apps/server/src/cli/replay-cli.ts',
        '--video',
        c.path,
        ...enrol,
        '--models',
        modelsDir,
        ...(pack ? ['--pack', pack] : []),
        '--fps',
        '2',
        '--json',
      ],
      { cwd: findRepoRoot(), timeout: 240_000 },
    );
    const lines = stdout.trim().split('\n');
    return { clip: c, report: JSON.parse(lines[lines.length - 1] ?? '{}') as ReplayReport };
  };

  /** Who the ground truth says walked through, and when, within one sampled frame (0.5 s) at 2 fps. */
  const expectTruth = ({ clip: c, report }: Awaited<ReturnType<typeof replayKnown>>) => {
    expect(report.framesAnalyzed).toBe(c.durationS * 2);
    expect(report.identities.map((i) => i.name).sort()).toEqual(c.truth.map((w) => w.name).sort());
    expect(report.unknownTracks).toBe(0);
    for (const w of c.truth) {
      const seen = report.identities.find((i) => i.name === w.name)!;
      expect(seen.firstSeenSec, `${w.name} first seen`).toBeGreaterThanOrEqual(w.enterS);
      expect(seen.firstSeenSec, `${w.name} first seen`).toBeLessThanOrEqual(w.enterS + 1);
      expect(seen.lastSeenSec, `${w.name} last seen`).toBeGreaterThanOrEqual(w.leaveS - 1);
      expect(seen.lastSeenSec, `${w.name} last seen`).toBeLessThanOrEqual(w.leaveS);
    }
  };

  it('the pack a fresh machine gets finds each walker when they are there, and nobody else', async () => {
    // An empty models directory: only the npm-shipped packs are available.
    const empty = fs.mkdtempSync(path.join(work, 'models-'));
    expectTruth(await replayKnown(empty, null));
  }, 300_000);

  it.skipIf(!fs.existsSync(path.join(shared.modelsDir, 'foamliu_mobilefacenet/MobileFaceNet.onnx')))(
    'the best pack of the shared models finds the same people at the same times',
    async () => {
      expectTruth(await replayKnown(shared.modelsDir, null));
    },
    300_000,
  );
});
