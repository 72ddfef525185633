/** POST …/customers/find as the fake server answers it (§6.5–§6.6): validate, filter, sort, page. */

import type { MapleRawCustomer } from './seed.js';
import {
  DEFAULT_SORT_KEY,
  decodeFromKey,
  encodeFromKey,
  LIMIT,
  QUERY_MATCHERS,
  QUERY_TYPES,
  SORT_KEYS,
  TOTAL_FIELD,
} from './semantics.js';

export interface FindSwitches {
  /** Answer at most this many rows per page whatever the limit (a server with short pages). */
  maxPageSize: number | null;
  /** Send a from_key on the last page too (the other reading of the end-of-list [A]). */
  fromKeyOnLastPage: boolean;
  /** Append this many characters to every from_key (".ppp…", ignored when read back): a server
   * whose opaque keys are huge (memory must stay bounded whatever Maple sends). */
  fromKeyPadding?: number;
}

const PADDING = /\.p*$/;

type Problem = { field: string; message: string };
export type FindOutcome = { ok: true; json: unknown } | { ok: false; problems: Problem[] };

interface FindRequest {
  limit: number;
  fromKey: { at: number; id: string } | null;
  sort: { field: 'created_at' | 'updated_at'; dir: 1 | -1 };
  includeMeta: boolean;
  query: Record<string, unknown>;
}

export function find(rows: MapleRawCustomer[], body: unknown, switches: FindSwitches): FindOutcome {
  const problems: Problem[] = [];
  const request = parseFind(body, problems);
  if (!request || problems.length > 0) return { ok: false, problems };
  const { sort, fromKey, query } = request;
  const cmp = (a: { at: number; id: string }, b: { at: number; id: string }) =>
    sort.dir * (a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const keyOf = (row: MapleRawCustomer) => ({ at: Date.parse(row[sort.field]), id: row.id });
  const matched = rows
    .filter((row) => Object.entries(query).every(([k, v]) => QUERY_MATCHERS[k]?.(row, v as never)))
    .sort((a, b) => cmp(keyOf(a), keyOf(b)));
  const from = fromKey ? matched.findIndex((row) => cmp(keyOf(row), fromKey) > 0) : 0;
  const begin = from < 0 ? matched.length : from;
  const limit = Math.min(request.limit, switches.maxPageSize ?? request.limit);
  const page = matched.slice(begin, begin + limit);
  const last = page.at(-1);
  const more = begin + page.length < matched.length;
  const padding = switches.fromKeyPadding ? `.${'p'.repeat(switches.fromKeyPadding)}` : '';
  const nextKey =
    last && (more || switches.fromKeyOnLastPage) ? encodeFromKey(last, sort.field) + padding : null;
  const pagination = {
    from_key: nextKey,
    limit,
    ...(request.includeMeta ? { [TOTAL_FIELD]: matched.length } : {}),
  };
  return { ok: true, json: { results: page, pagination } };
}

function parseFind(body: unknown, problems: Problem[]): FindRequest | null {
  if (!isObject(body)) {
    problems.push({ field: 'body', message: 'body must be a JSON object' });
    return null;
  }
  const limit = parseLimit(body.pagination, problems);
  const fromKey = parseFromKey(body.pagination, problems);
  const sortKey = body.sort_key ?? DEFAULT_SORT_KEY;
  const sort = typeof sortKey === 'string' ? SORT_KEYS[sortKey] : undefined;
  if (!sort) {
    problems.push({
      field: 'sort_key',
      message: `sort_key must be one of ${Object.keys(SORT_KEYS).join(', ')}`,
    });
  }
  if (body.include_meta != null && typeof body.include_meta !== 'boolean') {
    problems.push({ field: 'include_meta', message: 'include_meta must be a boolean' });
  }
  const query = parseQuery(body.query, problems);
  if (!sort || limit === null) return null;
  return { limit, fromKey, sort, includeMeta: body.include_meta === true, query };
}

function parseLimit(pagination: unknown, problems: Problem[]): number | null {
  if (!isObject(pagination)) {
    problems.push({ field: 'pagination', message: 'pagination is required' });
    return null;
  }
  const limit = pagination.limit ?? LIMIT.default;
  const bad = (message: string) => problems.push({ field: 'pagination.limit', message });
  if (typeof limit !== 'number' || !Number.isInteger(limit)) bad('limit must be an integer');
  else if (limit < LIMIT.min) bad(`limit must be at least ${LIMIT.min}`);
  else if (limit > LIMIT.max) bad(`limit must be at most ${LIMIT.max}`);
  else return limit;
  return null;
}

function parseFromKey(pagination: unknown, problems: Problem[]): { at: number; id: string } | null {
  if (!isObject(pagination) || pagination.from_key == null) return null;
  const decoded =
    typeof pagination.from_key === 'string'
      ? decodeFromKey(pagination.from_key.replace(PADDING, ''))
      : null;
  if (!decoded) problems.push({ field: 'pagination.from_key', message: 'from_key is invalid' });
  return decoded;
}

function parseQuery(query: unknown, problems: Problem[]): Record<string, unknown> {
  if (query == null) return {};
  if (!isObject(query)) {
    problems.push({ field: 'query', message: 'query must be an object' });
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === null) continue;
    const type = QUERY_TYPES[key];
    if (!type) problems.push({ field: `query.${key}`, message: `${key} is not a known field` });
    else if (!hasType(value, type))
      problems.push({ field: `query.${key}`, message: `${key} must be a ${type}` });
    else out[key] = value;
  }
  return out;
}

function hasType(value: unknown, type: (typeof QUERY_TYPES)[string]): boolean {
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (type === 'string' || type === 'boolean') return typeof value === type;
  if (type === 'strings') return strings(value);
  if (!isObject(value)) return false;
  if (type === 'range') {
    const keys = Object.keys(value);
    return keys.every(
      (k) => ['eq', 'gt', 'gte', 'lte'].includes(k) && typeof value[k] === 'number',
    );
  }
  const condition = value.condition ?? 'AND';
  return (condition === 'AND' || condition === 'OR') && strings(value.values);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
