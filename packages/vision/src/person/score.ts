// Scores predicted persons' ranges against a hand-made ground truth. Pure.

export type Ranges = readonly (readonly [number, number])[];

function overlap(a: Ranges, b: Ranges, tol = 0): number {
  let s = 0;
  for (const [a0, a1] of a)
    for (const [b0, b1] of b) s += Math.max(0, Math.min(a1, b1 + tol) - Math.max(a0, b0 - tol));
  return s;
}

function total(r: Ranges): number {
  return r.reduce((s, [a, b]) => s + Math.max(0, b - a), 0);
}

export interface TrackerScore {
  /** Σ over truth persons of the time covered by their best-matching predicted person ÷ Σ truth time. */
  rangeRecall: number;
  /** Σ over predicted persons of time overlapping their best truth person ÷ Σ predicted time. */
  rangePrecision: number;
  /** Truth persons split over more than one predicted person (extra pieces counted). */
  fragmentations: number;
  /** Predicted persons that cover more than one truth person (extra identities counted). */
  merges: number;
  /** fragmentations + merges. */
  identitySwitches: number;
  /** Predicted persons that match no truth person at all. */
  falsePersons: number;
}

/**
 * A predicted person "covers" a truth person when they overlap at least `minOverlapSec` (or half the
 * truth duration, whichever is smaller). `toleranceSec` widens truth ranges for the annotation's coarseness.
 */
export function scoreTracker(
  truth: readonly Ranges[],
  predicted: readonly Ranges[],
  o: {
    toleranceSec?: number;
    minOverlapSec?: number;
    /** Where people share the same time (all on screen together), where each is: normalised centre x. */
    truthCx?: readonly (number | undefined)[];
    predictedCx?: readonly number[];
    cxTolerance?: number;
  } = {},
): TrackerScore {
  const tol = o.toleranceSec ?? 0;
  const minOv = o.minOverlapSec ?? 1;
  const ov = truth.map((t) => predicted.map((p) => overlap(t, p)));
  const near = (ti: number, pi: number): boolean => {
    const t = o.truthCx?.[ti];
    const p = o.predictedCx?.[pi];
    return t === undefined || p === undefined || Math.abs(t - p) <= (o.cxTolerance ?? 0.12);
  };
  const covers = (ti: number, pi: number): boolean =>
    near(ti, pi) && overlap(truth[ti]!, predicted[pi]!, tol) >= Math.min(minOv, total(truth[ti]!) / 2);
  let matched = 0;
  let fragmentations = 0;
  truth.forEach((t, ti) => {
    matched += Math.max(0, ...ov[ti]!.map((v, pi) => (near(ti, pi) ? v : 0)));
    const n = predicted.filter((_, pi) => covers(ti, pi)).length;
    if (n > 1) fragmentations += n - 1;
  });
  let precise = 0;
  let merges = 0;
  let falsePersons = 0;
  predicted.forEach((p, pi) => {
    precise += Math.max(0, ...truth.map((t, ti) => (near(ti, pi) ? overlap(t, p, tol) : 0)));
    const n = truth.filter((_, ti) => covers(ti, pi)).length;
    if (n > 1) merges += n - 1;
    if (n === 0) falsePersons++;
  });
  const truthTime = truth.reduce((s, r) => s + total(r), 0);
  const predTime = predicted.reduce((s, r) => s + total(r), 0);
  return {
    rangeRecall: truthTime > 0 ? Math.min(1, matched / truthTime) : 1,
    rangePrecision: predTime > 0 ? Math.min(1, precise / predTime) : 1,
    fragmentations,
    merges,
    identitySwitches: fragmentations + merges,
    falsePersons,
  };
}
