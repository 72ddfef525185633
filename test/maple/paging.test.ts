/** Exact skip/take over Maple's cursor-only find, and what it costs upstream. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findRequests,
  groundTruth,
  ids,
  list,
  type MapleHarness,
  startHarness,
} from './helpers.js';

let h: MapleHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('exactness against the seed', () => {
  const SKIPS = [0, 1, 99, 100, 101, 250];
  const TAKES = [1, 20, 100];

  it('the seed is big enough to make the matrix meaningful', () => {
    expect(h.maple.customers.length).toBeGreaterThanOrEqual(300);
    // The bulk-import batch shares one created_at: the id tie-break is exercised.
    const times = h.maple.customers.map((c) => Date.parse(c.created_at));
    expect(new Set(times).size).toBeLessThan(times.length - 10);
  });

  for (const skip of SKIPS) {
    for (const take of TAKES) {
      it(`skip ${skip}, take ${take} (default order) returns the offset rows`, async () => {
        const truth = groundTruth(h.maple.customers);
        const page = await list(h.client, { skip, take });
        expect(ids(page.items)).toEqual(ids(truth.slice(skip, skip + take)));
        expect(page.has_more).toBe(skip + take < truth.length);
        expect(page.total).toBe(truth.length);
      });
    }
  }

  it.each([
    [{ order_by: { field: 'updated_at', direction: 'asc' } }, 'updated_at', 'asc'],
    [{ order_by: { field: 'created_at', direction: 'asc' } }, 'created_at', 'asc'],
    [{ order_by: { field: 'updated_at' } }, 'updated_at', 'desc'],
  ] as const)('other sort %j stays exact', async (args, field, direction) => {
    const truth = groundTruth(h.maple.customers, undefined, field, direction);
    for (const [skip, take] of [
      [0, 20],
      [99, 20],
      [101, 100],
      [250, 100],
    ] as const) {
      const page = await list(h.client, { ...args, skip, take });
      expect(ids(page.items)).toEqual(ids(truth.slice(skip, skip + take)));
    }
  });

  it('a skip past the end returns nothing and has_more false', async () => {
    const page = await list(h.client, { skip: 5000, take: 20 });
    expect(page).toMatchObject({
      returned: 0,
      has_more: false,
      next_skip: null,
      next_cursor: null,
    });
  });
});

describe('paging to the end', () => {
  async function walk(follow: 'cursor' | 'skip', args: Record<string, unknown>) {
    const seen: string[] = [];
    const pages: Array<{ has_more: boolean; requests: number }> = [];
    let next: Record<string, unknown> = { ...args, take: 37 };
    for (let guard = 0; guard < 50; guard++) {
      const before = findRequests(h.maple).length;
      const page = await list(h.client, next);
      pages.push({ has_more: page.has_more, requests: findRequests(h.maple).length - before });
      seen.push(...ids(page.items));
      if (!page.has_more) break;
      next =
        follow === 'cursor'
          ? { ...args, take: 37, cursor: page.next_cursor }
          : { ...args, take: 37, skip: page.next_skip };
    }
    return { seen, pages };
  }

  it.each(['cursor', 'skip'] as const)(
    'via next_%s: every customer once, one request per page',
    async (follow) => {
      const args = { order_by: { field: 'updated_at', direction: 'asc' } };
      const { seen, pages } = await walk(follow, args);
      expect(seen).toEqual(ids(groundTruth(h.maple.customers, undefined, 'updated_at', 'asc')));
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages.map((p) => p.has_more)).toEqual(pages.map((_, i) => i < pages.length - 1));
      // Page 1 is one request; every later page is one request too, never a walk from the start.
      expect(pages.every((p) => p.requests === 1)).toBe(true);
    },
  );

  it('via next_cursor with a filter: the archived customers, each once', async () => {
    const { seen, pages } = await walk('cursor', { status: 'archived' });
    const truth = groundTruth(h.maple.customers, (c) => c.status === 'ARCHIVED');
    expect(seen).toEqual(ids(truth));
    expect(pages.every((p) => p.requests === 1)).toBe(true);
  });

  it('the cursor carries from_key: the second page request starts from it', async () => {
    h.maple.emulator.clearLog();
    const first = await list(h.client, { search: 'labs', take: 5 });
    await list(h.client, { search: 'labs', take: 5, cursor: first.next_cursor });
    const [a, b] = findRequests(h.maple).map(
      (r) => r.body as { pagination: Record<string, unknown> },
    );
    expect(a?.pagination).toEqual({ limit: 5 });
    expect(typeof b?.pagination.from_key).toBe('string');
    expect(b?.pagination.limit).toBe(5);
  });
});
