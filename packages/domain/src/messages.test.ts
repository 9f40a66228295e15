import { describe, expect, it } from 'vitest';
import type { Locale } from './duration.js';
import {
  formatAlertMessage,
  formatCameraDownMessage,
  formatCameraUpMessage,
  formatEscalationMessage,
  formatReturnedMessage,
} from './messages.js';

const MIN = 60_000;
const budi = { employeeCode: 'EMP001', name: 'Budi Santoso' };

describe('formatAlertMessage (golden)', () => {
  const golden: Record<Locale, string> = {
    id: '[ALERT] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 6 menit',
    en: '[ALERT] EMP001 - Budi Santoso left Camera Gudang A 6 minutes ago',
    vi: '[CẢNH BÁO] EMP001 - Budi Santoso đã rời Camera Gudang A được 6 phút',
  };
  it.each(Object.entries(golden))('%s', (locale, expected) => {
    expect(
      formatAlertMessage({
        ...budi,
        cameraName: 'Camera Gudang A',
        awayMs: 6 * MIN + 30_000,
        locale: locale as Locale,
      }),
    ).toBe(expected);
  });

  it('defaults to Indonesian', () => {
    expect(formatAlertMessage({ ...budi, cameraName: 'Camera Gudang A', awayMs: 6 * MIN })).toBe(golden.id);
  });

  it('reads naturally when the last camera is unknown', () => {
    expect(formatAlertMessage({ ...budi, cameraName: null, awayMs: 65 * MIN, locale: 'id' })).toBe(
      '[ALERT] EMP001 - Budi Santoso tidak terlihat sejak 1 jam 5 menit',
    );
    expect(formatAlertMessage({ ...budi, cameraName: null, awayMs: 6 * MIN, locale: 'en' })).toBe(
      '[ALERT] EMP001 - Budi Santoso has not been seen for 6 minutes',
    );
    expect(formatAlertMessage({ ...budi, cameraName: null, awayMs: 6 * MIN, locale: 'vi' })).toBe(
      '[CẢNH BÁO] EMP001 - Budi Santoso không được nhìn thấy đã 6 phút',
    );
  });
});

describe('formatEscalationMessage (golden)', () => {
  const base = { ...budi, cameraName: 'Camera Gudang A', awayMs: 20 * MIN, level: 1 };
  it.each<[Locale, string | null, string]>([
    [
      'id',
      'Andi Wijaya',
      '[ESKALASI] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 20 menit. Belum ditanggapi oleh Andi Wijaya.',
    ],
    [
      'en',
      'Andi Wijaya',
      '[ESCALATION] EMP001 - Budi Santoso left Camera Gudang A 20 minutes ago. Not acknowledged by Andi Wijaya.',
    ],
    [
      'vi',
      'Andi Wijaya',
      '[CHUYỂN CẤP] EMP001 - Budi Santoso đã rời Camera Gudang A được 20 phút. Andi Wijaya chưa xác nhận.',
    ],
    [
      'id',
      null,
      '[ESKALASI] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 20 menit. Belum ditanggapi.',
    ],
    [
      'en',
      null,
      '[ESCALATION] EMP001 - Budi Santoso left Camera Gudang A 20 minutes ago. Not acknowledged yet.',
    ],
    [
      'vi',
      null,
      '[CHUYỂN CẤP] EMP001 - Budi Santoso đã rời Camera Gudang A được 20 phút. Chưa được xác nhận.',
    ],
  ])('%s by %s', (locale, by, expected) => {
    expect(formatEscalationMessage({ ...base, locale, unacknowledgedByName: by })).toBe(expected);
  });
});

describe('formatReturnedMessage (golden)', () => {
  it.each<[Locale, string]>([
    ['id', '[INFO] EMP001 - Budi Santoso kembali setelah 12 menit'],
    ['en', '[INFO] EMP001 - Budi Santoso returned after 12 minutes'],
    ['vi', '[THÔNG BÁO] EMP001 - Budi Santoso đã quay lại sau 12 phút'],
  ])('%s', (locale, expected) => {
    expect(formatReturnedMessage({ ...budi, awayMs: 12 * MIN, locale })).toBe(expected);
  });
});

describe('camera messages (golden)', () => {
  it.each<[Locale, string, string]>([
    [
      'id',
      '[ALERT] Camera Gudang A offline sejak 3 menit',
      '[INFO] Camera Gudang A online kembali setelah 15 menit',
    ],
    [
      'en',
      '[ALERT] Camera Gudang A offline for 3 minutes',
      '[INFO] Camera Gudang A back online after 15 minutes',
    ],
    [
      'vi',
      '[CẢNH BÁO] Camera Gudang A mất kết nối được 3 phút',
      '[THÔNG BÁO] Camera Gudang A đã hoạt động lại sau 15 phút',
    ],
  ])('%s', (locale, down, up) => {
    expect(formatCameraDownMessage({ cameraName: 'Camera Gudang A', durationMs: 3 * MIN, locale })).toBe(
      down,
    );
    expect(formatCameraUpMessage({ cameraName: 'Camera Gudang A', durationMs: 15 * MIN, locale })).toBe(up);
  });
});
