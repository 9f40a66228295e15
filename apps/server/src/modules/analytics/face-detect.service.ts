import type { DetectedFaceView, FaceDetectResponse, FaceHint } from '@hadir/contracts';
import { decodeImage, ImageDecodeError, QUALITY_FLOORS, qualityBreakdown } from '@hadir/vision';
import { badRequest } from '../../platform/http/errors.js';
import type { FaceEngineService } from '../faces/index.js';

/** Frames from the enrolment camera are small previews; anything bigger is a mistake or abuse. */
export const MAX_DETECT_BYTES = 2 * 1024 * 1024;
const MAX_DETECT_PIXELS = 1920 * 1080;

/**
 * Face boxes and capture hints for the enrolment camera preview, for browsers without the FaceDetector
 * API. The same quality factors as enrolment decide the hints, so "looks good" here means "accepted" there.
 */
export class FaceDetectService {
  constructor(private readonly engine: FaceEngineService) {}

  async detect(bytes: Buffer, nowMs: () => number): Promise<FaceDetectResponse> {
    const started = nowMs();
    let frame;
    try {
      frame = await decodeImage(bytes, { maxPixels: MAX_DETECT_PIXELS });
    } catch (error) {
      if (error instanceof ImageDecodeError) throw badRequest(`image_${error.code}`, error.message);
      throw error;
    }
    const engine = await this.engine.engine();
    const detected = await this.engine.withInferenceSlot(() => engine.detect(frame));
    const faces: DetectedFaceView[] = detected
      .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
      .slice(0, 5)
      .map((f) => {
        const b = qualityBreakdown(f.quality);
        // A preview is downscaled (~320 px wide), so size is judged relative to the frame, not in pixels.
        const relative = Math.min(f.box.width / frame.width, f.box.height / frame.height);
        const hints: FaceHint[] = [];
        if (relative < 0.15) hints.push('too_small');
        // Twice the enrolment floor: warn while the photo would still pass, so the next one is better.
        if (b.blur < 2 * QUALITY_FLOORS.blur) hints.push('blurred');
        if (b.pose < 0.5) hints.push('turned_away');
        if (f.quality.brightness < 0.2) hints.push('too_dark');
        else if (f.quality.brightness > 0.9) hints.push('too_bright');
        return {
          box: { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height },
          score: Math.round(f.score * 1000) / 1000,
          quality: Math.round(Math.min(b.blur, b.pose, b.brightness) * 1000) / 1000,
          yawDeg: f.quality.yawDeg === undefined ? null : Math.round(f.quality.yawDeg),
          hints,
        };
      });
    return { width: frame.width, height: frame.height, faces, elapsedMs: nowMs() - started };
  }
}
