// Faces too small on a camera's low-resolution detect stream are embedded from its high-resolution main
// stream: the box found on the detect stream is mapped to main-stream pixels, the face is found again in a
// small region there (the two streams are decoded separately, so the person may have moved a little
// between the two frames), and that face's landmarks align the crop. Knows nothing of cameras or workers.
import type { DetectOptions, DetectedFace, FaceBox, Landmarks5, RgbFrame } from '../types.js';
import { iou } from './nms.js';

export interface FrameSize {
  width: number;
  height: number;
}

/** A box on a frame of size `from` in the pixels of a frame of size `to` showing the same view. */
export function mapBox(box: FaceBox, from: FrameSize, to: FrameSize): FaceBox {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return { x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy };
}

/**
 * The integer region around `box` with `marginSides` of the box's longer side added on every side, clipped
 * to the frame (at 1, a 3×-side square region: room for a face that moved by one face width).
 */
export function regionAround(box: FaceBox, frame: FrameSize, marginSides = 1): FaceBox {
  const side = Math.max(box.width, box.height);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const half = side * (0.5 + marginSides);
  const x1 = Math.max(0, Math.floor(cx - half));
  const y1 = Math.max(0, Math.floor(cy - half));
  const x2 = Math.min(frame.width, Math.ceil(cx + half));
  const y2 = Math.min(frame.height, Math.ceil(cy + half));
  return { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) };
}

/** A copy of one integer region of an RGB frame. */
export function cropRgb(frame: RgbFrame, region: FaceBox): RgbFrame {
  const x = Math.round(region.x);
  const y = Math.round(region.y);
  const width = Math.round(region.width);
  const height = Math.round(region.height);
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const src = ((y + row) * frame.width + x) * 3;
    data.set(frame.data.subarray(src, src + width * 3), row * width * 3);
  }
  return { data, width, height };
}

function shifted(face: DetectedFace, dx: number, dy: number): DetectedFace {
  return {
    ...face,
    box: { ...face.box, x: face.box.x + dx, y: face.box.y + dy },
    landmarks: face.landmarks.map(([x, y]) => [x + dx, y + dy]) as Landmarks5,
  };
}

/**
 * Finds, in `frame`, the face expected at `expected` (already in this frame's pixels): detects in the
 * region around it and keeps the detection that overlaps the expected box most, or failing any overlap
 * the one whose centre is nearest, within one face side. Box and landmarks come back in `frame`'s pixels.
 * Null when no face is there (the person moved out of the region, or the frames are too far apart).
 */
export async function findFaceNear(
  detector: { detect(frame: RgbFrame, opts?: DetectOptions): Promise<DetectedFace[]> },
  frame: RgbFrame,
  expected: FaceBox,
  opts: { marginSides?: number } = {},
): Promise<DetectedFace | null> {
  const region = regionAround(expected, frame, opts.marginSides ?? 1);
  if (region.width < 16 || region.height < 16) return null;
  const faces = await detector.detect(cropRgb(frame, region), { maxFaces: 8 });
  const local = { ...expected, x: expected.x - region.x, y: expected.y - region.y };
  const side = Math.max(expected.width, expected.height);
  const centre = (b: FaceBox) => [b.x + b.width / 2, b.y + b.height / 2] as const;
  const [ex, ey] = centre(local);
  let best: DetectedFace | null = null;
  let bestIou = 0;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const f of faces) {
    const o = iou(f.box, local);
    const [fx, fy] = centre(f.box);
    const d = Math.hypot(fx - ex, fy - ey);
    if (o > bestIou || (bestIou === 0 && o === 0 && d < bestDist)) {
      best = f;
      bestIou = o;
      bestDist = d;
    }
  }
  if (best === null || (bestIou === 0 && bestDist > side)) return null;
  return shifted(best, region.x, region.y);
}
