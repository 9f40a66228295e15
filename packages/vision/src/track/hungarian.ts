// Minimum-cost assignment (Hungarian / Kuhn-Munkres with potentials, O(n²m)). Pure.

/**
 * For a rows × cols cost matrix, returns for each row the column assigned to it, or -1. Entries that are
 * not finite are forbidden: a row whose only options are forbidden stays unassigned.
 */
export function solveAssignment(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : (cost[0]?.length ?? 0);
  if (rows === 0 || cols === 0) return new Array<number>(rows).fill(-1);
  let maxFinite = 0;
  for (const r of cost)
    for (const c of r) if (Number.isFinite(c)) maxFinite = Math.max(maxFinite, Math.abs(c));
  // Forbidden pairs cost more than any complete assignment of allowed ones, then get dropped.
  const big = (maxFinite + 1) * (Math.max(rows, cols) + 1);
  const at = (r: number, c: number): number => {
    const v = cost[r]?.[c] ?? Infinity;
    return Number.isFinite(v) ? v : big;
  };
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const a = (i: number, j: number): number => (transposed ? at(j, i) : at(i, j));

  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row (1-based) matched to column j
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0] ?? 0;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j] === 1) continue;
        const cur = a(i0 - 1, j - 1) - (u[i0] ?? 0) - (v[j] ?? 0);
        if (cur < (minv[j] ?? Infinity)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] ?? Infinity) < delta) {
          delta = minv[j] ?? Infinity;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j] === 1) {
          const row = p[j] ?? 0;
          u[row] = (u[row] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else {
          minv[j] = (minv[j] ?? 0) - delta;
        }
      }
      j0 = j1;
    } while ((p[j0] ?? 0) !== 0);
    do {
      const j1 = way[j0] ?? 0;
      p[j0] = p[j1] ?? 0;
      j0 = j1;
    } while (j0 !== 0);
  }

  const result = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= m; j++) {
    const i = p[j] ?? 0;
    if (i === 0) continue;
    const row = transposed ? j - 1 : i - 1;
    const col = transposed ? i - 1 : j - 1;
    if (Number.isFinite(cost[row]?.[col] ?? Infinity)) result[row] = col;
  }
  return result;
}
