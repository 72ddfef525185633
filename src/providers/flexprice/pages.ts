/**
 * Exact skip/take over what one Flexprice search cannot ask by itself:
 * - every status (`status: "any"`): Flexprice's `status` takes one value, so each status is a
 *   segment of its own, listed one after the other (active, archived, deleted), and positions are
 *   counted across them with each segment's `pagination.total`;
 * - an email in any case: the case-insensitive `contains` (ILIKE) is a superset of the address
 *   (it also matches `mary.jane@acme.com` for `jane@acme.com`), so a segment fetches every
 *   candidate in one request and keeps the rows equal in any case; positions are counted among
 *   those. More than MAX_EMAIL_CANDIDATES candidates is refused rather than answered inexactly.
 */
import { invalidArgument, ToolError } from '../../errors.js';
import type { RawCustomer } from '../normalize-shared.js';

export interface SegmentPage {
  items: RawCustomer[];
  total: number | null;
}

/** `offset`/`limit` within one segment (one status). */
export type Segment = (offset: number, limit: number) => Promise<SegmentPage>;

/** Flexprice's own maximum page (providers/flexprice.md §5.4). */
export const MAX_EMAIL_CANDIDATES = 1000;

/** A segment for one email in any case: one request for all candidates, narrowed to equality. */
export function emailSegment(
  email: string,
  search: (offset: number, limit: number) => Promise<SegmentPage>,
): Segment {
  let candidates: Promise<RawCustomer[]> | undefined;
  const wanted = email.toLowerCase();
  const load = async () => {
    const page = await search(0, MAX_EMAIL_CANDIDATES);
    if (page.items.length >= MAX_EMAIL_CANDIDATES) {
      throw invalidArgument(
        `email: more than ${MAX_EMAIL_CANDIDATES} Flexprice customers have an address containing ${JSON.stringify(email)}, too many to match exactly; add name or external_id.`,
        'flexprice',
      );
    }
    return page.items.filter(
      (row) => typeof row.email === 'string' && row.email.toLowerCase() === wanted,
    );
  };
  return async (offset, limit) => {
    candidates ??= load();
    const rows = await candidates;
    return { items: rows.slice(offset, offset + limit), total: rows.length };
  };
}

/**
 * Rows skip … skip+take (+1 to know has_more) across segments listed one after the other. From
 * the start, every segment is asked at once; further on, in turn, each skipping what its total
 * says lies before the wanted position.
 */
export async function readSegments(
  segments: readonly Segment[],
  skip: number,
  take: number,
): Promise<{ items: RawCustomer[]; hasMore: boolean; total: number | null }> {
  const wanted = take + 1;
  const pages: SegmentPage[] = [];
  if (skip === 0 || segments.length === 1) {
    pages.push(...(await Promise.all(segments.map((segment) => segment(skip, wanted)))));
  } else {
    let offset = skip;
    let collected = 0;
    for (const segment of segments) {
      const page = await segment(offset, Math.max(1, wanted - collected));
      pages.push({ ...page, items: page.items.slice(0, Math.max(0, wanted - collected)) });
      collected += pages[pages.length - 1]?.items.length ?? 0;
      if (page.items.length > 0 || offset === 0) offset = 0;
      else if (page.total === null) throw noTotal();
      else offset = Math.max(0, offset - page.total);
    }
  }
  const rows = pages.flatMap((page) => page.items);
  const totals = pages.map((page) => page.total);
  return {
    items: rows.slice(0, take),
    hasMore: rows.length > take,
    total: totals.every((t) => t !== null) ? totals.reduce((a, b) => (a ?? 0) + (b ?? 0), 0) : null,
  };
}

function noTotal(): ToolError {
  return new ToolError(
    'upstream_invalid_response',
    'Flexprice did not report pagination.total, which paging across every status needs. Ask one status at a time.',
    { provider: 'flexprice', retryable: false },
  );
}
