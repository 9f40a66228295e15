import { describe, expect, it } from 'vitest';
import { boxAt, formatClock, nextRangeIndex, previousRangeIndex, rangeIndexAt } from './video-ranges';

const ranges = [
  { startSec: 1, endSec: 3 },
  { startSec: 5, endSec: 6.5 },
  { startSec: 9, endSec: 12 },
];

describe('video ranges', () => {
  it('finds the range that holds a time, and none in the gaps', () => {
    expect(rangeIndexAt(ranges, 0.5)).toBe(-1);
    expect(rangeIndexAt(ranges, 1)).toBe(0);
    expect(rangeIndexAt(ranges, 0.98)).toBe(0); // a seek lands a hair before the start
    expect(rangeIndexAt(ranges, 3)).toBe(0); // paused where they left
    expect(rangeIndexAt(ranges, 3.5)).toBe(-1);
    expect(rangeIndexAt(ranges, 6)).toBe(1);
  });
  it('steps to the next and previous range from inside one and from a gap', () => {
    expect(nextRangeIndex(ranges, 0, 2)).toBe(1);
    expect(nextRangeIndex(ranges, 2, 10)).toBe(-1);
    expect(nextRangeIndex(ranges, -1, 4)).toBe(1);
    expect(nextRangeIndex(ranges, -1, 13)).toBe(-1);
    expect(previousRangeIndex(ranges, 1, 5.5)).toBe(0);
    expect(previousRangeIndex(ranges, 0, 2)).toBe(-1);
    expect(previousRangeIndex(ranges, -1, 8)).toBe(1);
    expect(previousRangeIndex(ranges, -1, 0.2)).toBe(-1);
  });
  it('draws the nearest analysed box, none far from any', () => {
    const boxes = [0, 0.2, 0.4, 2].map((t) => ({ t, x: t, y: 0, w: 0.1, h: 0.1 }));
    expect(boxAt(boxes, 0.25, 0.3)?.t).toBe(0.2);
    expect(boxAt(boxes, 0.35, 0.3)?.t).toBe(0.4);
    expect(boxAt(boxes, 1.2, 0.3)).toBeNull();
    expect(boxAt(boxes, 5, 0.3)).toBeNull();
    expect(boxAt([], 1, 1)).toBeNull();
  });
  it('formats positions as a clock', () => {
    expect(formatClock(65.4)).toBe('1:05');
    expect(formatClock(3725)).toBe('1:02:05');
  });
});
