export type {
  RgbFrame,
  Point,
  Landmarks5,
  FaceBox,
  FaceQuality,
  DetectedFace,
  RawDetection,
  DetectOptions,
  FaceDetector,
  FaceRecognizer,
  AlignmentSpec,
} from './types.js';
export { ImageDecodeError, ModelError, type ImageDecodeErrorCode, type ModelErrorCode } from './errors.js';
export {
  decodeImage,
  encodeJpeg,
  cropFaceJpeg,
  resizeFrame,
  assertRgbFrame,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MAX_OUTPUT_PIXELS,
} from './image/decode.js';
export {
  ARCFACE_TEMPLATE_112,
  DLIB_TEMPLATE_150,
  estimateSimilarity,
  warpAffine,
  alignFace,
  flipHorizontal,
  applyAffine,
  invertAffine,
  type Affine,
} from './geometry/similarity.js';
export { nms, iou } from './detect/nms.js';
export { decodeScrfd, anchorCenters, type ScrfdStrideOutput } from './detect/scrfd-decode.js';
export { ScrfdDetector, type ScrfdOptions } from './detect/scrfd-detector.js';
export {
  OnnxRecognizer,
  ARCFACE_NORMALIZATION,
  IMAGENET_NORMALIZATION,
  type PixelNormalization,
} from './recognize/onnx-recognizer.js';
export { cosineSimilarity, l2Normalize, meanEmbedding } from './recognize/vector.js';
export {
  assessQuality,
  estimatePoseDeg,
  laplacianVariance,
  qualityBreakdown,
  overallQuality,
  failingFactor,
  QUALITY_FLOORS,
  type QualityBreakdown,
  type QualityFactor,
} from './quality.js';
export {
  loadFaceEngine,
  ComposedFaceEngine,
  type FaceEngine,
  type FaceEngineInfo,
  type AnalyzedFace,
  type LoadFaceEngineOptions,
} from './engine/face-engine.js';
export { availableExecutionProviders } from './engine/onnx-session.js';
export {
  PACK_MANIFESTS,
  NPM_DEFAULT_PACK,
  type PackManifest,
  type ModelFileSpec,
  type DetectorSpec,
  type RecognizerSpec,
  type PackLicense,
} from './packs/manifests.js';
export {
  listPacks,
  licenceSentence,
  selectBestPack,
  findPack,
  sha256File,
  validateUserManifest,
  type PackStatus,
  type PackSelection,
  type FileStatus,
} from './packs/registry.js';
export { defaultModelsDir } from './packs/models-dir.js';
export {
  Gallery,
  TopK,
  type GalleryHit,
  type GalleryMatch,
  type GallerySearchStats,
  type GallerySearchStrategy,
  type MatchOptions,
} from './gallery/gallery.js';
export {
  accuracyAt,
  bestThreshold,
  foldAccuracy,
  tarAtFar,
  rocAuc,
  type ScoredPair,
} from './eval/metrics.js';
export { runEvaluation, type EvalReport, type EvalOptions } from './eval/run-eval.js';
export {
  enrolFromImages,
  embedAlignedCrops,
  DEFAULT_ENROL_MIN_FACE_PX,
  type EnrolCandidateFace,
  type EnrolImageResult,
  type EnrolOptions,
  type EnrolRejectCode,
} from './enrol.js';
export * from './capture/index.js';
export { pullPack, packUrl, type PullOptions } from './packs/pull.js';
export { readZip } from './packs/zip.js';
export * from './track/index.js';
export * from './person/index.js';
export { detectorInputFor, nearFaceDetectorInput } from './detect/detector-input.js';
export { mapBox, regionAround, cropRgb, findFaceNear, type FrameSize } from './detect/hi-res-face.js';
export * from './train/index.js';
