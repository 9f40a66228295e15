import { describe, expect, it } from 'vitest';
import { detectorInputFor, nearFaceDetectorInput } from '../src/index.js';

describe('detectorInputFor', () => {
  it('keeps the smallest face at ≥ 16 px of network input, aspect-matched, in multiples of 32', () => {
    expect(detectorInputFor(640, 360, 40)).toEqual({ width: 256, height: 160 });
    expect(detectorInputFor(1280, 720, 40)).toEqual({ width: 512, height: 288 });
    expect(detectorInputFor(1920, 1080, 60)).toEqual({ width: 512, height: 288 });
    // Tiny faces on a large frame: capped at 640 wide; big faces: at least 160 wide.
    expect(detectorInputFor(1920, 1080, 20)).toEqual({ width: 640, height: 384 });
    expect(detectorInputFor(640, 480, 200)).toEqual({ width: 160, height: 128 });
    for (const r of [detectorInputFor(1280, 720, 33), detectorInputFor(704, 576, 30)]) {
      expect(r.width % 32).toBe(0);
      expect(r.height % 32).toBe(0);
    }
  });
});

describe('nearFaceDetectorInput', () => {
  it('fits the long side to 320, aspect-matched in multiples of 32, and never upscales a small photo', () => {
    expect(nearFaceDetectorInput(640, 480)).toEqual({ width: 320, height: 256 });
    expect(nearFaceDetectorInput(480, 640)).toEqual({ width: 256, height: 320 });
    expect(nearFaceDetectorInput(1920, 1080)).toEqual({ width: 320, height: 192 });
    expect(nearFaceDetectorInput(250, 250)).toEqual({ width: 256, height: 256 });
    expect(nearFaceDetectorInput(100, 60)).toEqual({ width: 128, height: 96 });
    expect(nearFaceDetectorInput(4000, 3000, 480)).toEqual({ width: 480, height: 384 });
  });
});
