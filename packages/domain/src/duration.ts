/**
 * Locales and human-readable durations. Messages go out over WhatsApp to supervisors in Indonesia and
 * Vietnam, so wording is hand-written per locale rather than left to the host's ICU data, which keeps
 * golden tests stable across Node versions.
 */

export const LOCALES = ['id', 'en', 'vi'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'id';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export function minutesToMs(minutes: number): number {
  return minutes * MS_PER_MINUTE;
}

type Unit = 'day' | 'hour' | 'minute' | 'second';

const UNIT_WORDS: Record<Locale, Record<Unit, readonly [singular: string, plural: string]>> = {
  id: { day: ['hari', 'hari'], hour: ['jam', 'jam'], minute: ['menit', 'menit'], second: ['detik', 'detik'] },
  en: {
    day: ['day', 'days'],
    hour: ['hour', 'hours'],
    minute: ['minute', 'minutes'],
    second: ['second', 'seconds'],
  },
  vi: { day: ['ngày', 'ngày'], hour: ['giờ', 'giờ'], minute: ['phút', 'phút'], second: ['giây', 'giây'] },
};

export interface HumanDurationOptions {
  /** Largest unit shown; `'hour'` keeps team totals like "63 jam 20 menit" instead of days. */
  largestUnit?: 'day' | 'hour';
  /** Smallest unit shown; `'minute'` renders anything under a minute as "0 menit". */
  smallestUnit?: 'minute' | 'second';
}

function unitPhrase(count: number, unit: Unit, locale: Locale): string {
  const [singular, plural] = UNIT_WORDS[locale][unit];
  return `${count} ${count === 1 ? singular : plural}`;
}

/**
 * "6 menit", "1 jam 5 menit", "2 hari 3 jam". Always rounds DOWN: a person away 6m59s has been away
 * "6 menit", never a minute they have not yet been away. At most two adjacent units are shown
 * (days+hours, hours+minutes); a zero second unit is omitted ("1 jam", not "1 jam 0 menit").
 * Negative or non-finite input is treated as 0.
 */
export function humanDuration(
  ms: number,
  locale: Locale = DEFAULT_LOCALE,
  options: HumanDurationOptions = {},
): string {
  const safeMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
  const largestUnit = options.largestUnit ?? 'day';
  const smallestUnit = options.smallestUnit ?? 'second';

  if (safeMs < MS_PER_MINUTE) {
    return smallestUnit === 'second'
      ? unitPhrase(Math.floor(safeMs / MS_PER_SECOND), 'second', locale)
      : unitPhrase(0, 'minute', locale);
  }
  const totalMinutes = Math.floor(safeMs / MS_PER_MINUTE);
  if (largestUnit === 'day' && safeMs >= MS_PER_DAY) {
    const days = Math.floor(safeMs / MS_PER_DAY);
    const hours = Math.floor((safeMs % MS_PER_DAY) / MS_PER_HOUR);
    return hours === 0
      ? unitPhrase(days, 'day', locale)
      : `${unitPhrase(days, 'day', locale)} ${unitPhrase(hours, 'hour', locale)}`;
  }
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) return unitPhrase(minutes, 'minute', locale);
  if (minutes === 0) return unitPhrase(hours, 'hour', locale);
  return `${unitPhrase(hours, 'hour', locale)} ${unitPhrase(minutes, 'minute', locale)}`;
}

/** Whole minutes elapsed, rounded down: what "late 12 minutes" means. */
export function wholeMinutes(ms: number): number {
  return ms > 0 ? Math.floor(ms / MS_PER_MINUTE) : 0;
}
