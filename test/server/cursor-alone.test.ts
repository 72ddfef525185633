import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS, type ProviderId } from '../../src/providers/registry.js';
import { structured, toolError } from '../helpers/mcp.js';
import { useSandboxClient } from '../helpers/sandbox.js';

interface Page {
  items: { id: string; updated_at?: string }[];
  has_more: boolean;
  next_cursor: string | null;
}

const shared = useSandboxClient();

const call = (name: string, args: Record<string, unknown>) =>
  shared.client.callTool({ name, arguments: args });
const list = async (provider: ProviderId, args: Record<string, unknown>) =>
  structured<Page>(await call(`${provider}_list_customers`, args));
const ids = (page: Page) => page.items.map((item) => item.id);
const upstreamRequests = (provider: ProviderId) =>
  shared.sandbox.emulators[provider].emulator.requests.length;

/** A query with a filter of each kind the provider has: shared, status/sort, native. */
const QUERIES: Record<ProviderId, Record<string, unknown>> = {
  quentli: { name: 'a', order_by: { field: 'name', direction: 'asc' } },
  flexprice: { name: 'a', status: 'any', order_by: { field: 'name', direction: 'asc' } },
  maple: { search: 'a', status: 'active', query: { has_parent: false } },
};

describe.each(PROVIDER_IDS)('%s_list_customers: the cursor alone', (provider) => {
  const query = QUERIES[provider];

  it('continues exactly its query, with take and detail changed', async () => {
    const first = await list(provider, { ...query, take: 3 });
    expect(first.has_more).toBe(true);
    const reference = await list(provider, { ...query, take: 8 });
    shared.sandbox.emulators[provider].emulator.clearLog();
    const next = await list(provider, { cursor: first.next_cursor, take: 5, detail: 'full' });
    expect(ids(next)).toEqual(ids(reference).slice(3, 8));
    expect(next.items[0]?.updated_at).toBeDefined(); // detail "full" took effect
    if (provider === 'maple') expect(upstreamRequests('maple')).toBe(1);
  });

  it('accepts the same filters repeated beside it', async () => {
    const first = await list(provider, { ...query, take: 3 });
    const alone = await list(provider, { cursor: first.next_cursor, take: 3 });
    const repeated = await list(provider, { ...query, cursor: first.next_cursor, take: 3 });
    expect(ids(repeated)).toEqual(ids(alone));
  });

  it('refuses different filters, naming them, with no upstream request', async () => {
    const first = await list(provider, { ...query, take: 3 });
    shared.sandbox.emulators[provider].emulator.clearLog();
    const error = toolError(
      await call(`${provider}_list_customers`, { cursor: first.next_cursor, name: 'zz' }),
    );
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain('(name differs)');
    expect(upstreamRequests(provider)).toBe(0);
  });
});

describe('find_customers: each section’s next_cursor alone continues that provider’s list', () => {
  it('for every section, with take changed (Maple: one request per page)', async () => {
    const { results } = structured<{ results: (Page & { provider: ProviderId })[] }>(
      await call('find_customers', { name: 'a', take: 2 }),
    );
    const wider = structured<{ results: (Page & { provider: ProviderId })[] }>(
      await call('find_customers', { name: 'a', take: 6 }),
    ).results;
    for (const section of results) {
      expect(section.has_more, section.provider).toBe(true);
      for (const id of PROVIDER_IDS) shared.sandbox.emulators[id].emulator.clearLog();
      const next = await list(section.provider, { cursor: section.next_cursor, take: 4 });
      const reference = wider.find((s) => s.provider === section.provider) as Page;
      expect(ids(next), section.provider).toEqual(ids(reference).slice(2, 6));
      if (section.provider === 'maple') expect(upstreamRequests('maple')).toBe(1);
    }
  });
});
