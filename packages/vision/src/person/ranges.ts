// Appearance ranges and person grouping from tracks. Pure.
import { cosineSimilarity, l2Normalize } from '../recognize/vector.js';

export interface AppearanceRange {
  startSec: number;
  endSec: number;
  /** Source-video frame numbers (at the video's own frame rate). */
  startFrame: number;
  endFrame: number;
}

export interface RangeOptions {
  /** Gaps up to this many seconds between sightings are bridged (the person was just missed). */
  maxGapSec: number;
  /** Each sighting covers this long after it (one analysed interval), so one sighting is not 0 s. */
  sampleIntervalSec: number;
  /** Source frame rate, for frame numbers. */
  videoFps: number;
  /** Clamp ends to the video's duration. */
  durationSec?: number;
}

/** Sighting times (seconds, any order) → merged ranges, sorted by start. */
export function buildRanges(times: readonly number[], o: RangeOptions): AppearanceRange[] {
  const sorted = [...times].sort((a, b) => a - b);
  const out: AppearanceRange[] = [];
  let start = NaN;
  let end = NaN;
  const flush = (): void => {
    if (Number.isNaN(start)) return;
    const endSec = o.durationSec === undefined ? end : Math.min(o.durationSec, end);
    out.push({
      startSec: round3(start),
      endSec: round3(endSec),
      startFrame: Math.round(start * o.videoFps),
      endFrame: Math.max(Math.round(start * o.videoFps), Math.round(endSec * o.videoFps) - 1),
    });
  };
  for (const t of sorted) {
    if (!Number.isNaN(end) && t <= end + o.maxGapSec) {
      end = Math.max(end, t + o.sampleIntervalSec);
      continue;
    }
    flush();
    start = t;
    end = t + o.sampleIntervalSec;
  }
  flush();
  return out;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Ranges of several tracks of one person, merged. */
export function mergeRanges(ranges: readonly AppearanceRange[], maxGapSec = 0): AppearanceRange[] {
  const sorted = [...ranges].sort((a, b) => a.startSec - b.startSec);
  const out: AppearanceRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.startSec <= last.endSec + maxGapSec) {
      if (r.endSec > last.endSec) {
        last.endSec = r.endSec;
        last.endFrame = r.endFrame;
      }
    } else out.push({ ...r });
  }
  return out;
}

/** Mean of a set of L2-normalised embeddings, renormalised (null for none). */
export function centroid(embeddings: readonly Float32Array[]): Float32Array | null {
  if (embeddings.length === 0) return null;
  const sum = new Float32Array(embeddings[0]!.length);
  for (const e of embeddings) for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + e[i]!;
  return l2Normalize(sum);
}

/**
 * Groups items (tracks) that carry a face centroid: average-linkage agglomerative clustering that joins
 * two groups while their centroids' cosine similarity is ≥ threshold. Items without a face stay alone.
 * Returns groups as lists of item indices, in order of their first item.
 */
export function groupByFace(faces: readonly (Float32Array | null)[], threshold: number): number[][] {
  const groups: { members: number[]; c: Float32Array | null; all: Float32Array[] }[] = faces.map((f, i) => ({
    members: [i],
    c: f,
    all: f ? [f] : [],
  }));
  for (;;) {
    let best = -Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < groups.length; i++) {
      const a = groups[i]!.c;
      if (!a) continue;
      for (let j = i + 1; j < groups.length; j++) {
        const b = groups[j]!.c;
        if (!b) continue;
        const s = cosineSimilarity(a, b);
        if (s > best) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0 || best < threshold) break;
    const a = groups[bi]!;
    const b = groups.splice(bj, 1)[0]!;
    a.members.push(...b.members);
    a.all.push(...b.all);
    a.c = centroid(a.all);
  }
  return groups.map((g) => g.members.sort((x, y) => x - y)).sort((x, y) => x[0]! - y[0]!);
}
