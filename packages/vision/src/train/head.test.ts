// Small tier: the head maths on hand-made vectors (the real-face tier is apps/server/test/datasets.test.ts).
import { describe, expect, it } from 'vitest';
import { evaluateHead, normalize, predictHead, thresholdForFar, trainHead } from '../index.js';

/** Three well-separated directions in 8-d with a little deterministic noise. */
function cluster(axis: number, n: number, salt: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => {
    const v = new Array<number>(8).fill(0).map((_, k) => Math.sin((i + 1) * (k + 3) * (salt + 1)) * 0.25);
    v[axis] = (v[axis] ?? 0) + 1;
    return normalize(v);
  });
}

describe('classifier heads', () => {
  const x = [...cluster(0, 12, 1), ...cluster(1, 12, 2), ...cluster(2, 12, 3)];
  const y = x.map((_, i) => Math.floor(i / 12));
  const xVal = [...cluster(0, 4, 7), ...cluster(1, 4, 8), ...cluster(2, 4, 9)];
  const yVal = xVal.map((_, i) => Math.floor(i / 4));
  const params = { epochs: 30, learningRate: 0.05, batchSize: 8, l2: 0, hiddenUnits: 16, seed: 3 };

  it('threshold accepts at most the target share of unknown scores', () => {
    const s = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    const t = thresholdForFar(s, 0.1);
    expect(s.filter((v) => v >= t).length).toBe(1);
    expect(s.filter((v) => v >= thresholdForFar(s, 0)).length).toBe(0);
  });

  for (const method of ['centroid', 'logistic', 'mlp'] as const) {
    it(`${method}: learns separable classes, reports every epoch, metrics add up`, async () => {
      const epochs: number[] = [];
      const { weights } = await trainHead({
        method,
        classes: 3,
        x,
        y,
        xVal,
        yVal,
        params,
        onEpoch: (r) => void epochs.push(r.epoch),
      });
      expect(epochs.length).toBe(method === 'centroid' ? 1 : 30);
      expect(predictHead(method, weights, xVal[0]!).index).toBe(0);
      const m = evaluateHead(method, weights, xVal, yVal, ['A', 'B', 'C'], 0.1);
      expect(m.accuracy).toBe(1);
      expect(m.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12);
      expect(m.perClass.map((c) => c.recall)).toEqual([1, 1, 1]);
      expect(m.openSet.far).toBeLessThanOrEqual(0.1);
      expect(m.openSet.unknownSamples).toBe(12);
    });
  }

  it('stops when asked', async () => {
    let n = 0;
    const r = await trainHead({
      method: 'logistic',
      classes: 3,
      x,
      y,
      xVal,
      yVal,
      params,
      onEpoch: () => void n++,
      shouldStop: () => n >= 3,
    });
    expect(r.stopped).toBe(true);
    expect(n).toBe(3);
  });
});
