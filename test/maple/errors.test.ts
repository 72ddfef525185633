/** not_found, unauthorized, invalid_argument with zero requests, upstream errors, schema size. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAPLE_RATE_LIMITED, mapleError } from '../../src/sandbox/maple/emulator.js';
import { toolError } from '../helpers/mcp.js';
import { type MapleHarness, startHarness } from './helpers.js';

let h: MapleHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const call = (harness: MapleHarness, name: string, args: Record<string, unknown>) =>
  harness.client.callTool({ name: `maple_${name}`, arguments: args });

describe('not_found', () => {
  it('unknown id: coded, with the id and what to try next', async () => {
    const error = toolError(await call(h, 'get_customer', { id: 'cus_9' }));
    expect(error).toMatchObject({ code: 'not_found', provider: 'maple', http_status: 404 });
    expect(error.message).toBe(
      'Maple Billing has no customer with id "cus_9". Try maple_list_customers with email or search.',
    );
  });

  it('unknown external_id', async () => {
    const error = toolError(await call(h, 'get_customer', { external_id: 'nope' }));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('external_id "nope"');
  });

  it('an identifier passed as id is not that customer', async () => {
    const raw = h.maple.customers[5];
    const error = toolError(await call(h, 'get_customer', { id: raw?.identifier }));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('pass it as external_id');
  });

  it('[A] id-first resolution: an identifier shadowed by another id falls back to find', async () => {
    const [a, b] = h.maple.customers;
    const shadow = {
      ...structuredClone(b),
      id: 'cus_shadowtest',
      identifier: a?.id,
    } as NonNullable<typeof b>;
    h.maple.customers.push(shadow);
    const result = await call(h, 'get_customer', { external_id: a?.id });
    expect((result.structuredContent as { customer: { id: string } }).customer.id).toBe(
      'cus_shadowtest',
    );
    h.maple.customers.pop();
  });
});

describe('unauthorized', () => {
  it.each([
    [{ apiKey: 'wrong-key' }, 401],
    [{ companyId: 'cmp_someoneElse' }, 403],
  ])('%j → %i, naming the variables, never the key', async (overrides, status) => {
    const harness = await startHarness(overrides);
    const result = await call(harness, 'list_customers', {});
    const error = toolError(result);
    expect(error).toMatchObject({ code: 'unauthorized', http_status: status, retryable: false });
    expect(error.message).toContain('MAPLE_API_KEY and MAPLE_COMPANY_ID');
    expect(JSON.stringify(result)).not.toContain(harness.maple.settings.apiKey);
    expect(JSON.stringify(result)).not.toContain('wrong-key');
    await harness.close();
  });
});

describe('invalid_argument before any request', () => {
  const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
    ['take 101', 'list_customers', { take: 101 }, /take/],
    ['skip -1', 'list_customers', { skip: -1 }, /skip/],
    [
      'unknown filter',
      'list_customers',
      { created_after: '2024-01-01T00:00:00Z' },
      /created_after/,
    ],
    ['unknown query field', 'list_customers', { query: { nickname: 'x' } }, /nickname/],
    ['bad status', 'list_customers', { status: 'deleted' }, /status/],
    ['bad sort field', 'list_customers', { order_by: { field: 'name' } }, /order_by/],
    [
      'mrr_min_cents above mrr_max_cents',
      'list_customers',
      { query: { mrr_min_cents: 10, mrr_max_cents: 5 } },
      /query\.mrr_min_cents/,
    ],
    [
      'fractional cents',
      'list_customers',
      { query: { mrr_min_cents: 1.5 } },
      /query\.mrr_min_cents: must be a whole/,
    ],
    ['empty tags', 'list_customers', { query: { tags: [] } }, /query\.tags/],
    [
      'too many metadata values',
      'list_customers',
      { query: { metadata: Array(21).fill('a:b') } },
      /query\.metadata/,
    ],
    [
      'too long org_name',
      'list_customers',
      { query: { org_name: 'x'.repeat(201) } },
      /query\.org_name/,
    ],
    ['a jump too deep to walk', 'list_customers', { skip: 20_000 }, /^skip: .*10000/],
    ['both id and external_id', 'get_customer', { id: 'a', external_id: 'b' }, /exactly one/],
    ['control characters in id', 'get_customer', { id: 'a\u0000b' }, /id/],
  ];
  it.each(cases)('%s', async (_label, tool, args, message) => {
    h.maple.emulator.clearLog();
    const error = toolError(await call(h, tool, args));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toMatch(message);
    expect(h.maple.emulator.requests).toHaveLength(0);
  });
});

describe('upstream failures', () => {
  it('a 400 validation_error surfaces its fields, trimmed and coded', async () => {
    const body = mapleError(
      400,
      'validation_error',
      'Request body does not contain valid information',
      undefined,
      {
        validation_errors: [{ field: 'pagination.limit', message: 'limit must be at most 100' }],
      },
    );
    h.maple.emulator.inject({ respond: body });
    const error = toolError(await call(h, 'list_customers', {}));
    expect(error).toMatchObject({ code: 'upstream_error', http_status: 400, retryable: false });
    expect(error.message).toContain('(pagination.limit: limit must be at most 100)');
  });

  it('take outside 1..100 reaching the provider directly is refused before any request', async () => {
    h.maple.emulator.clearLog();
    const failure = h.provider.listCustomers({ filters: {}, skip: 0, take: 0, resume: null }, {});
    await expect(failure).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(h.maple.emulator.requests).toHaveLength(0);
  });

  it('429 is retried, then succeeds', async () => {
    const harness = await startHarness();
    const provider = (await import('../../src/providers/maple/client.js')).createMapleProvider(
      harness.maple.settings,
      (await import('../helpers/mcp.js')).testHttp({ maxRetries: 2 }),
    );
    harness.maple.emulator.inject({ respond: MAPLE_RATE_LIMITED });
    const page = await provider.listCustomers({ filters: {}, skip: 0, take: 3, resume: null }, {});
    expect(page.items).toHaveLength(3);
    expect(harness.maple.emulator.requests.map((r) => r.status)).toEqual([429, 200]);
    await harness.close();
  });

  it('429 without retries → rate_limited', async () => {
    h.maple.emulator.inject({ respond: MAPLE_RATE_LIMITED });
    const error = toolError(await call(h, 'list_customers', {}));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(error.message).toContain('Rate limit exceeded');
  });
});

describe('token budget', () => {
  // Maple has the most native filters; the binding limit is the six-tool total in
  // test/server/tools-surface.test.ts, this share just keeps growth visible.
  it('listFilters JSON Schema ≤ 2,100 characters, no $ref', () => {
    const schema = JSON.stringify(
      z.toJSONSchema(h.provider.listFilters, { target: 'draft-7', io: 'input' }),
    );
    expect(schema.length).toBeLessThanOrEqual(2100);
    expect(schema).not.toContain('$ref');
  });
});
