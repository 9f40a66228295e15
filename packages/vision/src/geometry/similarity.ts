import type { Landmarks5, Point, RgbFrame } from '../types.js';

/** A 2×3 affine matrix [a, b, tx, c, d, ty]: x' = a·x + b·y + tx, y' = c·x + d·y + ty. */
export type Affine = [number, number, number, number, number, number];

/** InsightFace's ArcFace 5-point template for a 112×112 crop (arcface_torch / insightface.utils.face_align). */
export const ARCFACE_TEMPLATE_112: Landmarks5 = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * The five points of dlib's face chip (get_face_chip_details, size 150, padding 0.25): eye centres are the
 * means of the 68-point mean-face eye contours, nose tip is point 30, mouth corners points 48 and 54.
 * dlib's ResNet (face-api's faceRecognitionNet) was trained on chips made this way.
 */
export const DLIB_TEMPLATE_150: Landmarks5 = dlibChipTemplate(150, 0.25);

function dlibChipTemplate(sizePx: number, padding: number): Landmarks5 {
  const toChip = (v: number): number => ((padding + v) / (2 * padding + 1)) * sizePx;
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  // dlib mean_face_shape for points 36..41, 42..47, 30, 48, 54 (values from dlib/image_transforms/interpolation.h).
  const leftEyeX = mean([0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743]);
  const leftEyeY = mean([0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077]);
  const rightEyeX = mean([0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335]);
  const rightEyeY = mean([0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099]);
  return [
    [toChip(leftEyeX), toChip(leftEyeY)],
    [toChip(rightEyeX), toChip(rightEyeY)],
    [toChip(0.490127), toChip(0.515625)],
    [toChip(0.254149), toChip(0.780233)],
    [toChip(0.726104), toChip(0.780233)],
  ];
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection) mapping `src`
 * onto `dst`, i.e. Umeyama's method in 2-D. Written with complex numbers: s·e^{iθ} = Σ conj(x̃)·ỹ / Σ|x̃|².
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  if (src.length !== dst.length || src.length < 2) throw new RangeError('need ≥2 matching point pairs');
  const n = src.length;
  let sx = 0;
  let sy = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i]![0];
    sy += src[i]![1];
    dx += dst[i]![0];
    dy += dst[i]![1];
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i]![0] - sx;
    const y = src[i]![1] - sy;
    const u = dst[i]![0] - dx;
    const v = dst[i]![1] - dy;
    // conj(x + iy)·(u + iv) = (xu + yv) + i(xv − yu)
    re += x * u + y * v;
    im += x * v - y * u;
    norm += x * x + y * y;
  }
  if (norm === 0) throw new RangeError('source points are all identical');
  const a = re / norm;
  const b = im / norm;
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (det === 0) throw new RangeError('affine matrix is singular');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

export function applyAffine(m: Affine, p: Point): Point {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

/**
 * Warps `src` into a `width`×`height` output with bilinear sampling; `m` maps source to output pixel
 * coordinates (OpenCV's warpAffine convention, integer pixel centres). Outside the source is black, as
 * InsightFace's cv2.warpAffine(borderValue=0) gives.
 */
export function warpAffine(src: RgbFrame, m: Affine, width: number, height: number): RgbFrame {
  const inv = invertAffine(m);
  const out = new Uint8Array(width * height * 3);
  const { data, width: sw, height: sh } = src;
  for (let v = 0; v < height; v++) {
    let x = inv[1] * v + inv[2];
    let y = inv[4] * v + inv[5];
    for (let u = 0; u < width; u++, x += inv[0], y += inv[3]) {
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh) continue;
      const fx = x - x0;
      const fy = y - y0;
      const o = (v * width + u) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const p00 = sample(data, sw, sh, x0, y0, ch);
        const p10 = sample(data, sw, sh, x0 + 1, y0, ch);
        const p01 = sample(data, sw, sh, x0, y0 + 1, ch);
        const p11 = sample(data, sw, sh, x0 + 1, y0 + 1, ch);
        const top = p00 + (p10 - p00) * fx;
        const bottom = p01 + (p11 - p01) * fx;
        out[o + ch] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { data: out, width, height };
}

function sample(data: Uint8Array, w: number, h: number, x: number, y: number, ch: number): number {
  if (x < 0 || y < 0 || x >= w || y >= h) return 0;
  return data[(y * w + x) * 3 + ch]!;
}

/** The transform that takes a face's landmarks to the recognizer template, and the aligned crop. */
export function alignFace(
  frame: RgbFrame,
  landmarks: Landmarks5,
  template: Landmarks5 = ARCFACE_TEMPLATE_112,
  cropSizePx = 112,
): RgbFrame {
  const m = estimateSimilarity(landmarks, template);
  return warpAffine(frame, m, cropSizePx, cropSizePx);
}

/** Mirror image, left to right (for flip-averaged embeddings). */
export function flipHorizontal(frame: RgbFrame): RgbFrame {
  const { width, height, data } = frame;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const s = row + x * 3;
      const d = row + (width - 1 - x) * 3;
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
    }
  }
  return { data: out, width, height };
}

/** Re-aligns a crop made for one template into another template's crop (e.g. ArcFace 112 → dlib 150). */
export function realignCrop(crop: RgbFrame, from: Landmarks5, to: Landmarks5, cropSizePx: number): RgbFrame {
  return warpAffine(crop, estimateSimilarity(from, to), cropSizePx, cropSizePx);
}
