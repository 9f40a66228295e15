/**
 * Pure recognition decisions on top of embedding similarities. The vision package computes embeddings
 * and nearest neighbours; these functions decide who (if anyone) a face is. Every similarity is a
 * cosine similarity in [-1, 1], higher is more alike.
 */

export interface IdentityCandidate {
  identityId: string;
  cosineSimilarity: number;
}

export interface DecideIdentityOptions {
  /** Best candidate must reach this to match at all. */
  threshold: number;
  /** Best must beat the best OTHER identity by at least this, else ambiguous. */
  margin: number;
}

export type IdentityDecision =
  | { kind: 'match'; identityId: string; cosineSimilarity: number; marginToNext: number | null }
  | { kind: 'unknown'; best: IdentityCandidate | null }
  | { kind: 'ambiguous'; candidates: [IdentityCandidate, IdentityCandidate] };

/** Keep each identity's best score (a person has several enrolled embeddings), highest first. */
export function bestPerIdentity(candidates: readonly IdentityCandidate[]): IdentityCandidate[] {
  const best = new Map<string, IdentityCandidate>();
  for (const candidate of candidates) {
    if (!Number.isFinite(candidate.cosineSimilarity)) continue;
    const current = best.get(candidate.identityId);
    if (current === undefined || candidate.cosineSimilarity > current.cosineSimilarity) {
      best.set(candidate.identityId, candidate);
    }
  }
  return [...best.values()].sort(
    (a, b) => b.cosineSimilarity - a.cosineSimilarity || a.identityId.localeCompare(b.identityId),
  );
}

/**
 * match / unknown / ambiguous for one face. Input order is not trusted (re-sorted), and several
 * embeddings of the same identity never make that identity "ambiguous" with itself. The margin check
 * only applies when the runner-up also passes the threshold: a strong match over a weak stranger is a
 * match.
 */
export function decideIdentity(
  candidates: readonly IdentityCandidate[],
  options: DecideIdentityOptions,
): IdentityDecision {
  const ranked = bestPerIdentity(candidates);
  const [best, second] = ranked;
  if (best === undefined || best.cosineSimilarity < options.threshold)
    return { kind: 'unknown', best: best ?? null };
  if (second !== undefined && second.cosineSimilarity >= options.threshold) {
    if (best.cosineSimilarity - second.cosineSimilarity < options.margin) {
      return { kind: 'ambiguous', candidates: [best, second] };
    }
  }
  return {
    kind: 'match',
    identityId: best.identityId,
    cosineSimilarity: best.cosineSimilarity,
    marginToNext: second === undefined ? null : best.cosineSimilarity - second.cosineSimilarity,
  };
}

export interface TrackObservation {
  /** Per-frame decision; null when that frame was unknown or ambiguous. */
  identityId: string | null;
  cosineSimilarity: number;
  /** Face quality in [0, 1] (sharpness, pose, size). */
  quality: number;
}

export interface TrackConsensusOptions {
  /** No decision before this many observations. */
  minObservations: number;
  /** Winner's share of total weight, in (0, 1]. Unknown frames count against it. */
  minAgreementRatio: number;
  /** Observations below this quality are ignored entirely. Default 0. */
  minQuality?: number;
}

export type TrackConsensus =
  | { kind: 'match'; identityId: string; agreementRatio: number; votes: number; observations: number }
  | { kind: 'pending'; observations: number }
  | { kind: 'unknown'; agreementRatio: number; leaderId: string | null; observations: number };

/**
 * The identity of a face track over several frames. Each frame votes with weight quality ×
 * max(0, cosineSimilarity); frames with no identity still add their weight to the total, so a track
 * that is mostly "unknown" does not match on a lucky frame.
 */
export function trackConsensus(
  observations: readonly TrackObservation[],
  options: TrackConsensusOptions,
): TrackConsensus {
  const usable = observations.filter(
    (o) =>
      o.quality >= (options.minQuality ?? 0) &&
      Number.isFinite(o.cosineSimilarity) &&
      Number.isFinite(o.quality),
  );
  if (usable.length < options.minObservations) return { kind: 'pending', observations: usable.length };

  let totalWeight = 0;
  const tally = new Map<string, { weight: number; votes: number }>();
  for (const o of usable) {
    const weight = Math.max(0, o.quality) * Math.max(0, o.cosineSimilarity);
    totalWeight += weight;
    if (o.identityId === null) continue;
    const entry = tally.get(o.identityId) ?? { weight: 0, votes: 0 };
    entry.weight += weight;
    entry.votes += 1;
    tally.set(o.identityId, entry);
  }
  let leaderId: string | null = null;
  let leader = { weight: 0, votes: 0 };
  for (const [identityId, entry] of [...tally].sort(([a], [b]) => a.localeCompare(b))) {
    if (entry.weight > leader.weight) {
      leaderId = identityId;
      leader = entry;
    }
  }
  const agreementRatio = totalWeight > 0 ? leader.weight / totalWeight : 0;
  if (leaderId === null || agreementRatio < options.minAgreementRatio) {
    return { kind: 'unknown', agreementRatio, leaderId, observations: usable.length };
  }
  return {
    kind: 'match',
    identityId: leaderId,
    agreementRatio,
    votes: leader.votes,
    observations: usable.length,
  };
}

export interface FrameTrack {
  trackId: string;
  candidates: readonly IdentityCandidate[];
}

export interface TrackAssignment {
  trackId: string;
  identityId: string | null;
  cosineSimilarity: number | null;
  /** True when the track's first choice went to another face with a higher score. */
  displaced: boolean;
}

/**
 * Two faces in one frame are never the same person. Greedy by score: the highest (track, identity)
 * pair above `threshold` is fixed first; a track that loses its first choice falls back to its next
 * candidate above the threshold, else unknown. Greedy (not Hungarian) on purpose: the strongest
 * evidence wins outright instead of being traded away to maximise a sum. Ties break by trackId.
 * Result is in input order.
 */
export function assignUniqueIdentities(
  tracks: readonly FrameTrack[],
  options: { threshold: number },
): TrackAssignment[] {
  const pairs = tracks.flatMap((track) =>
    bestPerIdentity(track.candidates)
      .filter((c) => c.cosineSimilarity >= options.threshold)
      .map((c, rank) => ({
        trackId: track.trackId,
        identityId: c.identityId,
        cosineSimilarity: c.cosineSimilarity,
        rank,
      })),
  );
  pairs.sort(
    (a, b) =>
      b.cosineSimilarity - a.cosineSimilarity ||
      a.trackId.localeCompare(b.trackId) ||
      a.identityId.localeCompare(b.identityId),
  );
  const byTrack = new Map<string, TrackAssignment>();
  const takenIdentities = new Set<string>();
  for (const pair of pairs) {
    if (byTrack.has(pair.trackId) || takenIdentities.has(pair.identityId)) continue;
    byTrack.set(pair.trackId, {
      trackId: pair.trackId,
      identityId: pair.identityId,
      cosineSimilarity: pair.cosineSimilarity,
      displaced: pair.rank > 0,
    });
    takenIdentities.add(pair.identityId);
  }
  return tracks.map((track) => {
    const assigned = byTrack.get(track.trackId);
    if (assigned !== undefined) return assigned;
    const hadChoice = track.candidates.some((c) => c.cosineSimilarity >= options.threshold);
    return { trackId: track.trackId, identityId: null, cosineSimilarity: null, displaced: hadChoice };
  });
}

/** Cosine similarity of two embeddings of equal length; 0 if either is all zeros. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`embedding lengths differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
