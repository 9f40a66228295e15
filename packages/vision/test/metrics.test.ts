import { describe, expect, it } from 'vitest';
import { accuracyAt, bestThreshold, foldAccuracy, rocAuc, tarAtFar, type ScoredPair } from '../src/index.js';

const pair = (score: number, same: boolean, fold = 0): ScoredPair => ({ score, same, fold });

describe('verification metrics', () => {
  it('best threshold separates perfectly separable scores at the gap midpoint', () => {
    const pairs = [pair(0.1, false), pair(0.2, false), pair(0.6, true), pair(0.9, true)];
    const { threshold, accuracy } = bestThreshold(pairs);
    expect(threshold).toBeCloseTo(0.4, 9);
    expect(accuracy).toBe(1);
    expect(accuracyAt(pairs, 0.65)).toBe(0.75);
  });

  it('fold accuracy picks each fold threshold on the other folds', () => {
    // Folds 0 and 1 separate at 0.5; fold 2 has its positives at 0.45 — a threshold learnt on folds 0+1
    // (midpoint 0.5) gets fold 2 half wrong.
    const pairs = [
      pair(0.3, false, 0),
      pair(0.7, true, 0),
      pair(0.3, false, 1),
      pair(0.7, true, 1),
      pair(0.2, false, 2),
      pair(0.45, true, 2),
    ];
    const r = foldAccuracy(pairs);
    expect(r.foldAccuracies[2]).toBe(0.5);
    // Fold 0 is tested with a threshold learnt on folds 1+2: any t in (0.3, 0.45] separates those; chosen
    // midpoint is (0.3 + 0.45)/2 = 0.375 → fold 0 fully right.
    expect(r.foldAccuracies[0]).toBe(1);
    expect(r.accuracy).toBeCloseTo((1 + 1 + 0.5) / 3, 9);
    expect(r.accuracyStd).toBeCloseTo(Math.sqrt(((1 / 6) ** 2 * 2 + (1 / 3) ** 2) / 3), 9);
  });

  it('TAR at FAR never lets more impostors through than allowed', () => {
    // 1000 impostors at 0.000..0.999, genuines at 0.5..0.99.
    const pairs: ScoredPair[] = [];
    for (let i = 0; i < 1000; i++) pairs.push(pair(i / 1000, false));
    for (let i = 0; i < 50; i++) pairs.push(pair(0.5 + i / 100, true));
    const r = tarAtFar(pairs, 1e-2); // 10 impostors allowed: threshold = 11th highest = 0.989
    expect(r.threshold).toBeCloseTo(0.989, 9);
    expect(r.far).toBeLessThanOrEqual(1e-2);
    expect(r.tar).toBeCloseTo(1 / 50, 9); // only 0.99 > 0.989
    const r3 = tarAtFar(pairs, 1e-3); // 1 allowed: threshold = 0.998
    expect(r3.threshold).toBeCloseTo(0.998, 9);
  });

  it('AUC is 1 for separable scores, 0.5 for identical ones, and counts ties half', () => {
    expect(rocAuc([pair(0.1, false), pair(0.9, true)])).toBe(1);
    expect(rocAuc([pair(0.5, false), pair(0.5, true)])).toBe(0.5);
    // positives {0.4, 0.8}, negatives {0.2, 0.6}: wins = (0.4>0.2) + (0.8>0.2) + (0.8>0.6) = 3 of 4
    expect(rocAuc([pair(0.4, true), pair(0.8, true), pair(0.2, false), pair(0.6, false)])).toBe(0.75);
  });
});
