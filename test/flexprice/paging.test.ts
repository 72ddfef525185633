/** Paging to the end through the MCP client: every published customer once, in the API's order. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ListCustomersOutput } from '../../src/tools/customer-tools.js';
import { structured } from '../helpers/mcp.js';
import { type Harness, ids, newestFirst, published, startHarness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.fp.emulator.clearLog());

async function walk(take: number, next: 'next_skip' | 'next_cursor', filters = {}) {
  const pages: ListCustomersOutput[] = [];
  let args: Record<string, unknown> = { take, ...filters };
  for (;;) {
    const page = structured<ListCustomersOutput>(await h.call('list', args));
    pages.push(page);
    if (!page.has_more) return pages;
    args =
      next === 'next_skip'
        ? { take, ...filters, skip: page.next_skip }
        : { take, ...filters, cursor: page.next_cursor };
  }
}

describe.each(['next_skip', 'next_cursor'] as const)('paging with %s', (next) => {
  it('returns every published customer exactly once, newest first', async () => {
    const expected = published(h.fp).sort(newestFirst);
    expect(expected.length).toBeGreaterThan(200);
    const pages = await walk(next === 'next_skip' ? 37 : 100, next);
    const seen = pages.flatMap((p) => ids(p.items));
    expect(seen).toStrictEqual(ids(expected));
    // has_more is false exactly on the last page, and the next_* fields go null with it.
    expect(pages.map((p) => p.has_more)).toStrictEqual(pages.map((_, i) => i < pages.length - 1));
    const last = pages.at(-1);
    expect(last?.next_skip).toBeNull();
    expect(last?.next_cursor).toBeNull();
    for (const page of pages) expect(page.total).toBe(expected.length);
    // One upstream request per page.
    expect(h.fp.emulator.requests).toHaveLength(pages.length);
  });
});

describe('page boundaries', () => {
  it('has_more is false when the last page is exactly full', async () => {
    const count = published(h.fp).length;
    const page = structured<ListCustomersOutput>(
      await h.call('list', { skip: count - 20, take: 20 }),
    );
    expect(page.returned).toBe(20);
    expect(page.has_more).toBe(false);
    expect(page.next_skip).toBeNull();
  });

  it('past the end: no items, no more', async () => {
    const page = structured<ListCustomersOutput>(await h.call('list', { skip: 5000, take: 5 }));
    expect(page).toMatchObject({ returned: 0, has_more: false, next_skip: null, items: [] });
    expect(page.total).toBe(published(h.fp).length);
  });

  it('pages a filtered query to its end', async () => {
    const filters = { status: 'archived' };
    const expected = h.fp.customers.filter((c) => c.status === 'archived').sort(newestFirst);
    const pages = await walk(7, 'next_cursor', filters);
    expect(pages.flatMap((p) => ids(p.items))).toStrictEqual(ids(expected));
  });
});
