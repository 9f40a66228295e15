import { describe, expect, it } from 'vitest';
import {
  ARCFACE_TEMPLATE_112,
  DLIB_TEMPLATE_150,
  alignFace,
  applyAffine,
  estimateSimilarity,
  flipHorizontal,
  invertAffine,
  warpAffine,
  type Affine,
  type Landmarks5,
  type RgbFrame,
} from '../src/index.js';

function similarity(scale: number, angleRad: number, tx: number, ty: number): Affine {
  const a = scale * Math.cos(angleRad);
  const b = scale * Math.sin(angleRad);
  return [a, -b, tx, b, a, ty];
}

describe('estimateSimilarity (Umeyama, 2-D)', () => {
  it('recovers an exact similarity transform', () => {
    const truth = similarity(2.5, 0.3, 40, -12);
    const dst = ARCFACE_TEMPLATE_112.map((p) => applyAffine(truth, p));
    const m = estimateSimilarity(ARCFACE_TEMPLATE_112, dst);
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 9));
  });

  it('is the least-squares fit when points are noisy (residual ≤ noise)', () => {
    const truth = similarity(0.8, -0.2, 5, 7);
    const noise = [0.5, -0.3, 0.2, 0.4, -0.6, 0.1, 0.3, -0.2, -0.1, 0.5];
    const src = ARCFACE_TEMPLATE_112;
    const dst = src.map((p, i) => {
      const q = applyAffine(truth, p);
      return [q[0] + noise[2 * i]!, q[1] + noise[2 * i + 1]!] as [number, number];
    });
    const m = estimateSimilarity(src, dst);
    const err = (t: Affine) =>
      src.reduce(
        (s, p, i) =>
          s + Math.hypot(applyAffine(t, p)[0] - dst[i]![0], applyAffine(t, p)[1] - dst[i]![1]) ** 2,
        0,
      );
    expect(err(m)).toBeLessThanOrEqual(err(truth) + 1e-9);
  });

  it('never reflects: a mirrored point set gives a rotation, not a flip', () => {
    const mirrored = ARCFACE_TEMPLATE_112.map(([x, y]) => [112 - x, y] as [number, number]);
    const m = estimateSimilarity(ARCFACE_TEMPLATE_112, mirrored);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThanOrEqual(0);
  });

  it('inverts', () => {
    const m = similarity(1.7, 1.1, 3, 4);
    const p = applyAffine(invertAffine(m), applyAffine(m, [10, 20]));
    expect(p[0]).toBeCloseTo(10, 9);
    expect(p[1]).toBeCloseTo(20, 9);
  });
});

describe('alignFace', () => {
  it('puts the five landmarks on the ArcFace template', () => {
    // A synthetic frame with a bright dot at each landmark of a face scaled ×3 and rotated 20°.
    const truth = similarity(3, (20 * Math.PI) / 180, 200, 50);
    const landmarks = ARCFACE_TEMPLATE_112.map((p) => applyAffine(truth, p)) as Landmarks5;
    const frame: RgbFrame = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3) };
    for (const [x, y] of landmarks) {
      for (let dy = -4; dy <= 4; dy++)
        for (let dx = -4; dx <= 4; dx++)
          frame.data.fill(
            255,
            ((Math.round(y) + dy) * 640 + Math.round(x) + dx) * 3,
            ((Math.round(y) + dy) * 640 + Math.round(x) + dx) * 3 + 3,
          );
    }
    const crop = alignFace(frame, landmarks);
    expect(crop.width).toBe(112);
    for (const [x, y] of ARCFACE_TEMPLATE_112) {
      expect(crop.data[(Math.round(y) * 112 + Math.round(x)) * 3]).toBeGreaterThan(200);
    }
    const m = estimateSimilarity(landmarks, ARCFACE_TEMPLATE_112);
    landmarks.forEach((p, i) => {
      const q = applyAffine(m, p);
      expect(Math.hypot(q[0] - ARCFACE_TEMPLATE_112[i]![0], q[1] - ARCFACE_TEMPLATE_112[i]![1])).toBeLessThan(
        1e-6,
      );
    });
  });

  it('dlib chip template is a plausible face (eyes above nose above mouth, symmetric)', () => {
    const [le, re, n, lm, rm] = DLIB_TEMPLATE_150;
    expect(le[1]).toBeLessThan(n[1]);
    expect(n[1]).toBeLessThan(lm[1]);
    expect((le[0] + re[0]) / 2).toBeCloseTo(75 - 0.9, 0);
    expect(rm[0] - lm[0]).toBeGreaterThan(40);
  });

  it('warpAffine with the identity copies the image; flip mirrors it', () => {
    const frame: RgbFrame = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 10) };
    expect(Array.from(warpAffine(frame, [1, 0, 0, 0, 1, 0], 3, 2).data)).toEqual(Array.from(frame.data));
    const flipped = flipHorizontal(frame);
    expect(Array.from(flipped.data.slice(0, 9))).toEqual([60, 70, 80, 30, 40, 50, 0, 10, 20]);
  });
});
