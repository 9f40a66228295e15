import { Readable } from 'node:stream';
import { stringify as stringifyStream } from 'csv-stringify';
import { stringify } from 'csv-stringify/sync';

/** A CSV cell: text is neutralized; numbers are written as they are (a number is never a formula). */
export type CsvCell = string | number | null | undefined;

/** UTF-8 byte-order mark: without it Excel on Windows misreads names like "José" or "Nguyễn". */
const BOM = '\ufeff';

/**
 * OWASP CSV injection: a text cell starting with = + - @ (or a tab / carriage return / line feed) is run
 * as a formula by spreadsheets. Prefixing a single quote makes it text; the employee importer removes
 * that quote again, so an export can be edited and imported back.
 */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
}

function cell(value: CsvCell): string | number {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' ? value : neutralizeCell(value);
}

/**
 * The one CSV writer every export uses: a BOM, a header row, every text cell neutralized. Build exports
 * through this (or {@link csvStream}), never with csv-stringify directly, so no export forgets the
 * neutralization.
 */
export function csvText(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const body = [...rows].map((r) => r.map(cell));
  return BOM + stringify([header.map(neutralizeCell), ...body]);
}

/** The streaming form of {@link csvText}, for exports too large to hold in memory. */
export function csvStream(
  header: readonly string[],
  rows: AsyncIterable<readonly CsvCell[]> | Iterable<readonly CsvCell[]>,
): Readable {
  async function* neutralized() {
    for await (const r of rows) yield r.map(cell);
  }
  const out = stringifyStream({ header: true, columns: header.map(neutralizeCell), bom: true });
  return Readable.from(neutralized()).pipe(out);
}

const stampFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as local wall time in the organization's zone, "2026-01-05 09:00:00", for exports: people
 * read exports in their own time, and the zone goes beside it (a `time_zone` column) so nothing is
 * ambiguous.
 */
export function localTimestamp(timeZone: string, atMs: number): string {
  let f = stampFormats.get(timeZone);
  if (!f) {
    // sv-SE formats as ISO-like "YYYY-MM-DD HH:MM:SS".
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    stampFormats.set(timeZone, f);
  }
  return f.format(new Date(atMs));
}
