import type { FaceBox } from '@hadir/vision';

export type CameraRegionOfInterest =
  | { kind: 'rect'; x: number; y: number; width: number; height: number }
  | { kind: 'polygon'; points: { x: number; y: number }[] };

/** Whether the face's centre lies inside the region (normalized 0–1 coordinates); no region = everywhere. */
export function insideRegion(
  roi: CameraRegionOfInterest | undefined,
  box: FaceBox,
  frameWidth: number,
  frameHeight: number,
): boolean {
  if (!roi) return true;
  const cx = (box.x + box.width / 2) / frameWidth;
  const cy = (box.y + box.height / 2) / frameHeight;
  if (roi.kind === 'rect')
    return cx >= roi.x && cx <= roi.x + roi.width && cy >= roi.y && cy <= roi.y + roi.height;
  let inside = false;
  const p = roi.points;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    const a = p[i] as { x: number; y: number };
    const b = p[j] as { x: number; y: number };
    if (a.y > cy !== b.y > cy && cx < ((b.x - a.x) * (cy - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}
