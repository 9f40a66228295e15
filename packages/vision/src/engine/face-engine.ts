import { ScrfdDetector } from '../detect/scrfd-detector.js';
import { ModelError } from '../errors.js';
import { BlazeFaceDetector } from '../faceapi/blazeface-detector.js';
import { FaceApiDetector } from '../faceapi/faceapi-detector.js';
import { FaceApiRecognizer } from '../faceapi/faceapi-recognizer.js';
import {
  ARCFACE_TEMPLATE_112,
  alignFace,
  estimateSimilarity,
  flipHorizontal,
  realignCrop,
} from '../geometry/similarity.js';
import { assertRgbFrame } from '../image/decode.js';
import type { PackManifest } from '../packs/manifests.js';
import { findPack, resolveModelFile, selectBestPack } from '../packs/registry.js';
import { assessQuality } from '../quality.js';
import {
  ARCFACE_NORMALIZATION,
  IMAGENET_NORMALIZATION,
  OnnxRecognizer,
  type PixelNormalization,
} from '../recognize/onnx-recognizer.js';
import { l2Normalize } from '../recognize/vector.js';
import type {
  DetectedFace,
  DetectOptions,
  FaceDetector,
  FaceRecognizer,
  Landmarks5,
  RgbFrame,
} from '../types.js';

export type FaceEngineInfo = {
  pack: string;
  detector: string;
  recognizer: string;
  embeddingSize: number;
  defaultThreshold: number;
  license: PackManifest['license'];
  flipAugment: boolean;
  /** Why this pack was chosen (selectBestPack's sentence, or "requested"). */
  reason: string;
  executionProviders: string[];
  threads: number;
};

export type AnalyzedFace = DetectedFace & { embedding: Float32Array };

export interface FaceEngine {
  readonly info: FaceEngineInfo;
  detect(frame: RgbFrame, opts?: DetectOptions): Promise<DetectedFace[]>;
  /** One L2-normalised embedding per face, in order (batch). */
  embed(frame: RgbFrame, faces: readonly { landmarks: Landmarks5 }[]): Promise<Float32Array[]>;
  analyze(frame: RgbFrame, opts?: DetectOptions): Promise<AnalyzedFace[]>;
  /** The canonical stored crop: 112×112 on the ArcFace template, whatever the recognizer. */
  alignedCrop(frame: RgbFrame, landmarks: Landmarks5): RgbFrame;
  /** Embeds a canonical 112×112 ArcFace-template crop (re-embedding stored crops after a pack change). */
  embedAlignedCrop(rgb112: RgbFrame): Promise<Float32Array>;
  close(): Promise<void>;
}

export type LoadFaceEngineOptions = {
  modelsDir: string;
  /** Pack name; default: selectBestPack(modelsDir). */
  pack?: string;
  /** onnxruntime intra-op threads per session (default 1: run one engine per core for throughput). */
  threads?: number;
  /** e.g. ['cuda', 'cpu'] or ['tensorrt', 'cuda', 'cpu']; unavailable providers are skipped. */
  executionProviders?: string[];
  /** Override the pack's SCRFD input side (multiple of 32); 320 is ~4× faster for faces > 40 px. */
  detectorInputSizePx?: number;
  /** With detectorInputSizePx as the width: a non-square SCRFD input (e.g. 480×288 for 16:9 frames). */
  detectorInputHeightPx?: number;
  /** Override the pack's flip-averaging choice. */
  flipAugment?: boolean;
};

function normalizationOf(spec: 'arcface' | 'imagenet' | PixelNormalization): PixelNormalization {
  if (spec === 'arcface') return ARCFACE_NORMALIZATION;
  if (spec === 'imagenet') return IMAGENET_NORMALIZATION;
  return spec;
}

async function requireFile(
  modelsDir: string,
  manifest: PackManifest,
  spec: Parameters<typeof resolveModelFile>[1],
) {
  const status = await resolveModelFile(modelsDir, spec);
  if (status.state === 'missing' || !status.foundAt) {
    throw new ModelError(
      'missing',
      `Pack "${manifest.name}" needs ${spec.path} in ${modelsDir}` +
        (manifest.download ? `; run: npm run models -- pull ${manifest.name}` : '.'),
    );
  }
  if (status.state === 'checksum_mismatch') {
    throw new ModelError(
      'checksum',
      `${status.foundAt} has sha256 ${status.actualSha256}, expected ${status.expectedSha256}; refusing to load it.`,
    );
  }
  return status.foundAt;
}

export async function createDetector(
  manifest: PackManifest,
  opts: LoadFaceEngineOptions,
): Promise<FaceDetector> {
  const d = manifest.detector;
  switch (d.kind) {
    case 'scrfd': {
      const file = await requireFile(opts.modelsDir, manifest, d.file);
      const size = opts.detectorInputSizePx ?? d.inputSizePx;
      return ScrfdDetector.load(file, d.name, {
        inputWidth: size,
        inputHeight: opts.detectorInputHeightPx ?? size,
        threads: opts.threads ?? 1,
        ...(opts.executionProviders ? { executionProviders: opts.executionProviders } : {}),
        ...(d.scoreThreshold !== undefined ? { scoreThreshold: d.scoreThreshold } : {}),
      });
    }
    case 'faceapi-ssd':
      return FaceApiDetector.load(d.name, {
        variant: 'ssd',
        ...(d.scoreThreshold ? { scoreThreshold: d.scoreThreshold } : {}),
      });
    case 'faceapi-tiny':
      return FaceApiDetector.load(d.name, {
        variant: 'tiny',
        ...(d.inputSizePx ? { inputSizePx: d.inputSizePx } : {}),
        ...(d.scoreThreshold ? { scoreThreshold: d.scoreThreshold } : {}),
      });
    case 'blazeface':
      return BlazeFaceDetector.load(d.name, d.scoreThreshold ? { scoreThreshold: d.scoreThreshold } : {});
    default: {
      const never: never = d;
      throw new ModelError('invalid', `unknown detector kind ${JSON.stringify(never)}`);
    }
  }
}

export async function createRecognizer(
  manifest: PackManifest,
  opts: LoadFaceEngineOptions,
): Promise<FaceRecognizer> {
  const r = manifest.recognizer;
  switch (r.kind) {
    case 'onnx': {
      const file = await requireFile(opts.modelsDir, manifest, r.file);
      return OnnxRecognizer.load(file, r.name, {
        alignment: { cropSizePx: 112, template: ARCFACE_TEMPLATE_112 },
        normalization: normalizationOf(r.normalization),
        embeddingSize: r.embeddingSize,
        threads: opts.threads ?? 1,
        ...(opts.executionProviders ? { executionProviders: opts.executionProviders } : {}),
      });
    }
    case 'faceapi':
      return FaceApiRecognizer.load(r.name);
    default: {
      const never: never = r;
      throw new ModelError('invalid', `unknown recognizer kind ${JSON.stringify(never)}`);
    }
  }
}

/** Loads a pack's detector and recognizer. Everything it returns is async; nothing blocks for long. */
export async function loadFaceEngine(opts: LoadFaceEngineOptions): Promise<FaceEngine> {
  let manifest: PackManifest;
  let reason: string;
  if (opts.pack) {
    manifest = await findPack(opts.modelsDir, opts.pack);
    reason = `pack "${manifest.name}" requested`;
  } else {
    const selection = await selectBestPack(opts.modelsDir);
    manifest = selection.manifest;
    reason = selection.reason;
  }
  const detector = await createDetector(manifest, opts);
  let recognizer: FaceRecognizer;
  try {
    recognizer = await createRecognizer(manifest, opts);
  } catch (err) {
    await detector.close();
    throw err;
  }
  return new ComposedFaceEngine(detector, recognizer, {
    pack: manifest.name,
    detector: detector.name,
    recognizer: recognizer.name,
    embeddingSize: recognizer.embeddingSize,
    defaultThreshold: manifest.defaultThreshold,
    license: manifest.license,
    flipAugment: opts.flipAugment ?? manifest.flipAugment,
    reason,
    executionProviders: opts.executionProviders ?? ['cpu'],
    threads: opts.threads ?? 1,
  });
}

/** A detector and a recognizer chosen independently, plus alignment, quality and flip-averaging. */
export class ComposedFaceEngine implements FaceEngine {
  constructor(
    readonly detector: FaceDetector,
    readonly recognizer: FaceRecognizer,
    readonly info: FaceEngineInfo,
  ) {}

  async detect(frame: RgbFrame, opts?: DetectOptions): Promise<DetectedFace[]> {
    const raw = await this.detector.detect(frame, opts);
    return raw.map((d) => ({ ...d, quality: assessQuality(frame, d.box, d.landmarks) }));
  }

  alignedCrop(frame: RgbFrame, landmarks: Landmarks5): RgbFrame {
    return alignFace(frame, landmarks, ARCFACE_TEMPLATE_112, 112);
  }

  /** Crops in the recognizer's own template. */
  recognizerCrop(frame: RgbFrame, landmarks: Landmarks5): RgbFrame {
    const { template, cropSizePx } = this.recognizer.alignment;
    return alignFace(frame, landmarks, template, cropSizePx);
  }

  async embed(frame: RgbFrame, faces: readonly { landmarks: Landmarks5 }[]): Promise<Float32Array[]> {
    assertRgbFrame(frame);
    return this.embedCrops(faces.map((f) => this.recognizerCrop(frame, f.landmarks)));
  }

  /** Embeds crops already in the recognizer's template, flip-averaging when enabled. */
  async embedCrops(crops: readonly RgbFrame[]): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    if (!this.info.flipAugment) return this.recognizer.embedAligned(crops);
    const all = await this.recognizer.embedAligned([...crops, ...crops.map(flipHorizontal)]);
    return crops.map((_, i) => {
      const a = all[i]!;
      const b = all[i + crops.length]!;
      const sum = new Float32Array(a.length);
      for (let k = 0; k < a.length; k++) sum[k] = a[k]! + b[k]!;
      return l2Normalize(sum);
    });
  }

  async analyze(frame: RgbFrame, opts?: DetectOptions): Promise<AnalyzedFace[]> {
    const faces = await this.detect(frame, opts);
    const embeddings = await this.embed(frame, faces);
    return faces.map((f, i) => ({ ...f, embedding: embeddings[i]! }));
  }

  async embedAlignedCrop(rgb112: RgbFrame): Promise<Float32Array> {
    assertRgbFrame(rgb112);
    if (rgb112.width !== 112 || rgb112.height !== 112)
      throw new RangeError('expected a 112×112 aligned crop');
    const { template, cropSizePx } = this.recognizer.alignment;
    const sameTemplate =
      cropSizePx === 112 &&
      estimateSimilarity(ARCFACE_TEMPLATE_112, template).every(
        (v, i) => Math.abs(v - [1, 0, 0, 0, 1, 0][i]!) < 1e-9,
      );
    const crop = sameTemplate ? rgb112 : realignCrop(rgb112, ARCFACE_TEMPLATE_112, template, cropSizePx);
    const [embedding] = await this.embedCrops([crop]);
    return embedding!;
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.close(), this.recognizer.close()]);
  }
}
