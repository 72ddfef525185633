/** Filter inputs whose meaning is shared across providers (CONTRACT §3.2): same name, same wording. */
import { z } from 'zod';

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

export const isoDateTime = (description: string) =>
  z
    .string()
    .refine((value) => ISO_DATE_TIME.safeParse(value).success, {
      error: 'must be an ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z',
    })
    .describe(description);

export const sharedFilters = {
  email: () => safeString('Exact email address.'),
  external_id: () => safeString('Exact id in your own system.'),
  name: () => safeString('Part of the name (contains).'),
  search: () => safeString('Free text (contains).'),
  created_after: () => isoDateTime('Created after this instant (ISO 8601).'),
  created_before: () => isoDateTime('Created before this instant (ISO 8601).'),
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
