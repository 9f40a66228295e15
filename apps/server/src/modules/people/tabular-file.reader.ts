import { createInflateRaw } from 'node:zlib';
import chardet from 'chardet';
import { CsvError } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { AppError, badRequest } from '../../platform/http/errors.js';

/** A spreadsheet as text cells: the header row and the data rows under it. */
export interface TabularFile {
  format: 'csv' | 'xlsx';
  /** The text encoding a CSV was read with (`xlsx` files are always UTF-8 inside). */
  encoding: string;
  header: string[];
  rows: string[][];
}

export interface ReadLimits {
  /** Data rows (the header excluded) beyond which the file is refused. */
  maxRows: number;
  /** Refuse an .xlsx whose parts inflate beyond this: a small zip can hide gigabytes. */
  maxUncompressedBytes: number;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (bytes: Buffer, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** Reads an uploaded CSV or .xlsx, telling them apart by content, never by the file name. */
export async function readTabularFile(bytes: Buffer, limits: ReadLimits): Promise<TabularFile> {
  if (bytes.length === 0) throw badRequest('empty_file', 'The file is empty');
  let file: TabularFile;
  if (startsWith(bytes, ZIP_MAGIC)) file = await readXlsx(bytes, limits);
  else if (startsWith(bytes, OLE_MAGIC)) {
    throw badRequest(
      'unsupported_format',
      'Old Excel 97–2003 (.xls) files are not supported: save the sheet as .xlsx or CSV',
    );
  } else file = readCsv(bytes, limits);
  if (file.header.every((h) => h === '')) throw badRequest('empty_file', 'The file has no header row');
  if (file.rows.length === 0) {
    throw badRequest('no_data_rows', 'The file has a header row but no employees under it');
  }
  return file;
}

// ---- CSV ----

/**
 * Detects the text encoding: a byte-order mark first, then UTF-16 without one (every other byte zero),
 * then strict UTF-8, and only then a statistical guess. Legacy Windows exports from Excel in Indonesia
 * and Vietnam are usually Windows-1252, which browsers also use for anything labelled Latin-1.
 */
export function detectEncoding(bytes: Buffer): { encoding: string; bomBytes: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  const sample = bytes.subarray(0, 4096);
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) zeroEven++;
      else zeroOdd++;
    }
  }
  const half = sample.length / 2;
  if (zeroOdd > half * 0.3 && zeroEven < half * 0.05) return { encoding: 'utf-16le', bomBytes: 0 };
  if (zeroEven > half * 0.3 && zeroOdd < half * 0.05) return { encoding: 'utf-16be', bomBytes: 0 };
  if (zeroEven + zeroOdd > 0) {
    throw badRequest('unsupported_format', 'This is not a CSV or .xlsx file (it contains binary data)');
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { encoding: 'utf-8', bomBytes: 0 };
  } catch {
    return { encoding: legacyEncoding(bytes), bomBytes: 0 };
  }
}

/** East Asian multi-byte encodings Excel writes on Japanese, Chinese and Korean Windows. */
const CJK_ENCODINGS = ['shift_jis', 'euc-jp', 'gb18030', 'big5', 'euc-kr'];
const CJK_CHAR =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

/** True when `text` has non-ASCII characters and (nearly) all of them are East Asian. */
function mostlyCjk(text: string): boolean {
  let other = 0;
  let cjk = 0;
  for (const ch of text) {
    if ((ch.codePointAt(0) ?? 0) < 0x80) continue;
    if (CJK_CHAR.test(ch)) cjk++;
    else other++;
  }
  return cjk > 0 && cjk >= 9 * other;
}

/** Windows-1252 letters: À-ÿ except × and ÷, and Š š Œ œ Ž ž Ÿ from the 0x80-0x9F block. */
const LATIN_LETTER = /[À-ÖØ-öø-ÿŠšŒœŽžŸ]/;
const ASCII_LETTER = /[A-Za-z]/;

/**
 * How much the Windows-1252 reading looks like Latin text: the share of non-ASCII characters that are
 * letters next to an ASCII letter ("Müller", "José"). Shift-JIS read as 1252 gives punctuation and
 * symbols instead ("ŽR“c‘¾˜Y" for 山田太郎), so this is low for it.
 */
function latinPlausibility(text: string): number {
  const chars = [...text];
  let high = 0;
  let plausible = 0;
  chars.forEach((ch, i) => {
    if ((ch.codePointAt(0) ?? 0) < 0x80) return;
    high++;
    const near = ASCII_LETTER.test(chars[i - 1] ?? '') || ASCII_LETTER.test(chars[i + 1] ?? '');
    if (LATIN_LETTER.test(ch) && near) plausible++;
  });
  return high === 0 ? 1 : plausible / high;
}

/**
 * A file that is not UTF-8. Statistical guessers (chardet) call short Shift-JIS files windows-1252,
 * which silently turned 山田 into "ŽR“c". So: a Windows-1252 reading that looks like Latin text wins;
 * otherwise each East Asian encoding is tried strictly (no replacement characters) in the guesser's
 * order of preference and one whose text is East Asian is taken; otherwise the file is refused with
 * a message rather than imported as mojibake.
 */
function legacyEncoding(bytes: Buffer): string {
  if (latinPlausibility(iconv.decode(bytes, 'windows-1252')) >= 0.8) return 'windows-1252';
  const ranked = chardet.analyse(bytes).map((m) => m.name.toLowerCase().replace(/_/g, '-'));
  const order = [...CJK_ENCODINGS].sort((a, b) => rank(ranked, a) - rank(ranked, b));
  for (const encoding of order) {
    const text = iconv.decode(bytes, encoding);
    if (!text.includes('\ufffd') && mostlyCjk(text)) return encoding;
  }
  throw badRequest(
    'unknown_encoding',
    'The CSV file is not UTF-8 and its text encoding could not be recognised. Save it as "CSV UTF-8" (in Excel: Save As → CSV UTF-8) or as .xlsx and upload it again.',
  );
}

function rank(ranked: string[], encoding: string): number {
  const aliases: Record<string, string[]> = {
    'shift-jis': ['shift-jis'],
    'euc-jp': ['euc-jp'],
    gb18030: ['gb18030', 'gb2312', 'gbk'],
    big5: ['big5'],
    'euc-kr': ['euc-kr'],
  };
  const names = aliases[encoding.replace(/_/g, '-')] ?? [encoding];
  const at = ranked.findIndex((r) => names.includes(r));
  return at < 0 ? ranked.length : at;
}

/** The delimiter used most in the header line, outside quotes (`,` wins ties: it is the standard). */
export function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}

function readCsv(bytes: Buffer, limits: ReadLimits): TabularFile {
  const { encoding, bomBytes } = detectEncoding(bytes);
  let text = iconv.decode(bytes.subarray(bomBytes), encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw badRequest('empty_file', 'The file is empty');
  // Excel writes `sep=;` as a first line to say which delimiter it used.
  let delimiter: string | null = null;
  const sep = /^sep=(.)\r?\n/i.exec(text);
  if (sep) {
    delimiter = sep[1] ?? ',';
    text = text.slice(sep[0].length);
  }
  const firstLine = text.slice(0, Math.max(text.search(/\r?\n/), 0) || text.length);
  delimiter ??= detectDelimiter(firstLine);
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      // One more than allowed tells "too many" apart from "exactly the limit" without parsing the rest.
      to: limits.maxRows + 2,
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? ` (near line ${error.lines})` : '';
      throw badRequest(
        'malformed_csv',
        `The CSV file is malformed${line}: ${describeCsvError(error)}. Check for a quote (") that is opened but never closed.`,
      );
    }
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) throw badRequest('empty_file', 'The file is empty');
  checkRowCount(rows.length, limits);
  return { format: 'csv', encoding, header: header.map((h) => h.trim()), rows };
}

const CSV_PROBLEMS: Partial<Record<CsvError['code'], string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'rows have different numbers of columns',
  CSV_RECORD_INCONSISTENT_COLUMNS: 'rows have different numbers of columns',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote',
};

function describeCsvError(error: CsvError): string {
  return CSV_PROBLEMS[error.code] ?? error.code.toLowerCase().replace(/^csv_/, '').replace(/_/g, ' ');
}

function checkRowCount(rows: number, limits: ReadLimits): void {
  if (rows > limits.maxRows) {
    throw new AppError(
      413,
      'too_many_rows',
      `The file has more than ${limits.maxRows.toLocaleString('en')} rows; split it into smaller files`,
    );
  }
}

// ---- XLSX ----

/**
 * Sums the uncompressed sizes in the zip's central directory before inflating anything, so a zip bomb
 * is refused cheaply. Returns null when the directory cannot be found (the file is then corrupt).
 */
export function zipUncompressedBytes(bytes: Buffer): number | null {
  const minEocd = 22;
  const from = Math.max(0, bytes.length - minEocd - 0xffff);
  for (let i = bytes.length - minEocd; i >= from; i--) {
    if (bytes.readUInt32LE(i) !== 0x06054b50) continue;
    const entries = bytes.readUInt16LE(i + 10);
    let at = bytes.readUInt32LE(i + 16);
    let total = 0;
    for (let n = 0; n < entries; n++) {
      if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return null;
      const size = bytes.readUInt32LE(at + 24);
      // ZIP64 marks sizes it cannot fit as 0xffffffff; treat those as huge.
      total += size === 0xffffffff ? Number.MAX_SAFE_INTEGER / 2 : size;
      at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    }
    return total;
  }
  return null;
}

/**
 * Inflates every entry of the zip and counts the bytes as they come, stopping at `maxBytes`: the sizes
 * in the central directory are the sender's claim, and a bomb can claim 1 KB for a sheet that inflates
 * to 600 MB. The output is thrown away chunk by chunk, so memory stays at one chunk whatever the file.
 * Resolves to the real total, or null when the zip is corrupt; rejects with a 413 past the limit.
 */
export async function inflatedZipBytes(bytes: Buffer, maxBytes: number): Promise<number | null> {
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd < 0) return null;
  const entries = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return null;
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const local = bytes.readUInt32LE(at + 42);
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) return null;
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (start + compressed > bytes.length) return null;
    const data = bytes.subarray(start, start + compressed);
    if (method === 0) total += data.length;
    else if (method === 8) total += await inflateCounting(data, maxBytes - total);
    else return null;
    if (total > maxBytes) throw tooLargeUnpacked();
  }
  return total;
}

const tooLargeUnpacked = () =>
  new AppError(413, 'file_too_large', 'The Excel file is too large once unpacked; split it');

function findEndOfCentralDirectory(bytes: Buffer): number {
  const from = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= from; i--) if (bytes.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}

function inflateCounting(data: Buffer, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let count = 0;
    inflate.on('data', (chunk: Buffer) => {
      count += chunk.length;
      if (count > budget) {
        inflate.destroy();
        reject(tooLargeUnpacked());
      }
    });
    inflate.on('end', () => resolve(count));
    inflate.on('error', () => resolve(Number.NaN));
    inflate.end(data);
  });
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // ExcelJS hands wall-clock cells over as UTC instants: a date stays a date, a date-time keeps its time.
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : cellText(value.text);
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result);
  return ''; // an error cell (#N/A and friends)
}

async function readXlsx(bytes: Buffer, limits: ReadLimits): Promise<TabularFile> {
  const corrupt = () =>
    badRequest('corrupt_xlsx', 'The Excel file is damaged or not a real .xlsx; open and save it again');
  // The declared sizes first (free), then the real ones while inflating (bounded work and memory).
  const declared = zipUncompressedBytes(bytes);
  if (declared === null) throw corrupt();
  if (declared > limits.maxUncompressedBytes) throw tooLargeUnpacked();
  const inflated = await inflatedZipBytes(bytes, limits.maxUncompressedBytes);
  if (inflated === null || Number.isNaN(inflated)) throw corrupt();
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    throw corrupt();
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw badRequest('empty_file', 'The Excel file has no worksheet');
  checkRowCount(sheet.actualRowCount - 1, limits);
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = row.values as ExcelJS.CellValue[];
    // row.values is 1-based (index 0 is always empty).
    const cells = Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) =>
      cellText(values[i + 1]).trim(),
    );
    if (cells.some((c) => c !== '')) table.push(cells);
  });
  const [header, ...rows] = table;
  if (!header) throw badRequest('empty_file', 'The Excel file is empty');
  checkRowCount(rows.length, limits);
  return { format: 'xlsx', encoding: 'utf-8', header, rows };
}
