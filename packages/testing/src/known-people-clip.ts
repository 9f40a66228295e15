// A development clip with known people: real face photos from shared/data/known_people, each scaled and
// moving across a real room video (shared/data/videos), entering and leaving at known times. Made with
// ffmpeg at test time; nothing is committed. The faces in the shared videos are seen from above or behind,
// so this is the one clip whose ground truth says who is visible when.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runFfmpeg } from './videos.js';

/** One person's walk through the frame: centre and face side in pixels move linearly from `from` to `to`. */
export interface KnownPersonWalk {
  /** Folder name under known_people/ (amy, bernadette, howard, leonard, penny, raj, sheldon, stuart). */
  name: string;
  /** Which of the person's five photos (1..5) is composited; enrol from the others. */
  photoIndex: number;
  /** Seconds from the start of the clip; the face is fully inside the frame for the whole interval. */
  enterS: number;
  leaveS: number;
  from: { x: number; y: number; facePx: number };
  to: { x: number; y: number; facePx: number };
}

export interface KnownPeopleClipOptions {
  /** The shared data folder (findSharedDir().dataDir). */
  dataDir: string;
  /** Output .mp4 path (folders are created). */
  out: string;
  /** Background footage under dataDir/videos; default the indoor room seen from a high camera. */
  background?: string;
  /** Where in the background to start, seconds (default 30: a person is standing at the table). */
  backgroundStartS?: number;
  width?: number;
  height?: number;
  fps?: number;
  durationS?: number;
  walks?: KnownPersonWalk[];
}

export interface KnownPeopleClip {
  path: string;
  width: number;
  height: number;
  fps: number;
  durationS: number;
  /** Who is visible when (the walks, in the order given). */
  truth: KnownPersonWalk[];
  /**
   * For each of the eight known people, the photos NOT composited into the clip, padded like the clip's
   * faces (the originals are crops too tight for a detector): enrol these.
   */
  enrolPhotos: Record<string, string[]>;
}

export const KNOWN_PEOPLE = [
  'amy',
  'bernadette',
  'howard',
  'leonard',
  'penny',
  'raj',
  'sheldon',
  'stuart',
] as const;

/**
 * Three people for a 640×360, 14 s clip: two overlap in time, all three grow as they "approach". Raj
 * appears 1 s after Penny leaves, away from where she left, so a tracker has no reason to join them.
 */
export const DEFAULT_WALKS: KnownPersonWalk[] = [
  {
    name: 'sheldon',
    photoIndex: 5,
    enterS: 1,
    leaveS: 6,
    from: { x: 90, y: 150, facePx: 80 },
    to: { x: 330, y: 170, facePx: 120 },
  },
  {
    name: 'penny',
    photoIndex: 5,
    enterS: 4,
    leaveS: 10,
    from: { x: 560, y: 140, facePx: 90 },
    to: { x: 250, y: 180, facePx: 130 },
  },
  {
    name: 'raj',
    photoIndex: 5,
    enterS: 11,
    leaveS: 13.5,
    from: { x: 540, y: 210, facePx: 100 },
    to: { x: 400, y: 190, facePx: 120 },
  },
];

/** Linear interpolation in ffmpeg's expression language over [enterS, leaveS], clamped. */
function lerpExpr(a: number, b: number, w: KnownPersonWalk): string {
  const span = w.leaveS - w.enterS;
  return `(${a}+(${b - a})*clip((t-${w.enterS})/${span},0,1))`;
}

/**
 * Composites the walks over the background and encodes H.264 (yuv420p, 1 s GOP). The photos are tight
 * 150 px face crops, so each is padded by half its side on every side and given a soft round edge: the
 * detector then sees a face with some surroundings, at the side `facePx` (the photo, not the padding).
 */
export async function makeKnownPeopleClip(o: KnownPeopleClipOptions): Promise<KnownPeopleClip> {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const fps = o.fps ?? 10;
  const durationS = o.durationS ?? 14;
  const walks = o.walks ?? DEFAULT_WALKS;
  const background = join(o.dataDir, 'videos', o.background ?? 'one-by-one-person-detection.mp4');
  const photoOf = (name: string, i: number) => join(o.dataDir, 'known_people', name, `${name}${i}.png`);
  for (const f of [background, ...walks.map((w) => photoOf(w.name, w.photoIndex))]) {
    if (!existsSync(f)) throw new Error(`makeKnownPeopleClip: missing ${f}`);
  }
  for (const w of walks) {
    for (const p of [w.from, w.to]) {
      const half = p.facePx / 2;
      if (p.x - half < 0 || p.y - half < 0 || p.x + half > width || p.y + half > height)
        throw new Error(`makeKnownPeopleClip: ${w.name}'s face leaves the ${width}×${height} frame`);
    }
  }
  const inputs = [
    '-stream_loop',
    '-1',
    '-ss',
    String(o.backgroundStartS ?? 30),
    '-i',
    background,
    ...walks.flatMap((w) => [
      '-loop',
      '1',
      '-framerate',
      String(fps),
      '-t',
      String(durationS),
      '-i',
      photoOf(w.name, w.photoIndex),
    ]),
  ];
  const PAD = 2; // padded side / photo side (at 1.5 SCRFD misses 5 of the 40 photos, at 2 none)
  const chains = [
    `[0:v]fps=${fps},scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1,setpts=PTS-STARTPTS[bg]`,
  ];
  let last = 'bg';
  walks.forEach((w, i) => {
    const side = lerpExpr(w.from.facePx * PAD, w.to.facePx * PAD, w);
    chains.push(
      `[${i + 1}:v]format=rgb24,pad=iw*${PAD}:ih*${PAD}:iw*${(PAD - 1) / 2}:ih*${(PAD - 1) / 2}:color=0x808080,` +
        `format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='255*clip((1-hypot(X-W/2,Y-H/2)/(W/2))*5,0,1)',` +
        `scale=w='2*trunc(${side}/2)':h='2*trunc(${side}/2)':eval=frame,setpts=PTS-STARTPTS[f${i}]`,
    );
    const cx = lerpExpr(w.from.x, w.to.x, w);
    const cy = lerpExpr(w.from.y, w.to.y, w);
    chains.push(
      `[${last}][f${i}]overlay=x='${cx}-w/2':y='${cy}-h/2':enable='between(t,${w.enterS},${w.leaveS})':eof_action=pass[v${i}]`,
    );
    last = `v${i}`;
  });
  mkdirSync(dirname(o.out), { recursive: true });
  await runFfmpeg([
    ...inputs,
    '-filter_complex',
    chains.join(';'),
    '-map',
    `[${last}]`,
    '-t',
    String(durationS),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps),
    '-r',
    String(fps),
    '-movflags',
    '+faststart',
    o.out,
  ]);
  const enrolDir = join(dirname(o.out), 'enrol');
  mkdirSync(enrolDir, { recursive: true });
  const enrolPhotos: Record<string, string[]> = {};
  const padArgs: string[] = [];
  const padOutputs: string[] = [];
  for (const name of KNOWN_PEOPLE) {
    const used = walks.filter((w) => w.name === name).map((w) => w.photoIndex);
    const indexes = [1, 2, 3, 4, 5].filter((i) => !used.includes(i));
    enrolPhotos[name] = indexes.map((i) => join(enrolDir, `${name}${i}.png`));
    for (const i of indexes) {
      padArgs.push('-i', photoOf(name, i));
      padOutputs.push(join(enrolDir, `${name}${i}.png`));
    }
  }
  // One ffmpeg run for every enrolment photo (32 runs took ~10 s on a busy machine).
  await runFfmpeg([
    ...padArgs,
    ...padOutputs.flatMap((out, i) => [
      '-map',
      `${i}:v`,
      '-vf',
      `format=rgb24,pad=iw*${PAD}:ih*${PAD}:iw*${(PAD - 1) / 2}:ih*${(PAD - 1) / 2}:color=0x808080`,
      '-frames:v',
      '1',
      out,
    ]),
  ]);
  return { path: o.out, width, height, fps, durationS, truth: walks, enrolPhotos };
}
