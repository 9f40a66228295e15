import type { FaceBox } from '../types.js';

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: FaceBox, b: FaceBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union <= 0 ? 0 : inter / union;
}

/**
 * Greedy non-maximum suppression: keeps the highest-scoring box and drops every later box that overlaps a
 * kept one by more than `iouThreshold` (InsightFace uses 0.4). Returns kept indices, best first.
 */
export function nms(boxes: readonly FaceBox[], scores: ArrayLike<number>, iouThreshold: number): number[] {
  const order = Array.from({ length: boxes.length }, (_, i) => i).sort((i, j) => scores[j]! - scores[i]!);
  const suppressed = new Uint8Array(boxes.length);
  const keep: number[] = [];
  for (const i of order) {
    if (suppressed[i]) continue;
    keep.push(i);
    for (const j of order) {
      if (j !== i && !suppressed[j] && iou(boxes[i]!, boxes[j]!) > iouThreshold) suppressed[j] = 1;
    }
  }
  return keep;
}
