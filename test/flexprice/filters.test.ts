/** Filters are applied by the emulator (server-side), compared with the seeded ground truth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredCustomer } from '../../src/sandbox/flexprice/records.js';
import { toMicros } from '../../src/sandbox/flexprice/records.js';
import type { ListCustomersOutput } from '../../src/tools/customer-tools.js';
import { structured, toolError } from '../helpers/mcp.js';
import { type Harness, ids, newestFirst, published, startHarness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Every page of a query (via next_cursor), as one page with the first page's total. */
async function listAll(args: Record<string, unknown>) {
  const first = structured<ListCustomersOutput>(await h.call('list', { take: 100, ...args }));
  const items = [...first.items];
  for (let page = first; page.has_more; ) {
    page = structured<ListCustomersOutput>(
      await h.call('list', { take: 100, ...args, cursor: page.next_cursor }),
    );
    items.push(...page.items);
  }
  return { ...first, items };
}

const micros = (iso: string) => toMicros(iso) ?? Number.NaN;

const cases: [string, Record<string, unknown>, (c: StoredCustomer) => boolean][] = [
  [
    'email (exact)',
    { email: 'ap@shared-services.example' },
    (c) => c.email === 'ap@shared-services.example',
  ],
  [
    'email in another case finds the same customers',
    { email: 'AP@Shared-Services.example' },
    (c) => c.email === 'ap@shared-services.example',
  ],
  ['external_id', { external_id: 'acct-1020' }, (c) => c.external_id === 'acct-1020'],
  ['name contains, any case', { name: 'aCmE' }, (c) => c.name.toLowerCase().includes('acme')],
  ['search matches the name', { search: 'LABS' }, (c) => c.name.toLowerCase().includes('labs')],
  [
    'created window (strict)',
    { created_after: '2025-01-01T00:00:00Z', created_before: '2025-06-01T00:00:00Z' },
    (c) =>
      micros(c.created_at) > micros('2025-01-01T00:00:00Z') &&
      micros(c.created_at) < micros('2025-06-01T00:00:00Z'),
  ],
  [
    'in + not_contains',
    {
      filters: [
        { field: 'address_country', operator: 'in', value: ['DE', 'FR'] },
        { field: 'email', operator: 'not_contains', value: 'BILLING' },
      ],
    },
    (c) => ['DE', 'FR'].includes(c.address_country) && !c.email.toLowerCase().includes('billing'),
  ],
  [
    'eq "" finds customers without email',
    { filters: [{ field: 'email', operator: 'eq', value: '' }] },
    (c) => c.email === '',
  ],
  [
    'contains on contact skips customers without one',
    { filters: [{ field: 'contact', operator: 'contains', value: '+49' }] },
    (c) => c.contact?.includes('+49') ?? false,
  ],
  [
    'not_in',
    { filters: [{ field: 'timezone', operator: 'not_in', value: ['UTC', 'Asia/Tokyo'] }] },
    (c) => !['UTC', 'Asia/Tokyo'].includes(c.timezone),
  ],
];

describe('server-side filters match the ground truth', () => {
  it.each(cases)('%s', async (_label, args, predicate) => {
    const expected = published(h.fp).filter(predicate).sort(newestFirst);
    const page = await listAll(args);
    expect(ids(page.items)).toStrictEqual(ids(expected));
    expect(page.total).toBe(expected.length);
  });

  it.each(['archived', 'deleted'] as const)('status %s', async (status) => {
    const expected = h.fp.customers.filter((c) => c.status === status).sort(newestFirst);
    expect(expected.length).toBeGreaterThan(0);
    const page = await listAll({ status });
    expect(ids(page.items)).toStrictEqual(ids(expected));
    expect(page.items.every((c) => c.status === status)).toBe(true);
  });

  it('status any: every status, active rows first, then archived, then deleted, paged exactly', async () => {
    const order = ['published', 'archived', 'deleted'];
    const expected = [...h.fp.customers].sort(
      (a, b) => order.indexOf(a.status) - order.indexOf(b.status) || newestFirst(a, b),
    );
    const whole = await listAll({ status: 'any' });
    expect(ids(whole.items)).toStrictEqual(ids(expected));
    expect(whole.total).toBe(expected.length);
    // Pages that straddle the status boundaries, walked by cursor alone with an odd take.
    const seen: string[] = [];
    let page = structured<ListCustomersOutput>(await h.call('list', { status: 'any', take: 7 }));
    seen.push(...ids(page.items));
    while (page.has_more) {
      page = structured<ListCustomersOutput>(
        await h.call('list', { cursor: page.next_cursor, take: 37 }),
      );
      seen.push(...ids(page.items));
    }
    expect(seen).toStrictEqual(ids(expected));
  });

  it('status any past the active rows needs pagination.total: without it, a coded error, not a wrong page', async () => {
    const active = published(h.fp).length;
    const noTotal = {
      rewrite: (answer: { status: number; json?: unknown }) => {
        const json = answer.json as { pagination?: Record<string, unknown> };
        return { ...answer, json: { ...json, pagination: { ...json.pagination, total: null } } };
      },
    };
    h.fp.emulator.inject(noTotal);
    const error = toolError(await h.call('list', { status: 'any', skip: active + 3, take: 5 }));
    expect(error).toMatchObject({ code: 'upstream_invalid_response', provider: 'flexprice' });
    expect(error.message).toContain('pagination.total');
    // With the total, the same page is the archived rows from the fourth on.
    const page = structured<ListCustomersOutput>(
      await h.call('list', { status: 'any', skip: active + 3, take: 5 }),
    );
    const archived = h.fp.customers.filter((c) => c.status === 'archived').sort(newestFirst);
    expect(ids(page.items)).toStrictEqual(ids(archived.slice(3, 8)));
  });

  it('email matches the whole address in any case, not every address containing it', async () => {
    const [sample] = published(h.fp).filter((c) => c.email.startsWith('billing@'));
    const address = sample?.email as string;
    // Addresses that contain it (what Flexprice's ILIKE contains also matches) must not count.
    const before = h.fp.customers.length;
    (h.fp.customers as StoredCustomer[]).push(
      { ...(sample as StoredCustomer), id: 'cust_superset1', email: `x.${address}` },
      { ...(sample as StoredCustomer), id: 'cust_superset2', email: `${address}.mx` },
    );
    try {
      const expected = published(h.fp)
        .filter((c) => c.email.toLowerCase() === address)
        .sort(newestFirst);
      const page = await listAll({ email: address.toUpperCase() });
      expect(ids(page.items)).toStrictEqual(ids(expected));
      expect(page.total).toBe(expected.length);
    } finally {
      (h.fp.customers as StoredCustomer[]).splice(before);
    }
  });

  it('conditions are AND-ed with the shared filters', async () => {
    const args = {
      search: 'a',
      filters: [{ field: 'address_country', operator: 'eq', value: 'US' }],
    };
    const expected = published(h.fp).filter(
      (c) => c.name.toLowerCase().includes('a') && c.address_country === 'US',
    );
    expect(ids((await listAll(args)).items)).toStrictEqual(ids(expected.sort(newestFirst)));
  });

  it('order_by name asc sorts by name', async () => {
    const page = await listAll({ order_by: { field: 'name', direction: 'asc' }, name: 'Labs' });
    const names = page.items.map((c) => c.name ?? '');
    expect(names.length).toBeGreaterThan(3);
    expect(names).toStrictEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('order_by created_at asc is the reverse of the default order', async () => {
    const asc = await listAll({
      order_by: { field: 'created_at', direction: 'asc' },
      name: 'Acme',
    });
    const desc = await listAll({ name: 'Acme' });
    expect(ids(asc.items)).toStrictEqual(ids(desc.items).reverse());
  });

  it('a contact filter on an older build is refused upstream with its message', async () => {
    h.fp.switches.olderBuild = true;
    try {
      const error = toolError(
        await h.call('list', { filters: [{ field: 'contact', operator: 'contains', value: '1' }] }),
      );
      expect(error.code).toBe('upstream_error');
      expect(error.message).toContain('Failed to list customers');
    } finally {
      h.fp.switches.olderBuild = false;
    }
  });
});
