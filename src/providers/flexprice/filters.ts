/** flexprice_list_customers filters (CONTRACT §3.2) and their POST /customers/search body. */
import { z } from 'zod';
import { invalidArgument } from '../../errors.js';
import { asDateTime, checkCreatedWindow, isDateTime, sharedFilters } from '../filters.js';
import {
  DATE_FIELDS,
  EMAIL_PATTERN,
  FILTER_FIELDS,
  FILTER_OPERATORS,
  type FilterOperator,
  OPERATOR_VALUE,
  ORDER_BY_FIELDS,
  STATUS_TO_WIRE,
} from './assumptions.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A condition value: may be empty (eq ""), otherwise held to the shared text rules. */
const plain = z
  .string()
  .refine((v) => v.length <= 255, { error: 'must be at most 255 characters' })
  .refine((v) => !CONTROL.test(v), { error: 'must not contain control characters' });

const strings = z.array(plain).min(1).max(100);

const condition = z
  .object({
    field: z.enum(FILTER_FIELDS).describe('Field.'),
    operator: z
      .enum(FILTER_OPERATORS)
      .describe(
        'value: string (eq, contains, not_contains), string[] (in, not_in), ISO date (before, after: created_at/updated_at only).',
      ),
    // Typed by the superRefine below (precise messages); the JSON Schema still names the two
    // accepted types, since a schema that constrains nothing is not portable.
    value: z
      .unknown()
      .meta({ anyOf: [{ type: 'string' }, { type: 'array' }] })
      .describe('See operator.'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const problem = valueProblem(c.operator, c.field, c.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

type Condition = z.infer<typeof condition>;

/** Why `value` does not fit `operator`, or undefined when it does. */
function valueProblem(operator: FilterOperator, field: string, value: unknown): string | undefined {
  const kind = OPERATOR_VALUE[operator];
  // Text operators on a timestamp column are type errors in Postgres (ILIKE, = 'text').
  if (DATE_FIELDS.has(field) && kind !== 'date') return `${field} takes before or after only`;
  if (kind === 'array') {
    return strings.safeParse(value).success ? undefined : `${operator} needs 1 to 100 strings`;
  }
  if (!plain.safeParse(value).success)
    return `${operator} needs a string of at most 255 characters`;
  if (kind === 'string') return undefined;
  if (!DATE_FIELDS.has(field)) return `${operator} applies to created_at or updated_at only`;
  if (!isDateTime(value as string))
    return `${operator} needs an ISO 8601 date-time (or a date, read as midnight UTC)`;
  return undefined;
}

export const flexpriceListFilters = z
  .object({
    email: sharedFilters
      .email()
      .describe('Email, any case (an ILIKE contains, then equal addresses only).'),
    external_id: sharedFilters.external_id(),
    name: sharedFilters.name(),
    // Flexprice has no free-text search: its only text match is a contains on one column.
    search: sharedFilters.search().describe('Free text matched against the name (contains).'),
    status: sharedFilters.status(
      ['active', 'archived', 'deleted', 'any'],
      'Default active. any: all (active, then archived, then deleted).',
    ),
    created_after: sharedFilters.created_after(),
    created_before: sharedFilters.created_before(),
    order_by: sharedFilters.order_by(ORDER_BY_FIELDS),
    filters: z
      .array(condition)
      .refine((v) => v.length <= 20, { error: 'at most 20 conditions' })
      .describe('All must match.'),
  })
  .partial();

export type FlexpriceFilters = z.infer<typeof flexpriceListFilters>;

/** Cross-field checks the schema cannot express; thrown before any request. */
export function checkFilters(filters: FlexpriceFilters): void {
  checkCreatedWindow(filters, 'flexprice');
  if (filters.email !== undefined && !EMAIL_PATTERN.test(filters.email)) {
    throw invalidArgument(
      `email: Flexprice accepts only a complete address like name@example.com (got ${JSON.stringify(filters.email)}).`,
      'flexprice',
    );
  }
}

interface WireCondition {
  field: string;
  operator: string;
  data_type: 'string' | 'array' | 'date' | 'number';
  value: Record<string, unknown>;
}

function wireCondition({ field, operator, value }: Condition): WireCondition {
  const kind = OPERATOR_VALUE[operator];
  // Flexprice parses dates as RFC 3339 only: a plain date goes as its midnight UTC.
  const sent = kind === 'date' ? asDateTime(value as string) : value;
  return { field, operator, data_type: kind, value: { [kind]: sent } };
}

const contains = (value: string): Condition => ({ field: 'name', operator: 'contains', value });

/** One status of a query: Flexprice's `status` takes a single value and has no "every status". */
export type WireStatus = (typeof STATUS_TO_WIRE)[keyof typeof STATUS_TO_WIRE] | undefined;

/** The statuses a query asks, in the order their rows are listed; undefined = the API's default. */
export function wireStatuses(filters: FlexpriceFilters): WireStatus[] {
  if (filters.status === 'any') return Object.values(STATUS_TO_WIRE);
  return [filters.status === undefined ? undefined : STATUS_TO_WIRE[filters.status]];
}

/**
 * The search body: our filters in Flexprice's words, paged by offset/limit, for one status. The
 * email goes as a `contains` condition (ILIKE, case-insensitive), never as the case-sensitive
 * top-level `email`; the caller keeps only the rows whose address is equal in any case.
 */
export function searchBody(
  filters: FlexpriceFilters,
  status: WireStatus,
  offset: number,
  limit: number,
) {
  const conditions: Condition[] = [];
  if (filters.email !== undefined)
    conditions.push({ field: 'email', operator: 'contains', value: filters.email });
  if (filters.name !== undefined) conditions.push(contains(filters.name));
  if (filters.search !== undefined) conditions.push(contains(filters.search));
  if (filters.created_after !== undefined)
    conditions.push({ field: 'created_at', operator: 'after', value: filters.created_after });
  if (filters.created_before !== undefined)
    conditions.push({ field: 'created_at', operator: 'before', value: filters.created_before });
  conditions.push(...(filters.filters ?? []));
  const { order_by: orderBy } = filters;
  return {
    limit,
    offset,
    ...(filters.external_id === undefined ? {} : { external_id: filters.external_id }),
    ...(status === undefined ? {} : { status }),
    ...(conditions.length === 0 ? {} : { filters: conditions.map(wireCondition) }),
    // `sort` is primary; `order` directs the implicit created_at tie-breaker that follows it.
    ...(orderBy === undefined
      ? {}
      : {
          sort: [{ field: orderBy.field, direction: orderBy.direction }],
          order: orderBy.direction,
        }),
  };
}
