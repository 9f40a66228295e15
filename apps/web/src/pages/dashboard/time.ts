import type { Locale } from '@hadir/contracts';
import { intlTag } from '../../i18n/format';

/** "6 minutes ago" / "6 menit yang lalu" / "6 phút trước", from the largest fitting unit. */
export function relativeTime(iso: string, nowMs: number, locale: Locale): string {
  const diffS = Math.round((Date.parse(iso) - nowMs) / 1000);
  const rtf = new Intl.RelativeTimeFormat(intlTag(locale), { numeric: 'auto', style: 'long' });
  const abs = Math.abs(diffS);
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(diffS / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diffS / 3600), 'hour');
  return rtf.format(Math.round(diffS / 86_400), 'day');
}

/** Local date "YYYY-MM-DD" of an instant in a time zone (for date inputs and report ranges). */
export function localDateIn(timeZone: string | undefined, atMs: number = Date.now()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(atMs));
  return parts;
}

/**
 * Local date + zone → ISO instant at the start of that local day (the org's zone, not the browser's).
 * packages/domain (schedule.ts) does the same zone arithmetic, but the web depends on contracts only,
 * so this is the web's one copy, beside localDateIn.
 */
export function startOfLocalDay(date: string, timeZone: string | undefined): string | undefined {
  if (!date) return undefined;
  const guess = Date.parse(`${date}T00:00:00Z`);
  const offsetMs = zoneOffsetMs(timeZone, guess);
  return new Date(guess - offsetMs).toISOString();
}

function zoneOffsetMs(timeZone: string | undefined, atMs: number): number {
  if (!timeZone) return -new Date(atMs).getTimezoneOffset() * 60_000;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(atMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - atMs;
}

export function addDaysIso(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? '';
  const last = words.length > 1 ? (words.at(-1)?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
