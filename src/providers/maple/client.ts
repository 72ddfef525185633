/** Maple Billing: GET by id or identifier, list through POST …/customers/find (providers/maple.md). */
import { filteredMoneySchema } from '../../customer.js';
import { ConfigError, invalidArgument } from '../../errors.js';
import { segment } from '../../upstream/path.js';
import { type HttpSettings, Upstream } from '../../upstream/upstream.js';
import { cursorKeyFor } from '../cursor-key.js';
import type { BillingProvider, CustomerStatus, ProviderSettings, StatusPlan } from '../types.js';
import { MAX_LIMIT } from './assumptions.js';
import { filteredMoney, type MapleFilters, mapleListFilters, toFindQuery } from './filters.js';
import { createCustomerLookup } from './lookup.js';
import { normalizeCustomer, withMoney } from './normalize.js';
import { type FetchPage, MAX_WALK_ROWS, readWindow, type Start } from './paging.js';
import { PositionCache, queryKey } from './position-cache.js';
import { decodeResume, encodeResume } from './resume.js';
import { errorMessage, findResponseSchema, reportedTotal } from './wire.js';

export function createMapleProvider(
  settings: ProviderSettings,
  http: HttpSettings,
  /** Tests pass their own cache to read its byte accounting. */
  positions = new PositionCache(),
): BillingProvider<MapleFilters> {
  const companyId = settings.extras?.companyId;
  if (!companyId) throw new ConfigError('MAPLE_COMPANY_ID is required with MAPLE_API_KEY.');
  const upstream = new Upstream({
    displayName: 'Maple Billing',
    providerId: 'maple',
    baseUrl: settings.baseUrl,
    headers: { authorization: `Bearer ${settings.apiKey}` },
    credentialHint: settings.credentialHint ?? 'MAPLE_API_KEY and MAPLE_COMPANY_ID',
    errorMessage,
    http,
  });
  const customersPath = `/companies/${segment(companyId)}/customers`;
  const lookup = createCustomerLookup(upstream, customersPath);

  return {
    id: 'maple',
    cursorKey: cursorKeyFor('maple', settings),
    displayName: 'Maple Billing',
    listFilters: mapleListFilters,
    listRowShape: filteredMoneySchema.shape,
    idHint: 'Starts with cus_; external_id is the Maple identifier.',
    statusPlan: mapleStatusPlan,
    getCustomer: lookup,
    async listCustomers({ filters, skip, take, resume }, { signal, detail }) {
      const { sortKey, query } = toFindQuery(filters);
      if (!Number.isInteger(take) || take < 1 || take > MAX_LIMIT) {
        throw invalidArgument(`take: must be a whole number from 1 to ${MAX_LIMIT}.`, 'maple');
      }
      const key = queryKey(query, sortKey);
      const start = startFor(key, skip, resume, positions);
      const fetchPage = findPages(upstream, `${customersPath}/find`, sortKey, query, signal);
      const remember = (position: number, fromKey: string) => positions.set(key, position, fromKey);
      const budgetMs = 2 * http.timeoutMs;
      const window = await readWindow(fetchPage, start, skip, take, remember, budgetMs);
      const money = filteredMoney(filters);
      return {
        items: window.rows.map((raw) => withMoney(normalizeCustomer(raw, detail), raw, money)),
        hasMore: window.hasMore,
        total: window.total,
        resume: window.endKey === null ? null : encodeResume(key, window.endKey),
      };
    },
  };
}

/** [A] find without a status answers every status; Maple has no deleted customers (§6.1). */
function mapleStatusPlan(status: CustomerStatus | undefined): StatusPlan {
  if (status === undefined) return { filters: {}, statuses: ['active', 'archived'] };
  if (status === 'deleted') {
    return {
      filters: null,
      statuses: [],
      note: 'Maple Billing has no deleted status (customers are archived, never deleted): not asked.',
    };
  }
  return { filters: { status }, statuses: [status] };
}

/** One find request per call; no Idempotency-Key: a reused key would replay page 1 (§3). */
function findPages(
  upstream: Upstream,
  path: string,
  sortKey: string,
  query: Record<string, unknown>,
  signal: AbortSignal | undefined,
): FetchPage {
  return async (fromKey, limit) => {
    const response = await upstream.request({
      method: 'POST',
      path,
      body: {
        pagination: fromKey === null ? { limit } : { limit, from_key: fromKey },
        sort_key: sortKey,
        include_meta: true,
        query,
      },
      schema: findResponseSchema,
      signal,
    });
    const { results, pagination } = response;
    return { rows: results, nextKey: pagination?.from_key, total: reportedTotal(response) };
  };
}

/** Where the walk begins: the caller's resume, else the nearest cached position, else the start. */
function startFor(key: string, skip: number, resume: string | null, cache: PositionCache): Start {
  // The tool layer already bounds these; a direct caller must not get a silent empty "page".
  if (!Number.isInteger(skip) || skip < 0) {
    throw invalidArgument('skip: must be a whole number ≥ 0.', 'maple');
  }
  if (resume !== null) return { position: skip, fromKey: decodeResume(resume, key, skip) };
  const start = cache.nearest(key, skip);
  if (skip - start.position > MAX_WALK_ROWS) {
    throw invalidArgument(
      `skip: Maple Billing pages by cursor, so reaching row ${skip} walks from the start; at most ${MAX_WALK_ROWS} rows per call. Narrow the query with filters, or page forward with next_cursor.`,
      'maple',
    );
  }
  return start;
}
