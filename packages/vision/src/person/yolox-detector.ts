// Whole-body person detector: YOLOX (COCO class 0) on onnxruntime. Letterbox, grid decode, NMS.
import { resizeFrame, assertRgbFrame } from '../image/decode.js';
import type { RgbFrame } from '../types.js';
import { createOnnxSession, ort, type OnnxRuntimeOptions } from '../engine/onnx-session.js';
import { nms } from '../detect/nms.js';
import type { Box, PersonDetection } from './byte-tracker.js';

export type PersonDetectorOptions = OnnxRuntimeOptions & {
  /** Network input side (YOLOX-Nano is exported at a fixed 416). */
  inputSize?: number;
  /** Lowest person score kept (objectness × class score); the tracker splits high/low itself. */
  scoreThreshold?: number;
  iouThreshold?: number;
  /** Boxes smaller than this (shorter side, px in the frame) are dropped. */
  minSizePx?: number;
};

const STRIDES = [8, 16, 32] as const;

/**
 * Decodes YOLOX output rows `[dx, dy, log w, log h, obj, cls0..cls79]` (strides 8/16/32, row by row)
 * into person boxes in frame pixels. Exported for unit tests.
 */
export function decodeYolox(
  out: Float32Array,
  inputSize: number,
  numClasses: number,
  scale: number,
  scoreThreshold: number,
  iouThreshold: number,
): PersonDetection[] {
  const rowLen = 5 + numClasses;
  const boxes: Box[] = [];
  const scores: number[] = [];
  let row = 0;
  for (const s of STRIDES) {
    const g = Math.ceil(inputSize / s);
    for (let gy = 0; gy < g; gy++)
      for (let gx = 0; gx < g; gx++, row++) {
        const o = row * rowLen;
        if (o + rowLen > out.length) break;
        const score = out[o + 4]! * out[o + 5]!;
        if (score < scoreThreshold) continue;
        const cx = (out[o]! + gx) * s;
        const cy = (out[o + 1]! + gy) * s;
        const w = Math.exp(out[o + 2]!) * s;
        const h = Math.exp(out[o + 3]!) * s;
        boxes.push({ x: (cx - w / 2) / scale, y: (cy - h / 2) / scale, width: w / scale, height: h / scale });
        scores.push(score);
      }
  }
  return nms(boxes, scores, iouThreshold).map((i) => ({ box: boxes[i]!, score: scores[i]! }));
}

export class YoloxPersonDetector {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputSize: number,
    private readonly scoreThreshold: number,
    private readonly iouThreshold: number,
    private readonly minSizePx: number,
  ) {}

  static async load(modelPath: string, opts: PersonDetectorOptions = {}): Promise<YoloxPersonDetector> {
    const session = await createOnnxSession(modelPath, opts);
    return new YoloxPersonDetector(
      session,
      opts.inputSize ?? 416,
      opts.scoreThreshold ?? 0.15,
      opts.iouThreshold ?? 0.45,
      opts.minSizePx ?? 16,
    );
  }

  async detect(frame: RgbFrame): Promise<PersonDetection[]> {
    assertRgbFrame(frame);
    const S = this.inputSize;
    const scale = Math.min(S / frame.width, S / frame.height);
    const newW = Math.max(1, Math.min(S, Math.round(frame.width * scale)));
    const newH = Math.max(1, Math.min(S, Math.round(frame.height * scale)));
    const resized =
      newW === frame.width && newH === frame.height ? frame : await resizeFrame(frame, newW, newH);
    const plane = S * S;
    // BGR, raw 0–255, top-left, padding 114 (YOLOX's preprocessing).
    const data = new Float32Array(3 * plane).fill(114);
    const src = resized.data;
    for (let y = 0; y < newH; y++)
      for (let x = 0; x < newW; x++) {
        const s = (y * newW + x) * 3;
        const d = y * S + x;
        data[d] = src[s + 2]!;
        data[plane + d] = src[s + 1]!;
        data[2 * plane + d] = src[s]!;
      }
    const input = new ort.Tensor('float32', data, [1, 3, S, S]);
    const results = await this.session.run({ [this.session.inputNames[0]!]: input });
    const out = results[this.session.outputNames[0]!]!;
    const dims = out.dims;
    const numClasses = Number(dims[dims.length - 1]) - 5;
    return decodeYolox(out.data as Float32Array, S, numClasses, scale, this.scoreThreshold, this.iouThreshold)
      .map((d) => ({ ...d, box: clip(d.box, frame.width, frame.height) }))
      .filter((d) => Math.min(d.box.width, d.box.height) >= this.minSizePx);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function clip(b: Box, W: number, H: number): Box {
  const x1 = Math.max(0, b.x);
  const y1 = Math.max(0, b.y);
  const x2 = Math.min(W, b.x + b.width);
  const y2 = Math.min(H, b.y + b.height);
  return { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) };
}
