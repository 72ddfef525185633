/** Filters reach the find body and the emulator applies them server-side (vs. the seed). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MapleRawCustomer } from '../../src/sandbox/maple/seed.js';
import { OWNER_IDS } from '../../src/sandbox/maple/seed.js';
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

async function all(args: Record<string, unknown>): Promise<string[]> {
  const out: string[] = [];
  let page = await list(h.client, { ...args, take: 100 });
  out.push(...ids(page.items));
  while (page.has_more) {
    page = await list(h.client, { ...args, take: 100, cursor: page.next_cursor });
    out.push(...ids(page.items));
  }
  return out;
}

const seed = () => h.maple.customers;
const sample = () => seed()[42] as MapleRawCustomer;
const lower = (s: string | null) => (s ?? '').toLowerCase();

describe('each filter against the ground truth', () => {
  const cases: Array<[string, () => Record<string, unknown>, (c: MapleRawCustomer) => boolean]> = [
    ['status archived', () => ({ status: 'archived' }), (c) => c.status === 'ARCHIVED'],
    ['status active', () => ({ status: 'active' }), (c) => c.status === 'ACTIVE'],
    [
      'email (case-insensitive exact)',
      () => ({ email: sample().email?.toUpperCase() }),
      (c) => c.email === sample().email,
    ],
    [
      'external_id',
      () => ({ external_id: sample().identifier }),
      (c) => c.identifier === sample().identifier,
    ],
    ['name contains', () => ({ name: 'chen' }), (c) => lower(c.name).includes('chen')],
    [
      'search over name/email/org/identifier',
      () => ({ search: 'sf_0015' }),
      (c) => [c.name, c.email, c.org_name, c.identifier].some((v) => lower(v).includes('sf_0015')),
    ],
    [
      'query.org_name',
      () => ({ query: { org_name: sample().org_name } }),
      (c) => c.org_name === sample().org_name,
    ],
    [
      'query.statuses (any of)',
      () => ({ query: { statuses: ['archived'] } }),
      (c) => c.status === 'ARCHIVED',
    ],
    [
      'query.owner_id',
      () => ({ query: { owner_id: OWNER_IDS[1] } }),
      (c) => c.owner_id === OWNER_IDS[1],
    ],
    [
      'query.owner_ids (one)',
      () => ({ query: { owner_ids: [OWNER_IDS[0]] } }),
      (c) => c.owner_id === OWNER_IDS[0],
    ],
    [
      'query.owner_ids (any of two)',
      () => ({ query: { owner_ids: OWNER_IDS.slice(1, 3) } }),
      (c) => OWNER_IDS.slice(1, 3).includes(c.owner_id as string),
    ],
    [
      'query.has_parent',
      () => ({ query: { has_parent: true } }),
      (c) => c.parent_customer_id !== null,
    ],
    [
      'query.mrr_min_cents/mrr_max_cents (inclusive cents)',
      () => ({ query: { mrr_min_cents: 100_000, mrr_max_cents: 2_004_900 } }),
      (c) => c.mrr.value_in_cents >= 100_000 && c.mrr.value_in_cents <= 2_004_900,
    ],
    [
      'query.arr_min_cents/arr_max_cents (inclusive cents)',
      () => ({ query: { arr_min_cents: 1_200_000, arr_max_cents: 24_058_800 } }),
      (c) => c.arr.value_in_cents >= 1_200_000 && c.arr.value_in_cents <= 24_058_800,
    ],
    [
      'query.title (exact, any case)',
      () => ({ query: { title: sample().title?.toUpperCase() } }),
      (c) => lower(c.title) === lower(sample().title),
    ],
    [
      'query.phone (exact)',
      () => ({ query: { phone: sample().phone } }),
      (c) => c.phone === sample().phone,
    ],
    [
      'query.managed_externally',
      () => ({ query: { managed_externally: true } }),
      (c) => c.managed_externally === true,
    ],
    [
      'query.exclude_from_metrics',
      () => ({ query: { exclude_from_metrics: true } }),
      (c) => c.exclude_from_metrics === true,
    ],
    [
      'query.tags (all of)',
      () => ({ query: { tags: ['enterprise', 'beta'] } }),
      (c) => ['enterprise', 'beta'].every((t) => c.tags.includes(t)),
    ],
    [
      'query.metadata "key:value" (all of)',
      () => ({ query: { metadata: ['plan:growth', 'region:eu'] } }),
      (c) => c.metadata.plan === 'growth' && c.metadata.region === 'eu',
    ],
    [
      'filters combine (AND)',
      () => ({ status: 'active', query: { tags: ['smb'], has_parent: false } }),
      (c) => c.status === 'ACTIVE' && c.tags.includes('smb') && c.parent_customer_id === null,
    ],
  ];

  it.each(cases)('%s', async (_label, args, keep) => {
    const expected = ids(groundTruth(seed(), keep));
    expect(expected.length).toBeGreaterThan(0); // the seed must make each case meaningful
    expect(expected.length).toBeLessThan(seed().length);
    h.maple.emulator.clearLog();
    expect(await all(args())).toEqual(expected);
    expect(findRequests(h.maple).length).toBe(Math.max(1, Math.ceil(expected.length / 100)));
  });

  it('query.parent_customer_id: the children of one parent', async () => {
    const child = seed().find((c) => c.parent_customer_id) as MapleRawCustomer;
    const parent = child.parent_customer_id as string;
    const expected = ids(groundTruth(seed(), (c) => c.parent_customer_id === parent));
    expect(await all({ query: { parent_customer_id: parent } })).toEqual(expected);
  });

  it('total is the match count the emulator reports', async () => {
    const page = await list(h.client, { status: 'archived', take: 3 });
    expect(page.total).toBe(seed().filter((c) => c.status === 'ARCHIVED').length);
  });
});
