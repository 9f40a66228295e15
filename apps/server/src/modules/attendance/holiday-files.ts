/**
 * Parsing holiday lists people already have: a CSV (date,name) or an iCalendar (.ics) export from a
 * calendar app. Bad lines are reported with their line number; nothing is imported when any line is bad.
 */
import { isValidLocalDate } from '@hadir/domain';

export interface ParsedHoliday {
  date: string;
  name: string;
}

export interface HolidayParseResult {
  holidays: ParsedHoliday[];
  errors: { line: number; message: string }[];
}

const MAX_HOLIDAYS = 1000;
const MAX_NAME = 200;

function splitCsvLine(line: string, separator: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

/** "date,name" rows; a header row (first cell not a date) is skipped; `;` separators are accepted. */
export function parseHolidayCsv(text: string): HolidayParseResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const holidays: ParsedHoliday[] = [];
  const errors: HolidayParseResult['errors'] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const separator = line.includes(';') && !line.includes(',') ? ';' : ',';
    const [date = '', name = ''] = splitCsvLine(line, separator);
    if (index === 0 && !/^\d{4}-/.test(date)) return;
    if (!isValidLocalDate(date))
      errors.push({ line: index + 1, message: `"${date}" is not a YYYY-MM-DD date` });
    else if (name === '') errors.push({ line: index + 1, message: 'the holiday has no name' });
    else holidays.push({ date, name: name.slice(0, MAX_NAME) });
  });
  if (holidays.length > MAX_HOLIDAYS)
    errors.push({ line: 0, message: `at most ${MAX_HOLIDAYS} holidays per file` });
  return { holidays, errors };
}

/** VEVENTs with an all-day DTSTART (and DTEND, exclusive) become one holiday per day. */
export function parseHolidayIcs(text: string): HolidayParseResult {
  // Unfold continuation lines (RFC 5545 §3.1).
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/);
  const holidays: ParsedHoliday[] = [];
  const errors: HolidayParseResult['errors'] = [];
  let event: { start?: string; end?: string; summary?: string; line: number } | null = null;
  const toDate = (value: string) => {
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(value);
    return m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  };
  lines.forEach((line, index) => {
    if (line === 'BEGIN:VEVENT') event = { line: index + 1 };
    else if (line === 'END:VEVENT' && event !== null) {
      const e: { start?: string; end?: string; summary?: string; line: number } = event;
      event = null;
      const start = e.start ?? '';
      if (!isValidLocalDate(start)) {
        errors.push({ line: e.line, message: 'the event has no valid DTSTART date' });
        return;
      }
      const name = (e.summary ?? '')
        .replace(/\\([,;\\])/g, '$1')
        .replace(/\\n/gi, ' ')
        .trim();
      if (name === '') {
        errors.push({ line: e.line, message: 'the event has no SUMMARY' });
        return;
      }
      const endExclusive = e.end !== undefined && isValidLocalDate(e.end) && e.end > start ? e.end : null;
      let d = start;
      let guard = 0;
      do {
        holidays.push({ date: d, name: name.slice(0, MAX_NAME) });
        const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        d = next;
        guard += 1;
      } while (endExclusive !== null && d < endExclusive && guard < 31);
    } else if (event !== null) {
      const colon = line.indexOf(':');
      if (colon < 0) return;
      const key = line.slice(0, colon).split(';')[0]?.toUpperCase();
      const value = line.slice(colon + 1);
      if (key === 'DTSTART') event.start = toDate(value);
      else if (key === 'DTEND') event.end = toDate(value);
      else if (key === 'SUMMARY') event.summary = value;
    }
  });
  if (holidays.length > MAX_HOLIDAYS)
    errors.push({ line: 0, message: `at most ${MAX_HOLIDAYS} holidays per file` });
  return { holidays, errors };
}
