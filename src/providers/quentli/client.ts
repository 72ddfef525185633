/** Quentli (REST /v1, beta): customers by id, by username (external id) and by `filter` query. */
import type { Customer } from '../../customer.js';
import { ToolError } from '../../errors.js';
import { segment } from '../../upstream/path.js';
import { type HttpSettings, Upstream } from '../../upstream/upstream.js';
import { cursorKeyFor } from '../cursor-key.js';
import { checkCreatedWindow } from '../filters.js';
import { matchingRow, sameRecord } from '../lookup-check.js';
import type { RawCustomer } from '../normalize-shared.js';
import type {
  BillingProvider,
  CallContext,
  CustomerRef,
  CustomerStatus,
  PageRequest,
  ProviderPage,
  ProviderSettings,
  StatusPlan,
} from '../types.js';
import { EXTERNAL_ID_FIELD, MAX_UPSTREAM_TAKE } from './assumptions.js';
import { buildFilter, buildOrderBy, type QuentliFilters, quentliListFilters } from './filters.js';
import { normalizeCustomer } from './normalize.js';
import { type ListQuery, listQueryString } from './query.js';
import { errorMessage, listSchema, rawCustomerSchema } from './wire.js';

function notFoundMessage(what: string, value: string): string {
  return `Quentli has no customer with ${what} ${JSON.stringify(value)}. Try quentli_list_customers with email or search.`;
}

function notFound(what: string, value: string): ToolError {
  return new ToolError('not_found', notFoundMessage(what, value), {
    provider: 'quentli',
    httpStatus: 200,
    retryable: false,
  });
}

/**
 * [A] §7.3: the list includes archived customers, and a null test cannot be expressed in qs, so
 * "not archived" cannot be asked; "archived" can, as archivedAt ≥ the epoch (NULL fails every
 * operator). The REST API cannot delete customers [C §5]: there is no deleted status.
 */
function quentliStatusPlan(status: CustomerStatus | undefined): StatusPlan {
  if (status === undefined) return { filters: {}, statuses: ['active', 'archived'] };
  if (status === 'archived') {
    return {
      filters: { where: [{ field: 'archivedAt', op: 'gte', value: '1970-01-01T00:00:00.000Z' }] },
      statuses: ['archived'],
    };
  }
  if (status === 'deleted') {
    return {
      filters: null,
      statuses: [],
      note: 'Quentli has no deleted status (its customers are archived, never deleted): not asked.',
    };
  }
  return {
    filters: {},
    statuses: ['active', 'archived'],
    note: "Quentli's API cannot ask for customers that are not archived (it has no null test): this section lists every status; each row's status says which.",
  };
}

export function createQuentliProvider(
  settings: ProviderSettings,
  http: HttpSettings,
): BillingProvider<QuentliFilters> {
  const upstream = new Upstream({
    displayName: 'Quentli',
    providerId: 'quentli',
    baseUrl: settings.baseUrl,
    headers: { authorization: `Bearer ${settings.apiKey}` },
    credentialHint: settings.credentialHint ?? 'QUENTLI_API_KEY',
    errorMessage,
    http,
  });

  const list = async (query: ListQuery, signal?: AbortSignal): Promise<RawCustomer[]> =>
    upstream.request({
      method: 'GET',
      path: '/customers',
      query: await listQueryString(query),
      schema: listSchema,
      signal,
    });

  async function byId(id: string, { signal, detail }: CallContext): Promise<Customer> {
    // URL parsing turns a `.`/`..` segment (even as %2E%2E) into a step up the path: refuse it.
    // [C] §5.2: a missing customer is `200 null`; the declared 404 means the same.
    const raw = await upstream.request({
      method: 'GET',
      path: `/customers/${segment(id)}`,
      schema: rawCustomerSchema.nullable(),
      signal,
      notFoundMessage: notFoundMessage('id', id),
    });
    if (raw === null) throw notFound('id', id);
    const who = { providerId: 'quentli', displayName: 'Quentli', asked: 'id' } as const;
    return normalizeCustomer(sameRecord(raw, 'id', id, who), detail);
  }

  /** Usernames are unique per organization [C §4]; take 2 so a duplicate is not silently picked. */
  async function byExternalId(
    externalId: string,
    { signal, detail }: CallContext,
  ): Promise<Customer> {
    const filter = { [EXTERNAL_ID_FIELD]: { equals: externalId } };
    const rows = await list({ filter, skip: 0, take: 2 }, signal);
    // §9.1: check the row too; a filter the server ignored would otherwise return anybody.
    const only = rows.length === 1 ? matchingRow(rows, EXTERNAL_ID_FIELD, externalId) : undefined;
    if (!only) throw notFound('external_id', externalId);
    return normalizeCustomer(only, detail);
  }

  /** Exact has_more: one extra row, or (at Quentli's 100-row cap) a one-row probe after the page. */
  async function page(
    request: PageRequest<QuentliFilters>,
    context: CallContext,
  ): Promise<ProviderPage> {
    const { skip, take, filters } = request;
    checkCreatedWindow(filters, 'quentli');
    const base = { filter: buildFilter(filters), orderBy: buildOrderBy(filters) };
    const fetchTake = Math.min(take + 1, MAX_UPSTREAM_TAKE);
    const rows = await list({ ...base, skip, take: fetchTake }, context.signal);
    let hasMore = rows.length > take;
    if (fetchTake === take && rows.length === take) {
      const probe = await list({ ...base, skip: skip + take, take: 1 }, context.signal);
      hasMore = probe.length > 0;
    }
    return {
      items: rows.slice(0, take).map((raw) => normalizeCustomer(raw, context.detail)),
      hasMore,
      total: null,
    };
  }

  return {
    id: 'quentli',
    cursorKey: cursorKeyFor('quentli', settings),
    displayName: 'Quentli',
    listFilters: quentliListFilters,
    idHint: 'A cuid-like string; external_id is the username.',
    statusPlan: quentliStatusPlan,
    getCustomer: (ref: CustomerRef, context: CallContext) =>
      'id' in ref ? byId(ref.id, context) : byExternalId(ref.externalId, context),
    listCustomers: page,
  };
}
