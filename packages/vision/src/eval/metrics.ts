/** Verification metrics on scored pairs (higher score = more alike). Pure functions, exact, no sampling. */

export type ScoredPair = { score: number; same: boolean; fold: number };

/** Accuracy of "same iff score ≥ threshold". */
export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  if (pairs.length === 0) return 0;
  let correct = 0;
  for (const p of pairs) if (p.score >= threshold === p.same) correct++;
  return correct / pairs.length;
}

/**
 * The threshold with the best accuracy on `pairs`. Candidates are the midpoints between consecutive
 * distinct scores (plus both ends), which covers every distinct decision; ties prefer the lower threshold.
 */
export function bestThreshold(pairs: readonly ScoredPair[]): { threshold: number; accuracy: number } {
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  const n = sorted.length;
  if (n === 0) return { threshold: 0, accuracy: 0 };
  // Threshold below everything: all predicted same → correct = #same.
  let correct = sorted.filter((p) => p.same).length;
  let bestCorrect = correct;
  let best = sorted[0]!.score - 1e-6;
  for (let i = 0; i < n; i++) {
    // Moving the threshold above sorted[i] flips it to "different".
    correct += sorted[i]!.same ? -1 : 1;
    const next = sorted[i + 1];
    if (next && next.score === sorted[i]!.score) continue;
    const t = next ? (sorted[i]!.score + next.score) / 2 : sorted[i]!.score + 1e-6;
    if (correct > bestCorrect) {
      bestCorrect = correct;
      best = t;
    }
  }
  return { threshold: best, accuracy: bestCorrect / n };
}

export type FoldAccuracy = {
  /** Mean of the per-fold test accuracies. */
  accuracy: number;
  /** Population standard deviation over folds (as the LFW/InsightFace reporting code does, numpy's std). */
  accuracyStd: number;
  foldAccuracies: number[];
  foldThresholds: number[];
  meanThreshold: number;
};

/**
 * LFW View-2 protocol: for each fold, choose the best threshold on the other folds and measure accuracy on
 * that fold; report the mean and standard deviation over folds.
 */
export function foldAccuracy(pairs: readonly ScoredPair[]): FoldAccuracy {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const foldAccuracies: number[] = [];
  const foldThresholds: number[] = [];
  for (const f of folds) {
    const train = pairs.filter((p) => p.fold !== f);
    const test = pairs.filter((p) => p.fold === f);
    const { threshold } = bestThreshold(train.length > 0 ? train : test);
    foldThresholds.push(threshold);
    foldAccuracies.push(accuracyAt(test, threshold));
  }
  const mean = foldAccuracies.reduce((s, a) => s + a, 0) / (foldAccuracies.length || 1);
  const variance = foldAccuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / (foldAccuracies.length || 1);
  return {
    accuracy: mean,
    accuracyStd: Math.sqrt(variance),
    foldAccuracies,
    foldThresholds,
    meanThreshold: foldThresholds.reduce((s, t) => s + t, 0) / (foldThresholds.length || 1),
  };
}

/**
 * True-accept rate at a false-accept rate: with I impostor scores, at most floor(far·I) impostors may score
 * above the threshold. The threshold is the (floor(far·I)+1)-th highest impostor score and a pair is
 * accepted when its score is strictly above it, so the achieved FAR never exceeds `far`.
 */
export function tarAtFar(
  pairs: readonly ScoredPair[],
  far: number,
): { tar: number; threshold: number; far: number } {
  const impostors = pairs
    .filter((p) => !p.same)
    .map((p) => p.score)
    .sort((a, b) => b - a);
  const genuine = pairs.filter((p) => p.same).map((p) => p.score);
  if (impostors.length === 0 || genuine.length === 0) return { tar: 0, threshold: 0, far: 0 };
  const allowed = Math.floor(far * impostors.length + 1e-9);
  const threshold = allowed >= impostors.length ? -Infinity : impostors[allowed]!;
  const accepted = genuine.filter((s) => s > threshold).length;
  const falseAccepts = impostors.filter((s) => s > threshold).length;
  return { tar: accepted / genuine.length, threshold, far: falseAccepts / impostors.length };
}

/** Area under the ROC curve = P(genuine score > impostor score), ties counted half (Mann–Whitney U). */
export function rocAuc(pairs: readonly ScoredPair[]): number {
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  const nPos = sorted.filter((p) => p.same).length;
  const nNeg = sorted.length - nPos;
  if (nPos === 0 || nNeg === 0) return 0;
  let rankSumPos = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.score === sorted[i]!.score) j++;
    const avgRank = (i + j + 2) / 2; // ranks are 1-based
    for (let k = i; k <= j; k++) if (sorted[k]!.same) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
