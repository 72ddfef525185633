/**
 * Every Maple behaviour tagged [A] in providers/maple.md that this client relies on, in one place.
 * If the real API turns out different, change it here (the emulator mirrors these in its own
 * src/sandbox/maple/semantics.ts).
 */

/** [C] `pagination.limit` is at most 100. [A] at least 1. */
export const MAX_LIMIT = 100;

/** [A] The four sort keys (only createdAtDesc is confirmed; the others come from billable_items/find). */
export const SORT_KEYS = {
  created_at: { asc: 'createdAtAsc', desc: 'createdAtDesc' },
  updated_at: { asc: 'updatedAtAsc', desc: 'updatedAtDesc' },
} as const;

/** [A] The default sort when the caller gives no order_by (the doc mirror says createdAtDesc). */
export const DEFAULT_SORT_KEY = 'createdAtDesc';

/** [A] The name of the count under `pagination` when `include_meta: true` ("number of total results"). */
export const TOTAL_FIELD = 'total';

/** [A] Status enum is exactly ACTIVE / ARCHIVED; anything else is reported lowercased. */
export const STATUS_TO_WIRE = { active: 'ACTIVE', archived: 'ARCHIVED' } as const;

/**
 * [A] End of list: `from_key` null, absent or empty, an empty page, or a from_key equal to the one
 * sent (a cursor that does not advance). Short pages are NOT an end signal (§6.6).
 */
export function isEndOfList(sent: string | null, next: unknown, rows: number): boolean {
  return rows === 0 || typeof next !== 'string' || next === '' || next === sent;
}

/**
 * [A] GET …/customers/{x} resolves a Maple id first, then an identifier. So a lookup by external id
 * can hit a customer whose *id* equals that string; we check and fall back to find by identifier.
 */
export const GET_RESOLVES_ID_FIRST = true;

/**
 * [A] `query.metadata.values` entries are "key:value" strings, `query.tags` / `metadata` take
 * `{condition: AND|OR, values}`, and `query.mrr` compares cents with `mrr.value_in_cents`. The
 * user-facing wording of these lives in QUERY_HELP (filters.ts).
 */
export const MATCH_ALL = 'AND';
export const MATCH_ANY = 'OR';
