/** Wire format: exactly what the emulator received for each input. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FLEXPRICE_TEST_KEY } from '../../src/sandbox/flexprice/emulator.js';
import { structured } from '../helpers/mcp.js';
import { type Harness, startHarness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.fp.emulator.clearLog());

const str = (field: string, operator: string, value: string) => ({
  field,
  operator,
  data_type: 'string',
  value: { string: value },
});
const date = (operator: string, value: string, field = 'created_at') => ({
  field,
  operator,
  data_type: 'date',
  value: { date: value },
});

const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ['no filters', {}, {}],
  ['external_id', { external_id: 'acct-1001' }, { external_id: 'acct-1001' }],
  ['status active', { status: 'active' }, { status: 'published' }],
  ['status archived', { status: 'archived' }, { status: 'archived' }],
  ['status deleted', { status: 'deleted' }, { status: 'deleted' }],
  ['name', { name: 'Acme' }, { filters: [str('name', 'contains', 'Acme')] }],
  ['search', { search: 'labs' }, { filters: [str('name', 'contains', 'labs')] }],
  [
    'created window',
    { created_after: '2025-01-01T00:00:00Z', created_before: '2025-07-01T00:00:00+02:00' },
    {
      filters: [date('after', '2025-01-01T00:00:00Z'), date('before', '2025-07-01T00:00:00+02:00')],
    },
  ],
  [
    'order_by',
    { order_by: { field: 'name', direction: 'asc' } },
    { sort: [{ field: 'name', direction: 'asc' }], order: 'asc' },
  ],
  [
    'order_by default direction',
    { order_by: { field: 'updated_at' } },
    { sort: [{ field: 'updated_at', direction: 'desc' }], order: 'desc' },
  ],
  [
    'native filters, every value kind',
    {
      filters: [
        { field: 'address_country', operator: 'in', value: ['DE', 'FR'] },
        { field: 'email', operator: 'not_contains', value: 'shared' },
        { field: 'updated_at', operator: 'before', value: '2026-01-01T00:00:00Z' },
        { field: 'email', operator: 'eq', value: '' },
      ],
    },
    {
      filters: [
        {
          field: 'address_country',
          operator: 'in',
          data_type: 'array',
          value: { array: ['DE', 'FR'] },
        },
        str('email', 'not_contains', 'shared'),
        date('before', '2026-01-01T00:00:00Z', 'updated_at'),
        str('email', 'eq', ''),
      ],
    },
  ],
  [
    'shared filters come before native ones',
    { name: 'a', search: 'b', filters: [{ field: 'timezone', operator: 'eq', value: 'UTC' }] },
    {
      filters: [
        str('name', 'contains', 'a'),
        str('name', 'contains', 'b'),
        str('timezone', 'eq', 'UTC'),
      ],
    },
  ],
];

describe('flexprice_list_customers request body', () => {
  it.each(cases)('%s', async (_label, args, expected) => {
    structured(await h.call('list', args));
    expect(h.fp.emulator.requests).toHaveLength(1);
    const [request] = h.fp.emulator.requests;
    expect(request?.method).toBe('POST');
    expect(request?.rawPath).toBe('/v1/customers/search');
    expect(request?.body).toStrictEqual({ limit: 21, offset: 0, ...expected });
  });

  it('email: a case-insensitive contains (ILIKE) fetching every candidate at once, never the case-sensitive email field', async () => {
    structured(await h.call('list', { email: 'AP@shared-services.example', take: 5 }));
    expect(h.fp.emulator.requests.map((r) => r.body)).toStrictEqual([
      {
        limit: 1000,
        offset: 0,
        filters: [str('email', 'contains', 'AP@shared-services.example')],
      },
    ]);
  });

  it('status any: one search per status, asked at once from the start', async () => {
    structured(await h.call('list', { status: 'any', name: 'Acme', take: 5 }));
    const bodies = h.fp.emulator.requests.map((r) => r.body as { status: string });
    expect(bodies.map((b) => b.status).sort()).toStrictEqual(['archived', 'deleted', 'published']);
    for (const body of bodies)
      expect(body).toMatchObject({
        limit: 6,
        offset: 0,
        filters: [str('name', 'contains', 'Acme')],
      });
  });

  it('maps skip/take to offset and take + 1', async () => {
    structured(await h.call('list', { skip: 40, take: 10 }));
    expect(h.fp.emulator.requests[0]?.body).toStrictEqual({ limit: 11, offset: 40 });
  });

  it('sends the key in x-api-key as JSON, and nothing in Authorization', async () => {
    structured(await h.call('list', {}));
    const headers = h.fp.emulator.requests[0]?.headers ?? {};
    expect(headers['x-api-key']).toBe(FLEXPRICE_TEST_KEY);
    expect(headers.authorization).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
  });
});

describe('flexprice_get_customer requests', () => {
  it('GET /v1/customers/{id} with the key and no body', async () => {
    const customer = h.fp.customers[0];
    structured(await h.call('get', { id: customer?.id }));
    const [request] = h.fp.emulator.requests;
    expect(request?.method).toBe('GET');
    expect(request?.rawPath).toBe(`/v1/customers/${customer?.id}`);
    expect(request?.rawQuery).toBe('');
    expect(request?.rawBody).toBe('');
    expect(request?.headers['x-api-key']).toBe(FLEXPRICE_TEST_KEY);
  });

  it('GET /v1/customers/external/{external_id}', async () => {
    structured(await h.call('get', { external_id: 'acct-1001' }));
    expect(h.fp.emulator.requests.map((r) => `${r.method} ${r.rawPath}`)).toStrictEqual([
      'GET /v1/customers/external/acct-1001',
    ]);
  });
});
