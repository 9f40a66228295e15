// Person stage: whole-body detection, multi-object tracking, appearance ranges, video indexing.
export { BoxKalman, toMeasurement, invert4, type KalmanMeasurement } from './kalman.js';
export {
  ByteTracker,
  DEFAULT_BYTETRACK_OPTIONS,
  type Box,
  type ByteTrackOptions,
  type PersonDetection,
  type PersonTrack,
  type TrackObservation as PersonTrackObservation,
} from './byte-tracker.js';
export {
  buildRanges,
  mergeRanges,
  centroid,
  groupByFace,
  type AppearanceRange,
  type RangeOptions,
} from './ranges.js';
export { YoloxPersonDetector, decodeYolox, type PersonDetectorOptions } from './yolox-detector.js';
export { parseCreationTime, probeVideo, VideoProbeError, type VideoProbe } from './video-probe.js';
export {
  indexVideo,
  cropRgb,
  type IndexVideoOptions,
  type IndexVideoResult,
  type IndexedPerson,
  type FaceSighting,
} from './video-indexer.js';
export {
  PERSON_DETECTOR_MANIFESTS,
  personDetectorStatus,
  resolvePersonDetector,
  type PersonDetectorManifest,
  type PersonDetectorStatus,
} from './person-packs.js';
export { scoreTracker, type TrackerScore, type Ranges } from './score.js';
export { readVideoFrames, analysisSize, type VideoFramesOptions } from './video-frames.js';
