/**
 * The sentence an attendance status shows: "late: checked in 08:17 at Camera Gudang A, shift starts
 * 08:00, grace 10 min". Times are rendered in the organization's zone; the same text feeds the day view,
 * exports and the WhatsApp report.
 */
import type { Locale } from './duration.js';
import type { AttendanceReason, AttendanceSource, EventRef } from './attendance-day.js';
import { localDateTime } from './schedule.js';

const SOURCE_WORDS: Record<Locale, Record<AttendanceSource, string>> = {
  en: {
    camera: 'camera',
    mobile: 'mobile app',
    officer: 'officer',
    badge: 'badge',
    website: 'manual entry',
    import: 'import',
    erp: 'ERP',
    video: 'video library',
    webcam: 'browser camera',
  },
  id: {
    camera: 'kamera',
    mobile: 'aplikasi',
    officer: 'petugas',
    badge: 'kartu',
    website: 'input manual',
    import: 'impor',
    erp: 'ERP',
    video: 'pustaka video',
    webcam: 'kamera browser',
  },
  vi: {
    camera: 'camera',
    mobile: 'ứng dụng',
    officer: 'nhân viên ghi nhận',
    badge: 'thẻ',
    website: 'nhập tay',
    import: 'nhập tệp',
    erp: 'ERP',
    video: 'thư viện video',
    webcam: 'camera trình duyệt',
  },
};

function hhmm(timeZone: string, atMs: number): string {
  const t = localDateTime(timeZone, atMs);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

const AT: Record<Locale, string> = { en: 'at', id: 'di', vi: 'tại' };
const VIA: Record<Locale, string> = { en: 'via', id: 'via', vi: 'qua' };

function where(locale: Locale, e: EventRef): string {
  return e.label !== null && e.label !== ''
    ? `${AT[locale]} ${e.label}`
    : `${VIA[locale]} ${SOURCE_WORDS[locale][e.source]}`;
}

/**
 * "Annual" → "Annual leave", but "Annual leave" stays as it is (and likewise "Tahunan" → "cuti Tahunan"
 * but "Cuti tahunan" as it is; "phép năm" → "nghỉ phép năm" but "Nghỉ ốm" as it is).
 */
function leaveName(name: string, locale: Locale): string {
  const n = name.trim();
  if (locale === 'id') return /^cuti\b/i.test(n) ? n : `cuti ${n}`;
  if (locale === 'vi') return /^nghỉ(\s|$)/i.test(n) ? n : `nghỉ ${n}`;
  return /\bleave$/i.test(n) ? n : `${n} leave`;
}

export function describeAttendanceReason(reason: AttendanceReason, locale: Locale, timeZone: string): string {
  const t = (ms: number) => hhmm(timeZone, ms);
  const hm = (minutes: number) => `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
  switch (reason.code) {
    case 'present': {
      const out = reason.checkOut;
      if (locale === 'id')
        return `hadir: masuk ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}${out ? `, pulang ${t(out.atMs)} ${where(locale, out)}` : ''}, kerja ${hm(reason.workedMinutes)}`;
      if (locale === 'vi')
        return `có mặt: vào ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}${out ? `, ra ${t(out.atMs)} ${where(locale, out)}` : ''}, làm ${hm(reason.workedMinutes)}`;
      return `present: checked in ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}${out ? `, out ${t(out.atMs)} ${where(locale, out)}` : ''}, worked ${hm(reason.workedMinutes)}`;
    }
    case 'late':
      if (locale === 'id')
        return `terlambat: masuk ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, shift mulai ${t(reason.shiftStartMs)}, toleransi ${reason.graceMinutes} menit`;
      if (locale === 'vi')
        return `đi muộn: vào ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, ca bắt đầu ${t(reason.shiftStartMs)}, cho phép ${reason.graceMinutes} phút`;
      return `late: checked in ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, shift starts ${t(reason.shiftStartMs)}, grace ${reason.graceMinutes} min`;
    case 'early_leave':
      if (locale === 'id')
        return `pulang awal: keluar ${t(reason.checkOut.atMs)} ${where(locale, reason.checkOut)}, shift selesai ${t(reason.shiftEndMs)}, toleransi ${reason.graceMinutes} menit`;
      if (locale === 'vi')
        return `về sớm: ra ${t(reason.checkOut.atMs)} ${where(locale, reason.checkOut)}, ca kết thúc ${t(reason.shiftEndMs)}, cho phép ${reason.graceMinutes} phút`;
      return `early leave: checked out ${t(reason.checkOut.atMs)} ${where(locale, reason.checkOut)}, shift ends ${t(reason.shiftEndMs)}, grace ${reason.graceMinutes} min`;
    case 'half_day_hours':
      if (locale === 'id')
        return `setengah hari: kerja ${hm(reason.workedMinutes)}, batas ${hm(reason.thresholdMinutes)}`;
      if (locale === 'vi')
        return `nửa ngày: làm ${hm(reason.workedMinutes)}, ngưỡng ${hm(reason.thresholdMinutes)}`;
      return `half day: worked ${hm(reason.workedMinutes)}, threshold ${hm(reason.thresholdMinutes)}`;
    case 'half_day_leave': {
      const half = {
        en: { first_half: 'first half', second_half: 'second half' },
        id: { first_half: 'paruh pertama', second_half: 'paruh kedua' },
        vi: { first_half: 'nửa đầu', second_half: 'nửa sau' },
      }[locale][reason.portion];
      if (locale === 'id')
        return `setengah hari: cuti ${reason.leaveTypeName} (${half}), kerja ${hm(reason.workedMinutes)}`;
      if (locale === 'vi')
        return `nửa ngày: nghỉ ${reason.leaveTypeName} (${half}), làm ${hm(reason.workedMinutes)}`;
      return `half day: ${reason.leaveTypeName} leave (${half}), worked ${hm(reason.workedMinutes)}`;
    }
    case 'short_hours':
      if (locale === 'id')
        return `setengah hari: kerja ${hm(reason.workedMinutes)} dari ${hm(reason.requiredMinutes)} wajib`;
      if (locale === 'vi')
        return `nửa ngày: làm ${hm(reason.workedMinutes)} trên ${hm(reason.requiredMinutes)} yêu cầu`;
      return `half day: worked ${hm(reason.workedMinutes)} of ${hm(reason.requiredMinutes)} required`;
    case 'absent': {
      const span = `${t(reason.windowStartMs)}–${t(reason.windowEndMs)}`;
      if (locale === 'id')
        return `tidak hadir: tidak ada catatan antara ${span}; ${reason.notOnLeave ? 'tidak cuti' : `${leaveName(reason.halfLeave?.leaveTypeName ?? '', locale)} hanya setengah hari`}; bukan hari libur`;
      if (locale === 'vi')
        return `vắng mặt: không có ghi nhận trong ${span}; ${reason.notOnLeave ? 'không nghỉ phép' : `${leaveName(reason.halfLeave?.leaveTypeName ?? '', locale)} chỉ nửa ngày`}; không phải ngày lễ`;
      return `absent: no event between ${span}; ${reason.notOnLeave ? 'not on leave' : `${leaveName(reason.halfLeave?.leaveTypeName ?? '', locale)} for half the day only`}; not a holiday`;
    }
    case 'pending':
      if (locale === 'id') return `menunggu: belum ada catatan, jendela sampai ${t(reason.windowEndMs)}`;
      if (locale === 'vi') return `đang chờ: chưa có ghi nhận, khung giờ đến ${t(reason.windowEndMs)}`;
      return `pending: no event yet, window open until ${t(reason.windowEndMs)}`;
    case 'leave':
      if (locale === 'id') return `izin: ${leaveName(reason.leaveTypeName, locale)} disetujui`;
      if (locale === 'vi') return `có phép: ${leaveName(reason.leaveTypeName, locale)} đã duyệt`;
      return `excused: approved ${leaveName(reason.leaveTypeName, locale)}`;
    case 'day_off':
      return { en: 'day off', id: 'hari libur kerja', vi: 'ngày nghỉ' }[locale];
    case 'holiday':
      return `${{ en: 'holiday', id: 'hari libur', vi: 'ngày lễ' }[locale]}: ${reason.holidayName}`;
    case 'worked_day_off':
      if (locale === 'id')
        return `hadir di hari libur kerja: masuk ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, kerja ${hm(reason.workedMinutes)}`;
      if (locale === 'vi')
        return `đi làm ngày nghỉ: vào ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, làm ${hm(reason.workedMinutes)}`;
      return `worked on a day off: checked in ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, worked ${hm(reason.workedMinutes)}`;
    case 'worked_holiday':
      if (locale === 'id')
        return `hadir di hari libur ${reason.holidayName}: masuk ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, kerja ${hm(reason.workedMinutes)}`;
      if (locale === 'vi')
        return `đi làm ngày lễ ${reason.holidayName}: vào ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, làm ${hm(reason.workedMinutes)}`;
      return `worked on ${reason.holidayName}: checked in ${t(reason.checkIn.atMs)} ${where(locale, reason.checkIn)}, worked ${hm(reason.workedMinutes)}`;
    case 'corrected':
      if (locale === 'id') return `dikoreksi oleh ${reason.byName}: ${reason.note}`;
      if (locale === 'vi') return `đã điều chỉnh bởi ${reason.byName}: ${reason.note}`;
      return `corrected by ${reason.byName}: ${reason.note}`;
    default: {
      const unreachable: never = reason;
      return String(unreachable);
    }
  }
}
