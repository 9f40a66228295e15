/**
 * The smallest aspect-matched SCRFD input that still finds the camera's smallest faces. SCRFD's finest
 * anchors (stride 8) find faces from about 16 px of network input; a face of `minFacePx` in a frame of
 * `frameWidthPx` shrinks by inputWidth / frameWidthPx. Sides are multiples of 32, width 160–640.
 * E.g. a 640×360 detect stream with minFacePx 40 → 256×160; a 1280×720 frame with 40 px faces → 512×288.
 */
export function detectorInputFor(
  frameWidthPx: number,
  frameHeightPx: number,
  minFacePx: number,
  minDetectablePx = 16,
): { width: number; height: number } {
  const up32 = (v: number) => Math.ceil(v / 32) * 32;
  const needed = (minDetectablePx * frameWidthPx) / Math.max(1, minFacePx);
  const width = Math.min(640, Math.max(160, up32(Math.min(needed, frameWidthPx))));
  const height = Math.max(96, up32((width * frameHeightPx) / frameWidthPx));
  return { width, height };
}
