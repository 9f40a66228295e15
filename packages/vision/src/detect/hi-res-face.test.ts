// Mapping a detect-stream face to main-stream pixels and finding it again there.
import { describe, expect, it } from 'vitest';
import type { DetectedFace, FaceBox, RgbFrame } from '../types.js';
import { cropRgb, findFaceNear, mapBox, regionAround } from './hi-res-face.js';

const face = (box: FaceBox): DetectedFace => ({
  box,
  score: 0.9,
  landmarks: [
    [box.x + 0.3 * box.width, box.y + 0.4 * box.height],
    [box.x + 0.7 * box.width, box.y + 0.4 * box.height],
    [box.x + 0.5 * box.width, box.y + 0.6 * box.height],
    [box.x + 0.35 * box.width, box.y + 0.8 * box.height],
    [box.x + 0.65 * box.width, box.y + 0.8 * box.height],
  ],
  quality: { sizePx: box.width, blur: 100, brightness: 0.5, score: 0.8 },
});

describe('main-stream faces', () => {
  it('maps a 640×360 box to 1920×1080 pixels and takes a 3×-side region around it, clipped', () => {
    const box = mapBox(
      { x: 100, y: 50, width: 20, height: 22 },
      { width: 640, height: 360 },
      { width: 1920, height: 1080 },
    );
    expect(box).toEqual({ x: 300, y: 150, width: 60, height: 66 });
    expect(regionAround(box, { width: 1920, height: 1080 })).toEqual({
      x: 231,
      y: 84,
      width: 198,
      height: 198,
    });
    expect(regionAround({ x: 0, y: 0, width: 60, height: 60 }, { width: 1920, height: 1080 })).toEqual({
      x: 0,
      y: 0,
      width: 120,
      height: 120,
    });
  });

  it('crops a region pixel for pixel', () => {
    const frame: RgbFrame = { width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i) };
    const crop = cropRgb(frame, { x: 1, y: 1, width: 2, height: 2 });
    expect([...crop.data]).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
  });

  it('finds the face that moved a little between the two frames, and none that moved too far', async () => {
    const frame: RgbFrame = { width: 1920, height: 1080, data: new Uint8Array(1920 * 1080 * 3) };
    const expected = { x: 300, y: 150, width: 60, height: 60 };
    const calls: FaceBox[] = [];
    // A fake detector reporting faces at fixed main-frame positions, in the coordinates of the crop it gets.
    const detectorWith = (boxes: FaceBox[]) => ({
      detect(crop: RgbFrame): Promise<DetectedFace[]> {
        const region = regionAround(expected, frame);
        calls.push({ x: region.x, y: region.y, width: crop.width, height: crop.height });
        return Promise.resolve(
          boxes
            .map((b) => ({ ...b, x: b.x - region.x, y: b.y - region.y }))
            .filter(
              (b) => b.x >= 0 && b.y >= 0 && b.x + b.width <= crop.width && b.y + b.height <= crop.height,
            )
            .map(face),
        );
      },
    });
    const moved = { x: 320, y: 160, width: 62, height: 62 };
    const other = { x: 400, y: 230, width: 50, height: 50 };
    const found = await findFaceNear(detectorWith([other, moved]), frame, expected);
    expect(found?.box).toEqual(moved); // back in main-frame pixels
    expect(found?.landmarks[0][0]).toBeCloseTo(320 + 0.3 * 62, 6);
    expect(found?.landmarks[0][1]).toBeCloseTo(160 + 0.4 * 62, 6);
    expect(calls[0]).toEqual({ x: 240, y: 90, width: 180, height: 180 });
    // No overlap at all and more than one face side away: not the same person.
    expect(
      await findFaceNear(detectorWith([{ x: 370, y: 225, width: 40, height: 40 }]), frame, expected),
    ).toBeNull();
    expect(await findFaceNear(detectorWith([]), frame, expected)).toBeNull();
  });
});
