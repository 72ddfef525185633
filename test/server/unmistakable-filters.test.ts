import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { ProviderId } from '../../src/providers/registry.js';
import type { MapleEmulator } from '../../src/sandbox/maple/emulator.js';
import { structured, toolError } from '../helpers/mcp.js';
import { useSandboxClient } from '../helpers/sandbox.js';

interface Row {
  id: string;
  created_at?: string;
  mrr_cents?: number | null;
  arr_cents?: number | null;
}
interface Page {
  items: Row[];
  total: number | null;
}

const shared = useSandboxClient();

const call = (provider: ProviderId, args: Record<string, unknown>) =>
  shared.client.callTool({ name: `${provider}_list_customers`, arguments: args });
const page = async (provider: ProviderId, args: Record<string, unknown>) =>
  structured<Page>(await call(provider, args));
const ids = (p: Page) => p.items.map((row) => row.id);
const refused = async (provider: ProviderId, args: Record<string, unknown>) => {
  const error = toolError(await call(provider, args));
  expect(error.code).toBe('invalid_argument');
  expect(shared.sandbox.emulators[provider].emulator.requests).toHaveLength(0);
  return error.message;
};
const mapleSeed = () => (shared.sandbox.emulators.maple as MapleEmulator).customers;

describe('Maple money filters', () => {
  it('name their unit: mrr_min (the old, unit-less name) is refused, mrr_min_cents works', async () => {
    expect(await refused('maple', { query: { mrr_min: 1000 } })).toMatch(
      /unknown argument.*mrr_min/,
    );
    const rows = await page('maple', { query: { mrr_min_cents: 100_000 }, take: 100 });
    expect(rows.items.length).toBeGreaterThan(0);
    for (const row of rows.items) expect(row.mrr_cents).toBeGreaterThanOrEqual(100_000);
  });

  it('rows show the MRR/ARR filtered on, as Maple holds it, and only then', async () => {
    const byId = new Map(mapleSeed().map((c) => [c.id, c]));
    const mrr = await page('maple', { query: { mrr_max_cents: 500_000 }, take: 20 });
    for (const row of mrr.items) {
      expect(row.mrr_cents).toBe(byId.get(row.id)?.mrr?.value_in_cents);
      expect(row).not.toHaveProperty('arr_cents');
    }
    const arr = await page('maple', { query: { arr_min_cents: 1 }, take: 20 });
    for (const row of arr.items) expect(row.arr_cents).toBe(byId.get(row.id)?.arr?.value_in_cents);
    const plain = await page('maple', { take: 20 });
    for (const row of plain.items) expect(row).not.toHaveProperty('mrr_cents');
  });

  it('showing the money costs at most 10 tokens a row (the CONTRACT §4 page budget)', async () => {
    const result = await call('maple', { query: { mrr_min_cents: 0 }, take: 100 });
    const text = (result.content as { text: string }[])[0]?.text as string;
    const shown = structured<Page>(result);
    expect(shown.items).toHaveLength(100);
    const without = {
      ...shown,
      items: shown.items.map(({ mrr_cents: _shown, ...row }) => row),
    };
    const extra = encode(text).length - encode(JSON.stringify(without)).length;
    expect(extra).toBeGreaterThan(0);
    expect(extra / 100).toBeLessThanOrEqual(10);
  });
});

describe('contradictory filters are refused, naming both', () => {
  it('Maple status archived with query.statuses [active]', async () => {
    const message = await refused('maple', { status: 'archived', query: { statuses: ['active'] } });
    expect(message).toMatch(/status "archived" and query\.statuses \["active"\]/);
    // Agreeing ones are fine.
    await page('maple', { status: 'active', query: { statuses: ['active', 'archived'] } });
  });

  it('Maple mrr_min_cents above mrr_max_cents', async () => {
    const message = await refused('maple', {
      query: { mrr_min_cents: 10, mrr_max_cents: 5 },
    });
    expect(message).toMatch(/mrr_min_cents.*mrr_max_cents/);
  });

  it.each(['quentli', 'flexprice'] as const)(
    '%s created_after not before created_before',
    async (id) => {
      const message = await refused(id, {
        created_after: '2025-06-01',
        created_before: '2025-01-01T00:00:00Z',
      });
      expect(message).toMatch(
        /created_after \(2025-06-01\).*created_before \(2025-01-01T00:00:00Z\)/,
      );
    },
  );
});

describe('a plain date is midnight UTC wherever a date-time is accepted', () => {
  it.each(['quentli', 'flexprice'] as const)('%s created_after / created_before', async (id) => {
    // A window of whole days around the seed's customers: from the 30th newest one's day.
    const newest = await page(id, { take: 30 });
    const day = String(newest.items[29]?.created_at).slice(0, 10);
    const plain = await page(id, { created_after: day, created_before: '2099-01-01', take: 100 });
    const full = await page(id, {
      created_after: `${day}T00:00:00Z`,
      created_before: '2099-01-01T00:00:00Z',
      take: 100,
    });
    expect(plain.items.length).toBeGreaterThanOrEqual(30);
    expect(ids(plain)).toEqual(ids(full));
  });

  it('Quentli where and Flexprice filters date values', async () => {
    const quentli = (value: string) =>
      page('quentli', { where: [{ field: 'createdAt', op: 'gte', value }], take: 50 });
    expect(ids(await quentli('2025-03-01'))).toEqual(ids(await quentli('2025-03-01T00:00:00Z')));
    const flexprice = (value: string) =>
      page('flexprice', {
        filters: [{ field: 'updated_at', operator: 'after', value }],
        take: 50,
      });
    expect(ids(await flexprice('2025-03-01'))).toEqual(
      ids(await flexprice('2025-03-01T00:00:00Z')),
    );
  });

  it('an impossible date is still refused before any request', async () => {
    expect(await refused('quentli', { created_after: '2025-13-01' })).toMatch(/created_after/);
    expect(await refused('flexprice', { created_after: '2025-02-30x' })).toMatch(/created_after/);
  });
});
