/**
 * The percentile every bench reports: nearest rank on an ascending-sorted sample, NaN when empty.
 * One definition, so "p95" means the same thing in every table of docs/benchmarks.md.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
