import type { CameraStreamWarning } from '@hadir/contracts';

/**
 * What recognition needs from a stream. The seed recommends 1080p at 15 fps with faces from about 3 m;
 * under 720 lines a face at 3 m falls under ~40 px (the cameras' default minFacePx), and under 10 fps a
 * person walking past is in too few frames to be matched.
 */
export const STREAM_NEEDS = {
  minLines: 720,
  recommendedLines: 1080,
  minFps: 10,
  recommendedFps: 15,
} as const;

/** Warnings for a probed stream; empty when it is good enough. An unknown frame rate is not warned. */
export function streamWarnings(s: {
  width: number;
  height: number;
  fps: number | null;
}): CameraStreamWarning[] {
  const out: CameraStreamWarning[] = [];
  // A portrait stream (a corridor camera turned 90°) counts its shorter side as its lines.
  const lines = Math.min(s.width, s.height);
  if (lines < STREAM_NEEDS.minLines) {
    out.push({
      code: 'low_resolution',
      message: `The stream is ${s.width}×${s.height}: below 720p a face about 3 m away is smaller than the 40 px recognition needs. Use the camera's main stream (1080p recommended).`,
      measured: lines,
      minimum: STREAM_NEEDS.minLines,
      recommended: STREAM_NEEDS.recommendedLines,
    });
  }
  if (s.fps !== null && s.fps < STREAM_NEEDS.minFps) {
    const fps = Math.round(s.fps * 10) / 10;
    out.push({
      code: 'low_fps',
      message: `The stream runs at ${fps} fps: below 10 fps a person walking past is seen in too few frames to be recognized. Set the camera to 15 fps.`,
      measured: fps,
      minimum: STREAM_NEEDS.minFps,
      recommended: STREAM_NEEDS.recommendedFps,
    });
  }
  return out;
}
