import { describe, expect, it } from 'vitest';
import { humanDuration, isLocale, wholeMinutes, type Locale } from './duration.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('humanDuration', () => {
  const cases: [number, Locale, string][] = [
    [6 * MIN, 'id', '6 menit'],
    [6 * MIN, 'en', '6 minutes'],
    [6 * MIN, 'vi', '6 phút'],
    [HOUR + 5 * MIN, 'id', '1 jam 5 menit'],
    [HOUR + 5 * MIN, 'en', '1 hour 5 minutes'],
    [HOUR + 5 * MIN, 'vi', '1 giờ 5 phút'],
    [HOUR, 'en', '1 hour'],
    [2 * HOUR + MIN, 'en', '2 hours 1 minute'],
    [12 * MIN, 'id', '12 menit'],
    [45_000, 'id', '45 detik'],
    [1_000, 'en', '1 second'],
    [0, 'en', '0 seconds'],
    [26 * HOUR + 30 * MIN, 'id', '1 hari 2 jam'],
    [48 * HOUR, 'en', '2 days'],
    [24 * HOUR, 'vi', '1 ngày'],
  ];
  it.each(cases)('%i ms in %s is "%s"', (ms, locale, expected) => {
    expect(humanDuration(ms, locale)).toBe(expected);
  });

  it('rounds down so nobody is reported away longer than they were', () => {
    expect(humanDuration(6 * MIN + 59_999, 'id')).toBe('6 menit');
  });

  it('defaults to Indonesian', () => {
    expect(humanDuration(3 * MIN)).toBe('3 menit');
  });

  it('treats negative and non-finite input as zero', () => {
    expect(humanDuration(-5 * MIN, 'en')).toBe('0 seconds');
    expect(humanDuration(Number.NaN, 'en')).toBe('0 seconds');
  });

  it('can cap at hours and floor at minutes for report totals', () => {
    expect(humanDuration(63 * HOUR + 20 * MIN, 'id', { largestUnit: 'hour' })).toBe('63 jam 20 menit');
    expect(humanDuration(30_000, 'en', { smallestUnit: 'minute' })).toBe('0 minutes');
  });
});

describe('helpers', () => {
  it('wholeMinutes rounds down and never goes negative', () => {
    expect(wholeMinutes(12 * MIN + 59_000)).toBe(12);
    expect(wholeMinutes(-1)).toBe(0);
  });
  it('isLocale guards unknown strings', () => {
    expect(isLocale('vi')).toBe(true);
    expect(isLocale('fr')).toBe(false);
  });
});
