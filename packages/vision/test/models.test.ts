import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARCFACE_TEMPLATE_112,
  alignFace,
  applyAffine,
  estimateSimilarity,
  cosineSimilarity,
  decodeImage,
  embedAlignedCrops,
  enrolFromImages,
  iou,
  loadFaceEngine,
  resizeFrame,
  runEvaluation,
  type FaceBox,
  type FaceEngine,
  type RgbFrame,
} from '../src/index.js';
import { dataDir, hasData, hasMobileFaceNet, hasModels, modelsDir } from './fixtures.js';

const ready = hasModels && hasMobileFaceNet && hasData;
const groups = (f: string) => path.join(dataDir, 'groups', f);
const load = async (file: string) => decodeImage(await readFile(file));

describe.skipIf(!ready)('SCRFD + MobileFaceNet on real faces', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = await loadFaceEngine({ modelsDir, pack: 'mobilefacenet' });
  });
  afterAll(async () => engine?.close());

  it('finds every face of the counted group photos, one per nose point, none in the landscape', async () => {
    const rows = (await readFile(groups('face_counts.csv'), 'utf8')).trim().split('\n').slice(1);
    for (const row of rows) {
      const [file, count, noses] = row.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
      const faces = await engine.detect(await load(groups(file!)));
      expect(faces.length, file).toBe(Number(count));
      const points = noses!
        .replaceAll('"', '')
        .split(';')
        .filter(Boolean)
        .map((p) => p.trim().split(' ').map(Number));
      for (const [x, y] of points) {
        const inside = faces.some(
          (f) =>
            x! >= f.box.x && x! <= f.box.x + f.box.width && y! >= f.box.y && y! <= f.box.y + f.box.height,
        );
        expect(inside, `${file} nose ${x},${y}`).toBe(true);
      }
    }
  });

  it('matches the annotated boxes of training.xml (IoU ≥ 0.4), small faces included', async () => {
    const xml = await readFile(groups('training.xml'), 'utf8');
    for (const m of xml.matchAll(/<image file='([^']+)'[^>]*>([\s\S]*?)<\/image>/g)) {
      const truth: FaceBox[] = [
        ...m[2]!.matchAll(/top='(\d+)' left='(\d+)' width='(\d+)' height='(\d+)'/g),
      ].map((b) => ({
        x: Number(b[2]),
        y: Number(b[1]),
        width: Number(b[3]),
        height: Number(b[4]),
      }));
      const faces = await engine.detect(await load(groups(m[1]!)));
      expect(faces.length, m[1]).toBe(truth.length);
      for (const t of truth)
        expect(Math.max(...faces.map((f) => iou(t, f.box))), m[1]).toBeGreaterThanOrEqual(0.4);
    }
  });

  it('alignment puts the landmarks on the ArcFace template (checked by detecting again on the crop)', async () => {
    const frame = await load(groups('bbt4.jpg'));
    const faces = await engine.detect(frame);
    expect(faces.length).toBe(6);
    const errorsPx: number[] = [];
    for (const face of faces) {
      const crop = alignFace(frame, face.landmarks);
      // Put the crop in the middle of a 224×224 canvas so the detector sees the whole face.
      const canvas: RgbFrame = { width: 224, height: 224, data: new Uint8Array(224 * 224 * 3) };
      for (let y = 0; y < 112; y++)
        canvas.data.set(crop.data.subarray(y * 336, (y + 1) * 336), ((y + 56) * 224 + 56) * 3);
      const again = await engine.detect(canvas, { minScore: 0.3 });
      expect(again.length).toBeGreaterThanOrEqual(1);
      // Where the transform sends each landmark (the template up to the least-squares fit residual).
      const m = estimateSimilarity(face.landmarks, ARCFACE_TEMPLATE_112);
      const expected = face.landmarks.map((p) => applyAffine(m, p));
      const fitResidualPx =
        expected.reduce(
          (s, [x, y], i) => s + Math.hypot(x - ARCFACE_TEMPLATE_112[i]![0], y - ARCFACE_TEMPLATE_112[i]![1]),
          0,
        ) / 5;
      expect(fitResidualPx).toBeLessThan(6);
      const lm = again[0]!.landmarks;
      errorsPx.push(
        lm.reduce((s, [x, y], i) => s + Math.hypot(x - 56 - expected[i]![0], y - 56 - expected[i]![1]), 0) /
          5,
      );
    }
    // Detector landmarks are noisy by a few pixels, so check the average and bound each face.
    expect(errorsPx.reduce((a, b) => a + b, 0) / errorsPx.length).toBeLessThan(3);
    for (const e of errorsPx) expect(e).toBeLessThan(5);
  });

  it('reaches MobileFaceNet accuracy on a 100-pair LFW subset (full 3000-pair run: see CONTEXT.md)', async () => {
    const report = await runEvaluation({
      engine,
      facesDir: path.join(dataDir, 'faces'),
      pairsFile: path.join(dataDir, 'pairs.txt'),
      maxPairsPerFold: 10,
      rank1: false,
    });
    expect(report.pairs).toBe(100);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.auc).toBeGreaterThan(0.98);
  }, 120_000);

  it('enrols a clear single face, refuses group photos, empty scenes and tiny faces', async () => {
    const known = await load(path.join(dataDir, 'known_people', 'sheldon', 'sheldon1.png'));
    const group = await load(groups('bbt4.jpg'));
    const landscape = await load(groups('017_0.jpg'));
    const tiny = await resizeFrame(known, 40, 40);
    const results = await enrolFromImages(engine, [known, group, landscape, tiny], {
      keepAlignedCrops: true,
      minFacePx: 48,
    });
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, code: 'several_faces' });
    expect(results[2]).toMatchObject({ ok: false, code: 'no_face' });
    expect(results[3]!.ok).toBe(false);
    const first = results[0]!;
    if (!first.ok) throw new Error('unreachable');
    expect(first.embeddings[0]!.length).toBe(128);
    // Re-embedding the stored aligned crop (JPEG) gives nearly the same vector.
    const [again] = await embedAlignedCrops(engine, first.alignedCropsJpeg!);
    expect(cosineSimilarity(again!, first.embeddings[0]!)).toBeGreaterThan(0.9);
    // And another photo of the same person is closer than a different person.
    const same = await enrolFromImages(engine, [
      await load(path.join(dataDir, 'known_people', 'sheldon', 'sheldon2.png')),
    ]);
    const other = await enrolFromImages(engine, [
      await load(path.join(dataDir, 'known_people', 'penny', 'penny1.png')),
    ]);
    if (!same[0]!.ok || !other[0]!.ok) throw new Error('enrolment of known_people failed');
    expect(cosineSimilarity(first.embeddings[0]!, same[0]!.embeddings[0]!)).toBeGreaterThan(
      cosineSimilarity(first.embeddings[0]!, other[0]!.embeddings[0]!),
    );
  });
});

describe.skipIf(!hasModels || !hasData)('face-api (npm-shipped) engine on real faces', () => {
  it('face-api detector finds the six faces of bbt4', async () => {
    const engine = await loadFaceEngine({ modelsDir, pack: 'faceapi' });
    try {
      const faces = await engine.detect(await load(groups('bbt4.jpg')));
      expect(faces.length).toBe(6);
      const [embedding] = await engine.embed(await load(groups('bbt4.jpg')), [faces[0]!]);
      expect(embedding!.length).toBe(128);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('face-api recognizer (SCRFD-aligned dlib chip) verifies a 50-pair LFW subset', async () => {
    const engine = await loadFaceEngine({ modelsDir, pack: 'scrfd_faceapi', flipAugment: false });
    try {
      const report = await runEvaluation({
        engine,
        facesDir: path.join(dataDir, 'faces'),
        pairsFile: path.join(dataDir, 'pairs.txt'),
        maxPairsPerFold: 5,
        rank1: false,
      });
      expect(report.pairs).toBe(50);
      expect(report.accuracy).toBeGreaterThanOrEqual(0.92);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
