// The hand-written ONNX graph of a head, loaded into onnxruntime, gives the same answers as predictHead.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { headToOnnx, normalize, predictHead, trainHead, type HeadMethod } from '../index.js';

function cluster(axis: number, n: number, salt: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => {
    const v = new Array<number>(8).fill(0).map((_, k) => Math.sin((i + 1) * (k + 3) * (salt + 1)) * 0.3);
    v[axis] = (v[axis] ?? 0) + 1;
    return normalize(v);
  });
}

describe('head as ONNX', () => {
  const x = [...cluster(0, 10, 1), ...cluster(1, 10, 2), ...cluster(2, 10, 3)];
  const y = x.map((_, i) => Math.floor(i / 10));
  const probe = [...cluster(0, 3, 7), ...cluster(1, 3, 8), ...cluster(2, 3, 9)];

  it.each<HeadMethod>(['centroid', 'logistic', 'mlp'])(
    '%s: onnxruntime agrees with predictHead',
    async (method) => {
      const { weights } = await trainHead({
        method,
        x,
        y,
        classes: 3,
        xVal: probe,
        yVal: probe.map((_, i) => Math.floor(i / 3)),
        params: { epochs: 20, learningRate: 0.05, batchSize: 8, l2: 0, hiddenUnits: 6, seed: 3 },
      });
      const session = await ort.InferenceSession.create(headToOnnx(method, weights));
      const input = new ort.Tensor('float32', Float32Array.from(probe.flatMap((p) => [...p])), [
        probe.length,
        8,
      ]);
      const out = await session.run({ embedding: input });
      const sim = out.centroid_similarity!.data as Float32Array;
      const prob = method === 'centroid' ? null : (out.probabilities!.data as Float32Array);
      expect(session.outputNames.includes('probabilities')).toBe(method !== 'centroid');
      probe.forEach((p, r) => {
        const want = predictHead(method, weights, p);
        const row = [...(prob ?? sim).slice(r * 3, r * 3 + 3)];
        expect(row.indexOf(Math.max(...row))).toBe(want.index);
        expect(sim[r * 3 + want.index]!).toBeCloseTo(want.score, 4);
        if (prob) expect(prob[r * 3 + want.index]!).toBeCloseTo(want.confidence, 4);
      });
    },
  );
});
