import { describe, expect, it } from 'vitest';
import { anchorCenters, decodeScrfd, iou, nms } from '../src/index.js';

describe('nms', () => {
  it('keeps the best of overlapping boxes and separate boxes', () => {
    const boxes = [
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 1, y: 1, width: 10, height: 10 }, // IoU with #0 = 81/119 ≈ 0.68
      { x: 50, y: 50, width: 10, height: 10 },
      { x: 6, y: 0, width: 10, height: 10 }, // IoU with #0 = 40/160 = 0.25
    ];
    expect(iou(boxes[0]!, boxes[1]!)).toBeCloseTo(81 / 119, 9);
    expect(nms(boxes, [0.9, 0.95, 0.5, 0.8], 0.4)).toEqual([1, 3, 2]);
    expect(nms(boxes, [0.9, 0.95, 0.5, 0.8], 0.2)).toEqual([1, 2]);
  });
});

describe('SCRFD anchors and decoding', () => {
  it('lays anchor centres row by row with two anchors per cell', () => {
    const c = anchorCenters(64, 32, 16, 2);
    // 4 columns × 2 rows × 2 anchors × (x, y)
    expect(c.length).toBe(32);
    expect(Array.from(c.slice(0, 8))).toEqual([0, 0, 0, 0, 16, 0, 16, 0]);
    expect(Array.from(c.slice(16, 20))).toEqual([0, 16, 0, 16]);
  });

  it('decodes distances and landmarks, divides by scale, thresholds and suppresses', () => {
    // Input 64×64, stride 32 → 2×2 cells × 2 anchors = 8 anchors. Anchor 6 is cell (x=1, y=1): centre (32, 32).
    const scores = new Float32Array(8);
    const boxes = new Float32Array(32);
    const kps = new Float32Array(80);
    scores[6] = 0.9;
    scores[7] = 0.8; // same cell, nearly the same box: suppressed
    scores[0] = 0.3; // below threshold
    boxes.set([0.5, 0.25, 0.5, 0.75], 24); // left 16, top 8, right 16, bottom 24 px
    boxes.set([0.5, 0.25, 0.5, 0.7], 28);
    kps.set([-0.25, -0.1, 0.25, -0.1, 0, 0.1, -0.2, 0.4, 0.2, 0.4], 60);
    const strides = [8, 16].map((stride) => {
      const n = (64 / stride) ** 2 * 2;
      return {
        stride,
        scores: new Float32Array(n),
        boxes: new Float32Array(4 * n),
        landmarks: new Float32Array(10 * n),
      };
    });
    const dets = decodeScrfd([...strides, { stride: 32, scores, boxes, landmarks: kps }], {
      inputWidth: 64,
      inputHeight: 64,
      scale: 0.5,
      scoreThreshold: 0.5,
      iouThreshold: 0.4,
    });
    expect(dets).toHaveLength(1);
    const d = dets[0]!;
    expect(d.score).toBeCloseTo(0.9, 6);
    // (32 − 16) / 0.5 = 32, (32 − 8) / 0.5 = 48, width 32 / 0.5 = 64, height 32 / 0.5 = 64
    expect(d.box).toEqual({ x: 32, y: 48, width: 64, height: 64 });
    expect(d.landmarks[0][0]).toBeCloseTo((32 - 8) / 0.5, 5);
    expect(d.landmarks[2][1]).toBeCloseTo((32 + 3.2) / 0.5, 4);
  });
});
