/** Normalization (CONTRACT §4), summary and full, on seeded customers and on edge-case bodies. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/customer.js';
import type { StoredCustomer } from '../../src/sandbox/flexprice/records.js';
import { structured } from '../helpers/mcp.js';
import { utc } from '../helpers/timestamps.js';
import { type Harness, startHarness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.fp.switches.olderBuild = false;
  h.fp.emulator.clearFaults();
});

const find = (predicate: (c: StoredCustomer) => boolean) => {
  const found = h.fp.customers.find(predicate);
  if (!found) throw new Error('seed lacks the customer this test needs');
  return found;
};

async function get(args: Record<string, unknown>) {
  return structured<{ customer: Customer }>(await h.call('get', args)).customer;
}

describe('summary', () => {
  it('maps a full customer field by field', async () => {
    const c = find((x) => x.contact !== null && x.email !== '' && x.metadata !== null);
    expect(await get({ id: c.id })).toStrictEqual({
      provider: 'flexprice',
      id: c.id,
      external_id: c.external_id,
      name: c.name,
      email: c.email,
      phone: c.contact,
      status: c.status === 'published' ? 'active' : c.status,
      created_at: utc(c.created_at),
      metadata: c.metadata,
    });
  });

  it('"" email, missing contact and null metadata become null, null and {}', async () => {
    const c = find((x) => x.email === '' && x.contact === null && x.metadata === null);
    const customer = await get({ id: c.id });
    expect(customer).toMatchObject({ email: null, phone: null, metadata: {} });
    // provider, id, external_id, name, email, phone, status, created_at, metadata: no updated_at.
    expect(Object.keys(customer)).toHaveLength(9);
  });

  it.each(['archived', 'deleted'])(
    'status %s passes through (get by id sees any status)',
    async (status) => {
      const c = find((x) => x.status === status);
      expect((await get({ id: c.id })).status).toBe(status);
    },
  );
});

describe('full', () => {
  it('adds the address and every other field in details', async () => {
    const c = find((x) => x.address_line1 !== '' && x.address_line2 === '' && x.contact !== null);
    const customer = await get({ id: c.id, detail: 'full' });
    expect(customer.address).toStrictEqual({
      line1: c.address_line1,
      line2: null,
      city: c.address_city,
      state: c.address_state === '' ? null : c.address_state,
      postal_code: c.address_postal_code,
      country: c.address_country,
    });
    expect(customer.details).toStrictEqual({
      timezone: c.timezone,
      environment_id: c.environment_id,
      tenant_id: c.tenant_id,
      created_by: c.created_by,
      updated_by: c.updated_by,
    });
  });

  it('address is null when every part is ""', async () => {
    const c = find((x) => x.address_city === '' && x.address_country === '');
    expect((await get({ id: c.id, detail: 'full' })).address).toBeNull();
  });

  it('an older build: no timezone/contact, parent_customer_id kept in details', async () => {
    h.fp.switches.olderBuild = true;
    const c = find((x) => x.contact !== null);
    const customer = await get({ external_id: c.external_id, detail: 'full' });
    expect(customer.phone).toBeNull();
    expect(customer.details).toHaveProperty('parent_customer_id', '');
    expect(customer.details).not.toHaveProperty('timezone');
  });

  it('tolerates integrations, unknown fields and a sparse body', async () => {
    const c = find((x) => x.integrations.length > 0);
    const body: Record<string, unknown> = {
      ...h.fp.render(c, true),
      billing_currency: 'USD',
      metadata: null,
    };
    expect(body.integrations).toHaveLength(1);
    h.fp.emulator.inject({ respond: { status: 200, json: body } });
    const customer = await get({ id: c.id, detail: 'full' });
    expect(customer.metadata).toStrictEqual({});
    expect(customer.details?.billing_currency).toBe('USD');
    expect(customer.details?.integrations).toStrictEqual(body.integrations);

    h.fp.emulator.inject({
      respond: { status: 200, json: { id: 'cust_X', status: 'published', name: '' } },
    });
    expect(await get({ id: 'cust_X', detail: 'full' })).toStrictEqual({
      provider: 'flexprice',
      id: 'cust_X',
      external_id: null,
      name: null,
      email: null,
      phone: null,
      status: 'active',
      created_at: null,
      updated_at: null,
      metadata: {},
      address: null,
      details: {},
    });
  });

  it('list items are normalized the same way as get, without provider (the page names it)', async () => {
    const c = find((x) => x.status === 'published' && x.external_id === 'acct-1001');
    const list = structured<{ provider: string; items: Customer[] }>(
      await h.call('list', { external_id: c.external_id, detail: 'full' }),
    );
    const { provider, ...item } = await get({ id: c.id, detail: 'full' });
    expect(list.provider).toBe(provider);
    expect(list.items).toStrictEqual([item]);
  });
});
