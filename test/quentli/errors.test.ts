/** not_found, unauthorized, invalid_argument (zero upstream requests), path encoding, schema size. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { quentliListFilters } from '../../src/providers/quentli/filters.js';
import { listQueryString } from '../../src/providers/quentli/query.js';
import {
  QUENTLI_FORBIDDEN_KEY,
  type QuentliRawCustomer,
  quentliRateLimited,
} from '../../src/sandbox/quentli/emulator.js';
import { OTHER_ORGANIZATION } from '../../src/sandbox/quentli/seed.js';
import { withStderr } from '../helpers/capture.js';
import { type QuentliRig, startRig } from './setup.js';

let rig: QuentliRig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(() => rig.close());
beforeEach(() => {
  rig.fake.emulator.clearLog();
  rig.fake.switches.missingCustomer = 'null';
});

describe('not_found', () => {
  it('200 null → not_found with a next step', async () => {
    const error = await rig.fail('get', { id: 'cus_9' });
    expect(error).toMatchObject({
      code: 'not_found',
      provider: 'quentli',
      http_status: 200,
      retryable: false,
    });
    expect(error.message).toBe(
      'Quentli has no customer with id "cus_9". Try quentli_list_customers with email or search.',
    );
    expect(rig.fake.emulator.requests[0]?.status).toBe(200);
  });

  it('404 (switch) → not_found with the same message', async () => {
    rig.fake.switches.missingCustomer = '404';
    const error = await rig.fail('get', { id: 'cus_9' });
    expect(error).toMatchObject({ code: 'not_found', http_status: 404 });
    expect(error.message).toContain('"cus_9"');
  });

  it("another organization's customer is not found", async () => {
    const other = rig.fake.records.find((r) => r.raw.organizationId === OTHER_ORGANIZATION);
    expect((await rig.fail('get', { id: other?.raw.id })).code).toBe('not_found');
  });

  it('external_id with no match, or with two matches, is not_found', async () => {
    expect((await rig.fail('get', { external_id: 'nobody' })).message).toContain(
      'external_id "nobody"',
    );
    const base = rig.fake.records[0]?.raw as QuentliRawCustomer;
    rig.fake.records.push({ raw: { ...base, id: 'dup-1', username: 'DUP' }, payments: 0 });
    rig.fake.records.push({ raw: { ...base, id: 'dup-2', username: 'DUP' }, payments: 0 });
    expect((await rig.fail('get', { external_id: 'DUP' })).code).toBe('not_found');
  });

  it('external_id answered with some other customer (a filter the server ignored) is not_found', async () => {
    const stranger = rig.fake.records[1]?.raw as QuentliRawCustomer;
    rig.fake.emulator.inject({ respond: { status: 200, json: [stranger] } });
    const error = await rig.fail('get', { external_id: `not-${stranger.username}` });
    expect(error.code).toBe('not_found');
  });
});

describe('upstream failures', () => {
  it('429 → rate_limited with Retry-After and the provider message', async () => {
    rig.fake.emulator.inject({ respond: quentliRateLimited(3) });
    const error = await rig.fail('list', {});
    expect(error).toMatchObject({ code: 'rate_limited', http_status: 429, retry_after_seconds: 3 });
    expect(error.message).toContain('Too many requests');
  });

  it('a 400 ValidationError body surfaces its message as upstream_error', async () => {
    rig.fake.emulator.inject({
      respond: {
        status: 400,
        json: { error: { message: 'Invalid query parameters', issues: [] } },
      },
    });
    const error = await rig.fail('list', {});
    expect(error).toMatchObject({ code: 'upstream_error', http_status: 400 });
    expect(error.message).toContain('Invalid query parameters');
  });

  it('a body that is not a customer array → upstream_invalid_response', async () => {
    rig.fake.emulator.inject({ respond: { status: 200, json: { customers: [] } } });
    const { value, stderr } = await withStderr(() => rig.fail('list', {}));
    expect(value.code).toBe('upstream_invalid_response');
    expect(stderr).toBe(
      'billing-customers-mcp: Quentli GET /customers: JSON of an unexpected shape (1 schema issues)\n',
    );
  });
});

describe('unauthorized', () => {
  it.each([
    ['a wrong key', 'sk_live_wrong_key_123'],
    ['a key without permission (403)', QUENTLI_FORBIDDEN_KEY],
  ])('%s → unauthorized naming QUENTLI_API_KEY, never the key', async (_, key) => {
    const other = await startRig(key);
    try {
      for (const [tool, args] of [
        ['list', {}],
        ['get', { id: 'x' }],
      ] as const) {
        const error = await other.fail(tool, args);
        expect(error.code).toBe('unauthorized');
        expect(error.message).toContain('QUENTLI_API_KEY');
        expect(error.message).not.toContain(key);
      }
      expect(other.fake.emulator.requests[0]?.status).toBe(
        key === QUENTLI_FORBIDDEN_KEY ? 403 : 401,
      );
    } finally {
      await other.close();
    }
  });
});

describe('invalid_argument with zero upstream requests', () => {
  const list21 = Array.from({ length: 21 }, (_, i) => `u${i}@x.com`);
  const cases: ['get' | 'list', Record<string, unknown>, RegExp][] = [
    ['list', { take: 0 }, /take/],
    ['list', { take: 101 }, /take.*1 to 100/],
    ['list', { skip: -1 }, /skip/],
    ['get', { id: 'a', external_id: 'b' }, /exactly one of id or external_id/],
    ['get', {}, /exactly one of id or external_id/],
    ['list', { where: [{ field: 'email', op: 'in', value: list21 }] }, /where\.0.*list of 1 to 20/],
    [
      'list',
      { where: [{ field: 'createdAt', op: 'contains', value: '2024' }] },
      /where\.0.*date field createdAt/,
    ],
    ['list', { where: [{ field: 'createdAt', op: 'gte', value: 'yesterday' }] }, /ISO 8601/],
    ['list', { where: [{ field: 'archivedAt', op: 'in', value: ['March 7, 2024'] }] }, /ISO 8601/],
    ['list', { where: [{ field: 'emailVerified', op: 'contains', value: 'x' }] }, /equals, not/],
    ['list', { where: [{ field: 'emailVerified', op: 'equals', value: 'true' }] }, /true or false/],
    ['list', { where: [{ field: 'noPayments', op: 'not', value: true }] }, /noPayments.*equals/],
    [
      'list',
      { where: [{ field: 'skipTaxInvoice', op: 'equals', value: true, insensitive: true }] },
      /text fields/,
    ],
    ['list', { where: [{ field: 'name', op: 'equals', value: ['a'] }] }, /single string/],
    ['list', { where: [{ field: 'meta', op: 'equals', value: 'a' }] }, /where\.0\.field/],
    ['list', { where: [{ field: 'name', op: 'has', value: 'a' }] }, /where\.0\.op/],
    [
      'list',
      { where: Array.from({ length: 21 }, () => ({ field: 'name', op: 'contains', value: 'a' })) },
      /where/,
    ],
    ['list', { created_after: 'last week' }, /created_after/],
    ['list', { order_by: { field: 'email' } }, /order_by\.field/],
    ['list', { limit: 5 }, /unknown argument: limit/],
    // WHATWG URL parsing resolves a `..` segment, encoded or not: it could never reach the get route.
    ['get', { id: '..' }, /cannot be looked up in Quentli/],
    ['get', { id: '.' }, /cannot be looked up in Quentli/],
  ];
  it.each(cases)('%s %j', async (tool, args, message) => {
    const error = await rig.fail(tool, args);
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toMatch(message);
    expect(rig.fake.emulator.requests).toHaveLength(0);
  });

  it('the qs limits are checked again when encoding, before any request', async () => {
    const tooLong = { id: { in: Array.from({ length: 21 }, (_, i) => `c${i}`) } };
    await expect(listQueryString({ filter: tooLong, skip: 0, take: 1 })).rejects.toThrow(
      /at most 20/,
    );
    const tooDeep = { AND: [{ OR: [{ email: { in: ['a'] } }] }] };
    await expect(listQueryString({ filter: tooDeep, skip: 0, take: 1 })).rejects.toThrow(
      /at most 5 levels/,
    );
  });
});

describe('path encoding', () => {
  const ids = [
    'a/b?x=1',
    '100%',
    'frag#ment',
    'with space',
    'ñandú-日本-🚀',
    '../../v1/customers',
    '...',
  ];
  it.each(ids)('get %j hits the get route with the id intact', async (id) => {
    const base = rig.fake.records[1]?.raw as QuentliRawCustomer;
    rig.fake.records.push({ raw: { ...base, id, username: `path-${id}` }, payments: 0 });
    const got = await rig.call<{ customer: { id: string } }>('get', { id });
    expect(got.customer.id).toBe(id);
    expect(rig.fake.emulator.requests.map((r) => r.rawPath)).toEqual([
      `/v1/customers/${encodeURIComponent(id)}`,
    ]);
    expect(rig.fake.lookups.at(-1)).toBe(id);
  });
});

describe('schema', () => {
  // The binding limit is the six-tool total (test/server/tools-surface.test.ts); this share keeps
  // Quentli's growth visible.
  it('listFilters JSON Schema stays within 2,000 characters and has no $ref', () => {
    const schema = JSON.stringify(
      z.toJSONSchema(quentliListFilters, { target: 'draft-7', io: 'input' }),
    );
    expect(schema.length).toBeLessThanOrEqual(2000);
    expect(schema).not.toContain('$ref');
  });
});
