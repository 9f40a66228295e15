// Classifier heads on frozen face embeddings: weights as plain arrays, inference in plain JS (no tfjs needed
// to apply a model), and the metrics a trained head is judged by.

export type HeadMethod = 'centroid' | 'logistic' | 'mlp';

export interface DenseLayer {
  /** Kernel [in][out]. */
  w: number[][];
  b: number[];
}

export interface HeadWeights {
  /** L2-normalised class centroids [class][dim]: the baseline, and the open-set score for every method. */
  centroids: number[][];
  /** Dense layers (logistic: one; mlp: hidden ReLU + output); empty for the centroid baseline. */
  layers: DenseLayer[];
}

export interface HeadPrediction {
  index: number;
  /** Cosine similarity to the predicted class's centroid (the open-set score). */
  score: number;
  /** Softmax probability (logistic/mlp) or the same cosine (centroid). */
  confidence: number;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function normalize(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  const n = Math.sqrt(dot(out, out)) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}

/** Class centroids of L2-normalised embeddings, each normalised again. */
export function classCentroids(
  x: readonly Float32Array[],
  y: readonly number[],
  classes: number,
): number[][] {
  const dim = x[0]?.length ?? 0;
  const sums = Array.from({ length: classes }, () => new Float64Array(dim));
  x.forEach((v, i) => {
    const s = sums[y[i]!]!;
    for (let k = 0; k < dim; k++) s[k]! += v[k]!;
  });
  return sums.map((s) => Array.from(normalize(s)));
}

function dense(x: ArrayLike<number>, layer: DenseLayer, relu: boolean): Float64Array {
  const out = Float64Array.from(layer.b);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = layer.w[i]!;
    for (let j = 0; j < out.length; j++) out[j]! += xi * row[j]!;
  }
  if (relu) for (let j = 0; j < out.length; j++) out[j] = Math.max(0, out[j]!);
  return out;
}

function softmax(z: Float64Array): Float64Array {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Applies a head to one L2-normalised embedding. */
export function predictHead(method: HeadMethod, weights: HeadWeights, x: ArrayLike<number>): HeadPrediction {
  const sims = weights.centroids.map((c) => dot(c, x));
  if (method === 'centroid' || weights.layers.length === 0) {
    let index = 0;
    sims.forEach((s, i) => {
      if (s > sims[index]!) index = i;
    });
    return { index, score: sims[index] ?? -1, confidence: sims[index] ?? -1 };
  }
  let h: ArrayLike<number> = x;
  weights.layers.forEach((l, i) => {
    h = dense(h, l, i < weights.layers.length - 1);
  });
  const p = softmax(h as Float64Array);
  let index = 0;
  p.forEach((v, i) => {
    if (v > p[index]!) index = i;
  });
  return { index, score: sims[index] ?? -1, confidence: p[index]! };
}

export interface HeadMetrics {
  accuracy: number;
  samples: number;
  perClass: { code: string; precision: number; recall: number; support: number }[];
  /** Rows: true class; columns: predicted. */
  confusion: number[][];
  openSet: {
    targetFar: number;
    threshold: number;
    far: number;
    rejection: number;
    tar: number;
    unknownSamples: number;
  };
}

/**
 * Threshold on the open-set score that accepts at most `targetFar` of the unknown scores: the smallest
 * value above all but the top floor(targetFar·n) of them.
 */
export function thresholdForFar(unknownScores: readonly number[], targetFar: number): number {
  if (unknownScores.length === 0) return 0;
  const sorted = [...unknownScores].sort((a, b) => b - a);
  const allowed = Math.floor(targetFar * sorted.length);
  const v = sorted[Math.min(allowed, sorted.length - 1)]!;
  return allowed >= sorted.length ? v : v + 1e-6;
}

/**
 * Held-out metrics. Unknown faces: given ones when there are any, else every validation face scored
 * against the centroids of the other classes only (as if its own person had never been enrolled).
 */
export function evaluateHead(
  method: HeadMethod,
  weights: HeadWeights,
  x: readonly Float32Array[],
  y: readonly number[],
  codes: readonly string[],
  targetFar: number,
  unknown: readonly Float32Array[] = [],
): HeadMetrics {
  const k = codes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const preds = x.map((v) => predictHead(method, weights, v));
  preds.forEach((p, i) => confusion[y[i]!]![p.index]!++);
  const correct = preds.filter((p, i) => p.index === y[i]).length;
  const perClass = codes.map((code, c) => {
    const tp = confusion[c]![c]!;
    const predicted = confusion.reduce((s, row) => s + row[c]!, 0);
    const support = confusion[c]!.reduce((s, v) => s + v, 0);
    return {
      code,
      precision: predicted === 0 ? 0 : tp / predicted,
      recall: support === 0 ? 0 : tp / support,
      support,
    };
  });
  const unknownScores =
    unknown.length > 0
      ? unknown.map((u) => predictHead(method, weights, u).score)
      : x.map((v, i) =>
          Math.max(-1, ...weights.centroids.filter((_, c) => c !== y[i]).map((c) => dot(c, v))),
        );
  const threshold = thresholdForFar(unknownScores, targetFar);
  const far = unknownScores.length
    ? unknownScores.filter((s) => s >= threshold).length / unknownScores.length
    : 0;
  const tar = x.length
    ? preds.filter((p, i) => p.index === y[i] && p.score >= threshold).length / x.length
    : 0;
  return {
    accuracy: x.length ? correct / x.length : 0,
    samples: x.length,
    perClass,
    confusion,
    openSet: { targetFar, threshold, far, rejection: 1 - far, tar, unknownSamples: unknownScores.length },
  };
}
