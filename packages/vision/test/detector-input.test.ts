import { describe, expect, it } from 'vitest';
import { detectorInputFor } from '../src/index.js';

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
