/** list_customers inputs for Maple (CONTRACT §3.2) and their mapping onto the find body. */
import { z } from 'zod';
import { invalidArgument } from '../../errors.js';
import { sharedFilters } from '../filters.js';
import {
  DEFAULT_SORT_KEY,
  MATCH_ALL,
  MATCH_ANY,
  SORT_KEYS,
  STATUS_TO_WIRE,
} from './assumptions.js';

const STATUSES = ['active', 'archived'] as const;

// The extras are flat and tersely described, lengths and whole cents are checked in code
// (checkQuery), and the rarest native fields are left out: the 1,800-character schema budget
// allows no more. These values go into a JSON body, never a path.
const str = (description: string) => z.string().describe(description);
const strings = (description: string) => z.array(z.string()).describe(description);

export const mapleQuery = z
  .object({
    org_name: str('Exact.'),
    title: str('Exact.'),
    phone: str('Exact.'),
    statuses: z.array(z.enum(STATUSES)).describe('Any of.'),
    owner_id: str('Exact.'),
    owner_ids: strings('Any of.'),
    parent_customer_id: str('Exact.'),
    has_parent: z.boolean().describe('Is a child.'),
    mrr_min_cents: z.number().describe('≥ (cents: $1 = 100).'),
    mrr_max_cents: z.number().describe('≤.'),
    arr_min_cents: z.number().describe('≥.'),
    arr_max_cents: z.number().describe('≤.'),
    managed_externally: z.boolean().describe('Managed outside Maple.'),
    exclude_from_metrics: z.boolean().describe('Excluded from metrics.'),
    tags: strings('All of.'),
    metadata: strings('All of "key:value".'),
  })
  .partial()
  .strict()
  .describe('Maple-native filters (rows show the MRR/ARR filtered on).');

export const mapleListFilters = z.object({
  // [A] §6.5: Maple documents query.email as exact, not its case rule; the sandbox ignores case.
  email: sharedFilters
    .email()
    .describe('Exact email address (any case, per Maple; undocumented).')
    .optional(),
  external_id: sharedFilters.external_id().optional(),
  name: sharedFilters.name().optional(),
  search: sharedFilters.search().optional(),
  status: sharedFilters.status(STATUSES, 'active or archived.').optional(),
  order_by: sharedFilters.order_by(['created_at', 'updated_at']).optional(),
  query: mapleQuery.optional(),
});

export type MapleFilters = z.infer<typeof mapleListFilters>;

/** The find body's `sort_key` and `query`; throws invalid_argument before any request on bad input. */
export function toFindQuery(filters: MapleFilters): {
  sortKey: string;
  query: Record<string, unknown>;
} {
  const { query: extras = {}, order_by, email, external_id, name, search, status } = filters;
  checkQuery(extras);
  if (status !== undefined && extras.statuses !== undefined && !extras.statuses.includes(status)) {
    throw invalidArgument(
      `status "${status}" and query.statuses ${JSON.stringify(extras.statuses)} contradict each other: no customer can match both. Give one of them.`,
      'maple',
    );
  }
  const {
    statuses,
    owner_id,
    owner_ids,
    mrr_min_cents: mrr_min,
    mrr_max_cents: mrr_max,
    arr_min_cents: arr_min,
    arr_max_cents: arr_max,
    tags,
    metadata,
    ...same
  } = extras;
  const query: Record<string, unknown> = {
    ...same,
    email,
    identifier: external_id,
    name,
    search,
    status: status && STATUS_TO_WIRE[status],
    statuses: statuses?.map((value) => STATUS_TO_WIRE[value]),
    // `owner_id` is confirmed; `owner_ids` (newer docs) goes as "any of", since a customer has
    // one owner; a single value in it goes as the confirmed `owner_id` form.
    owner_id: owner_id ?? (owner_ids?.length === 1 ? owner_ids[0] : undefined),
    owner_ids:
      owner_ids && (owner_ids.length > 1 || owner_id !== undefined)
        ? { condition: MATCH_ANY, values: owner_ids }
        : undefined,
    mrr: range(mrr_min, mrr_max),
    arr: range(arr_min, arr_max),
    tags: tags && { condition: MATCH_ALL, values: tags },
    metadata: metadata && { condition: MATCH_ALL, values: metadata },
  };
  const sortKey = order_by ? SORT_KEYS[order_by.field][order_by.direction] : DEFAULT_SORT_KEY;
  return { sortKey, query: JSON.parse(JSON.stringify(query)) };
}

type Query = z.infer<typeof mapleQuery>;
const MAX_TEXT = 200;
const MAX_VALUES = 20;

/** The checks the small schema leaves out (see the comment on QUERY_HELP). */
function checkQuery(query: Query): void {
  const bad = (field: string, what: string) => invalidArgument(`query.${field}: ${what}`, 'maple');
  for (const field of ['org_name', 'title', 'phone', 'owner_id', 'parent_customer_id'] as const) {
    const value = query[field];
    if (value !== undefined && !textOk(value))
      throw bad(field, `must be 1 to ${MAX_TEXT} characters.`);
  }
  for (const field of ['statuses', 'owner_ids', 'tags', 'metadata'] as const) {
    const list = query[field];
    if (list === undefined) continue;
    if (list.length < 1 || list.length > MAX_VALUES || !list.every(textOk)) {
      throw bad(field, `must be 1 to ${MAX_VALUES} strings of 1 to ${MAX_TEXT} characters.`);
    }
  }
  for (const field of [
    'mrr_min_cents',
    'mrr_max_cents',
    'arr_min_cents',
    'arr_max_cents',
  ] as const) {
    const value = query[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw bad(field, 'must be a whole number of cents ≥ 0 (e.g. $1,000.00 = 100000).');
    }
  }
  for (const [min, max] of [
    ['mrr_min_cents', 'mrr_max_cents'],
    ['arr_min_cents', 'arr_max_cents'],
  ] as const) {
    if ((query[min] ?? 0) > (query[max] ?? Number.MAX_SAFE_INTEGER)) {
      throw bad(min, `must not be above query.${max}: no customer can match both.`);
    }
  }
}

/** A cents range as the find body's `{gte, lte}`: whole cents make `eq`/`gt` expressible with these. */
function range(min: number | undefined, max: number | undefined) {
  return min === undefined && max === undefined ? undefined : { gte: min, lte: max };
}

function textOk(value: string): boolean {
  return value.length >= 1 && value.length <= MAX_TEXT;
}

/** The money values a query filters on, which its rows then show (a summary has no MRR/ARR). */
export function filteredMoney(filters: MapleFilters): { mrr: boolean; arr: boolean } {
  const q = filters.query ?? {};
  return {
    mrr: q.mrr_min_cents !== undefined || q.mrr_max_cents !== undefined,
    arr: q.arr_min_cents !== undefined || q.arr_max_cents !== undefined,
  };
}
