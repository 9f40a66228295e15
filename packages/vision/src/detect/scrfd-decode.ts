import type { FaceBox, Landmarks5, RawDetection } from '../types.js';
import { nms } from './nms.js';

export type ScrfdStrideOutput = {
  stride: number;
  /** [N] probabilities (the sigmoid is inside the model). */
  scores: Float32Array;
  /** [N, 4] distances left, top, right, bottom from the anchor centre, in stride units. */
  boxes: Float32Array;
  /** [N, 10] landmark offsets from the anchor centre, in stride units; absent for models without keypoints. */
  landmarks?: Float32Array;
};

/** Anchor centres for one stride: cells row by row, `anchorsPerCell` consecutive anchors share a centre. */
export function anchorCenters(
  inputWidth: number,
  inputHeight: number,
  stride: number,
  anchorsPerCell: number,
): Float32Array {
  const cols = Math.ceil(inputWidth / stride);
  const rows = Math.ceil(inputHeight / stride);
  const out = new Float32Array(rows * cols * anchorsPerCell * 2);
  let k = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      for (let a = 0; a < anchorsPerCell; a++) {
        out[k++] = x * stride;
        out[k++] = y * stride;
      }
    }
  }
  return out;
}

/**
 * Decodes SCRFD outputs into detections in original-image pixels: threshold, distance-to-box decoding,
 * division by the letterbox `scale`, then NMS.
 */
export function decodeScrfd(
  outputs: readonly ScrfdStrideOutput[],
  opts: {
    inputWidth: number;
    inputHeight: number;
    scale: number;
    scoreThreshold: number;
    iouThreshold: number;
    anchorsPerCell?: number;
    centerCache?: Map<string, Float32Array>;
  },
): RawDetection[] {
  const anchorsPerCell = opts.anchorsPerCell ?? 2;
  const boxes: FaceBox[] = [];
  const scores: number[] = [];
  const landmarks: Landmarks5[] = [];
  for (const out of outputs) {
    const key = `${opts.inputWidth}x${opts.inputHeight}s${out.stride}a${anchorsPerCell}`;
    let centers = opts.centerCache?.get(key);
    if (!centers) {
      centers = anchorCenters(opts.inputWidth, opts.inputHeight, out.stride, anchorsPerCell);
      opts.centerCache?.set(key, centers);
    }
    const n = Math.min(out.scores.length, centers.length / 2);
    const s = out.stride;
    for (let i = 0; i < n; i++) {
      const score = out.scores[i]!;
      if (score < opts.scoreThreshold) continue;
      const cx = centers[2 * i]!;
      const cy = centers[2 * i + 1]!;
      const x1 = (cx - out.boxes[4 * i]! * s) / opts.scale;
      const y1 = (cy - out.boxes[4 * i + 1]! * s) / opts.scale;
      const x2 = (cx + out.boxes[4 * i + 2]! * s) / opts.scale;
      const y2 = (cy + out.boxes[4 * i + 3]! * s) / opts.scale;
      boxes.push({ x: x1, y: y1, width: x2 - x1, height: y2 - y1 });
      scores.push(score);
      const kps = out.landmarks;
      const pts: [number, number][] = [];
      for (let p = 0; p < 5; p++) {
        pts.push(
          kps
            ? [(cx + kps[10 * i + 2 * p]! * s) / opts.scale, (cy + kps[10 * i + 2 * p + 1]! * s) / opts.scale]
            : [(x1 + x2) / 2, (y1 + y2) / 2],
        );
      }
      landmarks.push(pts as Landmarks5);
    }
  }
  return nms(boxes, scores, opts.iouThreshold).map((i) => ({
    box: boxes[i]!,
    score: scores[i]!,
    landmarks: landmarks[i]!,
  }));
}
