import { createRequire } from 'node:module';

/**
 * Brute-force top-k inner-product scan in native SIMD code (usearch's `exactSearch`, one thread). It is an
 * exact scan, not an approximate index: HNSW indexes missed the right identity 30–44 % of the time at
 * 100k identities, which is not acceptable for attendance. Loaded lazily and optionally: when the
 * prebuilt addon is missing for this platform the gallery falls back to its JavaScript scan.
 */
export type NativeScan = {
  /**
   * Rows of `matrix` (row-major, `dimension` wide) with the largest inner product with `query`, best
   * first. Returns row indexes and the inner products (as floats; for Int8Array inputs the exact integer).
   */
  topRows(
    matrix: Float32Array | Int8Array,
    query: Float32Array | Int8Array,
    dimension: number,
    count: number,
  ): { rows: BigUint64Array; innerProducts: Float32Array };
};

type UsearchModule = {
  exactSearch: (
    dataset: Float32Array | Int8Array,
    queries: Float32Array | Int8Array,
    dimensions: number,
    count: number,
    metric: string,
    threads?: number,
  ) => { keys: BigUint64Array; distances: Float32Array };
};

let cached: NativeScan | null | undefined;

/** The native scan, or null when the addon cannot load here (or HADIR_GALLERY_NATIVE=0 disables it). */
export function loadNativeScan(): NativeScan | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.env.HADIR_GALLERY_NATIVE === '0') return cached;
  try {
    const require = createRequire(import.meta.url);
    const usearch = require('usearch') as UsearchModule;
    cached = {
      topRows(matrix, query, dimension, count) {
        // One thread: the pipeline already runs one worker per core; 'ip' distance is 1 − inner product.
        const r = usearch.exactSearch(matrix, query, dimension, count, 'ip', 1);
        const innerProducts = r.distances;
        for (let i = 0; i < innerProducts.length; i++) innerProducts[i] = 1 - innerProducts[i]!;
        return { rows: r.keys, innerProducts };
      },
    };
  } catch {
    cached = null;
  }
  return cached;
}
