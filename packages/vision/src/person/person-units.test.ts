import { describe, expect, it } from 'vitest';
import { BoxKalman, invert4, toMeasurement } from './kalman.js';
import { ByteTracker, type Box, type PersonDetection } from './byte-tracker.js';
import { buildRanges, groupByFace, mergeRanges } from './ranges.js';
import { decodeYolox } from './yolox-detector.js';
import { scoreTracker } from './score.js';

const box = (x: number, y: number, w = 40, h = 100): Box => ({ x, y, width: w, height: h });
const det = (b: Box, score = 0.9, embedding?: Float32Array): PersonDetection => ({
  box: b,
  score,
  embedding: embedding ?? null,
});
const unit = (...v: number[]): Float32Array => {
  const n = Math.hypot(...v);
  return Float32Array.from(v.map((x) => x / n));
};

describe('Kalman filter (constant velocity)', () => {
  it('learns a velocity and predicts the next position', () => {
    const kf = new BoxKalman(toMeasurement(box(0, 0)));
    for (let i = 1; i <= 10; i++) {
      kf.predict();
      kf.update(toMeasurement(box(i * 10, 0)));
    }
    kf.predict();
    const b = kf.box();
    expect(b.x).toBeGreaterThan(105);
    expect(b.x).toBeLessThan(115);
    expect(b.height).toBeCloseTo(100, 0);
  });

  it('inverts a 4×4 matrix', () => {
    const m = Float64Array.from([4, 1, 0, 0, 1, 3, 0, 0, 0, 0, 2, 0.5, 0, 0, 0.5, 1]);
    const inv = invert4(m);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += m[i * 4 + k]! * inv[k * 4 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    expect(() => invert4(new Float64Array(16))).toThrow(/singular/);
  });
});

describe('ByteTracker', () => {
  it('keeps two people apart while they walk past each other', () => {
    const t = new ByteTracker({ minHits: 1 });
    const ids: [number, number][] = [];
    for (let f = 0; f < 20; f++) {
      const a = det(box(10 + f * 12, 50));
      const b = det(box(250 - f * 12, 60));
      const seen = t.update(f, f % 2 ? [a, b] : [b, a]);
      const idA = seen.find((s) => s.observations.at(-1)!.detection === (f % 2 ? 0 : 1))!.id;
      const idB = seen.find((s) => s.observations.at(-1)!.detection === (f % 2 ? 1 : 0))!.id;
      ids.push([idA, idB]);
    }
    expect(new Set(ids.map((i) => i[0])).size).toBe(1);
    expect(new Set(ids.map((i) => i[1])).size).toBe(1);
    expect(ids[0]![0]).not.toBe(ids[0]![1]);
  });

  it('survives a short occlusion (motion prediction) and ends a track after maxLostFrames', () => {
    const t = new ByteTracker({ minHits: 1, maxLostFrames: 5 });
    const first = t.update(0, [det(box(0, 0))])[0]!.id;
    for (let f = 1; f < 5; f++) t.update(f, [det(box(f * 8, 0))]);
    for (let f = 5; f < 9; f++) t.update(f, []); // hidden for 4 frames
    const back = t.update(9, [det(box(72, 0))]);
    expect(back[0]!.id).toBe(first);
    for (let f = 10; f < 20; f++) t.update(f, []);
    const later = t.update(20, [det(box(72, 0))]);
    expect(later[0]!.id).not.toBe(first);
  });

  it('extends a track with a low-score detection but never starts one from it', () => {
    const t = new ByteTracker({ minHits: 1 });
    const id = t.update(0, [det(box(0, 0), 0.9)])[0]!.id;
    expect(t.update(1, [det(box(4, 0), 0.3)])[0]!.id).toBe(id);
    const t2 = new ByteTracker({ minHits: 1 });
    expect(t2.update(0, [det(box(0, 0), 0.3)])).toEqual([]);
  });

  it('needs minHits before a track is confirmed (a one-frame false positive is dropped)', () => {
    const t = new ByteTracker({ minHits: 3 });
    t.update(0, [det(box(0, 0)), det(box(300, 0))]);
    t.update(1, [det(box(2, 0))]);
    t.update(2, [det(box(4, 0))]);
    expect(t.confirmedTracks().map((c) => c.observations.length)).toEqual([3]);
  });

  it('uses faces: refuses to give an overlapping box with a different face to a track, and re-finds a lost track by face', () => {
    const alice = unit(1, 0, 0);
    const bob = unit(0, 1, 0);
    const t = new ByteTracker({ minHits: 1, faceThreshold: 0.5, maxLostFrames: 10 });
    const a = t.update(0, [det(box(0, 0), 0.9, alice)])[0]!.id;
    const other = t.update(1, [det(box(2, 0), 0.9, bob)])[0]!.id;
    expect(other).not.toBe(a);
    t.update(2, []);
    // Alice reappears far away (a cut): no overlap, found again by her face.
    const again = t
      .update(3, [det(box(400, 200), 0.9, alice)])
      .find((s) => s.observations.at(-1)!.frame === 3)!;
    expect(again.id).toBe(a);
  });

  it('refuses frames that do not move forward', () => {
    const t = new ByteTracker();
    t.update(3, []);
    expect(() => t.update(3, [])).toThrow(RangeError);
  });
});

describe('ranges', () => {
  it('bridges short gaps, splits long ones and gives frame numbers', () => {
    const times = [0, 0.2, 0.4, 0.6, 1.6, 1.8, 5, 5.2];
    const r = buildRanges(times, { maxGapSec: 1, sampleIntervalSec: 0.2, videoFps: 25, durationSec: 5.3 });
    expect(r.map((x) => [x.startSec, x.endSec])).toEqual([
      [0, 2],
      [5, 5.3],
    ]);
    expect(r[0]!.startFrame).toBe(0);
    expect(r[0]!.endFrame).toBe(49);
    expect(r[1]!.startFrame).toBe(125);
  });

  it('merges the ranges of several tracks', () => {
    const m = mergeRanges(
      [
        { startSec: 5, endSec: 7, startFrame: 50, endFrame: 69 },
        { startSec: 0, endSec: 2, startFrame: 0, endFrame: 19 },
        { startSec: 1.5, endSec: 3, startFrame: 15, endFrame: 29 },
      ],
      0,
    );
    expect(m.map((x) => [x.startSec, x.endSec, x.endFrame])).toEqual([
      [0, 3, 29],
      [5, 7, 69],
    ]);
  });

  it('groups tracks by face and leaves faceless tracks alone', () => {
    const g = groupByFace([unit(1, 0.1, 0), null, unit(0, 1, 0), unit(1, 0, 0.1), null], 0.8);
    expect(g).toEqual([[0, 3], [1], [2], [4]]);
  });
});

describe('YOLOX decoding', () => {
  it('decodes a person row on the stride-8 grid and ignores other classes', () => {
    const size = 32; // strides 8/16/32 → 16 + 4 + 1 rows
    const rows = 16 + 4 + 1;
    const nc = 2;
    const out = new Float32Array(rows * (5 + nc));
    const put = (row: number, v: number[]): void => out.set(v, row * (5 + nc));
    put(5, [0.5, 0.5, Math.log(2), Math.log(4), 0.9, 0.8, 0.1]); // gx=1, gy=1 at stride 8
    put(6, [0.5, 0.5, 0, 0, 0.9, 0.05, 0.95]); // class 1 only: not a person
    const d = decodeYolox(out, size, nc, 0.5, 0.3, 0.45);
    expect(d).toHaveLength(1);
    expect(d[0]!.score).toBeCloseTo(0.72, 5);
    // cx = (0.5+1)*8 = 12, w = 16 → x = 4; divided by scale 0.5 → 8.
    const b = d[0]!.box;
    expect([b.x, b.y, b.width, b.height].map((v) => Math.round(v * 1000) / 1000)).toEqual([8, -8, 32, 64]);
  });
});

describe('scoreTracker', () => {
  it('counts recall, merges and fragmentations', () => {
    const truth = [[[0, 10]], [[20, 30]]] as const;
    const perfect = scoreTracker(truth, [[[0, 10]], [[20, 30]]]);
    expect(perfect).toMatchObject({ rangeRecall: 1, identitySwitches: 0, falsePersons: 0 });
    const merged = scoreTracker(truth, [
      [
        [0, 10],
        [20, 30],
      ],
    ]);
    expect(merged.merges).toBe(1);
    const split = scoreTracker(truth, [[[0, 5]], [[5, 10]], [[20, 25]], [[50, 60]]]);
    expect(split.fragmentations).toBe(1);
    expect(split.falsePersons).toBe(1);
    expect(split.rangeRecall).toBeCloseTo(10 / 20, 5);
  });
});

describe('scoreTracker with positions', () => {
  it('tells apart people on screen at the same time by where they are', () => {
    const truth = [[[0, 3]], [[0, 3]]] as const;
    const ok = scoreTracker(truth, [[[0, 3]], [[0, 3]]], { truthCx: [0.2, 0.7], predictedCx: [0.7, 0.22] });
    expect(ok.identitySwitches).toBe(0);
    const missing = scoreTracker(truth, [[[0, 3]], [[0, 3]]], {
      truthCx: [0.2, 0.7],
      predictedCx: [0.21, 0.23],
    });
    expect(missing.fragmentations).toBe(1);
    expect(missing.rangeRecall).toBeCloseTo(0.5, 5);
  });
});
