import { z } from 'zod';

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
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .describe('A calendar date in the organization time zone');

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
