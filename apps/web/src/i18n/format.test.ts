import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatNumber, zoneOffsetLabel, zoneShortName } from './format';

describe('Intl formatting in the active locale', () => {
  it('groups numbers the local way', () => {
    expect(formatNumber(1234567, 'id')).toBe('1.234.567');
    expect(formatNumber(1234567, 'vi')).toBe('1.234.567');
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
  });

  it('formats durations in hours and minutes', () => {
    expect(formatDuration(65, 'en')).toMatch(/1 hr.*5 min/);
    expect(formatDuration(120, 'id')).toMatch(/2/);
    expect(formatDuration(5, 'vi')).toMatch(/5/);
    expect(formatDuration(-3, 'en')).toMatch(/0 min/);
    expect(formatDuration(0.2, 'en')).toMatch(/^< 1 min/);
    expect(formatDuration(0.2, 'vi')).toMatch(/^< 1/);
  });

  it('formats timestamps in a given zone', () => {
    const iso = '2025-03-01T01:30:00.000Z';
    expect(formatDateTime(iso, 'en', 'Asia/Jakarta')).toMatch(/08:30/);
    expect(formatDateTime(iso, 'id', 'Asia/Jayapura')).toMatch(/10[.:]30/);
    expect(formatDateTime(null, 'en')).toBe('');
  });

  it('names the zone when asked, in the locale’s words', () => {
    const iso = '2025-03-01T01:30:00.000Z';
    expect(formatDateTime(iso, 'en', 'Asia/Jakarta', { withZone: true })).toMatch(/08:30 GMT\+7$/);
    expect(formatDateTime(iso, 'id', 'Asia/Jakarta', { withZone: true })).toMatch(/08[.:]30 WIB$/);
    expect(formatDateTime(iso, 'en', 'Asia/Ho_Chi_Minh', { withZone: true })).toMatch(/08:30 GMT\+7$/);
    // Without a zone there is nothing to name (the browser's own zone is never labelled as the org's).
    expect(formatDateTime(iso, 'en', undefined, { withZone: true })).not.toMatch(/GMT/);
    expect(zoneShortName('Not/AZone', 'en')).toBe('');
  });

  it('labels zone offsets', () => {
    expect(zoneOffsetLabel('Asia/Jakarta')).toBe('GMT+07:00');
    expect(zoneOffsetLabel('Asia/Makassar')).toBe('GMT+08:00');
    expect(zoneOffsetLabel('Not/AZone')).toBe('');
  });
});
