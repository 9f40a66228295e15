import { createOnnxSession, ort, type OnnxRuntimeOptions } from '../engine/onnx-session.js';
import type { AlignmentSpec, FaceRecognizer, RgbFrame } from '../types.js';
import { l2Normalize } from './vector.js';

export type PixelNormalization = {
  /** Per channel (R, G, B), in 0..255 pixel units: input = (pixel − mean) / std. */
  mean: [number, number, number];
  std: [number, number, number];
  channelOrder?: 'rgb' | 'bgr';
};

/** InsightFace ArcFace: RGB, (p − 127.5) / 127.5. */
export const ARCFACE_NORMALIZATION: PixelNormalization = {
  mean: [127.5, 127.5, 127.5],
  std: [127.5, 127.5, 127.5],
};
/** ImageNet mean/std (foamliu MobileFaceNet's training normalisation). */
export const IMAGENET_NORMALIZATION: PixelNormalization = {
  mean: [0.485 * 255, 0.456 * 255, 0.406 * 255],
  std: [0.229 * 255, 0.224 * 255, 0.225 * 255],
};

/** Any ArcFace-style ONNX recognizer: one input [B, 3, S, S], one output [B, D]. */
export class OnnxRecognizer implements FaceRecognizer {
  private constructor(
    readonly name: string,
    private readonly session: ort.InferenceSession,
    readonly embeddingSize: number,
    readonly alignment: AlignmentSpec,
    private readonly normalization: PixelNormalization,
    private readonly maxBatch: number,
  ) {}

  static async load(
    modelPath: string,
    name: string,
    opts: OnnxRuntimeOptions & {
      alignment: AlignmentSpec;
      normalization: PixelNormalization;
      embeddingSize?: number;
    },
  ): Promise<OnnxRecognizer> {
    const session = await createOnnxSession(modelPath, opts);
    const meta = session.inputMetadata[0];
    const shape = meta && 'shape' in meta ? meta.shape : [];
    // A numeric batch dimension of 1 means the export is fixed to batch 1 (foamliu MobileFaceNet).
    const maxBatch = typeof shape[0] === 'number' && shape[0] > 0 ? shape[0] : 32;
    const outMeta = session.outputMetadata[0];
    const outShape = outMeta && 'shape' in outMeta ? outMeta.shape : [];
    const declared = typeof outShape[1] === 'number' ? outShape[1] : undefined;
    const embeddingSize = opts.embeddingSize ?? declared ?? 512;
    return new OnnxRecognizer(name, session, embeddingSize, opts.alignment, opts.normalization, maxBatch);
  }

  async embedAligned(crops: readonly RgbFrame[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < crops.length; start += this.maxBatch) {
      const batch = crops.slice(start, start + this.maxBatch);
      out.push(...(await this.runBatch(batch)));
    }
    return out;
  }

  private async runBatch(crops: readonly RgbFrame[]): Promise<Float32Array[]> {
    const S = this.alignment.cropSizePx;
    const plane = S * S;
    const input = new Float32Array(crops.length * 3 * plane);
    const { mean, std } = this.normalization;
    const bgr = this.normalization.channelOrder === 'bgr';
    crops.forEach((crop, b) => {
      if (crop.width !== S || crop.height !== S) throw new RangeError(`aligned crop must be ${S}×${S}`);
      const base = b * 3 * plane;
      const src = crop.data;
      for (let i = 0; i < plane; i++) {
        for (let ch = 0; ch < 3; ch++) {
          const dstCh = bgr ? 2 - ch : ch;
          input[base + dstCh * plane + i] = (src[i * 3 + ch]! - mean[ch]!) / std[ch]!;
        }
      }
    });
    const tensor = new ort.Tensor('float32', input, [crops.length, 3, S, S]);
    const results = await this.session.run({ [this.session.inputNames[0]!]: tensor });
    const output = results[this.session.outputNames[0]!]!.data as Float32Array;
    const d = output.length / crops.length;
    return crops.map((_, b) => l2Normalize(output.slice(b * d, (b + 1) * d)));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
