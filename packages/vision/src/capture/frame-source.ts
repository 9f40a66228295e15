// The capture stage's one interface. Implementations: FfmpegFrameSource (real cameras and looping
// video files) and ManualFrameSource (tests and replays).

import type { RgbFrame } from '../types.js';

/**
 * One decoded camera frame: an RgbFrame (packed RGB24, width * height * 3 bytes, row-major, no padding),
 * so it goes straight into the face detector, plus when it was captured.
 */
export interface CapturedFrame extends RgbFrame {
  /** Clock time when the frame was decoded (epoch ms). */
  capturedAtMs: number;
  /** Increases by one per frame decoded by this source, across restarts. */
  seq: number;
}

/**
 * starting: first connection, no frame yet; online: frames at about the target rate; degraded: frames
 * arrive but slowly, with recent drops or right after a restart; offline: no frames (connecting after a
 * failure, crashed, stalled); stopped: not started or stopped.
 */
export type CaptureState = 'starting' | 'online' | 'degraded' | 'offline' | 'stopped';

export interface CaptureStatus {
  state: CaptureState;
  targetFps: number;
  /** Decoded frames per second, moving average; decays while no frames arrive. */
  measuredFps: number;
  /** Frames decoded by ffmpeg. */
  framesReceived: number;
  /** Frames handed to the consumer. */
  framesAnalyzed: number;
  /** Stale frames thrown away because the consumer was busy (latest frame wins). */
  framesDropped: number;
  lastFrameAtMs: number | null;
  /** Readable reason of the last failure ("Connection refused", "404 Not Found (wrong stream path?)"). */
  lastError: string | null;
  /** Restarts done or scheduled by the watchdog. */
  restarts: number;
  /** Frames waiting for the consumer (bounded by the queue capacity). */
  queueDepth: number;
  /** Time from the latest (re)start of ffmpeg to its first frame. */
  firstFrameLatencyMs: number | null;
  width: number | null;
  height: number | null;
}

export interface FrameSource {
  /** Starts capturing; never throws for a bad source (the status says what is wrong). */
  start(): void;
  /** Stops capturing, ends the frame iterator and releases the process. */
  stop(): Promise<void>;
  /** The frames, freshest first: a slow consumer gets the latest frame, older ones are dropped. One consumer. */
  frames(): AsyncIterable<CapturedFrame>;
  status(): CaptureStatus;
  /** The last decoded frame (for thumbnails). Treat as read-only. */
  latestFrame(): CapturedFrame | null;
  /** Called when the state or the last error changes. Returns an unsubscribe function. */
  onStatus(listener: (status: CaptureStatus) => void): () => void;
}
