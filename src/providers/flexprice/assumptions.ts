/**
 * Every fact about Flexprice's API this client relies on, in one place, tagged as in
 * docs/providers/flexprice.md: [C] confirmed in source, [D] derived by reading source,
 * [A] assumption. Change a claim here and the client follows.
 */

/** [C] §1: the API lives under /v1 (the registry appends it to FLEXPRICE_BASE_URL). */
import { isDotSegment } from '../../upstream/path.js';
export const CUSTOMERS_PATH = '/customers';

/** [C] §2: the API key header. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * [A] §1/§12: a key works in one region only, so a 401 may mean the wrong region, not a bad key.
 * Named in the `unauthorized` message.
 */
export const CREDENTIAL_HINT =
  'FLEXPRICE_API_KEY (and FLEXPRICE_BASE_URL: a key is valid in one region only, US https://us.api.flexprice.io or India https://api.cloud.flexprice.io)';

/**
 * [C] §6: `customers` columns accepted in filters[] and sort[]. Left out on purpose: tenant_id and
 * environment_id (always the key's own), metadata (JSONB: the string operators do not apply),
 * status (AND-ed with the implicit status, so only the top-level `status` is useful) and
 * created_by/updated_by (internal user ids), address_line1/2 (free text, rarely a filter; the
 * JSON Schema budget is tight).
 * [A] §4/§12: `contact` and `timezone` exist only on newer builds; an older hosted build answers
 * "Failed to list customers" for them, which reaches the model as that message.
 */
export const FILTER_FIELDS = [
  'id',
  'external_id',
  'name',
  'email',
  'contact',
  'created_at',
  'updated_at',
  'address_city',
  'address_state',
  'address_postal_code',
  'address_country',
  'timezone',
] as const;

/** [C] §6: the timestamp columns, the only ones `before`/`after` make sense on. */
export const DATE_FIELDS: ReadonlySet<string> = new Set(['created_at', 'updated_at']);

/**
 * [C] §6: the operators the query builder implements, and the `value` member each one reads.
 * Not offered: `gte` (in Flexprice's enum but silently ignored), `lte` (does not exist), and
 * `gt`/`lt` (numeric, and no customer column is: Postgres would answer with an error).
 */
export const OPERATOR_VALUE = {
  eq: 'string',
  contains: 'string',
  not_contains: 'string',
  in: 'array',
  not_in: 'array',
  before: 'date',
  after: 'date',
} as const;

export type FilterOperator = keyof typeof OPERATOR_VALUE;
export const FILTER_OPERATORS = Object.keys(OPERATOR_VALUE) as [
  FilterOperator,
  ...FilterOperator[],
];

/** [C] §6: any column sorts; these are the ones worth offering. */
export const ORDER_BY_FIELDS = [
  'created_at',
  'updated_at',
  'name',
  'email',
  'external_id',
] as const;

/** [C] §4/§5.4: our status words → Flexprice's. Absent ⇒ the API's default, published only. */
export const STATUS_TO_WIRE = {
  active: 'published',
  archived: 'archived',
  deleted: 'deleted',
} as const;

/** [C] §5.4: the email filter is regex-checked upstream; checked here first so no request is wasted. */
export const EMAIL_PATTERN = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;

/**
 * [D] §3: gin routes on the *decoded* path, so a value containing '/' cannot be one path segment;
 * and '.'/'..' are folded away by URL parsers before the request is sent. Such values are looked
 * up through POST /customers/search instead (see index.ts).
 */
export function fitsOnePathSegment(value: string): boolean {
  return !value.includes('/') && !isDotSegment(value);
}
