/** Filter inputs whose meaning is shared across providers (CONTRACT §3.2): same name, same wording. */
import { z } from 'zod';
import { invalidArgument } from '../errors.js';

/*
 * Checks that stay out of the JSON Schema are refinements, on purpose: a regex `pattern` costs
 * tokens in every tools/list (zod's date-time pattern alone is ~500 characters) and tells the
 * model nothing the description does not.
 */

/**
 * No control characters: they have no business in an id or a filter value. The same rule runs
 * over every string at every depth of a tool's arguments (src/tools/validate.ts).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
export const CONTROL = /[\u0000-\u001f\u007f]/;

export function safeString(description: string, max = 255) {
  return z
    .string()
    .refine((value) => value.length >= 1 && value.length <= max, {
      error: `must be 1 to ${max} characters`,
    })
    .refine((value) => !CONTROL.test(value), { error: 'must not contain control characters' })
    .describe(description);
}

const ISO_DATE_TIME = z.iso.datetime({ offset: true });
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A plain date (`2024-01-01`) is that day's midnight UTC; anything else is left as given. */
export function asDateTime(value: string): string {
  return PLAIN_DATE.test(value) ? `${value}T00:00:00Z` : value;
}

/** An ISO 8601 date-time with an offset, or a plain date (read as midnight UTC). */
export function isDateTime(value: string): boolean {
  return ISO_DATE_TIME.safeParse(asDateTime(value)).success;
}

export const DATE_TIME_ERROR =
  'must be an ISO 8601 date-time like 2025-01-31T00:00:00Z, or a date like 2025-01-31 (midnight UTC)';

export const isoDateTime = (description: string) =>
  z.string().refine(isDateTime, { error: DATE_TIME_ERROR }).describe(description);

/** created_after on or past created_before asks for an empty window: refused, naming both. */
export function checkCreatedWindow(
  filters: { created_after?: string; created_before?: string },
  provider: string,
): void {
  const { created_after: after, created_before: before } = filters;
  if (after === undefined || before === undefined) return;
  if (Date.parse(asDateTime(after)) >= Date.parse(asDateTime(before))) {
    throw invalidArgument(
      `created_after (${after}) is not before created_before (${before}): no customer can match both. Swap or widen them.`,
      provider,
    );
  }
}

export const sharedFilters = {
  email: () => safeString('Exact email address.'),
  external_id: () => safeString('Exact id in your own system.'),
  name: () => safeString('Part of the name (contains).'),
  search: () => safeString('Free text (contains).'),
  created_after: () => isoDateTime('Created after (ISO 8601, or a UTC date).'),
  created_before: () => isoDateTime('Created before (ISO 8601, or a UTC date).'),
  status: <const T extends readonly [string, ...string[]]>(values: T, description: string) =>
    z.enum(values).describe(description),
  order_by: <const T extends readonly [string, ...string[]]>(fields: T) =>
    z
      .object({
        field: z.enum(fields).describe('Field to sort by.'),
        direction: z.enum(['asc', 'desc']).default('desc').describe('Sort direction.'),
      })
      .strict()
      .describe('Sort order.'),
};
