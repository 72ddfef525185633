/**
 * Exact skip/take over Maple's cursor-only find (§6.5–§6.6). From a known position (the start, a
 * cached one, or the caller's resume) we walk forward with pages of at most 100, sizing each hop so
 * the last `from_key` lands exactly on skip + take: the next page then costs one request.
 */
import { ToolError } from '../../errors.js';
import { isEndOfList, MAX_LIMIT } from './assumptions.js';
import type { RawCustomer } from './normalize.js';

export interface FetchedPage {
  rows: RawCustomer[];
  nextKey: unknown;
  total: number | null;
}

export type FetchPage = (fromKey: string | null, limit: number) => Promise<FetchedPage>;

export interface Start {
  position: number;
  fromKey: string | null;
}

export interface Window {
  rows: RawCustomer[];
  hasMore: boolean;
  /** The from_key for position skip + rows.length, when more rows exist. */
  endKey: string | null;
  total: number | null;
}

/** A walk longer than this many rows is refused before any request (see MAX_WALK_ROWS use). */
export const MAX_WALK_ROWS = 10_000;
/** Extra hops allowed beyond the ideal count, for servers that answer with short pages. */
const SLACK_HOPS = 20;

export async function readWindow(
  fetchPage: FetchPage,
  start: Start,
  skip: number,
  take: number,
  remember: (position: number, fromKey: string) => void,
  /** The whole walk's time budget (CONTRACT §5: the call stays bounded), checked between hops. */
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<Window> {
  const started = Date.now();
  const target = skip + take;
  const maxHops = Math.ceil((target - start.position) / MAX_LIMIT) + SLACK_HOPS;
  // Ids of the previous page only: that is where a boundary row can repeat, and a walk of 10,000
  // rows with provider-sized ids must not pile them all up in memory.
  let previous = new Set<string>();
  const rows: RawCustomer[] = [];
  let { position, fromKey } = start;
  let total: number | null = null;
  for (let hop = 0; position < target; hop++) {
    if (hop >= maxHops) throw stalled();
    if (hop > 0 && Date.now() - started > budgetMs) throw slowWalk(skip, budgetMs);
    const limit = Math.min(MAX_LIMIT, target - position);
    const page = await fetchPage(fromKey, limit);
    if (page.rows.length > limit) throw oversized(page.rows.length, limit);
    total = page.total ?? total;
    const current = new Set<string>();
    for (const row of page.rows) {
      // A keyset cursor on a timestamp may repeat a boundary row: count each id once.
      if (previous.has(row.id) || current.has(row.id)) continue;
      current.add(row.id);
      if (position >= skip) rows.push(row);
      position++;
    }
    previous = current;
    if (isEndOfList(fromKey, page.nextKey, page.rows.length)) {
      return { rows, hasMore: false, endKey: null, total };
    }
    fromKey = page.nextKey as string;
    remember(position, fromKey);
  }
  return { rows, hasMore: true, endKey: fromKey, total };
}

/** Positions already walked are cached, so a retry starts nearer: say so. */
function slowWalk(skip: number, budgetMs: number): ToolError {
  return new ToolError(
    'timeout',
    `Maple Billing pages by cursor only, and reaching row ${skip} took longer than ${Math.round(budgetMs / 1000)} s. Try again (the rows walked so far are remembered, so it starts nearer), or narrow the query with filters.`,
    { provider: 'maple', retryable: true },
  );
}

function stalled(): ToolError {
  return new ToolError(
    'upstream_error',
    'Maple Billing kept returning short pages without reaching the requested rows. Narrow the query with filters, or try again.',
    { provider: 'maple', retryable: true },
  );
}

function oversized(got: number, limit: number): ToolError {
  return new ToolError(
    'upstream_invalid_response',
    `Maple Billing returned ${got} rows for a page of ${limit}, so row positions cannot be trusted.`,
    { provider: 'maple', retryable: false },
  );
}
