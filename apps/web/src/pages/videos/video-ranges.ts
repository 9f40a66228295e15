// Pure time logic of the video page: which range of a person is playing, the next and previous one, and
// the person's box to draw at the current time. Kept apart from React so it is unit-tested.

export interface Range {
  startSec: number;
  endSec: number;
}
export interface Box {
  t: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** How close to a range's end counts as "at the end" (the media clock moves in ~0.25 s steps). */
export const END_SLACK_SEC = 0.05;

/** The index of the range that holds `t` (its end included: paused where the person left), or -1. */
export function rangeIndexAt(ranges: readonly Range[], t: number): number {
  return ranges.findIndex((r) => t >= r.startSec - END_SLACK_SEC && t <= r.endSec);
}

/** The first range that starts after `t` (or holds it, when `t` is before its start), or -1. */
export function nextRangeIndex(ranges: readonly Range[], current: number, t: number): number {
  if (current >= 0 && current + 1 < ranges.length) return current + 1;
  if (current >= 0) return -1;
  return ranges.findIndex((r) => r.startSec > t);
}

/** The range before the current one, or the last one that ended before `t`, or -1. */
export function previousRangeIndex(ranges: readonly Range[], current: number, t: number): number {
  if (current > 0) return current - 1;
  if (current === 0) return -1;
  for (let i = ranges.length - 1; i >= 0; i--) if (ranges[i]!.endSec <= t) return i;
  return -1;
}

/**
 * The box nearest in time to `t`, if one was analysed within `maxGapSec` (boxes come at the analysed
 * frame rate, e.g. every 0.2 s; between two, the nearer one is drawn; outside the person's ranges, none).
 */
export function boxAt(boxes: readonly Box[], t: number, maxGapSec: number): Box | null {
  if (boxes.length === 0) return null;
  let lo = 0;
  let hi = boxes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boxes[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  let best = boxes[lo]!;
  const before = boxes[lo - 1];
  if (before && Math.abs(before.t - t) < Math.abs(best.t - t)) best = before;
  return Math.abs(best.t - t) <= maxGapSec ? best : null;
}

/** "1:05" or "1:02:05" for a position in seconds. */
export function formatClock(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
