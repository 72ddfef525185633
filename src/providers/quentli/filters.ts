/** The list inputs Quentli applies server-side (CONTRACT §3.2) and their `customerFilter` object. */
import { z } from 'zod';
import { asDateTime, sharedFilters } from '../filters.js';
import {
  CASE_INSENSITIVE,
  DEFAULT_ORDER_BY,
  EXTERNAL_ID_FIELD,
  ORDER_FIELDS,
  SEARCH_FIELDS,
} from './assumptions.js';
import { whereGroups, whereSchema } from './where.js';

const ORDER_KEYS = Object.keys(ORDER_FIELDS) as [keyof typeof ORDER_FIELDS];

// order_by is shown to the model as a described object: its typed form is ~330 characters of
// JSON Schema; the values are spelled out in the description and checked by the shared builder.
export const quentliListFilters = z.object({
  email: sharedFilters.email().describe('Exact email address (any case).').optional(),
  external_id: sharedFilters.external_id().optional(),
  name: sharedFilters.name().describe('Part of the name (contains, any case).').optional(),
  search: sharedFilters
    .search()
    .describe('Text in name, email, username or phone (any case).')
    .optional(),
  created_after: sharedFilters.created_after().optional(),
  created_before: sharedFilters.created_before().optional(),
  order_by: z
    .looseObject({})
    .describe('Sort: {field: created_at|updated_at|name, direction: asc|desc (default desc)}.')
    .pipe(sharedFilters.order_by(ORDER_KEYS))
    .optional(),
  where: whereSchema.optional(),
});

export type QuentliFilters = z.infer<typeof quentliListFilters>;

type Filter = Record<string, unknown>;

/**
 * All given inputs ANDed into one Prisma-style `customerFilter`. Top-level keys are ANDed, so
 * shared inputs and `where` AND conditions sit there when their field is free (the plain form of
 * the §7.4 examples); the rest fill AND / OR / NOT. When both `search` and a `where` OR group
 * need `OR`, search moves into AND as `{OR: [...]}`: still depth ≤ 5.
 */
export function buildFilter(filters: QuentliFilters): Filter {
  const filter: Filter = { ...sharedPart(filters) };
  const groups = whereGroups(filters.where ?? []);
  const and = (groups.AND ?? []).filter((condition) => !hoist(filter, condition));
  const search = filters.search === undefined ? undefined : searchAny(filters.search);
  if (groups.OR) {
    filter.OR = groups.OR;
    if (search) and.push({ OR: search });
  } else if (search) {
    filter.OR = search;
  }
  if (and.length > 0) filter.AND = and;
  if (groups.NOT) filter.NOT = groups.NOT;
  return filter;
}

/**
 * Puts `{field: ops}` at the top level if the field is free, or merges it into the field's
 * operator object when no operator repeats and `mode` is the same (mode covers every operator).
 */
function hoist(filter: Filter, condition: Record<string, unknown>): boolean {
  const [field, ops] = Object.entries(condition)[0] ?? [];
  if (field === undefined) return true;
  const existing = filter[field];
  if (existing === undefined) {
    filter[field] = ops;
    return true;
  }
  if (!isOps(existing) || !isOps(ops) || existing.mode !== ops.mode) return false;
  if (Object.keys(ops).some((op) => op !== 'mode' && op in existing)) return false;
  filter[field] = { ...existing, ...ops };
  return true;
}

const isOps = (value: unknown): value is Filter =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function sharedPart(filters: QuentliFilters): Filter {
  const part: Filter = {};
  if (filters.email !== undefined) part.email = { equals: filters.email, ...CASE_INSENSITIVE };
  if (filters.external_id !== undefined) part[EXTERNAL_ID_FIELD] = { equals: filters.external_id };
  if (filters.name !== undefined) part.name = { contains: filters.name, ...CASE_INSENSITIVE };
  const createdAt: Filter = {};
  if (filters.created_after !== undefined) createdAt.gte = iso(filters.created_after);
  if (filters.created_before !== undefined) createdAt.lt = iso(filters.created_before);
  if (Object.keys(createdAt).length > 0) part.createdAt = createdAt;
  return part;
}

function searchAny(text: string): object[] {
  return SEARCH_FIELDS.map((field) => ({ [field]: { contains: text, ...CASE_INSENSITIVE } }));
}

/** Quentli examples use JS `toISOString()` form (ms, Z); any offset the user gave is kept exact. */
function iso(value: string): string {
  return new Date(asDateTime(value)).toISOString();
}

/** `order_by` → `customerOrderBy` (one key); none given → DEFAULT_ORDER_BY, never the server's. */
export function buildOrderBy(filters: QuentliFilters): Filter {
  if (!filters.order_by) return { ...DEFAULT_ORDER_BY };
  const { field, direction } = filters.order_by;
  return { [ORDER_FIELDS[field]]: direction };
}
