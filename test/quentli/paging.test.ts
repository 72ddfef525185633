/** Paging to the end through the MCP Client: every visible customer exactly once, exact has_more. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QuentliRawCustomer } from '../../src/sandbox/quentli/emulator.js';
import { type ListPage, type QuentliRig, startRig } from './setup.js';

let rig: QuentliRig;
let truth: QuentliRawCustomer[];
beforeAll(async () => {
  rig = await startRig();
  truth = rig.fake.visible();
});
afterAll(() => rig.close());
beforeEach(() => rig.fake.emulator.clearLog());

type Page = ListPage<{ id: string }>;

async function walk(args: Record<string, unknown>, via: 'skip' | 'cursor'): Promise<Page[]> {
  const pages: Page[] = [];
  let next: Record<string, unknown> = {};
  for (let guard = 0; guard < 100; guard++) {
    const page = await rig.call<Page>('list', { ...args, ...next });
    pages.push(page);
    if (!page.has_more) return pages;
    next = via === 'skip' ? { skip: page.next_skip } : { cursor: page.next_cursor };
  }
  throw new Error('paging did not end');
}

function expectExactPaging(pages: Page[], expectedIds: string[]): void {
  const ids = pages.flatMap((p) => p.items.map((c) => c.id));
  expect(ids).toEqual(expectedIds);
  expect(new Set(ids).size).toBe(ids.length);
  expect(pages.map((p) => p.has_more)).toEqual(pages.map((_, i) => i < pages.length - 1));
  const last = pages.at(-1);
  expect(last?.next_skip).toBeNull();
  expect(last?.next_cursor).toBeNull();
  for (const page of pages) expect(page.total).toBeNull();
}

describe('paging', () => {
  it('seeds hundreds of visible customers, archived ones included', () => {
    expect(truth.length).toBe(250);
    expect(truth.some((c) => c.archivedAt !== null)).toBe(true);
  });

  it('walks to the end via next_skip (take 37)', async () => {
    const pages = await walk({ take: 37 }, 'skip');
    expect(pages).toHaveLength(Math.ceil(250 / 37));
    expectExactPaging(
      pages,
      truth.map((c) => c.id),
    );
  });

  it('walks to the end via next_cursor (take 50: the last page is full, has_more still exact)', async () => {
    const pages = await walk({ take: 50 }, 'cursor');
    expect(pages).toHaveLength(5);
    expectExactPaging(
      pages,
      truth.map((c) => c.id),
    );
    expect(rig.fake.emulator.requests).toHaveLength(5);
  });

  it('walks a sorted query via next_cursor (name asc, ties by id)', async () => {
    const pages = await walk({ take: 64, order_by: { field: 'name', direction: 'asc' } }, 'cursor');
    const key = (c: QuentliRawCustomer) => [c.name, c.id] as const;
    const sorted = [...truth].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : 1;
    });
    expectExactPaging(
      pages,
      sorted.map((c) => c.id),
    );
  });

  it('at take 100 (Quentli max) probes one row after the page for an exact has_more', async () => {
    const pages = await walk({ take: 100 }, 'cursor');
    expectExactPaging(
      pages,
      truth.map((c) => c.id),
    );
    const queries = rig.fake.emulator.requests.map((r) => r.rawQuery);
    expect(queries).toEqual([
      'orderBy=createdAt%3Dasc&take=100',
      'orderBy=createdAt%3Dasc&skip=100&take=1',
      'orderBy=createdAt%3Dasc&skip=100&take=100',
      'orderBy=createdAt%3Dasc&skip=200&take=1',
      'orderBy=createdAt%3Dasc&skip=200&take=100',
    ]);
  });

  it('a full page of 100 that ends the data says has_more false', async () => {
    const page = await rig.call<Page>('list', { skip: 150, take: 100 });
    expect(page.returned).toBe(100);
    expect(page.has_more).toBe(false);
    expect(rig.fake.emulator.requests.map((r) => r.rawQuery)).toEqual([
      'orderBy=createdAt%3Dasc&skip=150&take=100',
      'orderBy=createdAt%3Dasc&skip=250&take=1',
    ]);
  });

  it('past the end returns an empty page', async () => {
    const page = await rig.call<Page>('list', { skip: 400 });
    expect(page).toMatchObject({
      returned: 0,
      has_more: false,
      next_skip: null,
      next_cursor: null,
    });
  });
});
