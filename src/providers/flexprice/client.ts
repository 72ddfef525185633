/** Flexprice (CONTRACT §3, providers/flexprice.md): customers by id, by external id, and search. */
import { linkSignal } from '../../call-state.js';
import { ToolError } from '../../errors.js';
import { segment } from '../../upstream/path.js';
import { type HttpSettings, Upstream } from '../../upstream/upstream.js';
import { cursorKeyFor } from '../cursor-key.js';
import { matchingRow, sameRecord } from '../lookup-check.js';
import type {
  BillingProvider,
  CallContext,
  CustomerRef,
  PageRequest,
  ProviderPage,
  ProviderSettings,
} from '../types.js';
import {
  API_KEY_HEADER,
  CREDENTIAL_HINT,
  CUSTOMERS_PATH,
  fitsOnePathSegment,
} from './assumptions.js';
import {
  checkFilters,
  type FlexpriceFilters,
  flexpriceListFilters,
  searchBody,
  wireStatuses,
} from './filters.js';
import { normalizeCustomer } from './normalize.js';
import { emailSegment, readSegments } from './pages.js';
import {
  flexpriceErrorMessage,
  listResponseSchema,
  rawCustomerSchema,
  reportedTotal,
} from './wire.js';

const SEARCH_PATH = `${CUSTOMERS_PATH}/search`;

function notFound(ref: CustomerRef): string {
  if ('id' in ref) {
    return `Flexprice has no customer with id ${JSON.stringify(ref.id)}. Try flexprice_list_customers with email or search.`;
  }
  return (
    `Flexprice has no active customer with external_id ${JSON.stringify(ref.externalId)} ` +
    '(this lookup sees active customers only). Try flexprice_list_customers with external_id and status "archived".'
  );
}

export function createFlexpriceProvider(
  settings: ProviderSettings,
  http: HttpSettings,
): BillingProvider<FlexpriceFilters> {
  const upstream = new Upstream({
    displayName: 'Flexprice',
    providerId: 'flexprice',
    baseUrl: settings.baseUrl,
    headers: { [API_KEY_HEADER]: settings.apiKey },
    credentialHint: settings.credentialHint ?? CREDENTIAL_HINT,
    errorMessage: flexpriceErrorMessage,
    http,
  });

  const search = (body: object, context: CallContext) =>
    upstream.request({
      method: 'POST',
      path: SEARCH_PATH,
      body,
      schema: listResponseSchema,
      signal: context.signal,
    });

  /**
   * A value that cannot travel as one path segment (see fitsOnePathSegment) is looked up through
   * search, which shares the external-id route's visibility (published only) but not the id
   * route's (any status). Flexprice generates ids as `cust_<ULID>`, so only external ids
   * realistically take this path.
   */
  async function viaSearch(ref: CustomerRef, context: CallContext) {
    const match = 'id' in ref ? { customer_ids: [ref.id] } : { external_id: ref.externalId };
    const page = await search({ ...match, limit: 1, offset: 0 }, context);
    // A search that ignored the filter would return anybody: only the asked-for row counts.
    const raw =
      'id' in ref
        ? matchingRow(page.items, 'id', ref.id)
        : matchingRow(page.items, 'external_id', ref.externalId);
    if (raw) return raw;
    throw new ToolError('not_found', notFound(ref), {
      provider: 'flexprice',
      httpStatus: 200,
      retryable: false,
    });
  }

  async function fetchCustomer(ref: CustomerRef, context: CallContext) {
    const value = 'id' in ref ? ref.id : ref.externalId;
    if (!fitsOnePathSegment(value)) return viaSearch(ref, context);
    const prefix = 'id' in ref ? CUSTOMERS_PATH : `${CUSTOMERS_PATH}/external`;
    const raw = await upstream.request({
      method: 'GET',
      path: `${prefix}/${segment(value)}`,
      schema: rawCustomerSchema,
      signal: context.signal,
      notFoundMessage: notFound(ref),
    });
    const asked = 'id' in ref ? 'id' : 'external_id';
    return sameRecord(raw, asked, value, {
      providerId: 'flexprice',
      displayName: 'Flexprice',
      asked,
    });
  }

  return {
    id: 'flexprice',
    cursorKey: cursorKeyFor('flexprice', settings),
    displayName: 'Flexprice',
    listFilters: flexpriceListFilters,
    idHint: 'Starts with cust_.',
    // Flexprice's `status` takes one value: "any" asks each of the three (see pages.ts).
    statusPlan: (status) =>
      status === undefined
        ? { filters: { status: 'any' }, statuses: ['active', 'archived', 'deleted'] }
        : { filters: { status }, statuses: [status] },

    async getCustomer(ref, context) {
      return normalizeCustomer(await fetchCustomer(ref, context), context.detail);
    },

    async listCustomers(request: PageRequest<FlexpriceFilters>, context): Promise<ProviderPage> {
      const { filters, skip, take } = request;
      checkFilters(filters);
      // The searches of one page share a fate: when one fails, the others are aborted, never
      // left running (a connection held, a slot taken) for an answer nobody reads.
      const sibling = new AbortController();
      const signal = context.signal
        ? AbortSignal.any([context.signal, sibling.signal])
        : sibling.signal;
      // Still this call's: its log and its trace (src/call-state.ts).
      if (context.signal) linkSignal(signal, context.signal);
      // One extra row makes has_more exact without trusting pagination.offset (the *next* offset).
      const segments = wireStatuses(filters).map((status) => {
        const ask = async (offset: number, limit: number) => {
          const page = await search(searchBody(filters, status, offset, limit), { signal });
          return { items: page.items ?? [], total: reportedTotal(page.pagination) };
        };
        return filters.email === undefined ? ask : emailSegment(filters.email, ask);
      });
      const page = await readSegments(segments, skip, take).catch((error: unknown) => {
        sibling.abort(error);
        throw error;
      });
      return {
        items: page.items.map((raw) => normalizeCustomer(raw, context.detail)),
        hasMore: page.hasMore,
        total: page.total,
      };
    },
  };
}
