/**
 * Running a bound list query over the stored rows as the Postgres repository does (§5.4, §6, §7):
 * scope ⇒ status ⇒ criteria ⇒ filters[] (AND) ⇒ sort[] then created_at <order> ⇒ offset/limit.
 */
import type { EmulatorResponse } from '../emulator.js';
import type { Condition, CustomerQuery, ValueMembers } from './bind.js';
import { listFailed, panicked } from './errors.js';
import { columns, type FlexpriceSwitches, type StoredCustomer, toMicros } from './records.js';
import type { Scope } from './seed.js';

const TIME_COLUMNS = new Set(['created_at', 'updated_at']);

type Cell = string | null;

function cell(row: StoredCustomer, field: string): Cell {
  if (field === 'metadata') return row.metadata === null ? null : JSON.stringify(row.metadata);
  const value = (row as unknown as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

/** A condition whose needed value member is absent is dropped, as the query builder does. */
function matches(row: StoredCustomer, c: Condition): boolean {
  const v = c.value as ValueMembers;
  const value = cell(row, c.field);
  switch (c.operator) {
    case 'eq':
      return equals(c.field, value, firstMember(v));
    case 'contains':
    case 'not_contains': {
      if (v.string == null) return true;
      if (value === null) return false; // NULL ILIKE … is NULL: the row drops out either way
      const found = value.toLowerCase().includes(v.string.toLowerCase());
      return c.operator === 'contains' ? found : !found;
    }
    case 'in':
    case 'not_in': {
      if (!v.array || v.array.length === 0) return true;
      if (value === null) return false;
      return v.array.includes(value) === (c.operator === 'in');
    }
    case 'before':
    case 'after':
      return v.date == null ? true : compare(value, v.date, c.operator === 'after', true);
    case 'gt':
    case 'lt':
      return v.number == null ? true : compare(value, v.number, c.operator === 'gt', false);
    default:
      return true; // gte and anything unknown: not implemented upstream, silently ignored
  }
}

function firstMember(v: ValueMembers): unknown {
  return [v.string, v.number, v.boolean, v.date, v.array].find((m) => m != null);
}

function equals(field: string, value: Cell, wanted: unknown): boolean {
  if (wanted === undefined) return true;
  if (value === null || Array.isArray(wanted)) return false;
  if (TIME_COLUMNS.has(field)) return toMicros(value) === toMicros(String(wanted));
  return value === String(wanted);
}

/**
 * Strict comparison. [A] A type mismatch (a date against a text column, a number against any
 * customer column, none of which is numeric) matches nothing rather than erroring.
 */
function compare(value: Cell, bound: string | number, greater: boolean, asTime: boolean): boolean {
  if (value === null) return false;
  const left = asTime ? toMicros(value) : value.trim() === '' ? Number.NaN : Number(value);
  const right = asTime ? toMicros(String(bound)) : Number(bound);
  if (left === undefined || right === undefined || Number.isNaN(left)) return false;
  return greater ? left > right : left < right;
}

/** Postgres order: NULLs sort last ascending, first descending; text by code point [A: collation]. */
function compareCells(field: string, a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (TIME_COLUMNS.has(field)) return (toMicros(a) ?? 0) - (toMicros(b) ?? 0);
  return a < b ? -1 : 1;
}

function ordering(query: CustomerQuery) {
  const keys = [
    ...query.sort.map((s) => ({ field: s.field, desc: s.direction === 'desc' })),
    { field: 'created_at', desc: query.order === 'desc' },
    // [A] Postgres leaves ties in any order; the emulator breaks them by id, same direction.
    { field: 'id', desc: query.order === 'desc' },
  ];
  return (a: StoredCustomer, b: StoredCustomer): number => {
    for (const key of keys) {
      const diff = compareCells(key.field, cell(a, key.field), cell(b, key.field));
      if (diff !== 0) return key.desc ? -diff : diff;
    }
    return 0;
  };
}

function criteria(row: StoredCustomer, q: CustomerQuery, scope: Scope): boolean {
  if (row.tenant_id !== scope.tenantId || row.environment_id !== scope.environmentId) return false;
  if (row.status !== (q.status || 'published')) return false;
  if (q.customerIds.length > 0 && !q.customerIds.includes(row.id)) return false;
  if (q.externalIds.length > 0 && !q.externalIds.includes(row.external_id)) return false;
  if (q.externalId !== '' && row.external_id !== q.externalId) return false;
  if (q.email !== '' && row.email !== q.email) return false;
  const metadata = row.metadata ?? {};
  return Object.entries(q.metadata).every(([key, value]) => metadata[key] === value);
}

export interface QueryResult {
  items: StoredCustomer[];
  total: number;
}

export function runQuery(
  rows: readonly StoredCustomer[],
  query: CustomerQuery,
  scope: Scope,
  switches: FlexpriceSwitches,
): QueryResult | EmulatorResponse {
  const known = columns(switches);
  const fields = [...query.filters.map((c) => c.field), ...query.sort.map((s) => s.field)];
  if (fields.some((field) => !known.has(field))) return listFailed(switches);
  if (query.filters.some((c) => c.value === null)) return panicked;
  const matched = rows
    .filter((row) => criteria(row, query, scope) && query.filters.every((c) => matches(row, c)))
    .sort(ordering(query));
  return { items: matched.slice(query.offset, query.offset + query.limit), total: matched.length };
}
