/** The emulator itself against providers/flexprice.md §11, over plain HTTP. */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FLEXPRICE_OTHER_ENV_KEY,
  FLEXPRICE_TEST_KEY,
  type FlexpriceEmulator,
  startFlexpriceEmulator,
} from '../../src/sandbox/flexprice/emulator.js';

let fp: FlexpriceEmulator;
beforeAll(async () => {
  fp = await startFlexpriceEmulator();
});
afterAll(() => fp.close());
beforeEach(() => {
  fp.switches.legacyErrors = false;
  fp.switches.olderBuild = false;
});

async function call(
  method: 'GET' | 'POST',
  path: string,
  body?: string,
  key = FLEXPRICE_TEST_KEY,
  extra = {},
) {
  const res = await request(`${fp.emulator.baseUrl}${path}`, {
    method,
    body,
    headers: { ...(key ? { 'x-api-key': key } : {}), ...extra },
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  return {
    status: res.statusCode,
    text,
    json: json as Record<string, unknown>,
    type: res.headers['content-type'],
  };
}
const search = (body: unknown) => call('POST', '/v1/customers/search', JSON.stringify(body));
const invalid = (details?: Record<string, string>) => ({
  code: 'validation_error',
  message: 'Invalid filter parameters',
  http_status_code: 400,
  ...(details ? { details } : {}),
});

describe('auth and routing', () => {
  it('401 bodies of the middleware', async () => {
    expect((await call('GET', '/v1/customers', undefined, '')).json).toStrictEqual({
      error: 'Unauthorized',
    });
    const basic = await call('GET', '/v1/customers', undefined, '', { authorization: 'Basic x' });
    expect(basic.json).toStrictEqual({ error: 'Invalid authorization header format' });
    const bearer = await call('GET', '/v1/customers', undefined, 'nope', {
      authorization: 'Bearer sk_x',
    });
    expect(bearer).toMatchObject({ status: 401, json: { error: 'Invalid token' } });
  });

  it('unknown routes: text/plain 404 before any auth', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nope'],
      ['POST', '/v1/customers/x/y'],
      ['GET', '/v1/customers/a%2Fb'],
    ] as const) {
      const res = await call(method, path, undefined, '');
      expect(res).toMatchObject({ status: 404, text: '404 page not found' });
      expect(res.type).toContain('text/plain');
    }
  });

  it('trailing slash redirects', async () => {
    expect((await call('GET', '/v1/customers/')).status).toBe(301);
  });

  it('scopes by environment; get by id sees archived, external lookup does not', async () => {
    const other = fp.otherCustomers[0];
    expect((await call('GET', `/v1/customers/${other?.id}`)).status).toBe(404);
    expect(
      (await call('GET', `/v1/customers/${other?.id}`, undefined, FLEXPRICE_OTHER_ENV_KEY)).status,
    ).toBe(200);
    const archived = fp.customers.find(
      (c) => c.status === 'archived' && c.external_id !== 'acct-1020',
    );
    expect((await call('GET', `/v1/customers/${archived?.id}`)).json).toMatchObject({
      status: 'archived',
    });
    const byExternal = await call('GET', `/v1/customers/external/${archived?.external_id}`);
    expect(byExternal.json).toStrictEqual({
      code: 'not_found',
      message: `Customer with lookup key ${archived?.external_id} was not found`,
      http_status_code: 404,
      details: { lookup_key: archived?.external_id },
    });
  });

  it('external id shared by a published and an archived customer resolves to the published one', async () => {
    const res = await call('GET', '/v1/customers/lookup/acct-1020');
    expect(res.json).toMatchObject({ external_id: 'acct-1020', status: 'published' });
  });
});

describe('search validation, in the documented order', () => {
  it.each([
    ['empty body', '', invalid()],
    ['malformed JSON', '{', invalid()],
    ['string limit', '{"limit":"5"}', invalid()],
    [
      'expand before limit',
      '{"expand":"wallets","limit":5000}',
      {
        code: 'validation_error',
        message: 'Field is not allowed to be expanded',
        http_status_code: 400,
        details: { field: 'wallets' },
      },
    ],
    [
      'limit before email',
      '{"limit":1001,"email":"x"}',
      invalid({ limit: 'must be between 1 and 1000' }),
    ],
    ['offset', '{"offset":-1}', invalid({ offset: 'must be non-negative' })],
    [
      'order is case-sensitive',
      '{"order":"DESC"}',
      invalid({ order: "must be either 'asc' or 'desc'" }),
    ],
    [
      'time range',
      '{"start_time":"2025-02-01T00:00:00Z","end_time":"2025-01-01T00:00:00Z","email":"x"}',
      {
        code: 'validation_error',
        message: 'Please provide a valid time range',
        http_status_code: 400,
        details: { end_time: 'must be after start_time' },
      },
    ],
    [
      'email',
      '{"email":"nope"}',
      { code: 'validation_error', message: 'Please provide a valid email', http_status_code: 400 },
    ],
    [
      'unknown filter field',
      '{"filters":[{"field":"plan","operator":"eq","value":{"string":"x"}}]}',
      { code: 'validation_error', message: 'Failed to list customers', http_status_code: 400 },
    ],
    [
      'unknown sort field',
      '{"sort":[{"field":"plan","direction":"asc"}]}',
      { code: 'validation_error', message: 'Failed to list customers', http_status_code: 400 },
    ],
  ])('%s', async (_label, body, expected) => {
    const res = await call('POST', '/v1/customers/search', body);
    expect(res.status).toBe(400);
    expect(res.json).toStrictEqual(expected);
  });

  it('a condition without value panics: 500, empty body', async () => {
    const res = await search({ filters: [{ field: 'name', operator: 'eq' }] });
    expect(res).toMatchObject({ status: 500, text: '' });
  });

  it('legacy shape when switched', async () => {
    fp.switches.legacyErrors = true;
    const res = await search({ limit: 0, offset: -3 });
    expect(res.json).toStrictEqual({
      success: false,
      error: {
        message: 'Invalid filter parameters',
        internal_error: 'validation failed: Invalid filter parameters',
        details: { offset: 'must be non-negative' },
      },
    });
  });
});

describe('search semantics', () => {
  const visible = () => fp.customers.filter((c) => c.status === 'published');

  it('defaults: limit 50, next offset = offset + limit, total of all matches', async () => {
    const res = await search({ limit: 0, offset: 10 });
    expect((res.json.items as unknown[]).length).toBe(50);
    expect(res.json.pagination).toStrictEqual({ total: visible().length, limit: 50, offset: 60 });
  });

  it('before/after are strict; empty in is ignored; status in filters is AND-ed', async () => {
    const c = visible()[5];
    const at = { field: 'created_at', data_type: 'date', value: { date: c?.created_at } };
    const after = await search({ limit: 1000, filters: [{ ...at, operator: 'after' }] });
    const ids = (after.json.items as { id: string }[]).map((x) => x.id);
    expect(ids).not.toContain(c?.id);
    const empty = await search({
      filters: [{ field: 'name', operator: 'in', value: { array: [] } }],
    });
    expect((empty.json.pagination as { total: number }).total).toBe(visible().length);
    const status = await search({
      filters: [{ field: 'status', operator: 'eq', value: { string: 'archived' } }],
    });
    expect(status.json.items).toStrictEqual([]);
  });

  it('gte is silently ignored; contains reads only the string member', async () => {
    const res = await search({
      filters: [
        { field: 'name', operator: 'gte', value: { string: 'zzz' } },
        { field: 'name', operator: 'contains', value: { number: 1 } },
      ],
    });
    expect((res.json.pagination as { total: number }).total).toBe(visible().length);
  });

  it('expand=integrations attaches mappings; older build drops timezone/contact', async () => {
    const c = fp.customers.find((x) => x.integrations.length > 0 && x.status === 'published');
    const expanded = await call('GET', `/v1/customers/${c?.id}?expand=integrations`);
    expect(expanded.json.integrations).toHaveLength(1);
    expect((await call('GET', `/v1/customers/${c?.id}`)).json).not.toHaveProperty('integrations');
    fp.switches.olderBuild = true;
    const old = await call('GET', `/v1/customers/${c?.id}`);
    expect(old.json).not.toHaveProperty('timezone');
    expect(old.json).toHaveProperty('parent_customer_id', '');
  });
});

describe('GET /v1/customers (query string)', () => {
  it('binds like gin: repeated keys, no comma split, sort unusable', async () => {
    const [a, b] = fp.customers.filter((c) => c.status === 'published');
    const both = await call('GET', `/v1/customers?customer_ids=${a?.id}&customer_ids=${b?.id}`);
    expect((both.json.items as unknown[]).length).toBe(2);
    const comma = await call('GET', `/v1/customers?customer_ids=${a?.id},${b?.id}`);
    expect(comma.json.items).toStrictEqual([]);
    expect((await call('GET', '/v1/customers?limit=abc')).json).toStrictEqual(invalid());
    expect((await call('GET', '/v1/customers?sort=name')).status).toBe(400);
    const sortJson = await call(
      'GET',
      `/v1/customers?sort=${encodeURIComponent('{"field":"name"}')}`,
    );
    expect(sortJson.json).toMatchObject({ code: 'database_error', http_status_code: 500 });
  });
});
