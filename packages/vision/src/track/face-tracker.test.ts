import { describe, expect, it } from 'vitest';
import {
  FaceTracker,
  associationSimilarities,
  type FaceTrackerOptions,
  type TrackBox,
  type TrackerDetection,
  type TrackEvent,
} from './face-tracker.js';

/** A unit embedding pointing mostly along one axis: faces of different people are nearly orthogonal. */
function face(axis: number, noise = 0, dims = 16): number[] {
  const v = Array.from({ length: dims }, (_, i) => (i === axis ? 1 : 0) + noise * Math.sin(7 * i + axis));
  return v;
}
const box = (x: number, y = 100, size = 80): TrackBox => ({ x, y, width: size, height: size });
const det = (
  b: TrackBox,
  axis: number,
  identityId: string | null,
  quality = 0.8,
  sim = 0.7,
): TrackerDetection => ({
  box: b,
  embedding: face(axis, 0.05),
  match: { identityId, cosineSimilarity: sim },
  quality,
});
const ofType = <T extends TrackEvent['type']>(events: TrackEvent[], type: T) =>
  events.filter((e): e is Extract<TrackEvent, { type: T }> => e.type === type);

describe('FaceTracker', () => {
  it('keeps one track for a face moving steadily and names it only after several agreeing frames', () => {
    const tracker = new FaceTracker({ minObservations: 3, minAgreement: 0.6 });
    const all: TrackEvent[] = [];
    for (let i = 0; i < 5; i++) {
      const { events, trackIds } = tracker.update({
        atMs: i * 500,
        detections: [det(box(100 + i * 20), 0, 'ana')],
      });
      all.push(...events);
      expect(trackIds).toEqual([1]);
      const named = ofType(events, 'track.identified');
      if (i < 2) expect(named).toEqual([]); // two frames are not enough
      if (i === 2) expect(named).toMatchObject([{ trackId: 1, identityId: 'ana', previousIdentityId: null }]);
    }
    expect(ofType(all, 'track.started')).toHaveLength(1);
    expect(ofType(all, 'track.updated')).toHaveLength(5);
    expect(tracker.tracks()[0]).toMatchObject({ identityId: 'ana', hits: 5, observations: 5 });
  });

  it('is not fooled by one lucky frame', () => {
    const tracker = new FaceTracker({ minObservations: 3, minAgreement: 0.6 });
    const verdicts = [null, null, 'budi', null, null, null];
    const events = verdicts.flatMap(
      (id, i) => tracker.update({ atMs: i * 500, detections: [det(box(100), 0, id)] }).events,
    );
    expect(ofType(events, 'track.identified').filter((e) => e.identityId !== null)).toEqual([]);
    expect(tracker.tracks()[0]?.identityId).toBeNull();
  });

  it('weighs votes by face quality: a few sharp frames beat many blurred ones', () => {
    const tracker = new FaceTracker({ minObservations: 3, minAgreement: 0.6, minQuality: 0.1 });
    const frames: Array<[string, number]> = [
      ['citra', 0.9],
      ['dewi', 0.15],
      ['citra', 0.9],
      ['dewi', 0.15],
      ['citra', 0.9],
      ['dewi', 0.15],
    ];
    frames.forEach(([id, q], i) => tracker.update({ atMs: i * 500, detections: [det(box(100), 0, id, q)] }));
    expect(tracker.tracks()[0]?.identityId).toBe('citra');
  });

  it('two people crossing keep their own tracks and names', () => {
    const tracker = new FaceTracker();
    const seenBy = new Map<number, Set<string>>();
    for (let i = 0; i <= 10; i++) {
      // Ana walks right, Budi walks left; at i = 5 their boxes nearly coincide.
      const ana = det(box(100 + i * 40, 100), 0, 'ana');
      const budi = det(box(500 - i * 40, 104), 1, 'budi');
      const dets = i % 2 === 0 ? [ana, budi] : [budi, ana]; // detector order is arbitrary
      const { trackIds } = tracker.update({ atMs: i * 500, detections: dets });
      dets.forEach((d, k) => {
        const id = d.match?.identityId ?? '?';
        const tid = trackIds[k] ?? -1;
        seenBy.set(tid, new Set([...(seenBy.get(tid) ?? []), id]));
      });
    }
    expect([...seenBy.entries()].map(([t, s]) => [t, [...s]])).toEqual([
      [1, ['ana']],
      [2, ['budi']],
    ]);
    const names = Object.fromEntries(tracker.tracks().map((t) => [t.trackId, t.identityId]));
    expect(names).toEqual({ 1: 'ana', 2: 'budi' });
  });

  it('without embeddings, falls back to box overlap', () => {
    const tracker = new FaceTracker();
    const plain = (x: number): TrackerDetection => ({ box: box(x) });
    tracker.update({ atMs: 0, detections: [plain(100), plain(400)] });
    const { trackIds } = tracker.update({ atMs: 500, detections: [plain(410), plain(110)] });
    expect(trackIds).toEqual([2, 1]);
  });

  it('never gives one identity to two tracks in the same frame: the stronger claim wins', () => {
    const tracker = new FaceTracker({ minObservations: 3 });
    let last: TrackEvent[] = [];
    for (let i = 0; i < 6; i++) {
      // Two different faces that the recognizer both calls "eko"; the left one far more convincingly.
      last = tracker.update({
        atMs: i * 500,
        detections: [det(box(100), 0, 'eko', 0.9, 0.8), det(box(400), 1, 'eko', 0.6, 0.45)],
      }).events;
      const ids = tracker.tracks().map((t) => t.identityId);
      expect(ids.filter((id) => id === 'eko').length).toBeLessThanOrEqual(1);
    }
    expect(tracker.tracks().map((t) => [t.trackId, t.identityId])).toEqual([
      [1, 'eko'],
      [2, null],
    ]);
    expect(ofType(last, 'track.updated').map((e) => e.identityId)).toEqual(['eko', null]);
  });

  it('a named track that loses a conflict becomes unknown, with an event', () => {
    const tracker = new FaceTracker({ minObservations: 3 });
    for (let i = 0; i < 3; i++)
      tracker.update({ atMs: i * 500, detections: [det(box(400), 1, 'fajar', 0.5, 0.45)] });
    expect(tracker.tracks()[0]?.identityId).toBe('fajar');
    let events: TrackEvent[] = [];
    for (let i = 3; i < 7; i++) {
      events = events.concat(
        tracker.update({
          atMs: i * 500,
          detections: [det(box(400), 1, 'fajar', 0.5, 0.45), det(box(100), 0, 'fajar', 0.95, 0.9)],
        }).events,
      );
    }
    expect(ofType(events, 'track.identified')).toContainEqual(
      expect.objectContaining({
        trackId: 1,
        identityId: null,
        previousIdentityId: 'fajar',
        reason: 'conflict',
      }),
    );
    expect(Object.fromEntries(tracker.tracks().map((t) => [t.trackId, t.identityId]))).toEqual({
      1: null,
      2: 'fajar',
    });
  });

  it('ends tracks that are gone too long, and on flush', () => {
    const tracker = new FaceTracker({ maxLostMs: 1000 });
    for (let i = 0; i < 3; i++) tracker.update({ atMs: i * 500, detections: [det(box(100), 0, 'gita')] });
    expect(tracker.update({ atMs: 2000, detections: [] }).events).toEqual([]);
    expect(tracker.tracks()[0]?.lostFrames).toBe(1);
    const { events } = tracker.update({ atMs: 2600, detections: [det(box(600), 2, null)] });
    expect(ofType(events, 'track.ended')).toEqual([
      {
        type: 'track.ended',
        trackId: 1,
        atMs: 1000,
        identityId: 'gita',
        firstSeenMs: 0,
        lastSeenMs: 1000,
        observations: 3,
        reason: 'lost',
      },
    ]);
    expect(ofType(events, 'track.started')).toMatchObject([{ trackId: 2 }]);
    expect(tracker.flush()).toMatchObject([{ type: 'track.ended', trackId: 2, reason: 'flushed' }]);
    expect(tracker.tracks()).toEqual([]);
  });

  it('a face that reappears after a short gap keeps its track (re-identified by embedding)', () => {
    const tracker = new FaceTracker({ maxLostMs: 3000 });
    tracker.update({ atMs: 0, detections: [det(box(100), 3, 'hadi')] });
    tracker.update({ atMs: 500, detections: [] });
    // Moved 2 box widths while hidden: no overlap, but the same face.
    const { trackIds } = tracker.update({ atMs: 1000, detections: [det(box(260), 3, 'hadi')] });
    expect(trackIds).toEqual([1]);
  });

  it('rejects frames out of time order', () => {
    const tracker = new FaceTracker();
    tracker.update({ atMs: 1000, detections: [] });
    expect(() => tracker.update({ atMs: 999, detections: [] })).toThrow(RangeError);
  });
});

describe('associationSimilarities', () => {
  // Two strangers as the dlib recognizer sees them: cosine 0.85, below its 0.92 match threshold.
  const stranger = (a: number[]): number[] => {
    const b = [...a];
    b[1] = Math.tan(Math.acos(0.85)) * Math.hypot(...a);
    return b;
  };

  it('keeps the ArcFace defaults and scales them for a recognizer with a high threshold', () => {
    expect(associationSimilarities(0.35)).toEqual({ reidSimilarity: 0.5, vetoSimilarity: 0.2 });
    expect(associationSimilarities(0.3)).toEqual({ reidSimilarity: 0.5, vetoSimilarity: 0.2 });
    expect(associationSimilarities(1)).toEqual({ reidSimilarity: 0.5, vetoSimilarity: 0.2 });
    const dlib = associationSimilarities(0.92);
    expect(dlib.reidSimilarity).toBeCloseTo(0.938, 3);
    expect(dlib.vetoSimilarity).toBeCloseTo(0.902, 3);
  });

  it('a stranger appearing near where a track was lost does not inherit it (dlib scale)', () => {
    const a = [1, 0, 0, 0];
    const b = stranger(a);
    const run = (opts: Partial<FaceTrackerOptions>) => {
      const tracker = new FaceTracker({ minObservations: 1, ...opts });
      tracker.update({ atMs: 0, detections: [{ box: box(100), embedding: a, quality: 0.8 }] });
      tracker.update({ atMs: 500, detections: [] });
      // One second later, a box width to the right: no overlap, so only re-identification could join.
      return tracker.update({ atMs: 1000, detections: [{ box: box(190), embedding: b, quality: 0.8 }] })
        .trackIds;
    };
    expect(run({})).toEqual([1]); // the ArcFace-scale defaults join two dlib strangers
    expect(run(associationSimilarities(0.92))).toEqual([2]);
  });
});
