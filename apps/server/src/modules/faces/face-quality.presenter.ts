import type { FaceQualityDetail } from '@hadir/contracts';
import { overallQuality, qualityBreakdown, type FaceQuality } from '@hadir/vision';

/** The factors stored beside a sample's score (face_samples.quality_factors, 0072). */
type StoredFactors = Omit<FaceQuality, 'score'>;

const pct = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 100);

/** A face quality as the UI shows it: the 0–100 score and each factor 0–100. */
export function presentQuality(q: StoredFactors): FaceQualityDetail {
  const b = qualityBreakdown(q);
  return {
    score: pct(overallQuality(b)),
    size: pct(b.size),
    blur: pct(b.blur),
    pose: pct(b.pose),
    brightness: pct(b.brightness),
    sizePx: Math.round(q.sizePx),
    yawDeg: q.yawDeg === undefined ? null : Math.round(q.yawDeg),
  };
}

export function storeQualityFactors(q: FaceQuality): string {
  const { sizePx, blur, yawDeg, pitchDeg, brightness } = q;
  return JSON.stringify({ sizePx, blur, yawDeg, pitchDeg, brightness });
}

/** The stored factors back as a detail, or null for older samples (and anything unreadable). */
export function presentStoredQuality(json: string | null): FaceQualityDetail | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<StoredFactors>;
    if (typeof v.sizePx !== 'number' || typeof v.blur !== 'number' || typeof v.brightness !== 'number') {
      return null;
    }
    return presentQuality({
      sizePx: v.sizePx,
      blur: v.blur,
      brightness: v.brightness,
      ...(typeof v.yawDeg === 'number' ? { yawDeg: v.yawDeg } : {}),
      ...(typeof v.pitchDeg === 'number' ? { pitchDeg: v.pitchDeg } : {}),
    });
  } catch {
    return null;
  }
}
