/** The customer read routes of the Flexprice emulator (providers/flexprice.md §5). */
import type { EmulatorResponse } from '../emulator.js';
import { bindQuery, type CustomerQuery, checkExpand } from './bind.js';
import { apiError, invalidParameters, listFailed } from './errors.js';
import { runQuery } from './query.js';
import { type FlexpriceSwitches, renderCustomer, type StoredCustomer } from './records.js';
import type { Scope } from './seed.js';

export interface RouteContext {
  rows: readonly StoredCustomer[];
  scope: Scope;
  switches: FlexpriceSwitches;
}

const inScope = (row: StoredCustomer, scope: Scope) =>
  row.tenant_id === scope.tenantId && row.environment_id === scope.environmentId;

function answer(
  ctx: RouteContext,
  row: StoredCustomer | undefined,
  expand: boolean,
  missing: () => EmulatorResponse,
) {
  return row ? { status: 200, json: renderCustomer(row, ctx.switches, expand) } : missing();
}

/** GET /customers/{id}: any status (§5.1). */
export function getById(ctx: RouteContext, id: string, query: URLSearchParams): EmulatorResponse {
  const expand = checkExpand(query.get('expand'), ctx.switches);
  if (typeof expand !== 'boolean') return expand;
  const row = ctx.rows.find((r) => r.id === id && inScope(r, ctx.scope));
  return answer(ctx, row, expand, () =>
    apiError(ctx.switches, 'not_found', `Customer with ID ${id} was not found`, {
      customer_id: id,
    }),
  );
}

/** GET /customers/external/{x} and its legacy alias /lookup/{x}: published only (§5.2). */
export function getByExternalId(
  ctx: RouteContext,
  key: string,
  query: URLSearchParams,
): EmulatorResponse {
  const expand = checkExpand(query.get('expand'), ctx.switches);
  if (typeof expand !== 'boolean') return expand;
  const row = ctx.rows.find(
    (r) => r.external_id === key && r.status === 'published' && inScope(r, ctx.scope),
  );
  return answer(ctx, row, expand, () =>
    apiError(ctx.switches, 'not_found', `Customer with lookup key ${key} was not found`, {
      lookup_key: key,
    }),
  );
}

/** POST /customers/search with a JSON body; an empty or malformed body fails binding (§5.4). */
export function search(ctx: RouteContext, rawBody: string, body: unknown): EmulatorResponse {
  if (rawBody.trim() === '' || (body === undefined && rawBody.trim() !== 'null')) {
    return invalidParameters(ctx.switches);
  }
  return list(ctx, bindQuery(body ?? null, ctx.switches));
}

/** GET /customers: the same filter bound from the query string, with gin's quirks (§5.3). */
export function listFromQuery(ctx: RouteContext, query: URLSearchParams): EmulatorResponse {
  const sort = query.getAll('sort');
  if (sort.length > 0) {
    // The key binds to a string and to []SortCondition: JSON that decodes still fails as a column.
    const decodes = sort.every((s) => parseJson(s) !== undefined);
    return decodes ? listFailed(ctx.switches, 'database_error') : invalidParameters(ctx.switches);
  }
  const body = queryToBody(query);
  return body === undefined
    ? invalidParameters(ctx.switches)
    : list(ctx, bindQuery(body, ctx.switches));
}

function list(ctx: RouteContext, bound: CustomerQuery | EmulatorResponse): EmulatorResponse {
  if (!('limit' in bound)) return bound;
  const query = bound;
  const result = runQuery(ctx.rows, query, ctx.scope, ctx.switches);
  if (!('items' in result)) return result;
  const items = result.items.map((row) => renderCustomer(row, ctx.switches, query.expand));
  const pagination = {
    total: result.total,
    limit: query.limit,
    offset: query.offset + query.limit,
  };
  return { status: 200, json: { items, pagination } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Query values → the body shape; undefined when a value cannot bind (bad int, bad JSON). */
function queryToBody(query: URLSearchParams): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  for (const key of ['limit', 'offset']) {
    const value = query.get(key);
    if (value === null) continue;
    if (value !== '' && !/^[+-]?\d+$/.test(value)) return undefined;
    body[key] = value === '' ? 0 : Number(value);
  }
  for (const key of [
    'status',
    'order',
    'external_id',
    'email',
    'expand',
    'start_time',
    'end_time',
  ]) {
    const value = query.get(key);
    if (value !== null && value !== '') body[key] = value;
  }
  for (const key of ['customer_ids', 'external_ids']) {
    if (query.has(key)) body[key] = query.getAll(key); // repeated keys; commas are not split
  }
  if (query.has('metadata')) body.metadata = parseJson(query.get('metadata') ?? '') ?? 'invalid';
  if (query.has('filters'))
    body.filters = query.getAll('filters').map((f) => parseJson(f) ?? 'invalid');
  return body;
}
