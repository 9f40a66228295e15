import { describe, expect, it } from 'vitest';
import { backoffMs } from './live-socket';

describe('reconnect backoff', () => {
  it('doubles from 1 s and caps at 30 s', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffMs(a, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });
  it('jitters within ±20 %', () => {
    expect(backoffMs(0, () => 0)).toBe(800);
    expect(backoffMs(0, () => 1)).toBe(1200);
  });
});
