import {
  assignUniqueIdentities,
  trackConsensus,
  type IdentityCandidate,
  type TrackObservation,
} from '@hadir/domain';
import type { FaceBox } from '@hadir/vision';

/** One detected face of a frame, with its gallery candidates (best first). */
export interface FrameFace<T> {
  box: FaceBox;
  quality: number;
  candidates: IdentityCandidate[];
  /** Best gallery similarity even when below the threshold (weighs an "unknown" vote). */
  bestSimilarity: number;
  /** Whatever the caller needs back with the result (embedding, landmarks). */
  payload: T;
}

export interface TrackerOptions {
  /** Consensus needs this many usable frames (default 2: never one lucky frame). */
  minObservations?: number;
  /** The winner's share of the quality-weighted votes (default 0.6). */
  minAgreementRatio?: number;
  /** Frames below this face quality do not vote (default 0.15). */
  minQuality?: number;
  /** Gallery threshold (cosine similarity) for the per-frame unique assignment. */
  threshold: number;
  /** A track not seen for this long ends (default 3 s). */
  maxTrackAgeMs?: number;
  /** Observations kept per track (default 20). */
  maxObservations?: number;
}

interface Track<T> {
  id: string;
  box: FaceBox;
  lastSeenMs: number;
  observations: TrackObservation[];
  identityId: string | null;
  bestSimilarity: number;
  unknownReported: boolean;
  latest: FrameFace<T> | null;
}

export interface TrackResult<T> {
  trackId: string;
  face: FrameFace<T>;
  /** The consensus identity of the track, if it has one now. */
  identityId: string | null;
  cosineSimilarity: number;
  /** True the first time a track settles as unknown (record it once as an unknown face). */
  newlyUnknown: boolean;
}

function iou(a: FaceBox, b: FaceBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function centerDistance(a: FaceBox, b: FaceBox): number {
  return Math.hypot(a.x + a.width / 2 - (b.x + b.width / 2), a.y + a.height / 2 - (b.y + b.height / 2));
}

/**
 * Links faces across frames of one camera (greedy by overlap, then by nearness at low frame rates) and
 * names each track by quality-weighted consensus over several frames (@hadir/domain trackConsensus).
 * Two faces in one frame never get the same person (assignUniqueIdentities, then the same rule for
 * consensus identities).
 */
export class FaceTracker<T> {
  private tracks: Track<T>[] = [];
  private seq = 0;

  constructor(
    private readonly opts: TrackerOptions,
    private readonly prefix = 't',
  ) {}

  get activeTracks(): number {
    return this.tracks.length;
  }

  update(faces: FrameFace<T>[], nowMs: number): TrackResult<T>[] {
    const maxAge = this.opts.maxTrackAgeMs ?? 3000;
    this.tracks = this.tracks.filter((t) => nowMs - t.lastSeenMs <= maxAge);

    // Associate: best overlap first; at 1–2 fps a walking face may not overlap, so nearness counts too.
    const pairs: { t: number; f: number; score: number }[] = [];
    this.tracks.forEach((t, ti) =>
      faces.forEach((f, fi) => {
        const overlap = iou(t.box, f.box);
        const near = centerDistance(t.box, f.box) < Math.max(t.box.width, f.box.width) * 1.5;
        if (overlap >= 0.2 || near) pairs.push({ t: ti, f: fi, score: overlap + (near ? 0.1 : 0) });
      }),
    );
    pairs.sort((a, b) => b.score - a.score);
    const trackOf = new Map<number, Track<T>>();
    const usedTracks = new Set<number>();
    for (const p of pairs) {
      if (trackOf.has(p.f) || usedTracks.has(p.t)) continue;
      trackOf.set(p.f, this.tracks[p.t] as Track<T>);
      usedTracks.add(p.t);
    }
    faces.forEach((f, fi) => {
      if (trackOf.has(fi)) return;
      const t: Track<T> = {
        id: `${this.prefix}${++this.seq}`,
        box: f.box,
        lastSeenMs: nowMs,
        observations: [],
        identityId: null,
        bestSimilarity: 0,
        unknownReported: false,
        latest: null,
      };
      this.tracks.push(t);
      trackOf.set(fi, t);
    });

    // One person per frame: the strongest evidence wins, the other face counts as unknown this frame.
    const assignment = assignUniqueIdentities(
      faces.map((f, fi) => ({ trackId: (trackOf.get(fi) as Track<T>).id, candidates: f.candidates })),
      { threshold: this.opts.threshold },
    );
    const results: TrackResult<T>[] = [];
    faces.forEach((f, fi) => {
      const t = trackOf.get(fi) as Track<T>;
      const a = assignment[fi];
      t.box = f.box;
      t.lastSeenMs = nowMs;
      t.latest = f;
      const best = f.bestSimilarity;
      t.observations.push({
        identityId: a?.identityId ?? null,
        cosineSimilarity: a?.cosineSimilarity ?? best,
        quality: f.quality,
      });
      if (t.observations.length > (this.opts.maxObservations ?? 20)) t.observations.shift();
      const c = trackConsensus(t.observations, {
        minObservations: this.opts.minObservations ?? 2,
        minAgreementRatio: this.opts.minAgreementRatio ?? 0.6,
        minQuality: this.opts.minQuality ?? 0.15,
      });
      let newlyUnknown = false;
      if (c.kind === 'match') {
        t.identityId = c.identityId;
        if (a?.identityId === c.identityId)
          t.bestSimilarity = Math.max(t.bestSimilarity, a.cosineSimilarity ?? 0);
      } else if (c.kind === 'unknown') {
        t.identityId = null;
        if (!t.unknownReported && c.leaderId === null) {
          t.unknownReported = true;
          newlyUnknown = true;
        }
      }
      results.push({
        trackId: t.id,
        face: f,
        identityId: t.identityId,
        cosineSimilarity:
          a?.identityId === t.identityId && a?.cosineSimilarity ? a.cosineSimilarity : t.bestSimilarity,
        newlyUnknown,
      });
    });

    // Consensus identities are unique per frame too: keep the strongest claim.
    const byIdentity = new Map<string, TrackResult<T>>();
    for (const r of results) {
      if (r.identityId === null) continue;
      const other = byIdentity.get(r.identityId);
      if (!other) byIdentity.set(r.identityId, r);
      else if (other.cosineSimilarity < r.cosineSimilarity) {
        other.identityId = null;
        byIdentity.set(r.identityId, r);
      } else r.identityId = null;
    }
    return results;
  }
}
