import { describe, expect, it } from 'vitest';
import { solveAssignment } from './hungarian.js';

function bruteForce(cost: number[][]): number {
  const rows = cost.length;
  const cols = cost[0]?.length ?? 0;
  let best = Infinity;
  const used = new Array<boolean>(cols).fill(false);
  const go = (r: number, acc: number, assigned: number) => {
    if (r === rows) {
      // Maximise the number of pairs first, then minimise cost (same as the solver with forbidden pairs).
      const score = acc - assigned * 1e6;
      best = Math.min(best, score);
      return;
    }
    go(r + 1, acc, assigned);
    for (let c = 0; c < cols; c++) {
      const v = cost[r]?.[c] ?? Infinity;
      if (used[c] || !Number.isFinite(v)) continue;
      used[c] = true;
      go(r + 1, acc + v, assigned + 1);
      used[c] = false;
    }
  };
  go(0, 0, 0);
  return best;
}

function scoreOf(cost: number[][], assignment: number[]): number {
  let acc = 0;
  let n = 0;
  assignment.forEach((c, r) => {
    if (c >= 0) {
      acc += cost[r]?.[c] ?? NaN;
      n++;
    }
  });
  return acc - n * 1e6;
}

describe('solveAssignment', () => {
  it('finds the optimum where greedy would not', () => {
    // Greedy takes (0,0)=1 then (1,1)=10: 11. Optimal is (0,1)+(1,0) = 2+2 = 4.
    expect(
      solveAssignment([
        [1, 2],
        [2, 10],
      ]),
    ).toEqual([1, 0]);
  });

  it('handles rectangles and forbidden pairs', () => {
    expect(solveAssignment([[0.5, 0.1, 0.9]])).toEqual([1]);
    expect(solveAssignment([[0.5], [0.1], [0.9]])).toEqual([-1, 0, -1]);
    expect(
      solveAssignment([
        [Infinity, 0.3],
        [Infinity, 0.2],
      ]),
    ).toEqual([-1, 1]);
    expect(solveAssignment([])).toEqual([]);
    expect(solveAssignment([[], []])).toEqual([-1, -1]);
  });

  it('matches brute force on random matrices', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let k = 0; k < 200; k++) {
      const rows = 1 + Math.floor(rand() * 5);
      const cols = 1 + Math.floor(rand() * 5);
      const cost = Array.from({ length: rows }, () =>
        Array.from({ length: cols }, () => (rand() < 0.2 ? Infinity : Math.round(rand() * 100) / 100)),
      );
      const got = solveAssignment(cost);
      expect(new Set(got.filter((c) => c >= 0)).size).toBe(got.filter((c) => c >= 0).length);
      expect(scoreOf(cost, got)).toBeCloseTo(bruteForce(cost), 6);
    }
  });
});
