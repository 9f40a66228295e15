import { resizeFrame, assertRgbFrame } from '../image/decode.js';
import type { DetectOptions, FaceDetector, RawDetection, RgbFrame } from '../types.js';
import { createOnnxSession, ort, type OnnxRuntimeOptions } from '../engine/onnx-session.js';
import { decodeScrfd, type ScrfdStrideOutput } from './scrfd-decode.js';

export type ScrfdOptions = OnnxRuntimeOptions & {
  /** Network input, multiples of 32. 640×640 is InsightFace's default; 320 is 4× cheaper for near faces. */
  inputWidth?: number;
  inputHeight?: number;
  scoreThreshold?: number;
  iouThreshold?: number;
};

/** InsightFace SCRFD (det_500m, det_2.5g, det_10g, …) on onnxruntime: letterbox, anchor decoding, NMS. */
export class ScrfdDetector implements FaceDetector {
  private readonly centerCache = new Map<string, Float32Array>();

  private constructor(
    readonly name: string,
    private readonly session: ort.InferenceSession,
    private readonly inputWidth: number,
    private readonly inputHeight: number,
    private readonly scoreThreshold: number,
    private readonly iouThreshold: number,
  ) {}

  static async load(modelPath: string, name: string, opts: ScrfdOptions = {}): Promise<ScrfdDetector> {
    const w = opts.inputWidth ?? 640;
    const h = opts.inputHeight ?? w;
    if (w % 32 !== 0 || h % 32 !== 0) throw new RangeError(`SCRFD input ${w}×${h} must be multiples of 32`);
    const session = await createOnnxSession(modelPath, opts);
    return new ScrfdDetector(name, session, w, h, opts.scoreThreshold ?? 0.5, opts.iouThreshold ?? 0.4);
  }

  async detect(frame: RgbFrame, opts: DetectOptions = {}): Promise<RawDetection[]> {
    assertRgbFrame(frame);
    const inputWidth = opts.inputSizePx?.width ?? this.inputWidth;
    const inputHeight = opts.inputSizePx?.height ?? this.inputHeight;
    if (inputWidth % 32 !== 0 || inputHeight % 32 !== 0 || inputWidth <= 0 || inputHeight <= 0)
      throw new RangeError(`SCRFD input ${inputWidth}×${inputHeight} must be positive multiples of 32`);
    const { tensorData, scale } = await this.letterbox(frame, inputWidth, inputHeight);
    const input = new ort.Tensor('float32', tensorData, [1, 3, inputHeight, inputWidth]);
    const results = await this.session.run({ [this.session.inputNames[0]!]: input });
    const outs = this.session.outputNames.map((n) => results[n]!.data as Float32Array);
    const strideOutputs = groupOutputs(outs);
    const detections = decodeScrfd(strideOutputs.outputs, {
      inputWidth,
      inputHeight,
      scale,
      scoreThreshold: opts.minScore ?? this.scoreThreshold,
      iouThreshold: this.iouThreshold,
      anchorsPerCell: strideOutputs.anchorsPerCell,
      centerCache: this.centerCache,
    });
    return filterDetections(detections, frame, opts);
  }

  async detectBatch(frames: readonly RgbFrame[], opts?: DetectOptions): Promise<RawDetection[][]> {
    const out: RawDetection[][] = [];
    for (const f of frames) out.push(await this.detect(f, opts));
    return out;
  }

  private async letterbox(
    frame: RgbFrame,
    W: number,
    H: number,
  ): Promise<{ tensorData: Float32Array; scale: number }> {
    const scale = Math.min(W / frame.width, H / frame.height);
    const newW = Math.max(1, Math.min(W, Math.round(frame.width * scale)));
    const newH = Math.max(1, Math.min(H, Math.round(frame.height * scale)));
    const resized =
      newW === frame.width && newH === frame.height ? frame : await resizeFrame(frame, newW, newH);
    const plane = W * H;
    // Black padding, normalised like every other pixel: (0 − 127.5) / 128.
    const data = new Float32Array(3 * plane).fill(-127.5 / 128);
    const src = resized.data;
    for (let y = 0; y < newH; y++) {
      for (let x = 0; x < newW; x++) {
        const s = (y * newW + x) * 3;
        const d = y * W + x;
        data[d] = (src[s]! - 127.5) / 128;
        data[plane + d] = (src[s + 1]! - 127.5) / 128;
        data[2 * plane + d] = (src[s + 2]! - 127.5) / 128;
      }
    }
    // The real scale differs slightly from `scale` after rounding; use the width ratio InsightFace uses.
    return { tensorData: data, scale: newW / frame.width };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** SCRFD outputs by position: scores, boxes, [landmarks], each group ordered by stride. */
function groupOutputs(outs: Float32Array[]): { outputs: ScrfdStrideOutput[]; anchorsPerCell: number } {
  const layouts: Record<number, { strides: number[]; kps: boolean; anchors: number }> = {
    6: { strides: [8, 16, 32], kps: false, anchors: 2 },
    9: { strides: [8, 16, 32], kps: true, anchors: 2 },
    10: { strides: [8, 16, 32, 64, 128], kps: false, anchors: 1 },
    15: { strides: [8, 16, 32, 64, 128], kps: true, anchors: 1 },
  };
  const layout = layouts[outs.length];
  if (!layout) throw new Error(`unexpected SCRFD output count ${outs.length}`);
  const f = layout.strides.length;
  return {
    anchorsPerCell: layout.anchors,
    outputs: layout.strides.map((stride, i) => ({
      stride,
      scores: outs[i]!,
      boxes: outs[i + f]!,
      ...(layout.kps ? { landmarks: outs[i + 2 * f]! } : {}),
    })),
  };
}

/** Clips boxes to the frame, applies minFacePx and maxFaces (largest faces kept). */
export function filterDetections(dets: RawDetection[], frame: RgbFrame, opts: DetectOptions): RawDetection[] {
  const minFacePx = opts.minFacePx ?? 0;
  let out = dets
    .map((d) => {
      const x1 = Math.max(0, d.box.x);
      const y1 = Math.max(0, d.box.y);
      const x2 = Math.min(frame.width, d.box.x + d.box.width);
      const y2 = Math.min(frame.height, d.box.y + d.box.height);
      return { ...d, box: { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) } };
    })
    .filter((d) => Math.min(d.box.width, d.box.height) >= minFacePx && d.box.width > 0 && d.box.height > 0);
  if (opts.maxFaces !== undefined && out.length > opts.maxFaces) {
    out = out.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height).slice(0, opts.maxFaces);
  }
  return out;
}
