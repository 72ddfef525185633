/**
 * The [A] behaviour of Maple's find endpoint as this fake server implements it (providers/maple.md
 * §6.5–§6.6). Everything a real Maple might do differently is here, in one place, easy to change.
 */
import type { MapleRawCustomer } from './seed.js';

/** [A] limit bounds and default; [C] max 100. */
export const LIMIT = { min: 1, max: 100, default: 20 } as const;

/** [A] The four sort keys (only createdAtDesc is confirmed) → field and direction. */
export const SORT_KEYS: Record<string, { field: 'created_at' | 'updated_at'; dir: 1 | -1 }> = {
  createdAtDesc: { field: 'created_at', dir: -1 },
  createdAtAsc: { field: 'created_at', dir: 1 },
  updatedAtDesc: { field: 'updated_at', dir: -1 },
  updatedAtAsc: { field: 'updated_at', dir: 1 },
};
export const DEFAULT_SORT_KEY = 'createdAtDesc';

/** [A] The count under `include_meta: true`. */
export const TOTAL_FIELD = 'total';

/** [A] from_key: base64url of "<sort field value>|<id>" of the last row sent. */
export function encodeFromKey(row: MapleRawCustomer, field: 'created_at' | 'updated_at'): string {
  return Buffer.from(`${row[field]}|${row.id}`).toString('base64url');
}

export function decodeFromKey(key: string): { at: number; id: string } | null {
  if (!/^[A-Za-z0-9_-]+$/.test(key)) return null;
  const text = Buffer.from(key, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar < 1 || bar === text.length - 1) return null;
  const at = Date.parse(text.slice(0, bar));
  return Number.isNaN(at) ? null : { at, id: text.slice(bar + 1) };
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : '');
const contains = (value: unknown, part: string) => lower(value).includes(part.toLowerCase());
const sameText = (value: unknown, wanted: string) => lower(value) === wanted.toLowerCase();

type Matcher = (row: MapleRawCustomer, wanted: never) => boolean;
type Range = { eq?: number; gt?: number; gte?: number; lte?: number };
type MatchSet = { condition?: 'AND' | 'OR'; values: string[] };

function inRange(cents: number | undefined, range: Range): boolean {
  if (cents === undefined) return false;
  if (range.eq !== undefined && cents !== range.eq) return false;
  if (range.gt !== undefined && !(cents > range.gt)) return false;
  if (range.gte !== undefined && !(cents >= range.gte)) return false;
  return !(range.lte !== undefined && !(cents <= range.lte));
}

/** [A] AND (the default) = every value holds; OR = at least one does. */
function matchSet(set: MatchSet, holds: (value: string) => boolean): boolean {
  return set.condition === 'OR' ? set.values.some(holds) : set.values.every(holds);
}

/** [A] metadata values are "key:value" (string compare) or a bare "key" (present). */
function metadataHas(row: MapleRawCustomer, entry: string): boolean {
  const colon = entry.indexOf(':');
  const key = colon < 0 ? entry : entry.slice(0, colon);
  const value = row.metadata?.[key];
  if (value === undefined || value === null) return false;
  return colon < 0 || String(value) === entry.slice(colon + 1);
}

/** [A] search: case-insensitive substring of name, email, org_name or identifier. */
export const QUERY_MATCHERS: Record<string, Matcher> = {
  search: (r, q: string) => [r.name, r.email, r.org_name, r.identifier].some((v) => contains(v, q)),
  email: (r, q: string) => sameText(r.email, q),
  name: (r, q: string) => contains(r.name, q),
  org_name: (r, q: string) => sameText(r.org_name, q),
  title: (r, q: string) => sameText(r.title, q),
  identifier: (r, q: string) => r.identifier === q,
  phone: (r, q: string) => r.phone === q,
  status: (r, q: string) => r.status === q,
  statuses: (r, q: string[]) => q.includes(r.status),
  owner_id: (r, q: string) => r.owner_id === q,
  owner_ids: (r, q: MatchSet) => matchSet(q, (v) => r.owner_id === v),
  parent_customer_id: (r, q: string) => r.parent_customer_id === q,
  has_parent: (r, q: boolean) => (r.parent_customer_id !== null) === q,
  managed_externally: (r, q: boolean) => r.managed_externally === q,
  exclude_from_metrics: (r, q: boolean) => r.exclude_from_metrics === q,
  mrr: (r, q: Range) => inRange(r.mrr?.value_in_cents, q),
  arr: (r, q: Range) => inRange(r.arr?.value_in_cents, q),
  tags: (r, q: MatchSet) => matchSet(q, (v) => (r.tags ?? []).includes(v)),
  metadata: (r, q: MatchSet) => matchSet(q, (v) => metadataHas(r, v)),
};

/** The JSON type each query field must have ([A]: unknown fields are rejected, not ignored). */
export const QUERY_TYPES: Record<string, 'string' | 'boolean' | 'strings' | 'range' | 'set'> = {
  search: 'string',
  email: 'string',
  name: 'string',
  org_name: 'string',
  title: 'string',
  identifier: 'string',
  phone: 'string',
  status: 'string',
  statuses: 'strings',
  owner_id: 'string',
  owner_ids: 'set',
  parent_customer_id: 'string',
  has_parent: 'boolean',
  managed_externally: 'boolean',
  exclude_from_metrics: 'boolean',
  mrr: 'range',
  arr: 'range',
  tags: 'set',
  metadata: 'set',
};
