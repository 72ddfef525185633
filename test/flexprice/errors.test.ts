/** not_found, unauthorized, every error body variant, and invalid input with zero requests. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFlexpriceProvider } from '../../src/providers/flexprice/client.js';
import { FLEXPRICE_TEST_KEY } from '../../src/sandbox/flexprice/emulator.js';
import { withStderr } from '../helpers/capture.js';
import { connectClient, testHttp, toolError } from '../helpers/mcp.js';
import { type Harness, startHarness } from './setup.js';

let h: Harness;
let wrongKey: Harness;
beforeAll(async () => {
  h = await startHarness();
  wrongKey = await startHarness('sk_01JWRONGWRONGWRONGWRONGWRONG');
});
afterAll(async () => {
  await h.close();
  await wrongKey.close();
});
beforeEach(() => {
  h.fp.emulator.clearLog();
  h.fp.emulator.clearFaults();
  h.fp.switches.legacyErrors = false;
});

/** Nothing from a raw body may reach the model: no JSON, no internal text, no key. */
function expectClean(message: string) {
  for (const leak of ['{', 'http_status_code', 'internal_error', 'success', FLEXPRICE_TEST_KEY]) {
    expect(message).not.toContain(leak);
  }
}

describe('not_found', () => {
  it.each([false, true])('unknown id (legacy errors: %s)', async (legacy) => {
    h.fp.switches.legacyErrors = legacy;
    const error = toolError(await h.call('get', { id: 'cust_01NOPE' }));
    expect(error).toMatchObject({ code: 'not_found', http_status: 404, retryable: false });
    expect(error.message).toContain('"cust_01NOPE"');
    expect(error.message).toContain('flexprice_list_customers');
  });

  it('an archived customer is not found by external_id (published only)', async () => {
    const archived = h.fp.customers.find(
      (c) => c.status === 'archived' && c.external_id !== 'acct-1020',
    );
    const error = toolError(await h.call('get', { external_id: archived?.external_id }));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('status "archived"');
  });

  it("another environment's customer is invisible to this key", async () => {
    const error = toolError(await h.call('get', { id: h.fp.otherCustomers[0]?.id }));
    expect(error.code).toBe('not_found');
  });
});

describe('unauthorized', () => {
  it('a wrong key: code, variable named, key never echoed', async () => {
    const error = toolError(await wrongKey.call('list', {}));
    expect(error).toMatchObject({ code: 'unauthorized', http_status: 401, retryable: false });
    expect(error.message).toContain('FLEXPRICE_API_KEY');
    expect(error.message).toContain('Unauthorized');
    expect(error.message).not.toContain('sk_01JWRONG');
    expect(wrongKey.fp.emulator.requests[0]?.status).toBe(401);
  });
});

const variants: [
  string,
  { status: number; json?: unknown; text?: string },
  string,
  string | null,
][] = [
  [
    'current 400',
    {
      status: 400,
      json: {
        code: 'validation_error',
        message: 'Please provide a valid email',
        http_status_code: 400,
      },
    },
    'upstream_error',
    'Please provide a valid email',
  ],
  [
    'current 400 with details',
    {
      status: 400,
      json: {
        code: 'validation_error',
        message: 'Invalid filter parameters',
        http_status_code: 400,
        details: { limit: 'must be between 1 and 1000' },
      },
    },
    'upstream_error',
    'Invalid filter parameters (limit: must be between 1 and 1000)',
  ],
  [
    'legacy 400',
    {
      status: 400,
      json: {
        success: false,
        error: { message: 'Invalid filter parameters', internal_error: 'secret internals' },
      },
    },
    'upstream_error',
    'Invalid filter parameters',
  ],
  [
    'legacy 500',
    {
      status: 500,
      json: {
        success: false,
        error: { message: 'Failed to list customers', internal_error: 'pq: boom' },
      },
    },
    'upstream_error',
    'Failed to list customers',
  ],
  [
    'bare error 401',
    { status: 401, json: { error: 'Unauthorized' } },
    'unauthorized',
    'Unauthorized',
  ],
  [
    'error + message 403',
    {
      status: 403,
      json: { error: 'Access denied', message: 'Invalid or inaccessible environment' },
    },
    'unauthorized',
    'Access denied: Invalid or inaccessible environment',
  ],
  [
    'message only 403',
    { status: 403, json: { message: 'tenant account is suspended' } },
    'unauthorized',
    'tenant account is suspended',
  ],
  [
    '429 too_many_requests',
    {
      status: 429,
      json: { code: 'too_many_requests', message: 'slow down', http_status_code: 429 },
    },
    'rate_limited',
    'slow down',
  ],
  ['text/plain 404', { status: 404, text: '404 page not found' }, 'not_found', null],
  ['500 empty body (recovered panic)', { status: 500, text: '' }, 'upstream_error', null],
  [
    '200 not JSON',
    { status: 200, text: '<html>gateway</html>' },
    'upstream_invalid_response',
    null,
  ],
  [
    '200 JSON of another shape',
    { status: 200, json: { data: [] } },
    'upstream_invalid_response',
    null,
  ],
];

describe('error body variants', () => {
  it.each(variants)('%s', async (_label, respond, code, said) => {
    h.fp.emulator.inject({ respond });
    const { value, stderr } = await withStderr(() => h.call('list', {}));
    const error = toolError(value);
    expect(error.code).toBe(code);
    // Only an answer that is not the documented JSON is worth a diagnostic line.
    expect(stderr).toMatch(
      code === 'upstream_invalid_response'
        ? /^billing-customers-mcp: Flexprice POST \/customers\/search: (a body that is not JSON|JSON of an unexpected shape \(1 schema issues\))\n$/
        : /^$/,
    );
    expect(error.provider).toBe('flexprice');
    if (said) expect(error.message).toContain(said);
    expectClean(error.message);
    expect(error.message).not.toContain('secret internals');
    expect(error.message).not.toContain('page not found');
    expect(error.message).not.toContain('gateway');
  });

  it('the emulator in legacy mode: its real legacy 400 is read the same way', async () => {
    h.fp.switches.legacyErrors = true;
    h.fp.switches.olderBuild = true; // no contact column: the filter fails upstream
    try {
      const args = { filters: [{ field: 'contact', operator: 'eq', value: '1' }] };
      const error = toolError(await h.call('list', args));
      expect(error).toMatchObject({ code: 'upstream_error', http_status: 400 });
      expect(error.message).toContain('Failed to list customers');
      expectClean(error.message);
    } finally {
      h.fp.switches.olderBuild = false;
    }
  });
});

const invalid: [string, Record<string, unknown>, string][] = [
  ['take 0', { take: 0 }, 'take'],
  ['take 101', { take: 101 }, 'take'],
  ['unknown argument', { limit: 5 }, 'limit'],
  ['bad email', { email: 'not-an-email' }, 'email'],
  ['bad status', { status: 'published' }, 'status'],
  ['created_after not ISO', { created_after: 'yesterday' }, 'created_after'],
  ['order_by field', { order_by: { field: 'contact' } }, 'order_by.field'],
  [
    'unknown filter field',
    { filters: [{ field: 'metadata', operator: 'eq', value: 'x' }] },
    'filters.0.field',
  ],
  [
    'gte is not offered',
    { filters: [{ field: 'name', operator: 'gte', value: 'x' }] },
    'filters.0.operator',
  ],
  [
    'in needs an array',
    { filters: [{ field: 'name', operator: 'in', value: 'x' }] },
    'filters.0.value',
  ],
  [
    'empty in array',
    { filters: [{ field: 'name', operator: 'in', value: [] }] },
    'filters.0.value',
  ],
  [
    'contains needs a string',
    { filters: [{ field: 'name', operator: 'contains', value: 3 }] },
    'filters.0.value',
  ],
  [
    'gt is not offered (no numeric column)',
    { filters: [{ field: 'name', operator: 'gt', value: 3 }] },
    'filters.0.operator',
  ],
  [
    'a text operator on a timestamp column',
    { filters: [{ field: 'created_at', operator: 'contains', value: '2025' }] },
    'before or after only',
  ],
  [
    'before on a text field',
    { filters: [{ field: 'name', operator: 'before', value: '2025-01-01T00:00:00Z' }] },
    'created_at or updated_at',
  ],
  [
    'before needs a date',
    { filters: [{ field: 'created_at', operator: 'after', value: 'soon' }] },
    'ISO 8601',
  ],
  ['missing value', { filters: [{ field: 'name', operator: 'eq' }] }, 'filters.0.value'],
  [
    '21 conditions',
    { filters: Array.from({ length: 21 }, () => ({ field: 'name', operator: 'eq', value: 'x' })) },
    '20',
  ],
  ['bad cursor', { cursor: 'nope' }, 'cursor'],
];

describe('invalid_argument, with zero upstream requests', () => {
  it.each(invalid)('list: %s', async (_label, args, mentions) => {
    const error = toolError(await h.call('list', args));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain(mentions);
    expect(h.fp.emulator.requests).toHaveLength(0);
  });

  it.each([
    ['both ids', { id: 'cust_1', external_id: 'x' }],
    ['neither id', {}],
    ['empty id', { id: '' }],
    ['control character', { external_id: 'a\nb' }],
  ])('get: %s', async (_label, args) => {
    expect(toolError(await h.call('get', args)).code).toBe('invalid_argument');
    expect(h.fp.emulator.requests).toHaveLength(0);
  });
});

describe('an unknown route (wrong base URL)', () => {
  it('answers text/plain 404 and reads as not_found without the body', async () => {
    const provider = createFlexpriceProvider(
      { ...h.fp.settings, baseUrl: `${h.fp.emulator.baseUrl}/v2` },
      testHttp(),
    );
    const client = await connectClient([provider]);
    try {
      const error = toolError(
        await client.callTool({ name: 'flexprice_list_customers', arguments: {} }),
      );
      expect(error.code).toBe('not_found');
      expectClean(error.message);
      expect(error.message).not.toContain('page not found');
      expect(h.fp.emulator.requests[0]?.rawPath).toBe('/v2/customers/search');
    } finally {
      await client.close();
    }
  });
});
