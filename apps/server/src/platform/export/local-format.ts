/**
 * Dates and times as people in the organization read them: in its time zone and in the reader's
 * language (never a raw ISO string on paper). Intl is enough here: Node ships full ICU.
 */
export type ExportLocale = 'id' | 'en' | 'vi';

const TAGS: Record<ExportLocale, string> = { id: 'id-ID', en: 'en-GB', vi: 'vi-VN' };

export function exportLocale(value: string | null | undefined): ExportLocale {
  return value === 'en' || value === 'vi' || value === 'id' ? value : 'id';
}

const cache = new Map<string, Intl.DateTimeFormat>();
function format(
  locale: ExportLocale,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(TAGS[locale], { ...options, timeZone });
    cache.set(key, f);
  }
  return f;
}

/** "2 Januari 2026" / "2 January 2026" / "2 tháng 1, 2026" for a local calendar date "2026-01-02". */
export function formatLocalDate(date: string, locale: ExportLocale): string {
  return format(locale, 'UTC', { day: 'numeric', month: 'long', year: 'numeric' }).format(
    new Date(`${date}T12:00:00Z`),
  );
}

/** "2 Jan" / "2 thg 1": chart axis labels. */
export function formatShortDate(date: string, locale: ExportLocale): string {
  return format(locale, 'UTC', { day: 'numeric', month: 'short' }).format(new Date(`${date}T12:00:00Z`));
}

/** "Jum, 2 Jan 2026": the date of an instant in the zone, with its weekday. */
export function formatDayOf(atMs: number, timeZone: string, locale: ExportLocale): string {
  return format(locale, timeZone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(atMs));
}

/** "07.55" (id) / "07:55": the wall-clock time of an instant in the zone. */
export function formatTimeOf(atMs: number, timeZone: string, locale: ExportLocale): string {
  return format(locale, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(atMs),
  );
}

/** "2 Januari 2026 07.55". */
export function formatDateTimeOf(atMs: number, timeZone: string, locale: ExportLocale): string {
  const date = format(locale, timeZone, { day: 'numeric', month: 'long', year: 'numeric' }).format(
    new Date(atMs),
  );
  return `${date} ${formatTimeOf(atMs, timeZone, locale)}`;
}

/** "0,81" (id, vi) / "0.81" (en). */
export function formatDecimal(value: number, locale: ExportLocale, digits = 2): string {
  return new Intl.NumberFormat(TAGS[locale], {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}
