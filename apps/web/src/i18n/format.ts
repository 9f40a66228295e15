import type { Locale } from '@hadir/contracts';

/** BCP-47 tags for Intl: Indonesian and Vietnamese number/date conventions, not the browser's. */
const INTL_TAG: Record<Locale, string> = { id: 'id-ID', en: 'en-GB', vi: 'vi-VN' };

export function intlTag(locale: Locale): string {
  return INTL_TAG[locale];
}

export function formatNumber(value: number, locale: Locale, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(INTL_TAG[locale], options).format(value);
}

export function formatDateTime(
  iso: string | null | undefined,
  locale: Locale,
  timeZone?: string,
  opts: { withZone?: boolean } = {},
): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = new Intl.DateTimeFormat(INTL_TAG[locale], {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
  const zone = opts.withZone && timeZone ? zoneShortName(timeZone, locale, date) : '';
  return zone ? `${text} ${zone}` : text;
}

/**
 * The zone's short name at an instant in the locale's words: "WIB" (id), "GMT+7" (en), "GMT+7" (vi).
 * `dateStyle` cannot be combined with `timeZoneName` in Intl, so the name is formatted on its own.
 */
export function zoneShortName(timeZone: string, locale: Locale, at: Date = new Date()): string {
  try {
    return (
      new Intl.DateTimeFormat(INTL_TAG[locale], { timeZone, timeZoneName: 'short' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? ''
    );
  } catch {
    return '';
  }
}

export function formatDate(iso: string | null | undefined, locale: Locale, timeZone?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(INTL_TAG[locale], {
    dateStyle: 'medium',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}

/** "1 hr 5 min" style, localized; minutes are rounded (under one minute: "< 1 min"). */
export function formatDuration(totalMinutes: number, locale: Locale): string {
  const minutes = Math.max(0, Math.round(totalMinutes));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const unit = (value: number, u: 'hour' | 'minute') =>
    new Intl.NumberFormat(INTL_TAG[locale], { style: 'unit', unit: u, unitDisplay: 'short' }).format(value);
  // A short stay (a person walking past) reads "< 1 min", not "0 mins".
  if (totalMinutes > 0 && totalMinutes < 1) return `< ${unit(1, 'minute')}`;
  if (h === 0) return unit(m, 'minute');
  if (m === 0) return unit(h, 'hour');
  return `${unit(h, 'hour')} ${unit(m, 'minute')}`;
}

/** "GMT+07:00" for a zone, used next to time zone names. */
export function zoneOffsetLabel(timeZone: string, at: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(
      at,
    );
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    return '';
  }
}

/** Common zones for our customers first (Indonesia WIB/WITA/WIT, Vietnam), then the region. */
export const COMMON_TIME_ZONES = [
  'Asia/Jakarta',
  'Asia/Pontianak',
  'Asia/Makassar',
  'Asia/Jayapura',
  'Asia/Ho_Chi_Minh',
  'Asia/Bangkok',
  'Asia/Singapore',
  'Asia/Kuala_Lumpur',
  'Asia/Manila',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Australia/Sydney',
  'Europe/London',
  'UTC',
] as const;
