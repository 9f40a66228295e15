import type { CameraRegionOfInterest } from './region-of-interest.js';
import { insideRegion } from './region-of-interest.js';
import type { IdentityCandidate } from '@hadir/domain';
import type { RgbFrame } from '@hadir/vision';
import { FaceTracker, type TrackResult } from './face-tracker.js';
import type { InferredFace } from './inference-protocol.js';

/** What the pipeline needs of a gallery: the faces module's OrgGallery fits it. */
export interface MatchableGallery {
  readonly threshold: number;
  match(embedding: ArrayLike<number>): {
    employeeId: string | null;
    cosineSimilarity: number | null;
    secondBest: { employeeId: string; cosineSimilarity: number } | null;
  };
}

export interface FrameAnalyzerOptions {
  minFacePx: number;
  /** Faces below this combined quality are skipped (blurred, turned away, dark). */
  minQuality: number;
  regionOfInterest?: CameraRegionOfInterest | undefined;
  /** Consensus frames before a track is named (default 2). */
  minObservations?: number;
  maxTrackAgeMs?: number;
}

export interface FrameAnalysis {
  /** Tracks with a consensus identity seen in this frame. */
  recognized: TrackResult<InferredFace>[];
  /** Tracks that settled as unknown in this frame (reported once per track). */
  newlyUnknown: TrackResult<InferredFace>[];
  facesDetected: number;
  facesUsed: number;
}

/**
 * The per-frame recognition logic shared by live cameras and the replay tool: filter faces (size,
 * quality, region), match each against the gallery, and let the tracker decide by consensus.
 */
export class FrameAnalyzer {
  private tracker: FaceTracker<InferredFace> | null = null;
  private trackerThreshold = Number.NaN;

  constructor(
    readonly opts: FrameAnalyzerOptions,
    private readonly trackPrefix = 't',
  ) {}

  analyze(
    frame: RgbFrame,
    faces: InferredFace[],
    gallery: MatchableGallery | null,
    nowMs: number,
  ): FrameAnalysis {
    const usable = faces.filter(
      (f) =>
        Math.min(f.box.width, f.box.height) >= this.opts.minFacePx &&
        f.quality >= this.opts.minQuality &&
        insideRegion(this.opts.regionOfInterest, f.box, frame.width, frame.height),
    );
    const threshold = gallery?.threshold ?? 1;
    if (!this.tracker || threshold !== this.trackerThreshold) {
      this.tracker = new FaceTracker<InferredFace>(
        {
          threshold,
          ...(this.opts.minObservations !== undefined ? { minObservations: this.opts.minObservations } : {}),
          ...(this.opts.maxTrackAgeMs !== undefined ? { maxTrackAgeMs: this.opts.maxTrackAgeMs } : {}),
        },
        this.trackPrefix,
      );
      this.trackerThreshold = threshold;
    }
    const results = this.tracker.update(
      usable.map((f) => {
        const m = gallery?.match(f.embedding) ?? null;
        return {
          box: f.box,
          quality: f.quality,
          candidates: candidatesOf(m),
          bestSimilarity: m?.cosineSimilarity ?? 0,
          payload: f,
        };
      }),
      nowMs,
    );
    return {
      recognized: results.filter((r) => r.identityId !== null),
      newlyUnknown: results.filter((r) => r.newlyUnknown),
      facesDetected: faces.length,
      facesUsed: usable.length,
    };
  }
}

function candidatesOf(m: ReturnType<MatchableGallery['match']> | null): IdentityCandidate[] {
  // Unknown and ambiguous faces have no candidate: they vote "unknown" (weighted by their best similarity).
  if (!m || m.employeeId === null || m.cosineSimilarity === null) return [];
  const out: IdentityCandidate[] = [{ identityId: m.employeeId, cosineSimilarity: m.cosineSimilarity }];
  if (m.secondBest)
    out.push({ identityId: m.secondBest.employeeId, cosineSimilarity: m.secondBest.cosineSimilarity });
  return out;
}
