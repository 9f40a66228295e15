import { ARCFACE_TEMPLATE_112, alignFace } from './geometry/similarity.js';
import type { FaceBox, FaceQuality, Landmarks5, RgbFrame } from './types.js';

export type QualityFactor = 'size' | 'blur' | 'pose' | 'brightness';

/** Per-factor scores, 0..1; the overall score is the weakest of them. */
export type QualityBreakdown = Record<QualityFactor, number>;

/**
 * Pose from five landmarks. The face is first de-rolled (eye line horizontal). Yaw: the nose tip moves
 * sideways by about depth·sin(yaw) while the eye distance shrinks by cos(yaw); with nose depth ≈ 0.6 × eye
 * distance, yaw ≈ atan(dx / (0.6·d)). Pitch: the nose sits at 49 % of the eye-to-mouth height on the
 * ArcFace template; departures from that are mapped the same way. Approximate (±10°), good enough to reject
 * profile and looking-down photos.
 */
export function estimatePoseDeg(landmarks: Landmarks5): {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
} {
  const [le, re, nose, lm, rm] = landmarks;
  const roll = Math.atan2(re[1] - le[1], re[0] - le[0]);
  const cos = Math.cos(-roll);
  const sin = Math.sin(-roll);
  const rot = (p: readonly [number, number]): [number, number] => [
    p[0] * cos - p[1] * sin,
    p[0] * sin + p[1] * cos,
  ];
  const [l, r, n, ml, mr] = [rot(le), rot(re), rot(nose), rot(lm), rot(rm)];
  const eyeDist = Math.hypot(r[0] - l[0], r[1] - l[1]) || 1;
  const eyeMid: [number, number] = [(l[0] + r[0]) / 2, (l[1] + r[1]) / 2];
  const mouthMid: [number, number] = [(ml[0] + mr[0]) / 2, (ml[1] + mr[1]) / 2];
  const yaw = Math.atan((n[0] - eyeMid[0]) / (0.6 * eyeDist));
  const faceHeight = mouthMid[1] - eyeMid[1] || 1;
  const t = (n[1] - eyeMid[1]) / faceHeight;
  const pitch = Math.atan(((t - 0.494) * faceHeight) / (0.6 * eyeDist));
  const deg = 180 / Math.PI;
  return { yawDeg: yaw * deg, pitchDeg: pitch * deg, rollDeg: roll * deg };
}

/** Variance of the 4-neighbour Laplacian on grey values (0..255); a standard focus measure. */
export function laplacianVariance(frame: RgbFrame): number {
  const { width: w, height: h, data } = frame;
  const grey = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++)
    grey[i] = 0.299 * data[3 * i]! + 0.587 * data[3 * i + 1]! + 0.114 * data[3 * i + 2]!;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = grey[i - 1]! + grey[i + 1]! + grey[i - w]! + grey[i + w]! - 4 * grey[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export function meanBrightness(frame: RgbFrame): number {
  const { data } = frame;
  let sum = 0;
  const n = data.length / 3;
  for (let i = 0; i < n; i++)
    sum += 0.299 * data[3 * i]! + 0.587 * data[3 * i + 1]! + 0.114 * data[3 * i + 2]!;
  return n === 0 ? 0 : sum / n / 255;
}

const ramp = (v: number, zeroAt: number, oneAt: number): number =>
  Math.min(1, Math.max(0, (v - zeroAt) / (oneAt - zeroAt)));

/**
 * Scores each factor 0..1 on a scale that keeps rising past "good enough", so the overall score tells a
 * 50 px CCTV face (≈ 60) from a sharp passport photo (≈ 95). Bounds calibrated on ../shared/data with
 * `npm run eval:quality` (docs/benchmarks.md): size reaches 1 at 96 px (more pixels add nothing after the
 * 112 px alignment); blur is measured at the face's own resolution, so small faces are not called blurred
 * for being small.
 */
export function qualityBreakdown(q: Omit<FaceQuality, 'score'>): QualityBreakdown {
  const pose = Math.min(ramp(-Math.abs(q.yawDeg ?? 0), -50, -10), ramp(-Math.abs(q.pitchDeg ?? 0), -45, -15));
  const brightness = Math.min(ramp(q.brightness, 0.05, 0.25), ramp(-q.brightness, -0.97, -0.8));
  return { size: ramp(q.sizePx, 16, 96), blur: ramp(q.blur, 15, 200), pose, brightness };
}

/** The overall score, 0..1: geometric mean of the factors (any factor at 0 makes it 0). */
export function overallQuality(b: QualityBreakdown): number {
  return Math.pow(b.size * b.blur * b.pose * b.brightness, 1 / 4);
}

/**
 * The enrolment gate: the first factor below its floor, checked in this order (a dark face also looks
 * blurred, so darkness is named first). Floors calibrated with `npm run eval:quality`: faces the live path
 * recognizes (CCTV faces of 32 px and more) pass, tiny, blurred, dark and turned faces do not.
 */
export const QUALITY_FLOORS: Readonly<Record<Exclude<QualityFactor, 'size'>, number>> = {
  brightness: 0.25,
  pose: 0.25,
  blur: 0.1,
};
const GATE_ORDER = ['brightness', 'pose', 'blur'] as const;

/** The first factor below its floor, or null. Size is gated in pixels by the caller (minFacePx). */
export function failingFactor(b: QualityBreakdown): Exclude<QualityFactor, 'size'> | null {
  return GATE_ORDER.find((f) => b[f] < QUALITY_FLOORS[f] - 1e-9) ?? null;
}

/** Side of the aligned crop blur is measured on: the face's own size, between 32 and 112 px. */
export function nativeCropSizePx(sizePx: number): number {
  return Math.max(32, Math.min(112, Math.round(sizePx)));
}

/**
 * Face quality from the box, landmarks and an ArcFace-aligned crop at the face's own resolution, so blur
 * and brightness are measured on the face alone and a small face is not upscaled into "blurred".
 */
export function assessQuality(frame: RgbFrame, box: FaceBox, landmarks: Landmarks5): FaceQuality {
  const sizePx = Math.min(box.width, box.height);
  const side = nativeCropSizePx(sizePx);
  const k = side / 112;
  const template = ARCFACE_TEMPLATE_112.map(([x, y]) => [x * k, y * k]) as Landmarks5;
  const crop = alignFace(frame, landmarks, template, side);
  const { yawDeg, pitchDeg } = estimatePoseDeg(landmarks);
  const partial = {
    sizePx,
    blur: laplacianVariance(crop),
    yawDeg,
    pitchDeg,
    brightness: meanBrightness(crop),
  };
  return { ...partial, score: overallQuality(qualityBreakdown(partial)) };
}
