import { boxIou, type FaceBox } from '@hadir/vision';

/**
 * Where a named, recently verified track's face is expected in the next frame. A face found there needs
 * no new embedding: the track keeps its identity (embed once per track, not per frame).
 */
export interface EmbeddingSkipRegion {
  box: FaceBox;
  /** Quality of the best face of this track embedded so far. */
  embeddedQuality: number;
}

export interface EmbedPolicyOptions {
  /** A face must overlap the region at least this much (IoU) to be taken as the same person. */
  minIou: number;
  /** Faces overlapping a region at least this much count as "near": two near faces may swap. */
  nearIou: number;
  /** A face this much better than the best embedded one is embedded anyway (best-quality face). */
  qualityGain: number;
}

export const DEFAULT_EMBED_POLICY: EmbedPolicyOptions = { minIou: 0.45, nearIou: 0.1, qualityGain: 0.1 };

/**
 * Which detected faces need an embedding: every face except one that sits alone in a skip region and is
 * not clearly better than the track's best embedded face. Two faces near one region (people crossing)
 * are both embedded, so a swap is caught by the recognizer rather than carried by box overlap.
 */
export function facesNeedingEmbedding(
  faces: readonly { box: FaceBox; quality: number }[],
  regions: readonly EmbeddingSkipRegion[] | undefined,
  opts: EmbedPolicyOptions = DEFAULT_EMBED_POLICY,
): boolean[] {
  const needs = faces.map(() => true);
  if (!regions || regions.length === 0) return needs;
  const claimed = faces.map(() => 0);
  for (const region of regions) {
    let near = 0;
    let best = -1;
    let bestIou = 0;
    faces.forEach((f, i) => {
      const iou = boxIou(f.box, region.box);
      if (iou >= opts.nearIou) near++;
      if (iou > bestIou) {
        bestIou = iou;
        best = i;
      }
    });
    if (near !== 1 || best < 0 || bestIou < opts.minIou) continue;
    claimed[best]!++;
    if (faces[best]!.quality <= region.embeddedQuality + opts.qualityGain) needs[best] = false;
  }
  // A face claimed by two regions (two tracks on one face) is ambiguous: embed it.
  claimed.forEach((c, i) => {
    if (c > 1) needs[i] = true;
  });
  return needs;
}
