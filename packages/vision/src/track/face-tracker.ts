// Per-camera multi-face tracker. Associates detections across frames by box overlap (IoU, with a
// constant-velocity prediction) and face-embedding similarity, solved as one assignment per frame.
// Each track accumulates recognition results and names a person only by quality-weighted consensus over
// several frames. Pure: no I/O, no clock; time comes in with each frame, events go out as return values.

import { solveAssignment } from './hungarian.js';

export interface TrackBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The recognizer's verdict for one face in one frame. */
export interface FaceMatch {
  /** Best gallery identity at or above the recognition threshold, or null (unknown face). */
  identityId: string | null;
  /** Cosine similarity to that identity (or to the best candidate when unknown); higher is more alike. */
  cosineSimilarity: number;
}

export interface TrackerDetection {
  box: TrackBox;
  /** Face embedding (L2-normalised or not) for association; optional. */
  embedding?: ArrayLike<number> | null;
  /** Recognition result for this face in this frame; null/absent when not recognised (e.g. too small). */
  match?: FaceMatch | null;
  /** Face quality 0..1 (sharpness, size, pose); weighs this frame's vote. Default 0.5. */
  quality?: number;
}

export interface TrackerFrame {
  /** Time of the frame (epoch ms or any monotonic ms). */
  atMs: number;
  detections: readonly TrackerDetection[];
}

export interface FaceTrackerOptions {
  /** Boxes overlapping at least this much (IoU with the predicted box) may continue a track. */
  minIou: number;
  /** Without overlap, a detection may continue a track when embeddings are this similar... */
  reidSimilarity: number;
  /** ...and its centre moved at most this many box widths. */
  maxCenterJumpBoxes: number;
  /** Embeddings less similar than this never join, however much the boxes overlap (two people crossing). */
  vetoSimilarity: number;
  /** Weight of IoU against embedding similarity in the association score (0..1). */
  iouWeight: number;
  /** A track unseen for longer than this ends. */
  maxLostMs: number;
  /** Votes needed before a track is named. */
  minObservations: number;
  /** Share of the quality-weighted votes the winning identity needs (0..1). */
  minAgreement: number;
  /** Votes from faces below this quality are ignored. */
  minQuality: number;
  /** Only the latest votes count (a sliding window). */
  maxObservations: number;
  /** How fast a track's appearance embedding follows new faces (0..1). */
  appearanceMomentum: number;
}

export const DEFAULT_TRACKER_OPTIONS: FaceTrackerOptions = {
  minIou: 0.2,
  reidSimilarity: 0.5,
  maxCenterJumpBoxes: 3,
  vetoSimilarity: 0.2,
  iouWeight: 0.5,
  maxLostMs: 3000,
  minObservations: 3,
  minAgreement: 0.6,
  minQuality: 0.2,
  maxObservations: 30,
  appearanceMomentum: 0.3,
};

/**
 * The association similarities for a recognizer whose match threshold is `matchThreshold`. The defaults
 * (re-identify at 0.5, veto below 0.2) are cosines in ArcFace space, where strangers score about 0–0.3
 * and the threshold is 0.35. The dlib recognizer of the npm packs scores strangers 0.8–0.87 against a
 * threshold of 0.92, so with the defaults any stranger within three box widths re-identified a track
 * that had just lost its person (the known-people clip showed Raj taking over Penny's track). Both are
 * placed at the same share of the room above and below the threshold as the defaults; never lower.
 */
export function associationSimilarities(
  matchThreshold: number,
): Pick<FaceTrackerOptions, 'reidSimilarity' | 'vetoSimilarity'> {
  const d = DEFAULT_TRACKER_OPTIONS;
  if (!(matchThreshold > 0 && matchThreshold < 1)) {
    return { reidSimilarity: d.reidSimilarity, vetoSimilarity: d.vetoSimilarity };
  }
  const share = (d.reidSimilarity - ARCFACE_MATCH_THRESHOLD) / (1 - ARCFACE_MATCH_THRESHOLD);
  const room = (1 - matchThreshold) * share;
  return {
    reidSimilarity: Math.max(d.reidSimilarity, matchThreshold + room),
    vetoSimilarity: Math.max(d.vetoSimilarity, matchThreshold - room),
  };
}

/** The match threshold the default association similarities were chosen for. */
const ARCFACE_MATCH_THRESHOLD = 0.35;

export interface TrackObservation {
  atMs: number;
  identityId: string | null;
  cosineSimilarity: number;
  quality: number;
}

export interface TrackSnapshot {
  trackId: number;
  box: TrackBox;
  identityId: string | null;
  /** Share of weighted votes for identityId (or for "unknown" when null), 0..1. */
  confidence: number;
  observations: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Frames in which the track was seen. */
  hits: number;
  /** Consecutive frames in which it was not seen. */
  lostFrames: number;
}

export type TrackEvent =
  | { type: 'track.started'; trackId: number; atMs: number; box: TrackBox }
  | {
      type: 'track.identified';
      trackId: number;
      atMs: number;
      identityId: string | null;
      previousIdentityId: string | null;
      confidence: number;
      observations: number;
      /** consensus: the votes decided; conflict: another track in the frame won this identity. */
      reason: 'consensus' | 'conflict';
    }
  | {
      type: 'track.updated';
      trackId: number;
      atMs: number;
      box: TrackBox;
      identityId: string | null;
      detectionIndex: number;
    }
  | {
      type: 'track.ended';
      trackId: number;
      atMs: number;
      identityId: string | null;
      firstSeenMs: number;
      lastSeenMs: number;
      observations: number;
      reason: 'lost' | 'flushed';
    };

export interface TrackerUpdate {
  events: TrackEvent[];
  /** For each input detection, the track it now belongs to. */
  trackIds: number[];
  /** Live tracks after this frame (seen or briefly lost). */
  tracks: TrackSnapshot[];
}

interface Track {
  id: number;
  box: TrackBox;
  vx: number; // centre velocity, px per ms
  vy: number;
  appearance: Float64Array | null;
  observations: TrackObservation[];
  identityId: string | null;
  confidence: number;
  firstSeenMs: number;
  lastSeenMs: number;
  hits: number;
  lostFrames: number;
}

interface Consensus {
  /** undefined: not decided yet; null: decided "unknown". */
  identityId: string | null | undefined;
  agreement: number;
  /** Strength of the claim, to settle two tracks claiming one identity. */
  support: number;
}

export function boxIou(a: TrackBox, b: TrackBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function normalize(v: ArrayLike<number>): Float64Array | null {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] ?? 0) ** 2;
  if (!(sum > 0)) return null;
  const n = Math.sqrt(sum);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] ?? 0) / n;
  return out;
}

function cosine(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

export class FaceTracker {
  readonly options: FaceTrackerOptions;
  #tracks: Track[] = [];
  #nextId = 1;
  #lastAtMs: number | null = null;

  constructor(options: Partial<FaceTrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  update(frame: TrackerFrame): TrackerUpdate {
    const o = this.options;
    const now = frame.atMs;
    if (this.#lastAtMs !== null && now < this.#lastAtMs)
      throw new RangeError('frames must come in time order');
    this.#lastAtMs = now;
    const events: TrackEvent[] = [];
    const dets = frame.detections.map((d) => ({
      box: d.box,
      embedding: d.embedding != null ? normalize(d.embedding) : null,
      match: d.match ?? null,
      quality: clamp01(d.quality ?? 0.5),
    }));

    // 1. Association: one cost per (track, detection); forbidden pairs are Infinity.
    const cost = this.#tracks.map((t) => {
      const predicted = this.#predict(t, now);
      return dets.map((d) => {
        const iou = boxIou(predicted, d.box);
        const sim = t.appearance !== null && d.embedding !== null ? cosine(t.appearance, d.embedding) : null;
        if (sim !== null && sim < o.vetoSimilarity) return Infinity;
        const scale = Math.max(predicted.width, d.box.width, 1);
        const dx = predicted.x + predicted.width / 2 - (d.box.x + d.box.width / 2);
        const dy = predicted.y + predicted.height / 2 - (d.box.y + d.box.height / 2);
        const jump = Math.hypot(dx, dy) / scale;
        const reid = sim !== null && sim >= o.reidSimilarity && jump <= o.maxCenterJumpBoxes;
        if (iou < o.minIou && !reid) return Infinity;
        const score = sim === null ? iou : o.iouWeight * iou + (1 - o.iouWeight) * Math.max(0, sim);
        return 1 - score;
      });
    });
    const trackForDet = new Array<number>(dets.length).fill(-1);
    solveAssignment(cost).forEach((detIndex, trackIndex) => {
      if (detIndex >= 0) trackForDet[detIndex] = trackIndex;
    });

    // 2. Update matched tracks, start new ones.
    const seen = new Set<Track>();
    const trackIds: number[] = [];
    dets.forEach((d, i) => {
      const ti = trackForDet[i] ?? -1;
      let t = ti >= 0 ? this.#tracks[ti] : undefined;
      if (t === undefined) {
        t = {
          id: this.#nextId++,
          box: d.box,
          vx: 0,
          vy: 0,
          appearance: d.embedding,
          observations: [],
          identityId: null,
          confidence: 0,
          firstSeenMs: now,
          lastSeenMs: now,
          hits: 0,
          lostFrames: 0,
        };
        this.#tracks.push(t);
        events.push({ type: 'track.started', trackId: t.id, atMs: now, box: d.box });
      } else {
        const dt = now - t.lastSeenMs;
        if (dt > 0) {
          const cx = d.box.x + d.box.width / 2 - (t.box.x + t.box.width / 2);
          const cy = d.box.y + d.box.height / 2 - (t.box.y + t.box.height / 2);
          t.vx = 0.5 * t.vx + 0.5 * (cx / dt);
          t.vy = 0.5 * t.vy + 0.5 * (cy / dt);
        }
        t.box = d.box;
        t.lastSeenMs = now;
        if (d.embedding !== null) {
          if (t.appearance === null || t.appearance.length !== d.embedding.length) t.appearance = d.embedding;
          else {
            const m = o.appearanceMomentum * (0.5 + d.quality / 2);
            const mixed = new Float64Array(t.appearance.length);
            for (let k = 0; k < mixed.length; k++) {
              mixed[k] = (1 - m) * (t.appearance[k] ?? 0) + m * (d.embedding[k] ?? 0);
            }
            t.appearance = normalize(mixed) ?? t.appearance;
          }
        }
      }
      t.hits++;
      t.lostFrames = 0;
      if (d.match !== null) {
        t.observations.push({
          atMs: now,
          identityId: d.match.identityId,
          cosineSimilarity: d.match.cosineSimilarity,
          quality: d.quality,
        });
        if (t.observations.length > o.maxObservations) t.observations.shift();
      }
      seen.add(t);
      trackIds.push(t.id);
    });

    // 3. Identities: consensus per seen track, then one identity per frame (the strongest claim wins).
    const claims = new Map<Track, Consensus>();
    for (const t of seen) claims.set(t, this.#consensus(t));
    const byIdentity = new Map<string, Track[]>();
    for (const [t, c] of claims) {
      const id = c.identityId === undefined ? t.identityId : c.identityId;
      if (id === null) continue;
      byIdentity.set(id, [...(byIdentity.get(id) ?? []), t]);
    }
    const losers = new Set<Track>();
    for (const contenders of byIdentity.values()) {
      if (contenders.length < 2) continue;
      const strength = (t: Track) => claims.get(t)?.support ?? 0;
      contenders.sort((a, b) => strength(b) - strength(a) || a.firstSeenMs - b.firstSeenMs || a.id - b.id);
      for (const t of contenders.slice(1)) losers.add(t);
    }
    for (const [t, c] of claims) {
      const previous = t.identityId;
      if (losers.has(t)) {
        t.identityId = null;
        t.confidence = 0;
        if (previous !== null) events.push(this.#identified(t, now, previous, 'conflict'));
        continue;
      }
      if (c.identityId === undefined) continue; // undecided: keep what we had
      t.identityId = c.identityId;
      t.confidence = c.agreement;
      if (previous !== t.identityId) events.push(this.#identified(t, now, previous, 'consensus'));
    }
    for (const t of seen) {
      events.push({
        type: 'track.updated',
        trackId: t.id,
        atMs: now,
        box: t.box,
        identityId: t.identityId,
        detectionIndex: trackIds.indexOf(t.id),
      });
    }

    // 4. Age out tracks not seen for too long.
    const alive: Track[] = [];
    for (const t of this.#tracks) {
      if (!seen.has(t)) t.lostFrames++;
      if (!seen.has(t) && now - t.lastSeenMs > o.maxLostMs) events.push(this.#ended(t, 'lost'));
      else alive.push(t);
    }
    this.#tracks = alive;
    return { events, trackIds, tracks: this.tracks() };
  }

  /** Ends every track (camera stopped, end of a video). */
  flush(): TrackEvent[] {
    const events = this.#tracks.map((t) => this.#ended(t, 'flushed'));
    this.#tracks = [];
    return events;
  }

  tracks(): TrackSnapshot[] {
    return this.#tracks.map((t) => ({
      trackId: t.id,
      box: t.box,
      identityId: t.identityId,
      confidence: t.confidence,
      observations: t.observations.length,
      firstSeenMs: t.firstSeenMs,
      lastSeenMs: t.lastSeenMs,
      hits: t.hits,
      lostFrames: t.lostFrames,
    }));
  }

  #predict(t: Track, now: number): TrackBox {
    const dt = Math.min(now - t.lastSeenMs, this.options.maxLostMs);
    return { ...t.box, x: t.box.x + t.vx * dt, y: t.box.y + t.vy * dt };
  }

  #consensus(t: Track): Consensus {
    const o = this.options;
    const votes = t.observations.filter((v) => v.quality >= o.minQuality);
    if (votes.length < o.minObservations) return { identityId: undefined, agreement: 0, support: 0 };
    const weight = new Map<string | null, number>();
    const count = new Map<string | null, number>();
    const support = new Map<string | null, number>();
    let total = 0;
    for (const v of votes) {
      const w = Math.max(v.quality, 1e-6);
      total += w;
      weight.set(v.identityId, (weight.get(v.identityId) ?? 0) + w);
      count.set(v.identityId, (count.get(v.identityId) ?? 0) + 1);
      support.set(v.identityId, (support.get(v.identityId) ?? 0) + w * Math.max(0, v.cosineSimilarity));
    }
    let best: string | null = null;
    let bestWeight = -1;
    for (const [id, w] of weight) {
      if (w > bestWeight || (w === bestWeight && id !== null && best === null)) {
        best = id;
        bestWeight = w;
      }
    }
    const agreement = total > 0 ? bestWeight / total : 0;
    // Two votes at least for a name, even with minObservations 1: never one lucky frame.
    const enoughVotes = (count.get(best) ?? 0) >= Math.max(2, Math.ceil(o.minObservations * o.minAgreement));
    if (agreement < o.minAgreement || (best !== null && !enoughVotes)) {
      return { identityId: undefined, agreement, support: 0 };
    }
    return { identityId: best, agreement, support: support.get(best) ?? 0 };
  }

  #identified(
    t: Track,
    atMs: number,
    previousIdentityId: string | null,
    reason: 'consensus' | 'conflict',
  ): TrackEvent {
    return {
      type: 'track.identified',
      trackId: t.id,
      atMs,
      identityId: t.identityId,
      previousIdentityId,
      confidence: t.confidence,
      observations: t.observations.length,
      reason,
    };
  }

  #ended(t: Track, reason: 'lost' | 'flushed'): TrackEvent {
    return {
      type: 'track.ended',
      trackId: t.id,
      atMs: t.lastSeenMs,
      identityId: t.identityId,
      firstSeenMs: t.firstSeenMs,
      lastSeenMs: t.lastSeenMs,
      observations: t.observations.length,
      reason,
    };
  }
}
