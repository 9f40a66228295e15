import type { CameraProbeResult } from '@hadir/contracts';

/**
 * "Camera Gudang A" → "camera-gudang-a": the id the camera_config folder and the API use (lowercase
 * letters, digits and inner hyphens, at most 64), made from the name so nobody has to type a slug.
 */
export function cameraSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** The seed's guidance: 1080p at 15 fps lets faces ≥ 3 m away be recognised. */
export const RECOGNITION_MIN = { width: 1920, height: 1080, fps: 15 } as const;

/** Whether a probed stream is below that (a portrait stream counts by its long and short sides). */
export function belowRecognitionNeeds(probe: Extract<CameraProbeResult, { ok: true }>): boolean {
  const long = Math.max(probe.width, probe.height);
  const short = Math.min(probe.width, probe.height);
  if (long < RECOGNITION_MIN.width || short < RECOGNITION_MIN.height) return true;
  return probe.fps !== null && probe.fps < RECOGNITION_MIN.fps;
}
