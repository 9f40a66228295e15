import { loadNativeScan, type NativeScan } from './native-scan.js';

/**
 * In-memory 1:N matcher for one organisation and one pack. Embeddings live in one contiguous Float32Array
 * (rows × dimension), grown by doubling; rows are unit length so cosine similarity is a dot product.
 *
 * Large galleries are searched in two steps, with results identical to the exact scan: an int8 copy of the
 * matrix is scanned in native SIMD code for the top candidate rows, the candidates are rescored exactly in
 * float32, and a bound on the int8 rounding error proves that no row outside the candidates could have
 * beaten the result. When the proof fails (a query whose best scores sit in the rounding noise, e.g. a
 * stranger against 100k people), the search falls back to an exact float32 scan. See docs/PIPELINE.md.
 */

export type GalleryHit = { identityId: string; cosineSimilarity: number };

export type GalleryMatch =
  | { identityId: string; cosineSimilarity: number; secondBest: GalleryHit | null }
  | {
      identityId: null;
      cosineSimilarity: number;
      secondBest: GalleryHit | null;
      reason: 'below_threshold' | 'ambiguous' | 'empty';
    };

export type MatchOptions = {
  /** Minimum cosine similarity for a match (the pack's defaultThreshold). */
  threshold: number;
  /** The best identity must beat the second-best identity by at least this much (default 0.05). */
  margin?: number;
};

/** Reusable top-k output: fill with searchInto(); `count` entries are valid. */
export class TopK {
  readonly identityIndex: Int32Array;
  readonly cosineSimilarity: Float32Array;
  count = 0;
  constructor(readonly k: number) {
    this.identityIndex = new Int32Array(k);
    this.cosineSimilarity = new Float32Array(k);
  }
}

/** How a gallery searches: `auto` (int8 prefilter + exact rescoring when the native scan loads) or `exact`. */
export type GallerySearchStrategy = 'auto' | 'exact';

/** Below this many rows the JavaScript scan is as fast as the native call and its candidate bookkeeping. */
const NATIVE_MIN_ROWS = 2048;
/** Extra candidate rows beyond the ones needed to see k distinct identities (cheap to rescore). */
const EXTRA_CANDIDATES = 32;
/** Float32 rounding in the scores themselves (a few ulps of values ≤ 1, summed over ≤ 1024 terms). */
const FLOAT_SLACK = 1e-5;

/** What the last search did: for the benchmark and for tests. */
export type GallerySearchStats = {
  path: 'js-exact' | 'int8-certified' | 'f32-native' | 'js-fallback';
  candidates: number;
};

export class Gallery {
  readonly dimension: number;
  private matrix: Float32Array;
  /** int8 copy of `matrix` (value × quantScale, rounded and clamped) for the native prefilter. */
  private matrixI8: Int8Array;
  /** Per row: the Euclidean norm of (row − int8 row / quantScale); bounds the prefilter error. */
  private rowResidual: Float32Array;
  /** Max of rowResidual over all rows ever stored (kept on removal: still a valid upper bound). */
  private maxResidual = 0;
  private readonly quantScale: number;
  private readonly queryI8: Int8Array;
  private readonly native: NativeScan | null;
  /** Path and candidate count of the most recent search. */
  readonly lastSearch: GallerySearchStats = { path: 'js-exact', candidates: 0 };
  private rowIdentity: Int32Array;
  private rows = 0;
  private readonly identityIds: string[] = [];
  private readonly identityIndex = new Map<string, number>();
  private readonly identityRowCount: number[] = [];
  private freeIdentitySlots: number[] = [];
  private bestPerIdentity: Float32Array;
  private readonly query: Float32Array;
  private readonly scratch: TopK;

  constructor(opts: { dimension: number; initialCapacity?: number; strategy?: GallerySearchStrategy }) {
    if (!Number.isInteger(opts.dimension) || opts.dimension < 1)
      throw new RangeError('dimension must be ≥ 1');
    this.dimension = opts.dimension;
    const capacity = Math.max(16, opts.initialCapacity ?? 1024);
    this.matrix = new Float32Array(capacity * this.dimension);
    this.matrixI8 = new Int8Array(capacity * this.dimension);
    this.rowResidual = new Float32Array(capacity);
    // Components of a unit vector are about 1/√d; ±6/√d covers nearly all of them, and the rare clamped
    // value only widens that row's residual (the bound stays correct).
    this.quantScale = 127 / Math.min(1, 6 / Math.sqrt(this.dimension));
    this.queryI8 = new Int8Array(this.dimension);
    this.native = (opts.strategy ?? 'auto') === 'auto' ? loadNativeScan() : null;
    this.rowIdentity = new Int32Array(capacity);
    this.bestPerIdentity = new Float32Array(capacity);
    this.query = new Float32Array(this.dimension);
    this.scratch = new TopK(2);
  }

  /** Number of stored embeddings. */
  get size(): number {
    return this.rows;
  }

  get identityCount(): number {
    return this.identityIndex.size;
  }

  /** Adds one enrolment embedding (normalised on the way in). Returns the gallery size. */
  add(identityId: string, embedding: ArrayLike<number>): number {
    if (embedding.length !== this.dimension) {
      throw new RangeError(`embedding has ${embedding.length} values, gallery expects ${this.dimension}`);
    }
    let norm = 0;
    for (let i = 0; i < this.dimension; i++) norm += embedding[i]! * embedding[i]!;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new RangeError('embedding is zero or not finite');
    this.ensureRowCapacity(this.rows + 1);
    const base = this.rows * this.dimension;
    let residual = 0;
    for (let i = 0; i < this.dimension; i++) {
      const v = embedding[i]! / norm;
      this.matrix[base + i] = v;
      const q = quantize(v, this.quantScale);
      this.matrixI8[base + i] = q;
      const e = Math.fround(v) - q / this.quantScale;
      residual += e * e;
    }
    residual = Math.sqrt(residual);
    this.rowResidual[this.rows] = residual;
    if (residual > this.maxResidual) this.maxResidual = residual;
    this.rowIdentity[this.rows] = this.internIdentity(identityId);
    this.rows++;
    return this.rows;
  }

  addMany(identityId: string, embeddings: readonly ArrayLike<number>[]): void {
    for (const e of embeddings) this.add(identityId, e);
  }

  /** Removes every embedding of an identity (erasure, re-enrolment). Returns how many were removed. */
  removeIdentity(identityId: string): number {
    const idx = this.identityIndex.get(identityId);
    if (idx === undefined) return 0;
    let removed = 0;
    for (let r = this.rows - 1; r >= 0; r--) {
      if (this.rowIdentity[r] !== idx) continue;
      // Swap-remove: move the last row into the hole; order does not matter for matching.
      const last = this.rows - 1;
      if (r !== last) {
        this.matrix.copyWithin(r * this.dimension, last * this.dimension, (last + 1) * this.dimension);
        this.matrixI8.copyWithin(r * this.dimension, last * this.dimension, (last + 1) * this.dimension);
        this.rowResidual[r] = this.rowResidual[last]!;
        this.rowIdentity[r] = this.rowIdentity[last]!;
      }
      this.rows--;
      removed++;
    }
    this.identityIndex.delete(identityId);
    this.identityRowCount[idx] = 0;
    this.freeIdentitySlots.push(idx);
    return removed;
  }

  clear(): void {
    this.rows = 0;
    this.maxResidual = 0;
    this.identityIds.length = 0;
    this.identityIndex.clear();
    this.identityRowCount.length = 0;
    this.freeIdentitySlots = [];
  }

  has(identityId: string): boolean {
    return this.identityIndex.has(identityId);
  }

  identityIdAt(index: number): string {
    return this.identityIds[index]!;
  }

  /**
   * Best cosine similarity per identity, top `out.k` identities written into `out` (best first), identical
   * to an exact scan. Identities scoring below `exactAbove` may be left out or reported with a lower
   * score (match() passes threshold − margin, which keeps its decision identical and skips fallbacks for
   * strangers). Allocation-free on the JavaScript path; the native path allocates its small result.
   */
  searchInto(queryEmbedding: ArrayLike<number>, out: TopK, exactAbove = -Infinity): TopK {
    out.count = 0;
    if (this.rows === 0) return out;
    this.loadQuery(queryEmbedding);
    if (this.native && this.rows >= NATIVE_MIN_ROWS) {
      const maxRows = this.maxRowsPerIdentity();
      const candidates = Math.min(this.rows, (out.k - 1) * maxRows + 1 + EXTRA_CANDIDATES);
      if (this.searchInt8(out, candidates, exactAbove)) return out;
      if (this.searchNativeF32(out, candidates, exactAbove)) return out;
      this.lastSearch.path = 'js-fallback';
    } else {
      this.lastSearch.path = 'js-exact';
    }
    this.lastSearch.candidates = this.rows;
    this.scanExact(out);
    return out;
  }

  /** Every row scored in JavaScript: exact, O(rows × dimension). */
  private scanExact(out: TopK): void {
    const best = this.bestPerIdentity;
    const nIdentities = this.identityIds.length;
    best.fill(-Infinity, 0, nIdentities);
    for (let r = 0; r < this.rows; r++) {
      const dot = this.dotRow(r);
      const id = this.rowIdentity[r]!;
      if (dot > best[id]!) best[id] = dot;
    }
    out.count = 0;
    for (let id = 0; id < nIdentities; id++) {
      const s = best[id]!;
      if (s !== -Infinity) pushTopK(out, id, s);
    }
  }

  /** Exact float32 dot product of the loaded query with row `r` (same summation order on every path). */
  private dotRow(r: number): number {
    const d = this.dimension;
    const m = this.matrix;
    const q = this.query;
    const base = r * d;
    // Four accumulators: breaks the add dependency chain, ~2× faster in V8 on 512-d rows.
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let i = 0;
    for (; i + 3 < d; i += 4) {
      d0 += m[base + i]! * q[i]!;
      d1 += m[base + i + 1]! * q[i + 1]!;
      d2 += m[base + i + 2]! * q[i + 2]!;
      d3 += m[base + i + 3]! * q[i + 3]!;
    }
    for (; i < d; i++) d0 += m[base + i]! * q[i]!;
    return d0 + d1 + d2 + d3;
  }

  /**
   * int8 native prefilter, exact rescoring of the candidates. True when the result is proven exact:
   * every row outside the candidates scores at most `bound` (its int8 score plus the rounding error of
   * row and query), and the k-th identity found (or `exactAbove`) is not below that bound.
   */
  private searchInt8(out: TopK, candidates: number, exactAbove: number): boolean {
    const d = this.dimension;
    const s = this.quantScale;
    let queryResidual = 0;
    for (let i = 0; i < d; i++) {
      const q = quantize(this.query[i]!, s);
      this.queryI8[i] = q;
      const e = this.query[i]! - q / s;
      queryResidual += e * e;
    }
    queryResidual = Math.sqrt(queryResidual);
    const { rows, innerProducts } = this.native!.topRows(
      this.matrixI8.subarray(0, this.rows * d),
      this.queryI8,
      d,
      candidates,
    );
    this.rescore(out, rows);
    this.lastSearch.path = 'int8-certified';
    this.lastSearch.candidates = rows.length;
    if (rows.length >= this.rows) return true;
    // |x·q − x̂·q̂/s²| ≤ ‖x − x̂/s‖ + ‖x̂/s‖·‖q − q̂/s‖ ≤ ρ_x + (1 + ρ_x)·ρ_q (x and q unit length).
    const lastApprox = innerProducts[innerProducts.length - 1]! / (s * s);
    const bound = lastApprox + this.maxResidual + (1 + this.maxResidual) * queryResidual + FLOAT_SLACK;
    return this.certified(out, bound, exactAbove);
  }

  /** Exact native float32 scan for the top candidate rows, rescored in JavaScript (same sums as the JS scan). */
  private searchNativeF32(out: TopK, candidates: number, exactAbove: number): boolean {
    const { rows, innerProducts } = this.native!.topRows(
      this.matrix.subarray(0, this.rows * this.dimension),
      this.query,
      this.dimension,
      candidates,
    );
    this.rescore(out, rows);
    this.lastSearch.path = 'f32-native';
    this.lastSearch.candidates = rows.length;
    if (rows.length >= this.rows) return true;
    return this.certified(out, innerProducts[innerProducts.length - 1]! + FLOAT_SLACK, exactAbove);
  }

  private certified(out: TopK, bound: number, exactAbove: number): boolean {
    if (bound < exactAbove) return true;
    return out.count === out.k && out.cosineSimilarity[out.k - 1]! > bound;
  }

  private rescore(out: TopK, rows: BigUint64Array): void {
    out.count = 0;
    const best = this.bestPerIdentity;
    // Reset only the identities touched, then keep each identity's best candidate row.
    for (let i = 0; i < rows.length; i++) best[this.rowIdentity[Number(rows[i])]!] = -Infinity;
    for (let i = 0; i < rows.length; i++) {
      const r = Number(rows[i]);
      const dot = this.dotRow(r);
      const id = this.rowIdentity[r]!;
      if (dot > best[id]!) best[id] = dot;
    }
    for (let i = 0; i < rows.length; i++) {
      const id = this.rowIdentity[Number(rows[i])]!;
      const score = best[id]!;
      if (score === -Infinity) continue;
      pushTopK(out, id, score);
      best[id] = -Infinity; // each identity once
    }
  }

  private maxRowsPerIdentity(): number {
    let max = 1;
    for (const idx of this.identityIndex.values()) max = Math.max(max, this.identityRowCount[idx] ?? 0);
    return max;
  }

  /** Top-k identities by best cosine similarity (convenience; allocates the result array). */
  search(queryEmbedding: ArrayLike<number>, k: number): GalleryHit[] {
    const out = this.searchInto(queryEmbedding, k <= 2 ? this.scratch : new TopK(k));
    const hits: GalleryHit[] = [];
    for (let i = 0; i < Math.min(out.count, k); i++) {
      hits.push({
        identityId: this.identityIds[out.identityIndex[i]!]!,
        cosineSimilarity: out.cosineSimilarity[i]!,
      });
    }
    return hits;
  }

  /**
   * The identity for a face, or unknown: the best identity must reach `threshold` and lead the second-best
   * identity by `margin`, so two look-alike employees are never confused silently.
   */
  match(queryEmbedding: ArrayLike<number>, opts: MatchOptions): GalleryMatch {
    const margin = opts.margin ?? 0.05;
    // Identities below threshold − margin can change neither the match nor the ambiguity decision.
    const out = this.searchInto(queryEmbedding, this.scratch, opts.threshold - margin);
    if (out.count === 0) return { identityId: null, cosineSimilarity: -1, secondBest: null, reason: 'empty' };
    const bestScore = out.cosineSimilarity[0]!;
    const bestId = this.identityIds[out.identityIndex[0]!]!;
    const secondBest: GalleryHit | null =
      out.count > 1
        ? { identityId: this.identityIds[out.identityIndex[1]!]!, cosineSimilarity: out.cosineSimilarity[1]! }
        : null;
    if (bestScore < opts.threshold) {
      return { identityId: null, cosineSimilarity: bestScore, secondBest, reason: 'below_threshold' };
    }
    if (secondBest && bestScore - secondBest.cosineSimilarity < margin) {
      return { identityId: null, cosineSimilarity: bestScore, secondBest, reason: 'ambiguous' };
    }
    return { identityId: bestId, cosineSimilarity: bestScore, secondBest };
  }

  private loadQuery(v: ArrayLike<number>): void {
    if (v.length !== this.dimension)
      throw new RangeError(`query has ${v.length} values, gallery expects ${this.dimension}`);
    let norm = 0;
    for (let i = 0; i < this.dimension; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < this.dimension; i++) this.query[i] = v[i]! / norm;
  }

  private internIdentity(identityId: string): number {
    let idx = this.identityIndex.get(identityId);
    if (idx === undefined) {
      idx = this.freeIdentitySlots.pop() ?? this.identityIds.length;
      this.identityIds[idx] = identityId;
      this.identityIndex.set(identityId, idx);
      this.identityRowCount[idx] = 0;
      if (idx >= this.bestPerIdentity.length) {
        const grown = new Float32Array(this.bestPerIdentity.length * 2);
        this.bestPerIdentity = grown;
      }
    }
    this.identityRowCount[idx] = (this.identityRowCount[idx] ?? 0) + 1;
    return idx;
  }

  private ensureRowCapacity(rows: number): void {
    if (rows <= this.rowIdentity.length) return;
    let capacity = this.rowIdentity.length;
    while (capacity < rows) capacity *= 2;
    const matrix = new Float32Array(capacity * this.dimension);
    matrix.set(this.matrix.subarray(0, this.rows * this.dimension));
    this.matrix = matrix;
    const matrixI8 = new Int8Array(capacity * this.dimension);
    matrixI8.set(this.matrixI8.subarray(0, this.rows * this.dimension));
    this.matrixI8 = matrixI8;
    const residual = new Float32Array(capacity);
    residual.set(this.rowResidual.subarray(0, this.rows));
    this.rowResidual = residual;
    const ids = new Int32Array(capacity);
    ids.set(this.rowIdentity.subarray(0, this.rows));
    this.rowIdentity = ids;
  }
}

function quantize(v: number, scale: number): number {
  const q = Math.round(v * scale);
  return q > 127 ? 127 : q < -127 ? -127 : q;
}

/** Insertion into the small sorted top-k list (best first). */
function pushTopK(out: TopK, id: number, s: number): void {
  const k = out.k;
  if (out.count === k && s <= out.cosineSimilarity[k - 1]!) return;
  let pos = out.count < k ? out.count++ : k - 1;
  while (pos > 0 && out.cosineSimilarity[pos - 1]! < s) {
    out.cosineSimilarity[pos] = out.cosineSimilarity[pos - 1]!;
    out.identityIndex[pos] = out.identityIndex[pos - 1]!;
    pos--;
  }
  out.cosineSimilarity[pos] = s;
  out.identityIndex[pos] = id;
}
