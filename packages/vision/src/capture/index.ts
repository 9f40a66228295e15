// Capture stage: one interface (FrameSource), interchangeable implementations.
export type { CapturedFrame, CaptureState, CaptureStatus, FrameSource } from './frame-source.js';
export {
  FfmpegFrameSource,
  type FfmpegFrameSourceOptions,
  type ChildProcessLike,
  type SpawnProcess,
} from './ffmpeg-frame-source.js';
export { ManualFrameSource } from './manual-frame-source.js';
export { probeSource, type ProbeResult, type ProbeOptions } from './probe-source.js';
export { SnapshotKeeper, downscaleRgb } from './snapshot.js';
export {
  classifySource,
  locateFfmpeg,
  ffmpegFrameArgs,
  ffmpegInputArgs,
  type SourceKind,
  type FfmpegLocation,
  type FfmpegInputOptions,
  type FfmpegFrameArgsOptions,
} from './ffmpeg-command.js';
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { systemClock, ManualClock, type Clock, type TimerHandle } from './clock.js';
export { LatestFrameQueue } from './latest-frame-queue.js';
export { FrameSplitter } from './frame-splitter.js';
export { LineRing, summarizeFfmpegError, redactUrlCredentials } from './stderr-ring.js';
export { FpsMeter } from './fps-meter.js';
export { MotionGate, DEFAULT_MOTION_GATE, type MotionGateOptions } from './motion-gate.js';
export { OnDemandFrameSource, type OnDemandFrameSourceOptions } from './on-demand-source.js';
