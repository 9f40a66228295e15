import { describe, expect, it } from 'vitest';
import { addDaysIso, initials, localDateIn, relativeTime, startOfLocalDay } from './time';

describe('dashboard time helpers', () => {
  const now = Date.parse('2026-01-05T02:00:00Z');
  it('says relative times in each language', () => {
    const sixMinAgo = new Date(now - 6 * 60_000).toISOString();
    expect(relativeTime(sixMinAgo, now, 'en')).toBe('6 minutes ago');
    expect(relativeTime(sixMinAgo, now, 'id')).toBe('6 menit yang lalu');
    expect(relativeTime(sixMinAgo, now, 'vi')).toBe('6 phút trước');
    expect(relativeTime(new Date(now - 10_000).toISOString(), now, 'en')).toBe('now');
  });
  it('computes local dates and initials', () => {
    expect(localDateIn('Asia/Jakarta', Date.parse('2026-01-04T18:00:00Z'))).toBe('2026-01-05');
    expect(addDaysIso('2026-01-01', -1)).toBe('2025-12-31');
    expect(initials('Budi Santoso Wijaya')).toBe('BW');
    expect(initials('Siti')).toBe('S');
  });
  it('finds the instant a local day starts in the organization zone', () => {
    expect(startOfLocalDay('2026-01-05', 'Asia/Jakarta')).toBe('2026-01-04T17:00:00.000Z');
    expect(startOfLocalDay('2026-01-05', 'UTC')).toBe('2026-01-05T00:00:00.000Z');
    expect(startOfLocalDay('2026-07-01', 'Europe/London')).toBe('2026-06-30T23:00:00.000Z');
    expect(startOfLocalDay('', 'Asia/Jakarta')).toBeUndefined();
  });
});
