export { PipelineService, probeCameraSource, toCameraStatus, MIN_FACE_QUALITY } from './pipeline.service.js';
export { FrameAnalyzer, type MatchableGallery, type FrameAnalysis } from './frame-analyzer.js';
export { InferencePool, FrameDroppedError } from './inference-pool.js';
export { FaceTracker } from './face-tracker.js';
