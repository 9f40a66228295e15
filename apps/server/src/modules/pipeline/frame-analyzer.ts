import type { CameraRegionOfInterest } from './region-of-interest.js';
import { insideRegion } from './region-of-interest.js';
import { assignUniqueIdentities, type IdentityCandidate } from '@hadir/domain';
import { FaceTracker, associationSimilarities, type RgbFrame, type TrackEvent } from '@hadir/vision';
import type { InferredFace } from './inference-protocol.js';
import type { EmbeddingSkipRegion } from './embed-policy.js';

/** What the pipeline needs of a gallery: the faces module's OrgGallery fits it. */
export interface MatchableGallery {
  readonly threshold: number;
  match(
    embedding: ArrayLike<number>,
    threshold?: number,
  ): {
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
  /** The camera's own cosine threshold; undefined uses the organization's. */
  recognitionThreshold?: number | undefined;
  /** Consensus votes before a track is named (default 2: never one lucky frame). */
  minObservations?: number;
  /** A track unseen this long ends (default 3 s). */
  maxTrackAgeMs?: number;
  /**
   * A named track is embedded again at most this often (default 5000 ms); in between its faces are
   * followed by the tracker without embedding. 0 embeds every face of every frame.
   */
  recheckMs?: number;
}

/** Default for FrameAnalyzerOptions.recheckMs. */
export const DEFAULT_RECHECK_MS = 5000;

/** One face of this frame with the track it belongs to and the track's consensus identity. */
export interface TrackedFace {
  /** `<camera prefix><n>`: unique per camera runner. */
  trackId: string;
  face: InferredFace;
  /** The consensus identity of the track, if it has one now. */
  identityId: string | null;
  cosineSimilarity: number;
}

/** A track that ended (the person left the view or the camera stopped), with its last identity. */
export interface EndedTrack {
  trackId: string;
  identityId: string | null;
  lastSeenMs: number;
}

export interface FrameAnalysis {
  /** Tracks with a consensus identity seen in this frame. */
  recognized: TrackedFace[];
  /** Tracks that settled as unknown in this frame (reported once per track). */
  newlyUnknown: TrackedFace[];
  /** Tracks that ended with this frame. */
  ended: EndedTrack[];
  facesDetected: number;
  facesUsed: number;
}

interface TrackMemo {
  /** Best similarity seen for the track's current identity (a frame may not name it itself). */
  bestSimilarity: number;
  bestFor: string | null;
  unknownReported: boolean;
  /** When a face of this track was last embedded (and matched), and the best quality embedded. */
  lastEmbeddedMs: number;
  embeddedQuality: number;
}

/**
 * The per-frame recognition logic shared by live cameras and the replay tool: filter faces (size,
 * quality, region), match each against the gallery, give each identity to at most one face of the frame
 * (@hadir/domain assignUniqueIdentities: a face that loses its first choice may take its second), and let
 * @hadir/vision's FaceTracker (IoU + embedding association, quality-weighted consensus) name the tracks.
 */
export class FrameAnalyzer {
  private tracker: FaceTracker | null = null;
  private trackerThreshold = Number.NaN;
  private readonly memo = new Map<number, TrackMemo>();
  private lastAtMs = Number.NEGATIVE_INFINITY;
  /** Faces embedded and faces followed without embedding, since start (for health and benchmarks). */
  facesEmbedded = 0;
  facesSkipped = 0;
  /** Time spent matching against the gallery and in the tracker (with consensus), ms (benchmarks). */
  matchMs = 0;
  trackMs = 0;

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
    const threshold = this.opts.recognitionThreshold ?? gallery?.threshold ?? 1;
    const ended: EndedTrack[] = [];
    if (!this.tracker || threshold !== this.trackerThreshold) {
      // Votes cast under another threshold mean something else: start over.
      if (this.tracker) ended.push(...this.endedFrom(this.tracker.flush()));
      this.tracker = new FaceTracker({
        minObservations: this.opts.minObservations ?? 2,
        maxLostMs: this.opts.maxTrackAgeMs ?? 3000,
        minAgreement: 0.6,
        // The analyzer already dropped faces below opts.minQuality; every remaining face votes.
        minQuality: 0,
        // Re-identify and veto on the recognizer's own scale (128-d dlib cosines sit far above ArcFace's).
        ...associationSimilarities(threshold),
      });
      this.trackerThreshold = threshold;
    }
    // The tracker refuses frames out of time order; a wall clock stepping back must not stop a camera.
    const atMs = Math.max(nowMs, this.lastAtMs);
    this.lastAtMs = atMs;

    const t0 = performance.now();
    const matches = usable.map((f) =>
      f.embedding ? (gallery?.match(f.embedding, threshold) ?? null) : null,
    );
    const assignment = assignUniqueIdentities(
      usable.map((_, i) => ({ trackId: String(i).padStart(4, '0'), candidates: candidatesOf(matches[i]) })),
      { threshold },
    );
    const t1 = performance.now();
    this.matchMs += t1 - t0;
    const update = this.tracker.update({
      atMs,
      detections: usable.map((f, i) => {
        const a = assignment[i];
        const identityId = a?.identityId ?? null;
        return {
          box: f.box,
          embedding: f.embedding,
          quality: f.quality,
          // A face not embedded (it continues a named track) does not vote: the track keeps its consensus.
          // Unknown faces vote "unknown" with their best similarity (it weighs nothing, but is reported).
          match:
            f.embedding === null
              ? null
              : {
                  identityId,
                  cosineSimilarity:
                    identityId !== null ? (a?.cosineSimilarity ?? 0) : (matches[i]?.cosineSimilarity ?? 0),
                },
        };
      }),
    });

    this.trackMs += performance.now() - t1;
    const recognized: TrackedFace[] = [];
    const newlyUnknown: TrackedFace[] = [];
    const snapshots = new Map(update.tracks.map((t) => [t.trackId, t]));
    usable.forEach((face, i) => {
      const id = update.trackIds[i] as number;
      const snap = snapshots.get(id);
      const memo = this.memo.get(id) ?? {
        bestSimilarity: 0,
        bestFor: null,
        unknownReported: false,
        lastEmbeddedMs: Number.NEGATIVE_INFINITY,
        embeddedQuality: 0,
      };
      this.memo.set(id, memo);
      if (face.embedding) {
        this.facesEmbedded++;
        memo.lastEmbeddedMs = atMs;
        memo.embeddedQuality = Math.max(memo.embeddedQuality, face.quality);
      } else this.facesSkipped++;
      const identityId = snap?.identityId ?? null;
      const frameIdentity = assignment[i]?.identityId ?? null;
      const frameSimilarity = assignment[i]?.cosineSimilarity ?? 0;
      if (identityId !== memo.bestFor) {
        memo.bestFor = identityId;
        memo.bestSimilarity = 0;
      }
      if (identityId !== null && frameIdentity === identityId)
        memo.bestSimilarity = Math.max(memo.bestSimilarity, frameSimilarity);
      const tracked: TrackedFace = {
        trackId: `${this.trackPrefix}${id}`,
        face,
        identityId,
        cosineSimilarity:
          identityId !== null && frameIdentity === identityId ? frameSimilarity : memo.bestSimilarity,
      };
      if (identityId !== null) recognized.push(tracked);
      // Decided "unknown" (not merely undecided, not a conflict loser): the tracker gives it confidence.
      else if (snap && snap.confidence > 0 && !memo.unknownReported && face.embedding) {
        memo.unknownReported = true;
        newlyUnknown.push(tracked);
      }
    });
    ended.push(...this.endedFrom(update.events));
    return { recognized, newlyUnknown, ended, facesDetected: faces.length, facesUsed: usable.length };
  }

  /**
   * Where the next frame's faces need no embedding: the boxes of named tracks seen in the latest frame
   * and embedded within recheckMs. Faces there only follow their track (see embed-policy.ts).
   */
  embeddingSkipRegions(nowMs: number): EmbeddingSkipRegion[] {
    const recheckMs = this.opts.recheckMs ?? DEFAULT_RECHECK_MS;
    if (!this.tracker || recheckMs <= 0) return [];
    const out: EmbeddingSkipRegion[] = [];
    for (const t of this.tracker.tracks()) {
      if (t.identityId === null || t.lostFrames > 0) continue;
      const memo = this.memo.get(t.trackId);
      if (!memo || memo.bestFor !== t.identityId || nowMs - memo.lastEmbeddedMs > recheckMs) continue;
      out.push({ box: t.box, embeddedQuality: memo.embeddedQuality });
    }
    return out;
  }

  /** True while a track seen in the latest frame has no name yet: it needs frames to collect votes. */
  hasUnnamedTracks(): boolean {
    return (this.tracker?.tracks() ?? []).some(
      (t) => t.identityId === null && t.lostFrames === 0 && !this.memo.get(t.trackId)?.unknownReported,
    );
  }

  /** Ends every track (the camera stops, the video ends). */
  flush(): EndedTrack[] {
    const ended = this.tracker ? this.endedFrom(this.tracker.flush()) : [];
    this.memo.clear();
    return ended;
  }

  private endedFrom(events: TrackEvent[]): EndedTrack[] {
    const out: EndedTrack[] = [];
    for (const e of events) {
      if (e.type !== 'track.ended') continue;
      this.memo.delete(e.trackId);
      out.push({
        trackId: `${this.trackPrefix}${e.trackId}`,
        identityId: e.identityId,
        lastSeenMs: e.lastSeenMs,
      });
    }
    return out;
  }
}

function candidatesOf(m: ReturnType<MatchableGallery['match']> | null | undefined): IdentityCandidate[] {
  // Unknown and ambiguous faces have no candidate: they vote "unknown".
  if (!m || m.employeeId === null || m.cosineSimilarity === null) return [];
  const out: IdentityCandidate[] = [{ identityId: m.employeeId, cosineSimilarity: m.cosineSimilarity }];
  if (m.secondBest)
    out.push({ identityId: m.secondBest.employeeId, cosineSimilarity: m.secondBest.cosineSimilarity });
  return out;
}
