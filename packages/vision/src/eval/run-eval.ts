import { readFile } from 'node:fs/promises';
import type { FaceEngine } from '../engine/face-engine.js';
import { ARCFACE_TEMPLATE_112 } from '../geometry/similarity.js';
import { Gallery } from '../gallery/gallery.js';
import { decodeImage } from '../image/decode.js';
import { cosineSimilarity } from '../recognize/vector.js';
import type { Landmarks5, RawDetection, RgbFrame } from '../types.js';
import { buildPairs, listIdentities, readLfwPairs, type LabeledPair } from './lfw.js';
import { foldAccuracy, rocAuc, tarAtFar, type ScoredPair } from './metrics.js';

export type EvalOptions = {
  engine: FaceEngine;
  facesDir: string;
  pairsFile?: string;
  /** Use only the first `maxPairsPerFold` same and different pairs of each fold (quick runs, tests). */
  maxPairsPerFold?: number;
  /** Detector score threshold for the second attempt when nothing is found at the default (0.2). */
  retryMinScore?: number;
  /** Skip rank-1 identification (it embeds every image of every identity with ≥2 images). */
  rank1?: boolean;
  /** Injected clock for ms-per-face (library code never reads the clock itself). */
  now?: () => number;
  onProgress?: (done: number, total: number) => void;
};

export type EvalReport = {
  pack: string;
  pairs: number;
  folds: number;
  pairsSource: 'file' | 'generated';
  accuracy: number;
  accuracyStd: number;
  foldAccuracies: number[];
  meanBestThreshold: number;
  tarAtFar1e2: number;
  tarAtFar1e3: number;
  thresholdAtFar1e2: number;
  thresholdAtFar1e3: number;
  auc: number;
  rank1: number | null;
  rank1Queries: number;
  rank1GalleryIdentities: number;
  images: number;
  detectionFailures: number;
  msPerFace: number | null;
  flipAugment: boolean;
};

/** Mean landmarks of successful detections, normalised by image size: the fallback for missed faces. */
class FallbackLandmarks {
  private readonly sum = new Float64Array(10);
  private n = 0;

  add(lm: Landmarks5, w: number, h: number): void {
    lm.forEach((p, i) => {
      this.sum[2 * i] = this.sum[2 * i]! + p[0] / w;
      this.sum[2 * i + 1] = this.sum[2 * i + 1]! + p[1] / h;
    });
    this.n++;
  }

  /**
   * Running mean when we have one; before that, the ArcFace template placed on the centre square of side
   * half the image (LFW faces are centred at roughly that scale).
   */
  get(w: number, h: number): Landmarks5 {
    if (this.n > 0) {
      return [0, 1, 2, 3, 4].map((i) => [
        (this.sum[2 * i]! / this.n) * w,
        (this.sum[2 * i + 1]! / this.n) * h,
      ]) as Landmarks5;
    }
    const side = Math.min(w, h) / 2;
    const x0 = (w - side) / 2;
    const y0 = (h - side) / 2;
    return ARCFACE_TEMPLATE_112.map(([x, y]) => [x0 + (x / 112) * side, y0 + (y / 112) * side]) as Landmarks5;
  }
}

export function nearestToCentre(
  dets: readonly RawDetection[],
  w: number,
  h: number,
): RawDetection | undefined {
  let best: RawDetection | undefined;
  let bestDist = Infinity;
  for (const d of dets) {
    const dx = d.box.x + d.box.width / 2 - w / 2;
    const dy = d.box.y + d.box.height / 2 - h / 2;
    const dist = dx * dx + dy * dy;
    if (dist < bestDist) {
      bestDist = dist;
      best = d;
    }
  }
  return best;
}

function subsetPairs(pairs: LabeledPair[], perFold: number): LabeledPair[] {
  const counts = new Map<string, number>();
  return pairs.filter((p) => {
    const key = `${p.fold}:${p.same}`;
    const c = counts.get(key) ?? 0;
    counts.set(key, c + 1);
    return c < perFold;
  });
}

/** Runs the verification (and identification) protocol described in CONTEXT.md. */
export async function runEvaluation(opts: EvalOptions): Promise<EvalReport> {
  const { engine } = opts;
  const identities = await listIdentities(opts.facesDir);
  let pairs = opts.pairsFile ? await readLfwPairs(opts.pairsFile, opts.facesDir) : buildPairs(identities);
  if (opts.maxPairsPerFold !== undefined) pairs = subsetPairs(pairs, opts.maxPairsPerFold);

  const files = new Set<string>();
  for (const p of pairs) files.add(p.a.file).add(p.b.file);
  const rankIdentities = opts.rank1 === false ? [] : [...identities].filter(([, imgs]) => imgs.length >= 2);
  for (const [, imgs] of rankIdentities) for (const f of imgs) files.add(f);

  const embeddings = new Map<string, Float32Array>();
  const fallback = new FallbackLandmarks();
  let detectionFailures = 0;
  let faceMs = 0;
  const now = opts.now;
  const total = files.size;
  let done = 0;
  for (const file of files) {
    const frame: RgbFrame = await decodeImage(await readFile(file));
    const t0 = now?.() ?? 0;
    let dets = await engine.detect(frame);
    // A second look at a lower score threshold before giving up: LFW faces are centred and near-certain
    // to be there, so a weak detection beats the fixed-position fallback.
    if (dets.length === 0) dets = await engine.detect(frame, { minScore: opts.retryMinScore ?? 0.2 });
    const face = nearestToCentre(dets, frame.width, frame.height);
    let landmarks: Landmarks5;
    if (face) {
      landmarks = face.landmarks;
      fallback.add(landmarks, frame.width, frame.height);
    } else {
      detectionFailures++;
      landmarks = fallback.get(frame.width, frame.height);
    }
    const [embedding] = await engine.embed(frame, [{ landmarks }]);
    faceMs += (now?.() ?? 0) - t0;
    embeddings.set(file, embedding!);
    opts.onProgress?.(++done, total);
  }

  const scored: ScoredPair[] = pairs.map((p) => ({
    score: cosineSimilarity(embeddings.get(p.a.file)!, embeddings.get(p.b.file)!),
    same: p.same,
    fold: p.fold,
  }));
  const folds = foldAccuracy(scored);
  const far2 = tarAtFar(scored, 1e-2);
  const far3 = tarAtFar(scored, 1e-3);

  let rank1: number | null = null;
  let queries = 0;
  if (rankIdentities.length > 0) {
    const gallery = new Gallery({
      dimension: engine.info.embeddingSize,
      initialCapacity: rankIdentities.length,
    });
    for (const [name, imgs] of rankIdentities) gallery.add(name, embeddings.get(imgs[0]!)!);
    let correct = 0;
    for (const [name, imgs] of rankIdentities) {
      for (const f of imgs.slice(1)) {
        queries++;
        if (gallery.search(embeddings.get(f)!, 1)[0]?.identityId === name) correct++;
      }
    }
    rank1 = queries > 0 ? correct / queries : null;
  }

  return {
    pack: engine.info.pack,
    pairs: scored.length,
    folds: folds.foldAccuracies.length,
    pairsSource: opts.pairsFile ? 'file' : 'generated',
    accuracy: folds.accuracy,
    accuracyStd: folds.accuracyStd,
    foldAccuracies: folds.foldAccuracies,
    meanBestThreshold: folds.meanThreshold,
    tarAtFar1e2: far2.tar,
    tarAtFar1e3: far3.tar,
    thresholdAtFar1e2: far2.threshold,
    thresholdAtFar1e3: far3.threshold,
    auc: rocAuc(scored),
    rank1,
    rank1Queries: queries,
    rank1GalleryIdentities: rankIdentities.length,
    images: files.size,
    detectionFailures,
    msPerFace: now ? faceMs / Math.max(1, files.size) : null,
    flipAugment: engine.info.flipAugment,
  };
}
