/** Exactly what the emulator received: paths, headers, find bodies, path encoding. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAPLE_COMPANY_ID, OWNER_IDS } from '../../src/sandbox/maple/seed.js';
import { structured, toolError } from '../helpers/mcp.js';
import { findRequests, list, type MapleHarness, startHarness } from './helpers.js';

let h: MapleHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const base = `/api/v1/companies/${MAPLE_COMPANY_ID}/customers`;

function lastFind() {
  const request = findRequests(h.maple).at(-1);
  if (!request) throw new Error('no find request');
  return request;
}

describe('find', () => {
  it('default list: one POST with the documented body, bearer auth, no Idempotency-Key', async () => {
    h.maple.emulator.clearLog();
    await list(h.client, {});
    expect(h.maple.emulator.requests).toHaveLength(1);
    const request = lastFind();
    expect(request.method).toBe('POST');
    expect(request.rawPath).toBe(`${base}/find`);
    expect(request.rawQuery).toBe('');
    expect(request.headers.authorization).toBe(`Bearer ${h.maple.settings.apiKey}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBeUndefined();
    expect(request.body).toEqual({
      pagination: { limit: 20 },
      sort_key: 'createdAtDesc',
      include_meta: true,
      query: {},
    });
  });

  it('every filter maps onto the native query', async () => {
    await list(h.client, {
      email: 'a@b.example',
      external_id: 'acct-1',
      name: 'Ava',
      search: 'labs',
      status: 'archived',
      order_by: { field: 'updated_at', direction: 'asc' },
      take: 7,
      query: {
        org_name: 'Blue Labs Inc.',
        owner_ids: OWNER_IDS.slice(0, 2),
        parent_customer_id: 'cus_parent',
        has_parent: true,
        mrr_min_cents: 100,
        mrr_max_cents: 900,
        statuses: ['active', 'archived'],
        arr_min_cents: 1200,
        arr_max_cents: 10_800,
        title: 'CFO',
        phone: '+1 415 555 0100',
        managed_externally: false,
        exclude_from_metrics: true,
        tags: ['enterprise'],
        metadata: ['plan:growth'],
      },
    });
    expect(lastFind().body).toEqual({
      pagination: { limit: 7 },
      sort_key: 'updatedAtAsc',
      include_meta: true,
      query: {
        email: 'a@b.example',
        identifier: 'acct-1',
        name: 'Ava',
        search: 'labs',
        status: 'ARCHIVED',
        org_name: 'Blue Labs Inc.',
        owner_ids: { condition: 'OR', values: OWNER_IDS.slice(0, 2) },
        parent_customer_id: 'cus_parent',
        has_parent: true,
        mrr: { gte: 100, lte: 900 },
        arr: { gte: 1200, lte: 10_800 },
        statuses: ['ACTIVE', 'ARCHIVED'],
        title: 'CFO',
        phone: '+1 415 555 0100',
        managed_externally: false,
        exclude_from_metrics: true,
        tags: { condition: 'AND', values: ['enterprise'] },
        metadata: { condition: 'AND', values: ['plan:growth'] },
      },
    });
  });

  it('one owner goes as the confirmed owner_id; sort keys follow order_by', async () => {
    await list(h.client, {
      query: { owner_ids: ['usr_1'], mrr_min_cents: 5 },
      order_by: { field: 'created_at', direction: 'asc' },
    });
    expect(lastFind().body).toMatchObject({
      sort_key: 'createdAtAsc',
      query: { owner_id: 'usr_1', mrr: { gte: 5 } },
    });
    await list(h.client, { order_by: { field: 'updated_at' } });
    expect(lastFind().body).toMatchObject({ sort_key: 'updatedAtDesc' });
  });
});

describe('get and path encoding', () => {
  it('GET by id hits the documented path', async () => {
    const raw = h.maple.customers[3];
    h.maple.emulator.clearLog();
    await h.client.callTool({ name: 'maple_get_customer', arguments: { id: raw?.id } });
    expect(h.maple.emulator.requests.map((r) => [r.method, r.rawPath])).toEqual([
      ['GET', `${base}/${raw?.id}`],
    ]);
  });

  const awkward = ['a/b?x=1', '50% off#1', 'name with space', 'ñandú-東京', '../../v1/customers'];
  it.each(awkward)('id %j arrives intact as one segment', async (weird) => {
    const row = {
      ...structuredClone(h.maple.customers[0]),
      id: `cus_${weird}`,
      identifier: `ext ${weird}`,
    };
    h.maple.customers.push(row as (typeof h.maple.customers)[number]);
    for (const [arg, value] of [
      ['id', row.id],
      ['external_id', row.identifier],
    ] as const) {
      h.maple.emulator.clearLog();
      const result = structured<{ customer: { id: string } }>(
        await h.client.callTool({ name: 'maple_get_customer', arguments: { [arg]: value } }),
      );
      expect(result.customer.id).toBe(row.id);
      const [request] = h.maple.emulator.requests;
      expect(request?.rawPath).toBe(`${base}/${encodeURIComponent(value)}`);
      expect(decodeURIComponent(request?.rawPath.split('/').at(-1) as string)).toBe(value);
    }
  });

  it('"." and "..": refused as an id, looked up by find as an external_id', async () => {
    const row = { ...structuredClone(h.maple.customers[1]), id: 'cus_dots', identifier: '..' };
    h.maple.customers.push(row as (typeof h.maple.customers)[number]);
    h.maple.emulator.clearLog();
    const refused = toolError(
      await h.client.callTool({ name: 'maple_get_customer', arguments: { id: '..' } }),
    );
    expect(refused.code).toBe('invalid_argument');
    expect(h.maple.emulator.requests).toHaveLength(0);
    const found = structured<{ customer: { id: string } }>(
      await h.client.callTool({ name: 'maple_get_customer', arguments: { external_id: '..' } }),
    );
    expect(found.customer.id).toBe('cus_dots');
    expect(h.maple.emulator.requests.map((r) => r.rawPath)).toEqual([`${base}/find`]);
  });

  it('the company id is encoded too', async () => {
    const harness = await startHarness({ companyId: 'cmp_a/b?c' });
    await harness.client.callTool({ name: 'maple_get_customer', arguments: { id: 'cus_1' } });
    expect(harness.maple.emulator.requests[0]?.rawPath).toBe(
      '/api/v1/companies/cmp_a%2Fb%3Fc/customers/cus_1',
    );
    await harness.close();
  });
});
