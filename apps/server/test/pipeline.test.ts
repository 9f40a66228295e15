// The pipeline's own logic: the frame analyzer on @hadir/vision's tracker (fake faces, fake gallery), the
// inference pool with real models (several cameras' frames batched into one worker call, execution
// providers with a CPU fallback), and the environment knobs for both.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSharedDir } from '@hadir/testing';
import { decodeImage, type FaceBox, type Landmarks5 } from '@hadir/vision';
import { parseEnv, EnvError } from '../src/platform/config/env.js';
import {
  FrameAnalyzer,
  InferencePool,
  RecentFaces,
  defaultInferenceWorkers,
  facesNeedingEmbedding,
  type MatchableGallery,
} from '../src/modules/pipeline/index.js';
import type { InferredFace } from '../src/modules/pipeline/inference-protocol.js';

const FRAME = { data: new Uint8Array(640 * 480 * 3), width: 640, height: 480 };
const LANDMARKS: Landmarks5 = [
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
];

/** A face whose embedding points along one axis: each "person" is one axis. */
function face(axis: number, box: FaceBox, quality = 0.8): InferredFace {
  const embedding = new Float32Array(8);
  embedding[axis] = 1;
  const detail = { sizePx: Math.min(box.width, box.height), blur: 100, brightness: 0.5, score: quality };
  return { box, score: 0.9, landmarks: LANDMARKS, quality, detail, embedding };
}
const at = (x: number, y = 100): FaceBox => ({ x, y, width: 80, height: 80 });

/** Axis 0 = ana, 1 = budi; axis 2 looks like budi (0.7) and a little like ana (0.6); others unknown. */
const gallery: MatchableGallery = {
  threshold: 0.5,
  match(e) {
    if (e[0] === 1) return { employeeId: 'ana', cosineSimilarity: 0.9, secondBest: null };
    if (e[1] === 1) return { employeeId: 'budi', cosineSimilarity: 0.8, secondBest: null };
    if (e[2] === 1)
      return {
        employeeId: 'budi',
        cosineSimilarity: 0.7,
        secondBest: { employeeId: 'ana', cosineSimilarity: 0.6 },
      };
    return { employeeId: null, cosineSimilarity: 0.2, secondBest: null };
  },
};

describe('FrameAnalyzer on the vision tracker', () => {
  const analyzer = () => new FrameAnalyzer({ minFacePx: 40, minQuality: 0.2 }, 'cam:');

  it("matches with the camera's own recognition threshold when it sets one", () => {
    const thresholdsUsed: (number | undefined)[] = [];
    const similarity = 0.8;
    const g: MatchableGallery = {
      threshold: 0.5,
      match(_e, threshold) {
        thresholdsUsed.push(threshold);
        return similarity >= (threshold ?? 0.5)
          ? { employeeId: 'ana', cosineSimilarity: similarity, secondBest: null }
          : { employeeId: null, cosineSimilarity: similarity, secondBest: null };
      },
    };
    const strict = new FrameAnalyzer({ minFacePx: 40, minQuality: 0.2, recognitionThreshold: 0.9 }, 'cam:');
    strict.analyze(FRAME, [face(0, at(100))], g, 0);
    expect(strict.analyze(FRAME, [face(0, at(110))], g, 500).recognized).toEqual([]);
    expect(thresholdsUsed.every((t) => t === 0.9)).toBe(true);

    const orgDefault = analyzer();
    orgDefault.analyze(FRAME, [face(0, at(100))], g, 0);
    expect(orgDefault.analyze(FRAME, [face(0, at(110))], g, 500).recognized).toHaveLength(1);
  });

  it('names a track after two agreeing frames, never after one', () => {
    const a = analyzer();
    expect(a.analyze(FRAME, [face(0, at(100))], gallery, 0).recognized).toEqual([]);
    const second = a.analyze(FRAME, [face(0, at(110))], gallery, 500);
    expect(second.recognized).toMatchObject([{ trackId: 'cam:1', identityId: 'ana', cosineSimilarity: 0.9 }]);
  });

  it('drops small, poor and out-of-region faces before they vote', () => {
    const a = new FrameAnalyzer({
      minFacePx: 40,
      minQuality: 0.2,
      regionOfInterest: { kind: 'rect', x: 0, y: 0, width: 0.5, height: 1 },
    });
    const faces = [
      face(0, { x: 10, y: 10, width: 30, height: 30 }), // too small
      face(0, at(20), 0.1), // too poor
      face(0, at(500)), // outside the left half
      face(1, at(100)),
    ];
    const r = a.analyze(FRAME, faces, gallery, 0);
    expect(r).toMatchObject({ facesDetected: 4, facesUsed: 1 });
  });

  it('gives one person to one face per frame: the weaker claim falls back to its second candidate', () => {
    const a = analyzer();
    // Left face is budi for sure; the right one looks more like budi than ana, but budi is taken.
    for (let i = 0; i < 3; i++) {
      const r = a.analyze(FRAME, [face(1, at(50)), face(2, at(400))], gallery, i * 500);
      if (i === 0) continue;
      expect(r.recognized.map((x) => x.identityId).sort()).toEqual(['ana', 'budi']);
    }
  });

  it('reports an unknown track once, and ends tracks when the person leaves or the camera stops', () => {
    const a = analyzer();
    const unknown: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = a.analyze(FRAME, [face(5, at(300)), face(0, at(50))], gallery, i * 500);
      unknown.push(...r.newlyUnknown.map((x) => x.trackId));
    }
    expect(unknown).toEqual(['cam:1']);
    // Both leave; after the track age (3 s) their tracks end, with their last identity.
    const later = a.analyze(FRAME, [], gallery, 6000);
    expect(later.ended.map((e) => [e.trackId, e.identityId]).sort()).toEqual([
      ['cam:1', null],
      ['cam:2', 'ana'],
    ]);
    a.analyze(FRAME, [face(1, at(50))], gallery, 6500);
    expect(a.flush()).toMatchObject([{ trackId: 'cam:3', identityId: null }]);
  });

  it('survives a wall clock that steps back (the tracker itself refuses out-of-order frames)', () => {
    const a = analyzer();
    a.analyze(FRAME, [face(0, at(100))], gallery, 10_000);
    expect(a.analyze(FRAME, [face(0, at(100))], gallery, 9_000).recognized).toHaveLength(1);
  });
});

describe('embed once per track', () => {
  /** The face as the worker returns it when it was not embedded. */
  const followed = (f: InferredFace): InferredFace => ({ ...f, embedding: null });

  it('skips only a face alone in a named track region, and not a clearly better one', () => {
    const region = { box: at(100), embeddedQuality: 0.6 };
    const q = (box: FaceBox, quality: number) => ({ box, quality });
    expect(facesNeedingEmbedding([q(at(105), 0.6)], [region])).toEqual([false]);
    expect(facesNeedingEmbedding([q(at(105), 0.65)], [region])).toEqual([false]);
    expect(facesNeedingEmbedding([q(at(105), 0.8)], [region])).toEqual([true]); // best-quality face
    expect(facesNeedingEmbedding([q(at(160), 0.6)], [region])).toEqual([true]); // moved too far
    // Two faces near one region (people crossing): both embedded, so a swap is caught.
    expect(facesNeedingEmbedding([q(at(105), 0.6), q(at(150), 0.6)], [region])).toEqual([true, true]);
    expect(facesNeedingEmbedding([q(at(105), 0.6), q(at(400), 0.6)], [region])).toEqual([false, true]);
    expect(facesNeedingEmbedding([q(at(105), 0.6)], [])).toEqual([true]);
  });

  it('keeps a named track named without embeddings, and asks for a re-check after recheckMs', () => {
    const a = new FrameAnalyzer({ minFacePx: 40, minQuality: 0.2, recheckMs: 2000 }, 'cam:');
    expect(a.embeddingSkipRegions(0)).toEqual([]);
    a.analyze(FRAME, [face(0, at(100))], gallery, 0);
    // Not named yet (one vote): nothing skipped.
    expect(a.embeddingSkipRegions(500)).toEqual([]);
    a.analyze(FRAME, [face(0, at(105))], gallery, 500);
    expect(a.embeddingSkipRegions(1000)).toEqual([{ box: at(105), embeddedQuality: 0.8 }]);
    // Followed without embedding: still ana, with her best similarity so far.
    const r = a.analyze(FRAME, [followed(face(0, at(110)))], gallery, 1000);
    expect(r.recognized).toMatchObject([{ trackId: 'cam:1', identityId: 'ana', cosineSimilarity: 0.9 }]);
    a.analyze(FRAME, [followed(face(0, at(115)))], gallery, 2000);
    expect(a.embeddingSkipRegions(2400)).toHaveLength(1);
    // 2 s after the last embedding the track must be embedded again.
    expect(a.embeddingSkipRegions(2600)).toEqual([]);
    expect(a).toMatchObject({ facesEmbedded: 2, facesSkipped: 2 });
  });

  it('a re-check that finds someone else renames the track (swap), recheckMs 0 never skips', () => {
    const a = new FrameAnalyzer({ minFacePx: 40, minQuality: 0.2 }, 'cam:');
    for (let i = 0; i < 2; i++) a.analyze(FRAME, [face(0, at(100))], gallery, i * 500);
    let last = a.analyze(FRAME, [followed(face(0, at(100)))], gallery, 1000);
    expect(last.recognized[0]?.identityId).toBe('ana');
    // Budi now stands where ana stood: embedded faces vote budi until the consensus turns.
    for (let i = 0; i < 6; i++) last = a.analyze(FRAME, [face(1, at(100))], gallery, 1500 + i * 500);
    expect(last.recognized[0]?.identityId).toBe('budi');
    const never = new FrameAnalyzer({ minFacePx: 40, minQuality: 0.2, recheckMs: 0 });
    for (let i = 0; i < 3; i++) never.analyze(FRAME, [face(0, at(100))], gallery, i * 500);
    expect(never.embeddingSkipRegions(1500)).toEqual([]);
  });
});

describe('RecentFaces', () => {
  it('keeps the newest face per person, bounded, and only for their organization', () => {
    const faces = new RecentFaces(2);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff]);
    const f = (employeeId: string, seenAtMs: number) => ({
      organizationId: 'o1',
      employeeId,
      cameraId: 'c',
      seenAtMs,
      faceJpeg: jpeg,
      frameJpeg: jpeg,
    });
    faces.remember(f('a', 10));
    faces.remember(f('a', 5)); // older: ignored
    faces.remember(f('b', 20));
    faces.remember(f('c', 30)); // over the bound: the least recent (a) goes
    expect(faces.get('o1', 'a')).toBeNull();
    expect(faces.get('o1', 'b')?.seenAtMs).toBe(20);
    expect(faces.get('o2', 'b')).toBeNull();
    expect(faces.size).toBe(2);
  });
});

describe('environment', () => {
  const base = { HADIR_DATA_DIR: '/tmp/x' };
  it('reads execution providers and inference workers, with defaults', () => {
    expect(parseEnv(base, []).HADIR_EXECUTION_PROVIDERS).toEqual(['cpu']);
    expect(parseEnv(base, []).HADIR_INFERENCE_WORKERS).toBeUndefined();
    const env = parseEnv(
      { ...base, HADIR_EXECUTION_PROVIDERS: 'TensorRT, cuda,cpu', HADIR_INFERENCE_WORKERS: '3' },
      [],
    );
    expect(env.HADIR_EXECUTION_PROVIDERS).toEqual(['tensorrt', 'cuda', 'cpu']);
    expect(env.HADIR_INFERENCE_WORKERS).toBe(3);
    expect(() =>
      parseEnv({ ...base, HADIR_EXECUTION_PROVIDERS: 'gpu', HADIR_INFERENCE_WORKERS: '0' }, []),
    ).toThrow(EnvError);
    expect(defaultInferenceWorkers(1)).toBe(1);
    expect(defaultInferenceWorkers(2)).toBe(1);
    expect(defaultInferenceWorkers(16)).toBe(8);
  });
});

const shared = findSharedDir();
const hasModels = fs.existsSync(path.join(shared.modelsDir, 'foamliu_mobilefacenet/MobileFaceNet.onnx'));
const photo = path.join(shared.dataDir, 'faces', 'Colin_Powell', 'Colin_Powell_0001.jpg');
const skipPool = !hasModels ? 'models missing' : !fs.existsSync(photo) ? 'LFW photo missing' : null;
if (skipPool) console.warn(`[skip] inference pool tests: ${skipPool}`);

describe.skipIf(skipPool !== null)('InferencePool with real models', () => {
  it('batches frames that wait into one worker call, with the same faces as one by one; GPU falls back to CPU', async () => {
    const frame = await decodeImage(fs.readFileSync(photo));
    const pool = new InferencePool({
      modelsDir: shared.modelsDir,
      pack: 'mobilefacenet',
      threads: 1,
      workers: 1,
      maxBatchFrames: 4,
      // onnxruntime-node lists CUDA here even without its libraries: the worker must still come up.
      executionProviders: ['cuda', 'cpu'],
    });
    try {
      const info = await pool.ready();
      expect(info.executionProviders).toContain('cpu');
      if (!info.executionProviders.includes('cuda')) expect(info.fallbackReason).toMatch(/cuda/i);
      expect(info.crossFrameBatching).toBe(true);

      const alone = await pool.analyze(frame, 40);
      expect(alone).toHaveLength(1);
      const callsBefore = pool.inferences;
      // Four cameras' frames at once: the first goes straight to the free worker, the rest wait together.
      const batch = await Promise.all([0, 1, 2, 3].map(() => pool.analyze(frame, 40)));
      expect(pool.inferences - callsBefore).toBe(2);
      expect(pool.framesInferred).toBe(5);
      for (const faces of batch) {
        expect(faces).toHaveLength(1);
        const a = alone[0] as InferredFace;
        const b = faces[0] as InferredFace;
        expect(b.box.x).toBeCloseTo(a.box.x, 3);
        const ea = a.embedding as Float32Array;
        const eb = b.embedding as Float32Array;
        let dot = 0;
        for (let i = 0; i < ea.length; i++) dot += (ea[i] ?? 0) * (eb[i] ?? 0);
        expect(dot).toBeGreaterThan(0.999);
      }

      // Embed once per track: a face alone in a named track's region is detected but not embedded,
      // unless it is clearly better than the track's best embedded face.
      const face = alone[0] as InferredFace;
      const region = { box: face.box, embeddedQuality: face.quality };
      const skipped = await pool.analyze(frame, 40, { skipEmbedding: [region] });
      expect(skipped).toHaveLength(1);
      expect(skipped[0]?.embedding).toBeNull();
      expect(skipped[0]?.box.x).toBeCloseTo(face.box.x, 3);
      const better = await pool.analyze(frame, 40, {
        skipEmbedding: [{ ...region, embeddedQuality: face.quality - 0.5 }],
      });
      expect(better[0]?.embedding).not.toBeNull();

      // The frame travels to the worker and back without a copy: same bytes, buffer handed back.
      const owned = Uint8Array.from(frame.data);
      const before = owned.buffer;
      const r = await pool.analyzeOwned({ ...frame, data: owned }, 40);
      expect(before.byteLength).toBe(0); // transferred away
      expect(r.faces).toHaveLength(1);
      expect(Buffer.compare(Buffer.from(r.data), Buffer.from(frame.data))).toBe(0);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
