/** Path encoding: awkward ids travel as one segment, or through search when they cannot (§3). */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/customer.js';
import { FLEXPRICE_TEST_KEY } from '../../src/sandbox/flexprice/emulator.js';
import { AWKWARD_EXTERNAL_IDS } from '../../src/sandbox/flexprice/seed.js';
import { structured, toolError } from '../helpers/mcp.js';
import { type Harness, startHarness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.fp.emulator.clearLog());

const routable = AWKWARD_EXTERNAL_IDS.filter((x) => !x.includes('/') && x !== '..');
const unroutable = AWKWARD_EXTERNAL_IDS.filter((x) => !routable.includes(x));

describe('get by external_id', () => {
  it.each(routable)('%s: one encoded segment, the right customer', async (externalId) => {
    const customer = structured<{ customer: Customer }>(
      await h.call('get', { external_id: externalId }),
    ).customer;
    expect(customer.external_id).toBe(externalId);
    const [req] = h.fp.emulator.requests;
    expect(req?.rawPath).toBe(`/v1/customers/external/${encodeURIComponent(externalId)}`);
    expect(req?.rawQuery).toBe('');
    expect(req?.status).toBe(200);
  });

  it.each(unroutable)('%s: resolved through search, id intact in the body', async (externalId) => {
    const customer = structured<{ customer: Customer }>(
      await h.call('get', { external_id: externalId }),
    ).customer;
    expect(customer.external_id).toBe(externalId);
    expect(h.fp.emulator.requests).toHaveLength(1);
    const [req] = h.fp.emulator.requests;
    expect(req?.rawPath).toBe('/v1/customers/search');
    expect(req?.body).toStrictEqual({ external_id: externalId, limit: 1, offset: 0 });
  });
});

const awkwardIds = ['q?x=1', '100%', 'hash#frag', 'with space', 'ünïcødé-客户', '%2F'];

describe('get by id', () => {
  it.each(awkwardIds)('%s reaches GET /customers/{id} intact', async (id) => {
    const error = toolError(await h.call('get', { id }));
    expect(error.code).toBe('not_found');
    const [req] = h.fp.emulator.requests;
    expect(req?.rawPath).toBe(`/v1/customers/${encodeURIComponent(id)}`);
    // Replaying the exact path shows it is the by-id route that answered, with the id decoded whole.
    const replay = await request(`${h.fp.emulator.baseUrl}${req?.rawPath}`, {
      headers: { 'x-api-key': FLEXPRICE_TEST_KEY },
    });
    expect(await replay.body.json()).toMatchObject({ details: { customer_id: id } });
  });

  it.each(['a/b', '../../v1/customers', '..'])(
    '%s goes through search, never another route',
    async (id) => {
      expect(toolError(await h.call('get', { id })).code).toBe('not_found');
      expect(h.fp.emulator.requests.map((r) => [r.rawPath, r.body])).toStrictEqual([
        ['/v1/customers/search', { customer_ids: [id], limit: 1, offset: 0 }],
      ]);
    },
  );
});
