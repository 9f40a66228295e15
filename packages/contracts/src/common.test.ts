import { describe, expect, it } from 'vitest';
import { LocalDate, TimeZone, hasUnsafeText, isCalendarDate } from './common.js';

describe('edge schemas', () => {
  it('accepts only real calendar dates', () => {
    for (const d of ['2026-01-05', '2024-02-29', '2026-12-31']) expect(isCalendarDate(d), d).toBe(true);
    for (const d of ['2026-02-31', '2025-02-29', '2026-13-01', '2026-00-10', '2026-1-5', '1800-01-01']) {
      expect(LocalDate.safeParse(d).success, d).toBe(false);
    }
  });

  it('accepts only IANA time zones the runtime knows', () => {
    for (const z of ['Asia/Jakarta', 'Asia/Ho_Chi_Minh', 'UTC'])
      expect(TimeZone.safeParse(z).success, z).toBe(true);
    for (const z of ['Mars/Olympus', '', 'Asia/Jakarta\u0000', 'x'.repeat(65)]) {
      expect(TimeZone.safeParse(z).success, z).toBe(false);
    }
  });

  it('finds NUL bytes and lone surrogates, not surrogate pairs', () => {
    expect(hasUnsafeText('Bu\u0000di')).toBe(true);
    expect(hasUnsafeText('a\ud800')).toBe(true);
    expect(hasUnsafeText('\udc00a')).toBe(true);
    expect(hasUnsafeText('Budi 👷 Nguyễn')).toBe(false);
  });
});
