/**
 * In-memory 1:N matcher for one organisation and one pack. Embeddings live in one contiguous Float32Array
 * (rows × dimension), grown by doubling; rows are unit length so cosine similarity is a dot product.
 * Queries reuse preallocated buffers: a search allocates nothing but its small result.
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

export class Gallery {
  readonly dimension: number;
  private matrix: Float32Array;
  private rowIdentity: Int32Array;
  private rows = 0;
  private readonly identityIds: string[] = [];
  private readonly identityIndex = new Map<string, number>();
  private readonly identityRowCount: number[] = [];
  private freeIdentitySlots: number[] = [];
  private bestPerIdentity: Float32Array;
  private readonly query: Float32Array;
  private readonly scratch: TopK;

  constructor(opts: { dimension: number; initialCapacity?: number }) {
    if (!Number.isInteger(opts.dimension) || opts.dimension < 1)
      throw new RangeError('dimension must be ≥ 1');
    this.dimension = opts.dimension;
    const capacity = Math.max(16, opts.initialCapacity ?? 1024);
    this.matrix = new Float32Array(capacity * this.dimension);
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
    for (let i = 0; i < this.dimension; i++) this.matrix[base + i] = embedding[i]! / norm;
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
   * Best cosine similarity per identity, top `out.k` identities written into `out` (best first).
   * Allocation-free: uses the gallery's scratch buffers and the caller's TopK.
   */
  searchInto(queryEmbedding: ArrayLike<number>, out: TopK): TopK {
    out.count = 0;
    if (this.rows === 0) return out;
    this.loadQuery(queryEmbedding);
    const best = this.bestPerIdentity;
    const nIdentities = this.identityIds.length;
    best.fill(-Infinity, 0, nIdentities);
    const d = this.dimension;
    const m = this.matrix;
    const q = this.query;
    for (let r = 0; r < this.rows; r++) {
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
      const dot = d0 + d1 + d2 + d3;
      const id = this.rowIdentity[r]!;
      if (dot > best[id]!) best[id] = dot;
    }
    const k = out.k;
    for (let id = 0; id < nIdentities; id++) {
      const s = best[id]!;
      if (s === -Infinity) continue;
      if (out.count === k && s <= out.cosineSimilarity[k - 1]!) continue;
      // Insertion into the small sorted list.
      let pos = out.count < k ? out.count++ : k - 1;
      while (pos > 0 && out.cosineSimilarity[pos - 1]! < s) {
        out.cosineSimilarity[pos] = out.cosineSimilarity[pos - 1]!;
        out.identityIndex[pos] = out.identityIndex[pos - 1]!;
        pos--;
      }
      out.cosineSimilarity[pos] = s;
      out.identityIndex[pos] = id;
    }
    return out;
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
    const out = this.searchInto(queryEmbedding, this.scratch);
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
    const margin = opts.margin ?? 0.05;
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
    const ids = new Int32Array(capacity);
    ids.set(this.rowIdentity.subarray(0, this.rows));
    this.rowIdentity = ids;
  }
}
