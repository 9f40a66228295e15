import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gallery, TopK, decodeImage, loadFaceEngine, type FaceEngine } from '../src/index.js';
import { dataDir, hasData, hasMobileFaceNet, hasModels, modelsDir } from './fixtures.js';

const ready = hasModels && hasMobileFaceNet && hasData;

/** The embedding of the largest face in an LFW photo (the labelled person is the central, largest face). */
async function embedLargestFace(engine: FaceEngine, file: string): Promise<Float32Array | null> {
  const frame = await decodeImage(await readFile(file));
  const faces = await engine.analyze(frame);
  if (faces.length === 0) return null;
  const area = (f: (typeof faces)[number]) => f.box.width * f.box.height;
  return faces.reduce((a, b) => (area(b) > area(a) ? b : a)).embedding;
}

describe.skipIf(!ready)('Gallery prefilter on real embeddings (LFW, SCRFD + MobileFaceNet)', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = await loadFaceEngine({ modelsDir, pack: 'mobilefacenet' });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('finds the same identity and score as the exact scan for every query', async () => {
    const people = (await readdir(path.join(dataDir, 'faces'))).sort();
    const enrolled: { id: string; embedding: Float32Array }[] = [];
    const queries: { id: string; embedding: Float32Array }[] = [];
    for (const person of people) {
      if (enrolled.length >= 70) break;
      const files = (await readdir(path.join(dataDir, 'faces', person))).sort();
      if (files.length < 2) continue;
      const a = await embedLargestFace(engine, path.join(dataDir, 'faces', person, files[0]!));
      const b = await embedLargestFace(engine, path.join(dataDir, 'faces', person, files[1]!));
      if (!a || !b) continue;
      enrolled.push({ id: person, embedding: a });
      queries.push({ id: person, embedding: b });
    }
    expect(enrolled.length).toBeGreaterThan(60);
    const dim = enrolled[0]!.embedding.length;
    const fast = new Gallery({ dimension: dim });
    const exact = new Gallery({ dimension: dim, strategy: 'exact' });
    for (const e of enrolled) {
      fast.add(e.id, e.embedding);
      exact.add(e.id, e.embedding);
    }
    // Pad past the native threshold with distractors shaped like real embeddings: each is a real
    // embedding with its components shuffled (same value distribution, a different "person").
    let seed = 12345;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
    for (let i = 0; fast.size < 6000; i++) {
      const v = Float32Array.from(enrolled[i % enrolled.length]!.embedding);
      for (let j = v.length - 1; j > 0; j--) {
        const k = Math.floor(rand() * (j + 1));
        [v[j], v[k]] = [v[k]!, v[j]!];
      }
      fast.add(`distractor${i}`, v);
      exact.add(`distractor${i}`, v);
    }
    const a = new TopK(2);
    const b = new TopK(2);
    let native = 0;
    let correct = 0;
    for (const q of [...queries, ...enrolled]) {
      fast.searchInto(q.embedding, a);
      if (fast.lastSearch.path !== 'js-exact') native++;
      exact.searchInto(q.embedding, b);
      expect(fast.identityIdAt(a.identityIndex[0]!)).toBe(exact.identityIdAt(b.identityIndex[0]!));
      expect(a.cosineSimilarity[0]).toBe(b.cosineSimilarity[0]);
      expect(fast.identityIdAt(a.identityIndex[1]!)).toBe(exact.identityIdAt(b.identityIndex[1]!));
      if (fast.identityIdAt(a.identityIndex[0]!) === q.id) correct++;
    }
    expect(native).toBe(queries.length + enrolled.length);
    // Sanity that these are real, discriminative embeddings (LFW second photo finds the person).
    expect(correct / (queries.length + enrolled.length)).toBeGreaterThan(0.8);
  }, 300_000);
});
