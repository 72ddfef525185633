/** CONTRACT §4 for Maple: summary and full, through the real Client. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MapleRawCustomer } from '../../src/sandbox/maple/seed.js';
import { structured } from '../helpers/mcp.js';
import { UTC_RFC3339, utc } from '../helpers/timestamps.js';
import { type MapleHarness, startHarness } from './helpers.js';

let h: MapleHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function get(id: string, detail: 'summary' | 'full') {
  const result = await h.client.callTool({ name: 'maple_get_customer', arguments: { id, detail } });
  return structured<{ customer: Record<string, unknown> }>(result).customer;
}

const row = (pick: (c: MapleRawCustomer) => boolean) =>
  h.maple.customers.find(pick) as MapleRawCustomer;

describe('summary', () => {
  it('maps the documented fields and stringifies metadata', async () => {
    const raw = row((c) => c.email !== null && c.name !== '' && Object.keys(c.metadata).length > 0);
    expect(await get(raw.id, 'summary')).toEqual({
      provider: 'maple',
      id: raw.id,
      external_id: raw.identifier,
      name: raw.name,
      email: raw.email,
      phone: raw.phone,
      status: raw.status.toLowerCase(),
      created_at: utc(raw.created_at),
      metadata: {
        plan: String(raw.metadata.plan),
        region: String(raw.metadata.region),
        seats: String(raw.metadata.seats),
        crm_synced: String(raw.metadata.crm_synced),
      },
    });
  });

  it('edge cases: "" and null become null, {} metadata, unknown status lowercased', async () => {
    const emptyName = await get(row((c) => c.name === '').id, 'summary');
    expect(emptyName.name).toBeNull();
    expect((await get(row((c) => c.email === null).id, 'summary')).email).toBeNull();
    expect((await get(row((c) => c.phone === null).id, 'summary')).phone).toBeNull();
    expect(
      (await get(row((c) => Object.keys(c.metadata).length === 0).id, 'summary')).metadata,
    ).toEqual({});
    expect((await get(row((c) => c.status === 'SUSPENDED').id, 'summary')).status).toBe(
      'suspended',
    );
    expect((await get(row((c) => c.status === 'ARCHIVED').id, 'summary')).status).toBe('archived');
    // An offset becomes the same instant in Z; full keeps the text as Maple sent it.
    const offset = row((c) => c.created_at.endsWith('-04:00'));
    const inZ = await get(offset.id, 'summary');
    expect(inZ.created_at).toBe(utc(offset.created_at));
    expect(inZ.created_at).toMatch(UTC_RFC3339);
    expect(Date.parse(inZ.created_at as string)).toBe(Date.parse(offset.created_at));
    const full = await get(offset.id, 'full');
    expect((full.details as Record<string, unknown>).created_at).toBe(offset.created_at);
  });
});

describe('full', () => {
  it('address mapped, everything else in details, nothing lost', async () => {
    const raw = row(
      (c) =>
        c.address !== null && c.address.address_line_2 === '' && c.computed_entitlements.length > 0,
    );
    const full = await get(raw.id, 'full');
    expect(full.address).toEqual({
      line1: raw.address?.address_line_1,
      line2: null,
      city: raw.address?.city,
      state: raw.address?.state || null,
      postal_code: raw.address?.zip,
      country: raw.address?.country,
    });
    const details = full.details as Record<string, unknown>;
    expect(details).toMatchObject({
      company_id: raw.company_id,
      org_name: raw.org_name,
      title: raw.title,
      billing_emails: raw.billing_emails,
      mrr: raw.mrr,
      arr: raw.arr,
      owner_id: raw.owner_id,
      parent_customer_id: raw.parent_customer_id,
      computed_entitlements: raw.computed_entitlements,
      integration_references: raw.integration_references,
      tags: raw.tags,
      address: { place_id: null },
    });
    for (const key of [
      'id',
      'identifier',
      'name',
      'email',
      'phone',
      'status',
      'metadata',
      'created_at',
    ]) {
      expect(details).not.toHaveProperty(key);
    }
  });

  it('no address → null', async () => {
    expect((await get(row((c) => c.address === null).id, 'full')).address).toBeNull();
  });

  it('list items use the same normalization, without provider (the page names it)', async () => {
    const raw = h.maple.customers[0] as MapleRawCustomer;
    const result = await h.client.callTool({
      name: 'maple_list_customers',
      arguments: { external_id: raw.identifier, detail: 'full' },
    });
    const page = structured<{ provider: string; items: Array<Record<string, unknown>> }>(result);
    const { provider, ...item } = await get(raw.id, 'full');
    expect(page.provider).toBe(provider);
    expect(page.items).toStrictEqual([item]);
  });
});
