/**
 * WhatsApp message texts. Hand-written per locale; every template has a golden test. Durations are
 * rounded down (see humanDuration), so "sejak 6 menit" never overstates an absence.
 */
import { DEFAULT_LOCALE, humanDuration, type Locale } from './duration.js';

const TAG: Record<Locale, { alert: string; info: string; escalation: string }> = {
  id: { alert: '[ALERT]', info: '[INFO]', escalation: '[ESKALASI]' },
  en: { alert: '[ALERT]', info: '[INFO]', escalation: '[ESCALATION]' },
  vi: { alert: '[CẢNH BÁO]', info: '[THÔNG BÁO]', escalation: '[CHUYỂN CẤP]' },
};

export interface PersonRef {
  employeeCode: string;
  name: string;
}

function who(person: PersonRef): string {
  return `${person.employeeCode} - ${person.name}`;
}

export interface AlertMessageInput extends PersonRef {
  /** Camera that saw the person last; null when unknown (e.g. sighting data was purged). */
  cameraName: string | null;
  /** Time since the last sighting. */
  awayMs: number;
  locale?: Locale;
}

/** The body shared by the first alert and its escalations: who, where last seen, for how long. */
function absenceSentence(input: AlertMessageInput, locale: Locale): string {
  const duration = humanDuration(input.awayMs, locale);
  const person = who(input);
  switch (locale) {
    case 'id':
      return input.cameraName === null
        ? `${person} tidak terlihat sejak ${duration}`
        : `${person} keluar dari ${input.cameraName} sejak ${duration}`;
    case 'en':
      return input.cameraName === null
        ? `${person} has not been seen for ${duration}`
        : `${person} left ${input.cameraName} ${duration} ago`;
    case 'vi':
      return input.cameraName === null
        ? `${person} không được nhìn thấy đã ${duration}`
        : `${person} đã rời ${input.cameraName} được ${duration}`;
    default:
      return assertNeverLocale(locale);
  }
}

/** `[ALERT] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 6 menit` */
export function formatAlertMessage(input: AlertMessageInput): string {
  const locale = input.locale ?? DEFAULT_LOCALE;
  return `${TAG[locale].alert} ${absenceSentence(input, locale)}`;
}

export interface EscalationMessageInput extends AlertMessageInput {
  /** Escalation level reached, 1 = the supervisor's supervisor. */
  level: number;
  /** Name of whoever was notified before and did not acknowledge, if known. */
  unacknowledgedByName?: string | null;
}

/**
 * `[ESKALASI] EMP001 - Budi Santoso keluar dari Camera Gudang A sejak 20 menit. Belum ditanggapi oleh
 * Andi Wijaya.` Sent to the next supervisor up when the alert was not acknowledged in time.
 */
export function formatEscalationMessage(input: EscalationMessageInput): string {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const by = input.unacknowledgedByName ?? null;
  let tail: string;
  switch (locale) {
    case 'id':
      tail = by === null ? 'Belum ditanggapi.' : `Belum ditanggapi oleh ${by}.`;
      break;
    case 'en':
      tail = by === null ? 'Not acknowledged yet.' : `Not acknowledged by ${by}.`;
      break;
    case 'vi':
      tail = by === null ? 'Chưa được xác nhận.' : `${by} chưa xác nhận.`;
      break;
    default:
      return assertNeverLocale(locale);
  }
  return `${TAG[locale].escalation} ${absenceSentence(input, locale)}. ${tail}`;
}

export interface ReturnedMessageInput extends PersonRef {
  /** From the last sighting before the absence to the sighting that ended it. */
  awayMs: number;
  locale?: Locale;
}

/** `[INFO] EMP001 - Budi Santoso kembali setelah 12 menit` */
export function formatReturnedMessage(input: ReturnedMessageInput): string {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const duration = humanDuration(input.awayMs, locale);
  const person = who(input);
  switch (locale) {
    case 'id':
      return `${TAG.id.info} ${person} kembali setelah ${duration}`;
    case 'en':
      return `${TAG.en.info} ${person} returned after ${duration}`;
    case 'vi':
      return `${TAG.vi.info} ${person} đã quay lại sau ${duration}`;
    default:
      return assertNeverLocale(locale);
  }
}

export interface CameraMessageInput {
  cameraName: string;
  /** Down: how long it has been offline. Up: how long the outage lasted. */
  durationMs: number;
  locale?: Locale;
}

/** `[ALERT] Camera Gudang A offline sejak 3 menit` */
export function formatCameraDownMessage(input: CameraMessageInput): string {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const duration = humanDuration(input.durationMs, locale);
  switch (locale) {
    case 'id':
      return `${TAG.id.alert} ${input.cameraName} offline sejak ${duration}`;
    case 'en':
      return `${TAG.en.alert} ${input.cameraName} offline for ${duration}`;
    case 'vi':
      return `${TAG.vi.alert} ${input.cameraName} mất kết nối được ${duration}`;
    default:
      return assertNeverLocale(locale);
  }
}

/** `[INFO] Camera Gudang A online kembali setelah 15 menit` */
export function formatCameraUpMessage(input: CameraMessageInput): string {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const duration = humanDuration(input.durationMs, locale);
  switch (locale) {
    case 'id':
      return `${TAG.id.info} ${input.cameraName} online kembali setelah ${duration}`;
    case 'en':
      return `${TAG.en.info} ${input.cameraName} back online after ${duration}`;
    case 'vi':
      return `${TAG.vi.info} ${input.cameraName} đã hoạt động lại sau ${duration}`;
    default:
      return assertNeverLocale(locale);
  }
}

function assertNeverLocale(locale: never): never {
  throw new Error(`unsupported locale: ${String(locale)}`);
}
