import { describe, expect, it } from 'vitest';
import {
  describeCorrectionChange,
  formatCorrectionDecidedMessage,
  formatCorrectionRequestedMessage,
} from './regularization.js';

describe('regularization WhatsApp texts', () => {
  it('the request names the employee, the day (dd/mm/yyyy), the change and the reason in each language', () => {
    const base = { employeeCode: 'E001', name: 'Budi', date: '2026-04-06', note: 'Reader was down' };
    expect(
      formatCorrectionRequestedMessage({
        ...base,
        change: describeCorrectionChange({ checkIn: '07:58', checkOut: null, status: null }, 'id'),
        locale: 'id',
      }),
    ).toBe(
      '[KOREKSI] E001 - Budi meminta koreksi absensi 06/04/2026: masuk 07:58. Alasan: Reader was down. Mohon setujui atau tolak di Hadir.',
    );
    expect(
      formatCorrectionRequestedMessage({
        ...base,
        change: describeCorrectionChange({ checkIn: '07:58', checkOut: '17:05', status: null }, 'en'),
        locale: 'en',
      }),
    ).toBe(
      '[CORRECTION] E001 - Budi asks to correct attendance on 06/04/2026: check-in 07:58, check-out 17:05. Reason: Reader was down. Please approve or reject in Hadir.',
    );
    expect(describeCorrectionChange({ checkIn: null, checkOut: null, status: 'excused' }, 'vi')).toBe(
      'trạng thái excused',
    );
  });

  it('the decision says approved or rejected, by whom, with the comment', () => {
    const d = { date: '2026-04-06', deciderName: 'Sari', comment: null };
    expect(formatCorrectionDecidedMessage({ ...d, approved: true, locale: 'id' })).toBe(
      '[KOREKSI] Koreksi absensi 06/04/2026 disetujui oleh Sari.',
    );
    expect(formatCorrectionDecidedMessage({ ...d, approved: false, comment: 'No proof', locale: 'en' })).toBe(
      '[CORRECTION] Your attendance correction for 06/04/2026 was rejected by Sari. Comment: No proof',
    );
    expect(formatCorrectionDecidedMessage({ ...d, approved: true, locale: 'vi' })).toContain('đã được duyệt');
  });
});
