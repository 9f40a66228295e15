import type { Locale } from './duration.js';
import type { LocalDate } from './schedule.js';

/** "2026-04-06" → "06/04/2026", the product's date format in every language. */
function ddmmyyyy(date: LocalDate): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

export interface CorrectionRequestedMessageInput {
  employeeCode: string;
  name: string;
  date: LocalDate;
  /** What is asked for, already worded for the recipient ("check-in 07:58", "status excused"). */
  change: string;
  note: string;
  locale: Locale;
}

/** To the approver: `[KOREKSI] E001 - Budi meminta koreksi 06/04/2026: masuk 07:58. Alasan: … ` */
export function formatCorrectionRequestedMessage(m: CorrectionRequestedMessageInput): string {
  const date = ddmmyyyy(m.date);
  switch (m.locale) {
    case 'id':
      return `[KOREKSI] ${m.employeeCode} - ${m.name} meminta koreksi absensi ${date}: ${m.change}. Alasan: ${m.note}. Mohon setujui atau tolak di Hadir.`;
    case 'en':
      return `[CORRECTION] ${m.employeeCode} - ${m.name} asks to correct attendance on ${date}: ${m.change}. Reason: ${m.note}. Please approve or reject in Hadir.`;
    case 'vi':
      return `[ĐIỀU CHỈNH] ${m.employeeCode} - ${m.name} đề nghị điều chỉnh chấm công ngày ${date}: ${m.change}. Lý do: ${m.note}. Vui lòng duyệt hoặc từ chối trên Hadir.`;
  }
}

export interface CorrectionDecidedMessageInput {
  date: LocalDate;
  approved: boolean;
  deciderName: string;
  comment: string | null;
  locale: Locale;
}

/** To the employee: `[KOREKSI] Koreksi absensi 06/04/2026 disetujui oleh Sari. Catatan: …` */
export function formatCorrectionDecidedMessage(m: CorrectionDecidedMessageInput): string {
  const date = ddmmyyyy(m.date);
  switch (m.locale) {
    case 'id':
      return `[KOREKSI] Koreksi absensi ${date} ${m.approved ? 'disetujui' : 'ditolak'} oleh ${m.deciderName}.${m.comment ? ` Catatan: ${m.comment}` : ''}`;
    case 'en':
      return `[CORRECTION] Your attendance correction for ${date} was ${m.approved ? 'approved' : 'rejected'} by ${m.deciderName}.${m.comment ? ` Comment: ${m.comment}` : ''}`;
    case 'vi':
      return `[ĐIỀU CHỈNH] Đề nghị điều chỉnh chấm công ngày ${date} ${m.approved ? 'đã được duyệt' : 'đã bị từ chối'} bởi ${m.deciderName}.${m.comment ? ` Ghi chú: ${m.comment}` : ''}`;
  }
}

const CHANGE_WORDS: Record<Locale, { in: string; out: string; status: string }> = {
  id: { in: 'masuk', out: 'pulang', status: 'status' },
  en: { in: 'check-in', out: 'check-out', status: 'status' },
  vi: { in: 'giờ vào', out: 'giờ ra', status: 'trạng thái' },
};

/** "check-in 07:58, check-out 17:05, status excused" from the requested local times and status. */
export function describeCorrectionChange(
  c: { checkIn: string | null; checkOut: string | null; status: string | null },
  locale: Locale,
): string {
  const w = CHANGE_WORDS[locale];
  return [
    c.checkIn && `${w.in} ${c.checkIn}`,
    c.checkOut && `${w.out} ${c.checkOut}`,
    c.status && `${w.status} ${c.status}`,
  ]
    .filter((x): x is string => typeof x === 'string' && x !== '')
    .join(', ');
}
