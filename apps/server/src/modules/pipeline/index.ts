export { PipelineService, probeCameraSource, toCameraStatus, MIN_FACE_QUALITY } from './pipeline.service.js';
export {
  FrameAnalyzer,
  type MatchableGallery,
  type FrameAnalysis,
  type TrackedFace,
  type EndedTrack,
} from './frame-analyzer.js';
export { InferencePool, FrameDroppedError, defaultInferenceWorkers } from './inference-pool.js';
export { RecentFaces, type RecentFace } from './recent-faces.js';
