import { z } from 'zod';

// In the browser the app runs under a Content-Security-Policy without 'unsafe-eval'. zod otherwise
// probes `new Function("")` on its first object parse (to decide whether to compile validators), which
// the policy reports as a violation. This module is evaluated before any schema is used.
if ('document' in globalThis) z.config({ jitless: true });

/** Identifiers are opaque strings (UUIDv7-like, time ordered) across every dialect. */
/** Ids are UUIDs or slugs: a strict alphabet keeps NUL bytes and path tricks out of every query. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'not a valid id')
  .describe('Opaque identifier');
export type Id = z.infer<typeof Id>;

export const IsoDateTime = z.string().describe('ISO-8601 timestamp, UTC');
/** True for a real calendar date "YYYY-MM-DD" (2026-02-31 and 2025-02-29 are not). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1900 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
  );
}

export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine(isCalendarDate, 'not a real calendar date')
  .describe('A calendar date in the organization time zone');

// Zones already accepted: building an Intl.DateTimeFormat costs ~0.1 ms, and every read of an
// organization's settings validates its zone (a phone sync of 500 records did so 500 times). Only valid
// names are kept, so the set is bounded by the IANA database.
const knownTimeZones = new Set<string>();

/** True for a time zone this runtime knows by its IANA name ("Asia/Jakarta", "UTC"). */
export function isTimeZone(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  if (knownTimeZones.has(value)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    knownTimeZones.add(value);
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone, validated at the edge so a bad one never reaches reports or the presence tick. */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as "Asia/Jakarta"')
  .describe('IANA time zone, e.g. Asia/Jakarta');

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * NUL bytes and lone UTF-16 surrogates in text: a NUL truncates strings in C libraries and PostgreSQL
 * refuses it outright; a lone surrogate is not valid Unicode and becomes U+FFFD (or an error) on the
 * way to UTF-8. Neither belongs in a name or a note.
 */
export function hasUnsafeText(value: string): boolean {
  return value.includes('\u0000') || LONE_SURROGATE.test(value);
}

export const Locale = z.enum(['id', 'en', 'vi']).describe('UI and message language');
export type Locale = z.infer<typeof Locale>;

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable error code'),
    message: z.string().describe('Human-readable explanation'),
    details: z.unknown().optional().describe('Field errors or extra context'),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('1-based page number'),
  pageSize: z.coerce.number().int().min(1).max(500).default(25).describe('Rows per page'),
});

export function paginated<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().min(0).describe('Rows matching the filter'),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
  });
}

export const OkBody = z.object({ ok: z.literal(true) });
