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

/**
 * The SCRFD input for a phone capture of one near face (a selfie check-in, an officer holding the phone
 * to a member): aspect-matched, the longest side at most `maxSidePx` (default 320, ~4× cheaper than
 * 640×640) and never larger than the image itself rounded up to 32 (a 250 px photo is not upscaled).
 * SCRFD finds faces from ~16 px of input, so a 640×480 capture keeps every face of ≥ 32 px; callers that
 * must not miss a small face detect again at the full input when nothing is found.
 */
export function nearFaceDetectorInput(
  frameWidthPx: number,
  frameHeightPx: number,
  maxSidePx = 320,
): { width: number; height: number } {
  const up32 = (v: number) => Math.max(32, Math.ceil(v / 32) * 32);
  const longest = Math.max(1, frameWidthPx, frameHeightPx);
  const side = Math.min(up32(maxSidePx), up32(longest));
  const scale = side / longest;
  return { width: up32(frameWidthPx * scale), height: up32(frameHeightPx * scale) };
}
