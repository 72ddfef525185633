/**
 * Binding and validating a customer list request like the server does (§5.3, §5.4, §11):
 * bind ⇒ expand ⇒ limit/offset/order ⇒ time range ⇒ email, each with its exact 400 body.
 */
import type { EmulatorResponse } from '../emulator.js';
import { apiError, invalidParameters } from './errors.js';
import { type FlexpriceSwitches, toMicros } from './records.js';

export interface ValueMembers {
  string?: string;
  number?: number;
  boolean?: boolean;
  date?: string;
  array?: string[];
}

export interface Condition {
  field: string;
  operator: string;
  /** null when the request had no `value`: the server dereferences it and panics. */
  value: ValueMembers | null;
}

export interface CustomerQuery {
  limit: number;
  offset: number;
  status: string;
  order: 'asc' | 'desc';
  sort: { field: string; direction: string }[];
  filters: Condition[];
  customerIds: string[];
  externalIds: string[];
  externalId: string;
  email: string;
  metadata: Record<string, string>;
  expand: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown) => v === null || v === undefined || typeof v === 'string';
const isInt = (v: unknown) => v === null || v === undefined || Number.isInteger(v);
const isStrArr = (v: unknown) =>
  v === null || v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
const isTime = (v: unknown) => isStr(v) && (!v || toMicros(v as string) !== undefined);

/** [C] §5.4 the email regex the server checks. */
const EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;

/** Go's json.Unmarshal into the filter struct: a wrong type anywhere fails the whole bind. */
function binds(body: Obj): boolean {
  const scalars = ['status', 'order', 'external_id', 'email', 'expand'].every((k) =>
    isStr(body[k]),
  );
  const ints = isInt(body.limit) && isInt(body.offset);
  const arrays = isStrArr(body.customer_ids) && isStrArr(body.external_ids);
  const times = isTime(body.start_time) && isTime(body.end_time);
  const metadata =
    body.metadata == null ||
    (isObj(body.metadata) && Object.values(body.metadata).every((v) => typeof v === 'string'));
  const sort = body.sort == null || (Array.isArray(body.sort) && body.sort.every(bindsSort));
  const filters =
    body.filters == null || (Array.isArray(body.filters) && body.filters.every(bindsCondition));
  return scalars && ints && arrays && times && metadata && sort && filters;
}

function bindsSort(s: unknown): boolean {
  return s === null || (isObj(s) && isStr(s.field) && isStr(s.direction));
}

function bindsCondition(c: unknown): boolean {
  if (c === null) return true;
  if (!isObj(c) || !isStr(c.field) || !isStr(c.operator) || !isStr(c.data_type)) return false;
  const v = c.value;
  if (v == null) return true;
  if (!isObj(v)) return false;
  const numberOk = v.number == null || typeof v.number === 'number';
  const boolOk = v.boolean == null || typeof v.boolean === 'boolean';
  return isStr(v.string) && numberOk && boolOk && isTime(v.date) && isStrArr(v.array);
}

/** Returns the query, or the exact error response the server would send. */
export function bindQuery(
  body: unknown,
  switches: FlexpriceSwitches,
): CustomerQuery | EmulatorResponse {
  if (body === null) body = {}; // JSON null binds to the zero struct
  if (!isObj(body) || !binds(body)) return invalidParameters(switches);
  const expand = checkExpand(body.expand as string | undefined, switches);
  if (typeof expand !== 'boolean') return expand;
  const limit = (body.limit as number | null | undefined) || 50;
  const offset = (body.offset as number | null | undefined) ?? 0;
  const order = (body.order as string | null | undefined) || 'desc';
  if (limit < 1 || limit > 1000)
    return invalidParameters(switches, { limit: 'must be between 1 and 1000' });
  if (offset < 0) return invalidParameters(switches, { offset: 'must be non-negative' });
  if (order !== 'asc' && order !== 'desc') {
    return invalidParameters(switches, { order: "must be either 'asc' or 'desc'" });
  }
  const timeError = checkTimeRange(body, switches);
  if (timeError) return timeError;
  const email = (body.email as string | null | undefined) ?? '';
  if (email !== '' && !EMAIL.test(email)) {
    return apiError(switches, 'validation_error', 'Please provide a valid email');
  }
  return toQuery(body, { limit, offset, order, email, expand });
}

function toQuery(
  body: Obj,
  checked: Pick<CustomerQuery, 'limit' | 'offset' | 'order' | 'email' | 'expand'>,
): CustomerQuery {
  const filters = ((body.filters as (Obj | null)[] | null) ?? []).filter((c) => c !== null);
  return {
    ...checked,
    status: (body.status as string | null) ?? '',
    sort: ((body.sort as CustomerQuery['sort'] | null) ?? []).filter((s) => s !== null),
    filters: filters.map((c) => ({
      field: (c.field as string | null) ?? '',
      operator: (c.operator as string | null) ?? '',
      value: (c.value as ValueMembers | null | undefined) ?? null,
    })),
    customerIds: (body.customer_ids as string[] | null) ?? [],
    externalIds: (body.external_ids as string[] | null) ?? [],
    externalId: (body.external_id as string | null) ?? '',
    metadata: (body.metadata as Record<string, string> | null) ?? {},
  };
}

/** [C] §5.1: only `integrations` expands; a nested path under it is refused differently. */
export function checkExpand(
  expand: string | null | undefined,
  switches: FlexpriceSwitches,
): boolean | EmulatorResponse {
  if (!expand) return false;
  for (const raw of expand.split(',')) {
    const field = raw.trim();
    if (field === '' || field === 'integrations') continue;
    const message = field.startsWith('integrations.')
      ? 'Field does not support nested expands'
      : 'Field is not allowed to be expanded';
    return apiError(switches, 'validation_error', message, { field });
  }
  return true;
}

/** [C] §5.4: end before start is refused, although neither is applied to the query. */
function checkTimeRange(body: Obj, switches: FlexpriceSwitches): EmulatorResponse | undefined {
  const start = body.start_time ? toMicros(body.start_time as string) : undefined;
  const end = body.end_time ? toMicros(body.end_time as string) : undefined;
  if (start === undefined || end === undefined || end >= start) return undefined;
  return apiError(switches, 'validation_error', 'Please provide a valid time range', {
    end_time: 'must be after start_time',
  });
}
