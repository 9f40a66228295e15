// Track stage: per-camera face tracks with identity by consensus. Pure.
export {
  FaceTracker,
  DEFAULT_TRACKER_OPTIONS,
  associationSimilarities,
  boxIou,
  type FaceTrackerOptions,
  type TrackBox,
  type FaceMatch,
  type TrackerDetection,
  type TrackerFrame,
  type TrackerUpdate,
  type TrackEvent,
  type TrackSnapshot,
  type TrackObservation,
} from './face-tracker.js';
export { solveAssignment } from './hungarian.js';
