/**
 * The leaner summary (CONTRACT §4) for all three providers through a real Client: no updated_at,
 * no per-item provider in pages and find sections, timestamps in UTC `Z` (offsets converted),
 * and `full` still holding everything, including a timestamp's text as sent when it had an offset.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_IDS, type ProviderId } from '../../src/providers/registry.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { connectClient, structured } from '../helpers/mcp.js';
import { sandboxProviders } from '../helpers/sandbox.js';
import { UTC_RFC3339 } from '../helpers/timestamps.js';

type Item = Record<string, unknown>;

let sandbox: Sandbox;
let client: Client;

beforeAll(async () => {
  const setup = await sandboxProviders();
  sandbox = setup.sandbox;
  client = await connectClient(setup.providers);
});
afterAll(async () => {
  await client.close();
  await sandbox.close();
});

const call = async <T>(name: string, args: Record<string, unknown>) =>
  structured<T>(await client.callTool({ name, arguments: args }));

describe.each(PROVIDER_IDS)('%s summary', (provider) => {
  it('a 100-row page: no provider or updated_at on items, every created_at RFC 3339 UTC', async () => {
    const page = await call<{ provider: string; items: Item[] }>(`${provider}_list_customers`, {
      take: 100,
    });
    expect(page.provider).toBe(provider);
    expect(page.items).toHaveLength(100);
    for (const item of page.items) {
      expect(item).not.toHaveProperty('provider');
      expect(item).not.toHaveProperty('updated_at');
      expect(item).toHaveProperty('metadata');
      if (item.created_at !== null) expect(item.created_at).toMatch(UTC_RFC3339);
    }
  });

  it('full adds updated_at (UTC), address and details; get keeps provider', async () => {
    const page = await call<{ items: Item[] }>(`${provider}_list_customers`, {
      take: 20,
      detail: 'full',
    });
    for (const item of page.items) {
      expect(item).toHaveProperty('updated_at');
      expect(item).toHaveProperty('address');
      expect(item).toHaveProperty('details');
      if (item.updated_at !== null) expect(item.updated_at).toMatch(UTC_RFC3339);
    }
    const got = await call<{ customer: Item }>(`${provider}_get_customer`, {
      id: page.items[0]?.id,
    });
    expect(got.customer.provider).toBe(provider);
    expect(got.customer).not.toHaveProperty('updated_at');
  });
});

describe('find_customers sections', () => {
  it('hold customers without provider or updated_at, created_at in UTC', async () => {
    const found = await call<{ results: { provider: string; items: Item[] }[] }>('find_customers', {
      name: 'a',
      take: 20,
    });
    expect(found.results).toHaveLength(3);
    for (const section of found.results) {
      expect(section.items.length).toBeGreaterThan(0);
      for (const item of section.items) {
        expect(item).not.toHaveProperty('provider');
        expect(item).not.toHaveProperty('updated_at');
        if (item.created_at !== null) expect(item.created_at).toMatch(UTC_RFC3339);
      }
    }
  });
});

/** One customer per provider, with timestamps in that provider's field names, as its API sends them. */
const ANSWERS: Record<ProviderId, (created: string, updated: string) => Item> = {
  quentli: (created, updated) => ({ id: 'cus_t', createdAt: created, updatedAt: updated }),
  flexprice: (created, updated) => ({
    id: 'cust_t',
    status: 'published',
    created_at: created,
    updated_at: updated,
  }),
  maple: (created, updated) => ({
    id: 'cus_t',
    status: 'ACTIVE',
    created_at: created,
    updated_at: updated,
  }),
};

describe.each(PROVIDER_IDS)('%s timestamps with offsets', (provider) => {
  const get = async (detail: 'summary' | 'full', created: string, updated: string) => {
    sandbox.emulators[provider].emulator.inject({
      respond: { status: 200, json: ANSWERS[provider](created, updated) },
    });
    const id = provider === 'flexprice' ? 'cust_t' : 'cus_t';
    return (await call<{ customer: Item }>(`${provider}_get_customer`, { id, detail })).customer;
  };

  it('an offset becomes the same instant in Z; a zero fraction disappears, a non-zero one stays', async () => {
    const summary = await get('summary', '2025-03-26T05:04:45.460-04:00', '2025-03-26T09:04:45Z');
    expect(summary.created_at).toBe('2025-03-26T09:04:45.46Z');
    const micro = await get('summary', '2025-03-26T23:34:45.123456+05:30', 'x');
    expect(micro.created_at).toBe('2025-03-26T18:04:45.123456Z');
    const zero = await get('summary', '2025-03-26T09:04:45.000Z', 'x');
    expect(zero.created_at).toBe('2025-03-26T09:04:45Z');
  });

  it('full loses nothing: an offset or unreadable timestamp keeps its text in details', async () => {
    const full = await get('full', '2025-03-26T05:04:45-04:00', 'last tuesday');
    expect(full).toMatchObject({ created_at: '2025-03-26T09:04:45Z', updated_at: null });
    expect(full.details).toMatchObject({
      created_at: '2025-03-26T05:04:45-04:00',
      updated_at: 'last tuesday',
    });
    const plain = await get('full', '2025-03-26T09:04:45.000Z', '2025-03-27T09:04:45Z');
    expect(plain).toMatchObject({
      created_at: '2025-03-26T09:04:45Z',
      updated_at: '2025-03-27T09:04:45Z',
    });
    expect(plain.details).not.toHaveProperty('created_at');
    expect(plain.details).not.toHaveProperty('updated_at');
  });
});
