// npm run replay -- --video FILE --enrol "Name=photo.jpg" [--enrol …] [--fps N] [--pack NAME] [--json]
//
// Runs the camera pipeline's recognition (worker-thread detector + embedder, tracker, quality-weighted
// consensus, gallery matching, one identity per frame) on a video file, with the given people enrolled in
// a throwaway in-memory gallery, and reports per identity when they were seen. Nothing is written to any
// database. `--json` prints one JSON object as the LAST line of output.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { decideIdentity } from '@hadir/domain';
import {
  Gallery,
  TopK,
  decodeImage,
  defaultModelsDir,
  loadFaceEngine,
  locateFfmpeg,
  probeSource,
} from '@hadir/vision';
import {
  DEFAULT_RECHECK_MS,
  FrameAnalyzer,
  InferencePool,
  MIN_FACE_QUALITY,
  type MatchableGallery,
} from '../modules/pipeline/index.js';

interface Args {
  video: string;
  enrol: { name: string; photo: string }[];
  fps: number;
  pack: string | null;
  json: boolean;
  modelsDir: string;
  minFacePx: number;
  maxWidth: number;
  workers: number | null;
  /** FrameAnalyzer.recheckMs: 0 embeds every face of every frame (the behaviour before embed-once). */
  recheckMs: number;
  /** Flip-averaged embeddings on video frames (default off, like live cameras). */
  flip: boolean;
  /**
   * The same scene at a higher resolution (a camera's main stream; `video` plays its detect stream): faces
   * smaller than minEmbedFacePx on `video` are embedded from this video's frame at the same moment.
   */
  mainVideo: string | null;
  minEmbedFacePx: number;
  /** SCRFD input WIDTHxHEIGHT for the workers (like HADIR_DETECTOR_INPUT). */
  detectorInput: [number, number] | null;
  /** Cosine threshold (a camera's recognitionThreshold); default the pack's. */
  threshold: number | null;
}

const USAGE =
  'usage: npm run replay -- --video FILE --enrol "Name=photo.jpg" [--enrol …] [--fps 2] [--pack NAME] [--models DIR] [--min-face-px 40] [--workers N] [--recheck-ms 5000] [--flip] [--main-video FILE --min-embed-face-px 48] [--detector-input 480x288] [--threshold 0.5] [--json]';

export function parseArgs(argv: string[]): Args {
  const out: Args = {
    video: '',
    enrol: [],
    fps: 2,
    pack: null,
    json: false,
    modelsDir: defaultModelsDir(),
    minFacePx: 40,
    maxWidth: 1280,
    workers: null,
    recheckMs: DEFAULT_RECHECK_MS,
    flip: false,
    mainVideo: null,
    minEmbedFacePx: 0,
    detectorInput: null,
    threshold: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--video') out.video = next();
    else if (a === '--enrol') {
      const v = next();
      const eq = v.indexOf('=');
      if (eq < 1) throw new Error(`--enrol expects "Name=photo.jpg", got "${v}"`);
      out.enrol.push({ name: v.slice(0, eq), photo: v.slice(eq + 1) });
    } else if (a === '--fps') out.fps = Number(next());
    else if (a === '--pack') out.pack = next();
    else if (a === '--models') out.modelsDir = path.resolve(next());
    else if (a === '--min-face-px') out.minFacePx = Number(next());
    else if (a === '--workers') out.workers = Number(next());
    else if (a === '--recheck-ms') out.recheckMs = Number(next());
    else if (a === '--flip') out.flip = true;
    else if (a === '--main-video') out.mainVideo = next();
    else if (a === '--threshold') out.threshold = Number(next());
    else if (a === '--min-embed-face-px') out.minEmbedFacePx = Number(next());
    else if (a === '--detector-input') {
      const m = /^(\d+)x(\d+)$/.exec(next());
      if (!m) throw new Error('--detector-input expects WIDTHxHEIGHT, e.g. 480x288');
      out.detectorInput = [Number(m[1]), Number(m[2])];
    } else if (a === '--json') out.json = true;
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!out.video) throw new Error(`--video is required\n${USAGE}`);
  if (!(out.fps > 0 && out.fps <= 30)) throw new Error('--fps must be in (0, 30]');
  if (!(out.recheckMs >= 0)) throw new Error('--recheck-ms must be ≥ 0');
  if (out.threshold !== null && !(out.threshold > 0 && out.threshold < 1))
    throw new Error('--threshold must be in (0, 1)');
  if (!(out.minEmbedFacePx >= 0)) throw new Error('--min-embed-face-px must be ≥ 0');
  if (out.mainVideo && !(out.minEmbedFacePx > 0))
    throw new Error(
      '--main-video needs --min-embed-face-px (faces below it are embedded from the main video)',
    );
  return out;
}

/** The replay's gallery: vision's Gallery + the same decision rule as the server (decideIdentity). */
function galleryAdapter(g: Gallery, threshold: number): MatchableGallery {
  const top = new TopK(2);
  return {
    threshold,
    match(embedding) {
      const r = g.searchInto(embedding, top);
      const cands = Array.from({ length: r.count }, (_, i) => ({
        identityId: g.identityIdAt(r.identityIndex[i] as number),
        cosineSimilarity: r.cosineSimilarity[i] as number,
      }));
      const d = decideIdentity(cands, { threshold, margin: 0.05 });
      const second = cands[1]
        ? { employeeId: cands[1].identityId, cosineSimilarity: cands[1].cosineSimilarity }
        : null;
      if (d.kind === 'match')
        return { employeeId: d.identityId, cosineSimilarity: d.cosineSimilarity, secondBest: second };
      return { employeeId: null, cosineSimilarity: cands[0]?.cosineSimilarity ?? null, secondBest: second };
    },
  };
}

async function* rawFrames(file: string, fps: number, width: number, height: number) {
  const ffmpeg = locateFfmpeg()?.ffmpeg ?? 'ffmpeg';
  const child = spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      file,
      '-vf',
      `fps=${fps},scale=${width}:${height}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const size = width * height * 3;
  let buf: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      while (buf.length >= size) {
        yield new Uint8Array(buf.subarray(0, size));
        buf = buf.subarray(size);
      }
    }
  } finally {
    // A reader that stops early (the main video runs longer than the detect video) ends ffmpeg too.
    child.kill('SIGKILL');
  }
}

export interface ReplayReport {
  identities: {
    name: string;
    firstSeenSec: number;
    lastSeenSec: number;
    sightings: number;
    bestSimilarity: number;
  }[];
  unknownTracks: number;
  /** Times a track's name changed from one person to another (a swap the tracker carried). */
  identitySwitches: number;
  /** Faces embedded from the main video (--main-video). */
  facesFromMainVideo: number;
  framesAnalyzed: number;
  realtimeFactor: number;
  /** Faces embedded, and faces that only followed their named track (embed once per track). */
  facesEmbedded: number;
  facesSkipped: number;
  pack: string;
  videoSeconds: number;
  wallSeconds: number;
}

export async function replay(args: Args, log: (line: string) => void = console.log): Promise<ReplayReport> {
  if (!fs.existsSync(args.video)) throw new Error(`video not found: ${args.video}`);
  const engine = await loadFaceEngine({
    modelsDir: args.modelsDir,
    ...(args.pack ? { pack: args.pack } : {}),
  });
  const pack = engine.info.pack;
  const gallery = new Gallery({ dimension: engine.info.embeddingSize });
  for (const e of args.enrol) {
    const faces = await engine.analyze(await decodeImage(fs.readFileSync(e.photo)));
    const face = faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
    if (!face) throw new Error(`no face found in ${e.photo} (enrolling ${e.name})`);
    gallery.add(e.name, face.embedding);
  }
  await engine.close();
  log(
    `pack ${pack} (threshold ${engine.info.defaultThreshold}); enrolled ${args.enrol.map((e) => e.name).join(', ') || 'nobody'}`,
  );

  const probe = await probeSource(args.video, 20_000);
  if (!probe.ok) throw new Error(`cannot read ${args.video}: ${probe.error}`);
  const width = Math.min(args.maxWidth, probe.width) & ~1;
  const height = Math.round((probe.height * width) / probe.width / 2) * 2;

  let mainFrames: AsyncIterator<Uint8Array> | null = null;
  let mainSize = { width: 0, height: 0 };
  if (args.mainVideo) {
    const main = await probeSource(args.mainVideo, 20_000);
    if (!main.ok) throw new Error(`cannot read ${args.mainVideo}: ${main.error}`);
    mainSize = { width: main.width & ~1, height: main.height & ~1 };
    // Read in step with the detect video: frame i of both shows the same moment (same fps filter).
    mainFrames = rawFrames(args.mainVideo, args.fps, mainSize.width, mainSize.height)[Symbol.asyncIterator]();
  }

  const pool = new InferencePool({
    modelsDir: args.modelsDir,
    pack,
    threads: 1,
    flipAugment: args.flip,
    ...(args.workers ? { workers: args.workers } : {}),
    ...(args.detectorInput
      ? { detectorInputSizePx: args.detectorInput[0], detectorInputHeightPx: args.detectorInput[1] }
      : {}),
  });
  await pool.ready();
  const analyzer = new FrameAnalyzer({
    minFacePx: args.minFacePx,
    minQuality: MIN_FACE_QUALITY,
    maxTrackAgeMs: 3000,
    recheckMs: args.recheckMs,
  });
  const matchable = galleryAdapter(gallery, args.threshold ?? engine.info.defaultThreshold);
  const seen = new Map<string, { first: number; last: number; sightings: number; best: number }>();
  let unknownTracks = 0;
  let identitySwitches = 0;
  let facesFromMainVideo = 0;
  const nameOfTrack = new Map<string, string>();
  let frames = 0;
  const started = performance.now();
  // Frames are analysed in order, a few in flight at once so every worker is busy.
  const inFlight: Promise<{
    index: number;
    frame: Uint8Array;
    faces: Awaited<ReturnType<InferencePool['analyze']>>;
  }>[] = [];
  const handle = (r: Awaited<(typeof inFlight)[number]>) => {
    const tMs = (r.index / args.fps) * 1000;
    const result = analyzer.analyze({ data: r.frame, width, height }, r.faces, matchable, tMs);
    facesFromMainVideo += r.faces.filter((f) => f.mainStream === 'used').length;
    for (const s of result.recognized) {
      const name = s.identityId as string;
      const before = nameOfTrack.get(s.trackId);
      if (before !== undefined && before !== name) identitySwitches++;
      nameOfTrack.set(s.trackId, name);
      const cur = seen.get(name) ?? { first: tMs, last: tMs, sightings: 0, best: 0 };
      cur.first = Math.min(cur.first, tMs);
      cur.last = Math.max(cur.last, tMs);
      cur.sightings++;
      cur.best = Math.max(cur.best, s.cosineSimilarity);
      seen.set(name, cur);
    }
    unknownTracks += result.newlyUnknown.length;
  };
  for await (const data of rawFrames(args.video, args.fps, width, height)) {
    const index = frames++;
    const main = mainFrames ? await mainFrames.next() : null;
    inFlight.push(
      pool
        .analyzeOwned({ data, width, height }, args.minFacePx, {
          skipEmbedding: analyzer.embeddingSkipRegions((index / args.fps) * 1000),
          ...(args.minEmbedFacePx > 0 ? { mainStreamBelowPx: args.minEmbedFacePx } : {}),
          ...(main && !main.done ? { mainFrame: { data: main.value, ...mainSize } } : {}),
        })
        .then((r) => ({ index, frame: r.data, faces: r.faces })),
    );
    if (inFlight.length >= pool.size + 1) handle(await (inFlight.shift() as (typeof inFlight)[number]));
  }
  for (const p of inFlight) handle(await p);
  await mainFrames?.return?.();
  await pool.close();
  const wallSeconds = (performance.now() - started) / 1000;
  const videoSeconds = frames / args.fps;
  const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    identities: [...seen.entries()].map(([name, s]) => ({
      name,
      firstSeenSec: round(s.first / 1000),
      lastSeenSec: round(s.last / 1000),
      sightings: s.sightings,
      bestSimilarity: round(s.best, 3),
    })),
    unknownTracks,
    identitySwitches,
    facesFromMainVideo,
    framesAnalyzed: frames,
    realtimeFactor: round(wallSeconds > 0 ? videoSeconds / wallSeconds : 0),
    facesEmbedded: analyzer.facesEmbedded,
    facesSkipped: analyzer.facesSkipped,
    pack,
    videoSeconds: round(videoSeconds),
    wallSeconds: round(wallSeconds),
  };
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  const report = await replay(args);
  console.log(
    `frames analysed: ${report.framesAnalyzed} (${report.videoSeconds} s of video in ${report.wallSeconds} s, ${report.realtimeFactor}× real time)`,
  );
  for (const i of report.identities) {
    console.log(
      `  ${i.name}: ${i.firstSeenSec}s – ${i.lastSeenSec}s, ${i.sightings} sightings, best similarity ${i.bestSimilarity}`,
    );
  }
  console.log(`unknown tracks: ${report.unknownTracks}, identity switches: ${report.identitySwitches}`);
  if (args.mainVideo) console.log(`faces embedded from the main video: ${report.facesFromMainVideo}`);
  console.log(`faces embedded: ${report.facesEmbedded}, followed without embedding: ${report.facesSkipped}`);
  if (args.json) console.log(JSON.stringify(report));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
