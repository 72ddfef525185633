/** `GET /v1/customers` in the fake: query validation, qs decoding, filter, order, skip/take. */
import qs from 'qs';
import { compileWhere, FIELD_KINDS, fail, type Issue, IssueError } from './filter-eval.js';
import type { SeedRecord } from './seed.js';

export interface DecodedListQuery {
  filter: Record<string, unknown>;
  orderBy: Record<string, unknown>;
  skip: string | null;
  take: string | null;
}

/**
 * Exactly what the fake decodes (§9.3): the framework URL-decodes the query once, then `filter`
 * and `orderBy` go through qs.parse with default options (lists ≤ 20 indices, depth 5).
 */
export function decodeListQuery(rawQuery: string): DecodedListQuery {
  const params = new URLSearchParams(rawQuery);
  return {
    filter: qs.parse(params.get('filter') ?? ''),
    orderBy: qs.parse(params.get('orderBy') ?? ''),
    skip: params.get('skip'),
    take: params.get('take'),
  };
}

export interface ListOptions {
  /** 400 for `filter[...]` / `orderBy[...]` top-level keys: catches client mis-encoding (§12). */
  rejectBracketParams: boolean;
}

/** The page for one organization, or the zod-like issues of a 400 ValidationError. */
export function listCustomers(
  rawQuery: string,
  records: readonly SeedRecord[],
  options: ListOptions,
): { rows: SeedRecord[] } | { issues: Issue[] } {
  try {
    const params = new URLSearchParams(rawQuery);
    if (options.rejectBracketParams) rejectBrackets(params);
    const decoded = decodeListQuery(rawQuery);
    const skip = integerParam(decoded.skip, 'skip', 0, 0);
    const take = integerParam(decoded.take, 'take', 20, 1, 100);
    const matches = records.filter(compileWhere(decoded.filter, ['filter']));
    const rows = matches.sort(comparator(decoded.orderBy)).slice(skip, skip + take);
    return { rows };
  } catch (error) {
    if (error instanceof IssueError) return { issues: [error.issue] };
    throw error;
  }
}

function rejectBrackets(params: URLSearchParams): void {
  const keys = [...params.keys()].filter((k) => /^(filter|orderBy)\[/.test(k));
  if (keys.length > 0)
    fail('unrecognized_keys', [], `Unrecognized key(s) in object: '${keys[0]}'`, keys);
}

/** [A] §5.1: base-10 integers within range, else a zod-like issue (never clamped). */
function integerParam(
  raw: string | null,
  name: string,
  fallback: number,
  min: number,
  max?: number,
): number {
  if (raw === null) return fallback;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isNaN(value)) return fail('invalid_type', [name], 'Expected number, received nan');
  if (!Number.isInteger(value))
    return fail('invalid_type', [name], 'Expected integer, received float');
  if (value < min) {
    return fail('too_small', [name], `Number must be greater than or equal to ${min}`);
  }
  if (max !== undefined && value > max) {
    return fail('too_big', [name], `Number must be less than or equal to ${max}`);
  }
  return value;
}

type Compare = (a: SeedRecord, b: SeedRecord) => number;

/** [A] §8: one key, asc|desc; nulls last on asc, first on desc; ties by id; default createdAt asc. */
function comparator(orderBy: Record<string, unknown>): Compare {
  const entries = Object.entries(orderBy);
  if (entries.length > 1)
    return fail('invalid_type', ['orderBy'], 'Expected exactly one orderBy key');
  const [field, direction] = entries[0] ?? ['createdAt', 'asc'];
  if (!FIELD_KINDS[field]) {
    return fail('unrecognized_keys', ['orderBy'], `Unrecognized key(s) in object: '${field}'`, [
      field,
    ]);
  }
  if (direction !== 'asc' && direction !== 'desc') {
    return fail('invalid_enum_value', ['orderBy', field], "Expected 'asc' | 'desc'");
  }
  const sign = direction === 'asc' ? 1 : -1;
  const key = field as keyof SeedRecord['raw'];
  return (a, b) => compareValues(a.raw[key], b.raw[key], sign) || byId(a, b);
}

function compareValues(a: unknown, b: unknown, sign: number): number {
  if (a === b) return 0;
  if (a === null) return sign; // asc: nulls last; desc: nulls first
  if (b === null) return -sign;
  return ((a as string) < (b as string) ? -1 : 1) * sign; // ISO dates sort as strings; false < true
}

const byId: Compare = (a, b) => (a.raw.id < b.raw.id ? -1 : a.raw.id > b.raw.id ? 1 : 0);
