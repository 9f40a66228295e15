export { PipelineService, probeCameraSource, type PipelineStageTotals } from './pipeline.service.js';
export { CameraRunner, toCameraStatus, MIN_FACE_QUALITY, type RunnableCamera } from './camera-runner.js';
export type { InferredFace, StageTimings } from './inference-protocol.js';
export {
  DEFAULT_RECHECK_MS,
  FrameAnalyzer,
  type MatchableGallery,
  type FrameAnalysis,
  type TrackedFace,
  type EndedTrack,
} from './frame-analyzer.js';
export { InferencePool, FrameDroppedError, defaultInferenceWorkers } from './inference-pool.js';
export { RecentFaces, type RecentFace } from './recent-faces.js';
export { facesNeedingEmbedding, type EmbeddingSkipRegion } from './embed-policy.js';
