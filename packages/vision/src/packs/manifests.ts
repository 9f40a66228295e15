import type { PixelNormalization } from '../recognize/onnx-recognizer.js';

/** One model file of a pack, found under the models directory at `path` or one of `alternatives`. */
export type ModelFileSpec = {
  /** Relative to the models directory; where `npm run models -- pull` installs it. */
  path: string;
  /** Other relative paths accepted (e.g. the layout of /work/shared/models). */
  alternatives?: string[];
  /** Lower-case hex; when set, a file with another checksum is refused. */
  sha256?: string;
  bytes?: number;
};

export type DetectorSpec =
  | { kind: 'scrfd'; name: string; file: ModelFileSpec; inputSizePx: number; scoreThreshold?: number }
  | { kind: 'faceapi-ssd'; name: string; scoreThreshold?: number }
  | { kind: 'faceapi-tiny'; name: string; inputSizePx?: number; scoreThreshold?: number }
  /** MediaPipe BlazeFace from @vladmandic/human's npm tarball, refined by face-api's 68-point landmarks. */
  | { kind: 'blazeface'; name: string; scoreThreshold?: number };

export type RecognizerSpec =
  | {
      kind: 'onnx';
      name: string;
      file: ModelFileSpec;
      /** Aligned crop side; 112 for ArcFace-style models (the only template supported for ONNX files). */
      inputSizePx: 112;
      embeddingSize: number;
      normalization: 'arcface' | 'imagenet' | PixelNormalization;
    }
  | { kind: 'faceapi'; name: string; embeddingSize: 128 };

export type PackLicense = {
  name: string;
  /** Whether the weights' terms allow use in a commercial product without a separate licence. */
  commercialUse: boolean;
  note: string;
};

export type PackManifest = {
  name: string;
  description: string;
  detector: DetectorSpec;
  recognizer: RecognizerSpec;
  embeddingSize: number;
  /** Cosine similarity at or above which two faces are taken as the same person. */
  defaultThreshold: number;
  /** Where the threshold comes from (the eval measurement or upstream convention). */
  thresholdSource: string;
  /** Average the embeddings of the crop and its mirror image (measured to help; costs 2× embedding time). */
  flipAugment: boolean;
  license: PackLicense;
  /** Higher is preferred by selectBestPack; ordered by measured or published LFW accuracy. */
  preference: number;
  /** Official download: a zip holding the pack's ONNX files (any folder depth). */
  download?: { url: string; installDir: string };
  /** Whether every file ships inside node_modules (no models directory needed). */
  shippedWithNpm: boolean;
};

const INSIGHTFACE_LICENSE: PackLicense = {
  name: 'InsightFace pretrained models: non-commercial research only',
  commercialUse: false,
  note: 'The code is MIT, the weights are not: a commercial deployment needs a licence from InsightFace.',
};

const FACEAPI_LICENSE: PackLicense = {
  name: 'MIT (@vladmandic/face-api); recognizer weights from dlib (public domain/CC0 per dlib-models)',
  commercialUse: true,
  note: 'Weights arrive with npm install; no InsightFace file is involved.',
};

const INSIGHTFACE_RELEASE = 'https://github.com/deepinsight/insightface/releases/download/v0.7';

const DET_500M: ModelFileSpec = {
  path: 'buffalo_s/det_500m.onnx',
  alternatives: ['buffalo_sc/det_500m.onnx', 'det_500m.onnx'],
  sha256: '5e4447f50245bbd7966bd6c0fa52938c61474a04ec7def48753668a9d8b4ea3a',
  bytes: 2_524_817,
};
const DET_2_5G: ModelFileSpec = {
  path: 'buffalo_m/det_2.5g.onnx',
  alternatives: ['det_2.5g.onnx'],
  sha256: '041f73f47371333d1d17a6fee6c8ab4e6aecabefe398ff32cca4e2d5eaee0af9',
  bytes: 3_292_009,
};
const DET_10G: ModelFileSpec = {
  path: 'buffalo_l/det_10g.onnx',
  alternatives: ['det_10g.onnx', 'antelopev2/scrfd_10g_bnkps.onnx'],
  sha256: '5838f7fe053675b1c7a08b633df49e7af5495cee0493c7dcf6697200b85b5b91',
  bytes: 16_923_827,
};
const W600K_MBF: ModelFileSpec = {
  path: 'buffalo_s/w600k_mbf.onnx',
  alternatives: ['buffalo_sc/w600k_mbf.onnx', 'w600k_mbf.onnx'],
  sha256: '9cc6e4a75f0e2bf0b1aed94578f144d15175f357bdc05e815e5c4a02b319eb4f',
  bytes: 13_616_099,
};
const W600K_R50: ModelFileSpec = {
  path: 'buffalo_l/w600k_r50.onnx',
  alternatives: ['buffalo_m/w600k_r50.onnx', 'w600k_r50.onnx'],
  sha256: '4c06341c33c2ca1f86781dab0e829f88ad5b64be9fba56e56bc9ebdefc619e43',
  bytes: 174_383_860,
};
const FOAMLIU_MOBILEFACENET: ModelFileSpec = {
  path: 'foamliu_mobilefacenet/MobileFaceNet.onnx',
  alternatives: ['MobileFaceNet.onnx'],
  sha256: 'b7120c095d60094f28a4a54ba6a8bf51b297a6273fb40ef6350dfec1f63d9507',
  bytes: 3_998_070,
};

const ARCFACE_THRESHOLD_SOURCE = 'InsightFace convention for w600k ArcFace models (cosine 0.35)';

/** Built-in packs. A user adds more by dropping `<name>.pack.json` (same shape) into the models directory. */
export const PACK_MANIFESTS: Readonly<Record<string, PackManifest>> = {
  buffalo_l: {
    name: 'buffalo_l',
    description: 'InsightFace buffalo_l: SCRFD-10GF detector + ArcFace ResNet-50 (WebFace600K), 512-d.',
    detector: { kind: 'scrfd', name: 'det_10g', file: DET_10G, inputSizePx: 640 },
    recognizer: {
      kind: 'onnx',
      name: 'w600k_r50',
      file: W600K_R50,
      inputSizePx: 112,
      embeddingSize: 512,
      normalization: 'arcface',
    },
    embeddingSize: 512,
    defaultThreshold: 0.35,
    thresholdSource: ARCFACE_THRESHOLD_SOURCE,
    flipAugment: false,
    license: INSIGHTFACE_LICENSE,
    preference: 100,
    download: { url: `${INSIGHTFACE_RELEASE}/buffalo_l.zip`, installDir: 'buffalo_l' },
    shippedWithNpm: false,
  },
  buffalo_m: {
    name: 'buffalo_m',
    description: 'InsightFace buffalo_m: SCRFD-2.5GF detector + ArcFace ResNet-50 (WebFace600K), 512-d.',
    detector: { kind: 'scrfd', name: 'det_2.5g', file: DET_2_5G, inputSizePx: 640 },
    recognizer: {
      kind: 'onnx',
      name: 'w600k_r50',
      file: W600K_R50,
      inputSizePx: 112,
      embeddingSize: 512,
      normalization: 'arcface',
    },
    embeddingSize: 512,
    defaultThreshold: 0.35,
    thresholdSource: ARCFACE_THRESHOLD_SOURCE,
    flipAugment: false,
    license: INSIGHTFACE_LICENSE,
    preference: 95,
    download: { url: `${INSIGHTFACE_RELEASE}/buffalo_m.zip`, installDir: 'buffalo_m' },
    shippedWithNpm: false,
  },
  buffalo_s: {
    name: 'buffalo_s',
    description: 'InsightFace buffalo_s: SCRFD-500MF detector + ArcFace MobileFaceNet (WebFace600K), 512-d.',
    detector: { kind: 'scrfd', name: 'det_500m', file: DET_500M, inputSizePx: 640 },
    recognizer: {
      kind: 'onnx',
      name: 'w600k_mbf',
      file: W600K_MBF,
      inputSizePx: 112,
      embeddingSize: 512,
      normalization: 'arcface',
    },
    embeddingSize: 512,
    defaultThreshold: 0.35,
    thresholdSource: ARCFACE_THRESHOLD_SOURCE,
    flipAugment: false,
    license: INSIGHTFACE_LICENSE,
    preference: 90,
    download: { url: `${INSIGHTFACE_RELEASE}/buffalo_s.zip`, installDir: 'buffalo_s' },
    shippedWithNpm: false,
  },
  mobilefacenet: {
    name: 'mobilefacenet',
    description:
      'SCRFD-500MF detector + foamliu MobileFaceNet (ArcFace loss, MS1M), 128-d, ImageNet normalisation.',
    detector: { kind: 'scrfd', name: 'det_500m', file: DET_500M, inputSizePx: 640 },
    recognizer: {
      kind: 'onnx',
      name: 'foamliu_mobilefacenet',
      file: FOAMLIU_MOBILEFACENET,
      inputSizePx: 112,
      embeddingSize: 128,
      normalization: 'imagenet',
    },
    embeddingSize: 128,
    defaultThreshold: 0.3,
    thresholdSource: 'npm run eval, LFW 3000 pairs: threshold at FAR 1e-3, rounded (see CONTEXT.md)',
    flipAugment: true,
    license: {
      name: 'Apache-2.0 code; weights trained on MS1M (withdrawn data set) and with an InsightFace detector',
      commercialUse: false,
      note: 'Development and tests only until legal review; the detector is InsightFace non-commercial.',
    },
    preference: 80,
    shippedWithNpm: false,
  },
  faceapi: {
    name: 'faceapi',
    description:
      'Ships with npm (@vladmandic/face-api, MIT): SSD MobileNetV1 detector + 68-point landmarks + dlib ResNet-34 recognizer, 128-d, on tfjs WASM.',
    detector: { kind: 'faceapi-ssd', name: 'faceapi_ssd_mobilenetv1' },
    recognizer: { kind: 'faceapi', name: 'faceapi_dlib_resnet', embeddingSize: 128 },
    embeddingSize: 128,
    defaultThreshold: 0.92,
    thresholdSource:
      'npm run eval, all 3000 LFW pairs: threshold at FAR 1e-3 (0.921 with the SSD detector, 0.917 with SCRFD), rounded',
    flipAugment: true,
    license: FACEAPI_LICENSE,
    preference: 10,
    shippedWithNpm: true,
  },
  faceapi_tiny: {
    name: 'faceapi_tiny',
    description:
      'Ships with npm (@vladmandic/face-api, MIT): Tiny Face Detector (416 px) + 68-point landmarks + dlib ResNet-34 recognizer, 128-d.',
    detector: { kind: 'faceapi-tiny', name: 'faceapi_tiny_face_detector', inputSizePx: 416 },
    recognizer: { kind: 'faceapi', name: 'faceapi_dlib_resnet', embeddingSize: 128 },
    embeddingSize: 128,
    defaultThreshold: 0.92,
    thresholdSource: 'same recognizer as the faceapi pack (FAR 1e-3 on all 3000 LFW pairs), rounded',
    flipAugment: true,
    license: FACEAPI_LICENSE,
    preference: 5,
    shippedWithNpm: true,
  },
  blazeface_faceapi: {
    name: 'blazeface_faceapi',
    description:
      'Ships with npm: MediaPipe BlazeFace detector (from @vladmandic/human) + face-api 68-point landmarks + dlib ResNet-34 recognizer aligned to the dlib chip, 128-d.',
    detector: { kind: 'blazeface', name: 'blazeface_full_range' },
    recognizer: { kind: 'faceapi', name: 'faceapi_dlib_resnet', embeddingSize: 128 },
    embeddingSize: 128,
    defaultThreshold: 0.92,
    thresholdSource: 'same recognizer as the faceapi pack (FAR 1e-3 on all 3000 LFW pairs), rounded',
    flipAugment: true,
    license: {
      name: 'Apache-2.0 (BlazeFace weights, Google MediaPipe, shipped in @vladmandic/human, MIT) + MIT (@vladmandic/face-api); recognizer weights from dlib (public domain/CC0 per dlib-models)',
      commercialUse: true,
      note: 'Weights arrive with npm install; no InsightFace file is involved.',
    },
    preference: 12,
    shippedWithNpm: true,
  },
  scrfd_faceapi: {
    name: 'scrfd_faceapi',
    description: 'SCRFD-500MF detector + face-api dlib ResNet recognizer (128-d) aligned to the dlib chip.',
    detector: { kind: 'scrfd', name: 'det_500m', file: DET_500M, inputSizePx: 640 },
    recognizer: { kind: 'faceapi', name: 'faceapi_dlib_resnet', embeddingSize: 128 },
    embeddingSize: 128,
    defaultThreshold: 0.92,
    thresholdSource:
      'npm run eval, all 3000 LFW pairs: threshold at FAR 1e-3 (0.921 with the SSD detector, 0.917 with SCRFD), rounded',
    flipAugment: true,
    license: INSIGHTFACE_LICENSE,
    preference: 20,
    shippedWithNpm: false,
  },
};

/**
 * The pack that needs nothing but `npm install`: BlazeFace in front of face-api's recognizer finds every
 * face of a 447-image LFW subset (SSD missed 11) and 35/36 annotated group faces, at about a third of
 * SSD's time (docs/benchmarks.md). `faceapi` (SSD) stays selectable with --pack / HADIR_FACE_PACK.
 */
export const NPM_DEFAULT_PACK = 'blazeface_faceapi';
