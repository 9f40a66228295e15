import { describe, expect, it } from 'vitest';
import { MotionGate } from './motion-gate.js';

const W = 160;
const H = 90;
/** A gray frame with a bright square at (x, y). */
function frame(x: number | null, y = 20) {
  const data = new Uint8Array(W * H * 3).fill(90);
  if (x !== null)
    for (let r = y; r < y + 24; r++)
      for (let c = x; c < x + 24; c++) data.fill(220, (r * W + c) * 3, (r * W + c) * 3 + 3);
  return { data, width: W, height: H };
}

describe('MotionGate', () => {
  it('passes the first frame, holds still frames, passes motion and the keep-alive', () => {
    const g = new MotionGate({ keepAliveMs: 2000, stepPx: 4 });
    expect(g.check(frame(null), 0)).toBe(true);
    expect(g.check(frame(null), 500)).toBe(false);
    expect(g.check(frame(null), 1000)).toBe(false);
    expect(g.check(frame(40), 1500)).toBe(true); // someone walks in
    expect(g.check(frame(40), 2000)).toBe(false); // and stands still
    expect(g.check(frame(40), 3500)).toBe(true); // keep-alive: still "seen"
    expect(g.check(frame(40), 4000, true)).toBe(true); // forced (a track is being named)
    expect(g).toMatchObject({ passed: 4, held: 3 });
  });

  it('compares with the last analysed frame, so slow movement adds up; a new frame size is motion', () => {
    const g = new MotionGate({ keepAliveMs: 60_000, stepPx: 4, minChangedFraction: 0.02 });
    g.check(frame(40), 0);
    // Two pixels per frame is below the threshold frame to frame, but not after a few frames.
    const results = [42, 44, 46, 48, 50, 52].map((x, i) => g.check(frame(x), (i + 1) * 500));
    expect(results.slice(0, 1)).toEqual([false]);
    expect(results).toContain(true);
    expect(g.check({ data: new Uint8Array(80 * 45 * 3), width: 80, height: 45 }, 9000)).toBe(true);
  });
});
