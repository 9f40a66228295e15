// Indexes one video file: decode at a few fps with ffmpeg, detect people, track them, find and embed
// faces inside person boxes, group tracks into persons by face, build appearance ranges.
import { spawn } from 'node:child_process';
import type { FaceEngine } from '../engine/face-engine.js';
import type { RgbFrame } from '../types.js';
import { FrameSplitter } from '../capture/frame-splitter.js';
import { ByteTracker, type Box, type ByteTrackOptions, type PersonDetection } from './byte-tracker.js';
import { buildRanges, centroid, groupByFace, mergeRanges, type AppearanceRange } from './ranges.js';
import type { YoloxPersonDetector } from './yolox-detector.js';

export interface IndexVideoOptions {
  ffmpeg: string;
  file: string;
  /** From probeVideo. */
  durationSec: number;
  videoFps: number;
  width: number;
  height: number;
  personDetector: YoloxPersonDetector;
  faceEngine: FaceEngine | null;
  /** Frames analysed per second of video (default 5). */
  analysedFps?: number;
  /** Longest side frames are scaled to before analysis (default 1280; 0 keeps the source size). */
  maxSidePx?: number;
  /** Same-person threshold for faces (default: the face pack's threshold). */
  faceThreshold?: number;
  tracker?: Partial<ByteTrackOptions>;
  /** Gaps up to this are bridged in ranges (default 1.5 s). */
  maxGapSec?: number;
  /** Faces below this quality score (0..1) are kept as crops but not used to link or merge (default 0.35). */
  minFaceQuality?: number;
  /** Tracks are merged into one person when their face centroids are at least this similar (default: threshold + 0.1). */
  mergeThreshold?: number;
  /** Tracks with fewer sightings and no face are dropped (default 3). */
  minTrackSightings?: number;
  onProgress?: (p: { fraction: number; framesAnalyzed: number }) => void;
  signal?: AbortSignal;
}

export interface FaceSighting {
  timeSec: number;
  box: Box;
  score: number;
  quality: number;
  embedding: Float32Array;
  /** Canonical 112×112 aligned crop. */
  crop: RgbFrame;
}

export interface IndexedPerson {
  trackIds: number[];
  ranges: AppearanceRange[];
  /** Face centroid (null when no face was seen). */
  embedding: Float32Array | null;
  faces: FaceSighting[];
  /** Person box per sighting, normalised 0..1 to the frame, for drawing over the player. */
  boxes: { t: number; x: number; y: number; w: number; h: number }[];
  /** Crop of the person at their most confident sighting (RGB). */
  thumbnail: RgbFrame;
}

export interface IndexVideoResult {
  persons: IndexedPerson[];
  framesAnalyzed: number;
  durationSec: number;
  elapsedMs: number;
  realtimeFactor: number;
}

const MAX_FACES_PER_TRACK = 24;

export async function indexVideo(o: IndexVideoOptions): Promise<IndexVideoResult> {
  const started = performance.now();
  const fps = o.analysedFps ?? 5;
  const maxSide = o.maxSidePx ?? 1280;
  const scale = maxSide > 0 ? Math.min(1, maxSide / Math.max(o.width, o.height)) : 1;
  const W = Math.max(2, Math.round((o.width * scale) / 2) * 2);
  const H = Math.max(2, Math.round((o.height * scale) / 2) * 2);
  const faceThreshold = o.faceThreshold ?? o.faceEngine?.info.defaultThreshold ?? 0.35;
  const minQuality = o.minFaceQuality ?? 0.35;
  const tracker = new ByteTracker({ faceThreshold, ...o.tracker });
  const faces = new Map<number, FaceSighting[]>();
  const thumbs = new Map<number, { score: number; frame: RgbFrame; box: Box }>();
  let framesAnalyzed = 0;

  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-protocol_whitelist',
    'file',
    '-i',
    o.file,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=${fps},scale=${W}:${H}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  const child = spawn(o.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 4000) stderr += c.toString();
  });
  const onAbort = (): void => {
    child.kill('SIGKILL');
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const splitter = new FrameSplitter(W * H * 3);
  const totalFrames = Math.max(1, Math.ceil(o.durationSec * fps));

  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const ready: Uint8Array[] = [];
      splitter.push(chunk, (f) => ready.push(f));
      for (const data of ready) {
        if (o.signal?.aborted) break;
        const frame: RgbFrame = { data, width: W, height: H };
        const index = framesAnalyzed++;
        const t = index / fps;
        const dets = await detectWithFaces(frame, o.personDetector, o.faceEngine, minQuality);
        const seen = tracker.update(
          index,
          dets.map((d) => d.det),
        );
        for (const tr of seen) {
          const obs = tr.observations[tr.observations.length - 1]!;
          if (obs.frame !== index) continue;
          const d = dets[obs.detection]!;
          if (d.face) {
            const list = faces.get(tr.id) ?? [];
            list.push({ ...d.face, timeSec: t });
            if (list.length > MAX_FACES_PER_TRACK) {
              list.sort((a, b) => b.quality - a.quality);
              list.length = MAX_FACES_PER_TRACK;
            }
            faces.set(tr.id, list);
          }
          const prev = thumbs.get(tr.id);
          if (!prev || d.det.score > prev.score)
            thumbs.set(tr.id, { score: d.det.score, frame, box: d.det.box });
        }
        o.onProgress?.({ fraction: Math.min(1, framesAnalyzed / totalFrames), framesAnalyzed });
      }
      if (o.signal?.aborted) break;
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const code = await exited;
  if (o.signal?.aborted) throw new DOMException('Video indexing was cancelled', 'AbortError');
  if (code !== 0 && framesAnalyzed === 0)
    throw new Error(`ffmpeg could not decode the video: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`);

  // Tracks → persons.
  const minSightings = o.minTrackSightings ?? 3;
  const tracks = tracker
    .confirmedTracks()
    .filter((t) => t.observations.length >= minSightings || (faces.get(t.id)?.length ?? 0) > 0);
  const trackFaces = tracks.map((t) =>
    centroid((faces.get(t.id) ?? []).filter((f) => f.quality >= minQuality).map((f) => f.embedding)),
  );
  const groups = groupByFace(trackFaces, o.mergeThreshold ?? faceThreshold + 0.1);
  const rangeOpts = {
    maxGapSec: o.maxGapSec ?? 1.5,
    sampleIntervalSec: 1 / fps,
    videoFps: o.videoFps,
    durationSec: o.durationSec,
  };
  const persons: IndexedPerson[] = [];
  for (const g of groups) {
    const members = g.map((i) => tracks[i]!);
    const ranges = mergeRanges(
      members.flatMap((t) =>
        buildRanges(
          t.observations.map((ob) => ob.frame / fps),
          rangeOpts,
        ),
      ),
      rangeOpts.maxGapSec,
    );
    const allFaces = members.flatMap((t) => faces.get(t.id) ?? []).sort((a, b) => b.quality - a.quality);
    const boxes = members
      .flatMap((t) => t.observations)
      .sort((a, b) => a.frame - b.frame)
      .map((ob) => ({
        t: Math.round((ob.frame / fps) * 1000) / 1000,
        x: round4(ob.box.x / W),
        y: round4(ob.box.y / H),
        w: round4(ob.box.width / W),
        h: round4(ob.box.height / H),
      }));
    let best: { score: number; frame: RgbFrame; box: Box } | undefined;
    for (const t of members) {
      const th = thumbs.get(t.id);
      if (th && (!best || th.score > best.score)) best = th;
    }
    persons.push({
      trackIds: members.map((t) => t.id),
      ranges,
      // Good faces when there are any; else every face (a small or turned face still says something).
      embedding:
        centroid(allFaces.filter((f) => f.quality >= minQuality).map((f) => f.embedding)) ??
        centroid(allFaces.map((f) => f.embedding)),
      faces: allFaces,
      boxes,
      thumbnail: best ? cropRgb(best.frame, best.box) : { data: new Uint8Array(3), width: 1, height: 1 },
    });
  }
  persons.sort((a, b) => (a.ranges[0]?.startSec ?? 0) - (b.ranges[0]?.startSec ?? 0));
  const elapsedMs = performance.now() - started;
  return {
    persons,
    framesAnalyzed,
    durationSec: o.durationSec,
    elapsedMs,
    realtimeFactor: elapsedMs > 0 ? (o.durationSec * 1000) / elapsedMs : 0,
  };
}

function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}

interface DetWithFace {
  det: PersonDetection;
  face: Omit<FaceSighting, 'timeSec'> | null;
}

/**
 * People first, then faces on the whole frame (one SCRFD pass is cheaper than one per box), each face
 * given to the smallest person box whose upper half holds the face's centre.
 */
async function detectWithFaces(
  frame: RgbFrame,
  detector: YoloxPersonDetector,
  engine: FaceEngine | null,
  minQuality: number,
): Promise<DetWithFace[]> {
  const people = await detector.detect(frame);
  const out: DetWithFace[] = people.map((det) => ({ det, face: null }));
  if (!engine || people.length === 0) return out;
  const found = await engine.detect(frame);
  if (found.length === 0) return out;
  const taken: { i: number; f: (typeof found)[number] }[] = [];
  for (const f of found) {
    const cx = f.box.x + f.box.width / 2;
    const cy = f.box.y + f.box.height / 2;
    let bestI = -1;
    let bestArea = Infinity;
    people.forEach((p, i) => {
      const b = p.box;
      if (cx < b.x || cx > b.x + b.width || cy < b.y || cy > b.y + b.height * 0.5) return;
      const area = b.width * b.height;
      if (area < bestArea && !out[i]!.face && !taken.some((t) => t.i === i)) {
        bestArea = area;
        bestI = i;
      }
    });
    if (bestI >= 0) taken.push({ i: bestI, f });
  }
  if (taken.length === 0) return out;
  const embeddings = await engine.embed(
    frame,
    taken.map((t) => t.f),
  );
  taken.forEach((t, k) => {
    if (t.f.quality.score >= minQuality) out[t.i]!.det = { ...out[t.i]!.det, embedding: embeddings[k]! };
    out[t.i]!.face = {
      box: t.f.box,
      score: t.f.score,
      quality: t.f.quality.score,
      embedding: embeddings[k]!,
      crop: engine.alignedCrop(frame, t.f.landmarks),
    };
  });
  return out;
}

/** Copies a box out of an RGB frame (clipped, at least 1×1). */
export function cropRgb(frame: RgbFrame, box: Box): RgbFrame {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(frame.width, Math.max(x0 + 1, Math.ceil(box.x + box.width)));
  const y1 = Math.min(frame.height, Math.max(y0 + 1, Math.ceil(box.y + box.height)));
  const w = x1 - x0;
  const h = y1 - y0;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    data.set(
      frame.data.subarray(((y0 + y) * frame.width + x0) * 3, ((y0 + y) * frame.width + x1) * 3),
      y * w * 3,
    );
  return { data, width: w, height: h };
}
