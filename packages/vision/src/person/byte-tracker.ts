// ByteTrack-style multi-object tracker for people: Kalman motion, two-stage (high/low score) association,
// optional appearance (face embedding) fused into the cost, lost tracks kept for a while to survive
// short occlusions. Pure: no I/O, no clock; time is the analysed-frame index.
import { solveAssignment } from '../track/hungarian.js';
import { cosineSimilarity } from '../recognize/vector.js';
import { BoxKalman, toMeasurement } from './kalman.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PersonDetection {
  box: Box;
  score: number;
  /** Face embedding (L2-normalised) of the face found inside this person box, if any. */
  embedding?: Float32Array | null;
}

export interface ByteTrackOptions {
  /** Detections at or above this go to the first association and may start tracks. */
  highThreshold: number;
  /** Detections between this and highThreshold only extend existing tracks (second association). */
  lowThreshold: number;
  /** A new track needs at least this score. */
  newTrackThreshold: number;
  /** Minimum IoU for a first-stage match (motion only). */
  matchIou: number;
  /** Minimum IoU for the second stage (low-score detections). */
  lowMatchIou: number;
  /** Analysed frames a lost track is kept before it is finished (occlusion tolerance). */
  maxLostFrames: number;
  /** Cosine similarity at or above which two faces are the same person (the face pack's threshold). */
  faceThreshold: number;
  /** Consecutive hits before a track counts as confirmed. */
  minHits: number;
}

export const DEFAULT_BYTETRACK_OPTIONS: ByteTrackOptions = {
  highThreshold: 0.5,
  lowThreshold: 0.15,
  newTrackThreshold: 0.55,
  matchIou: 0.2,
  lowMatchIou: 0.4,
  maxLostFrames: 15,
  faceThreshold: 0.35,
  minHits: 2,
};

export interface TrackObservation {
  frame: number;
  box: Box;
  score: number;
  /** Index of the detection in that frame's input array. */
  detection: number;
}

export interface PersonTrack {
  id: number;
  state: 'tentative' | 'tracked' | 'lost' | 'removed';
  observations: TrackObservation[];
  /** Face embeddings seen on this track (as given), newest last. */
  embeddings: Float32Array[];
  hits: number;
  lastFrame: number;
}

interface InternalTrack extends PersonTrack {
  kf: BoxKalman;
}

function boxIou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union <= 0 ? 0 : inter / union;
}

/** Best cosine similarity between an embedding and a track's recent faces (null when either side has none). */
function faceSimilarity(track: PersonTrack, e: Float32Array | null | undefined): number | null {
  if (!e || track.embeddings.length === 0) return null;
  let best = -1;
  for (let i = Math.max(0, track.embeddings.length - 8); i < track.embeddings.length; i++)
    best = Math.max(best, cosineSimilarity(track.embeddings[i]!, e));
  return best;
}

export class ByteTracker {
  readonly options: ByteTrackOptions;
  private readonly tracks: InternalTrack[] = [];
  private nextId = 1;
  private frame = -1;

  constructor(options: Partial<ByteTrackOptions> = {}) {
    this.options = { ...DEFAULT_BYTETRACK_OPTIONS, ...options };
  }

  /**
   * Feeds one analysed frame. Frames must increase; a skipped index counts as frames with no detection
   * (the motion model is advanced by the gap). Returns the tracks (tracked or tentative) seen in this frame.
   */
  update(frame: number, detections: readonly PersonDetection[]): PersonTrack[] {
    if (frame <= this.frame) throw new RangeError(`frame ${frame} is not after ${this.frame}`);
    const dt = this.frame < 0 ? 1 : frame - this.frame;
    this.frame = frame;
    const o = this.options;
    const live = this.tracks.filter((t) => t.state !== 'removed');
    for (const t of live) t.kf.predict(dt);

    const high: number[] = [];
    const low: number[] = [];
    detections.forEach((d, i) => {
      if (d.score >= o.highThreshold) high.push(i);
      else if (d.score >= o.lowThreshold) low.push(i);
    });

    // Stage 1: high-score detections against every live track (tracked, tentative and lost).
    const matched = new Set<InternalTrack>();
    const used = new Set<number>();
    const cost1 = live.map((t) => high.map((di) => this.cost(t, detections[di]!, o.matchIou)));
    solveAssignment(cost1).forEach((c, r) => {
      if (c < 0) return;
      this.hit(live[r]!, frame, high[c]!, detections[high[c]!]!);
      matched.add(live[r]!);
      used.add(high[c]!);
    });

    // Stage 2: low-score detections only extend tracks that were tracked until now (motion only).
    const active = live.filter((t) => !matched.has(t) && t.state === 'tracked');
    const cost2 = active.map((t) =>
      low.map((di) => {
        const v = boxIou(t.kf.box(), detections[di]!.box);
        return v >= o.lowMatchIou ? 1 - v : Infinity;
      }),
    );
    solveAssignment(cost2).forEach((c, r) => {
      if (c < 0) return;
      this.hit(active[r]!, frame, low[c]!, detections[low[c]!]!);
      matched.add(active[r]!);
      used.add(low[c]!);
    });

    // Unmatched tracks: tentative ones die at once, others are lost until maxLostFrames.
    for (const t of live) {
      if (matched.has(t)) continue;
      if (t.state === 'tentative') t.state = 'removed';
      else if (frame - t.lastFrame > o.maxLostFrames) t.state = 'removed';
      else t.state = 'lost';
    }

    // New tracks from confident unmatched detections.
    for (const di of high) {
      if (used.has(di)) continue;
      const d = detections[di]!;
      if (d.score < o.newTrackThreshold) continue;
      const t: InternalTrack = {
        id: this.nextId++,
        state: o.minHits <= 1 ? 'tracked' : 'tentative',
        observations: [],
        embeddings: [],
        hits: 0,
        lastFrame: frame,
        kf: new BoxKalman(toMeasurement(d.box)),
      };
      this.tracks.push(t);
      this.record(t, frame, di, d);
      if (t.hits >= o.minHits) t.state = 'tracked';
    }
    return this.tracks.filter((t) => t.lastFrame === frame && t.state !== 'removed').map(publicTrack);
  }

  /** Every track that was ever confirmed (reached minHits), in creation order. */
  confirmedTracks(): PersonTrack[] {
    return this.tracks.filter((t) => t.hits >= this.options.minHits).map(publicTrack);
  }

  private cost(t: InternalTrack, d: PersonDetection, minIou: number): number {
    const v = boxIou(t.kf.box(), d.box);
    const sim = faceSimilarity(t, d.embedding);
    const same = sim !== null && sim >= this.options.faceThreshold;
    const different = sim !== null && sim < this.options.faceThreshold - 0.1;
    if (different) return Infinity; // Two different faces never share a track, however close.
    if (v >= minIou) return same ? (1 - v) * 0.5 : 1 - v;
    // No overlap: a lost track may still be re-found by its face (after an occlusion or a jump).
    if (same && t.state === 'lost') return 0.9;
    return Infinity;
  }

  private hit(t: InternalTrack, frame: number, di: number, d: PersonDetection): void {
    t.kf.update(toMeasurement(d.box));
    this.record(t, frame, di, d);
    if (t.state !== 'tracked' && t.hits >= this.options.minHits) t.state = 'tracked';
    else if (t.state === 'lost') t.state = 'tracked';
  }

  private record(t: InternalTrack, frame: number, di: number, d: PersonDetection): void {
    t.hits++;
    t.lastFrame = frame;
    t.observations.push({ frame, box: { ...d.box }, score: d.score, detection: di });
    if (d.embedding) t.embeddings.push(d.embedding);
  }
}

function publicTrack(t: InternalTrack): PersonTrack {
  return {
    id: t.id,
    state: t.state,
    observations: t.observations,
    embeddings: t.embeddings,
    hits: t.hits,
    lastFrame: t.lastFrame,
  };
}
