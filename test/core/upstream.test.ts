import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolError } from '../../src/errors.js';
import { Emulator } from '../../src/sandbox/emulator.js';
import { Upstream } from '../../src/upstream/upstream.js';
import { withStderr } from '../helpers/capture.js';
import { testHttp } from '../helpers/mcp.js';

const KEY = 'sk_live_upstream_test_0123456789';
let emulator: Emulator;
let answer: { status: number; json?: unknown; text?: string } = { status: 200, json: { ok: true } };

function upstream(overrides: Parameters<typeof testHttp>[0] = {}): Upstream {
  return new Upstream({
    displayName: 'Example',
    providerId: 'example',
    baseUrl: `${emulator.baseUrl}/v1`,
    headers: { authorization: `Bearer ${KEY}` },
    credentialHint: 'EXAMPLE_API_KEY',
    errorMessage: (body) => (body as { error?: { message?: unknown } })?.error?.message,
    http: testHttp(overrides),
  });
}

const okSchema = z.object({ ok: z.boolean() });

async function failure(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  const toolError = error as ToolError;
  expect(JSON.stringify(toolError.toJSON())).not.toContain(KEY);
  return toolError;
}

beforeAll(async () => {
  emulator = await Emulator.start(() => answer);
});
afterEach(() => {
  emulator.clearFaults();
  emulator.clearLog();
  answer = { status: 200, json: { ok: true } };
});
afterAll(() => emulator.close());

describe('Upstream', () => {
  it('sends the path, query, body and headers and parses the JSON answer', async () => {
    const data = await upstream().request({
      method: 'POST',
      path: '/customers/find',
      query: 'a=1',
      body: { limit: 5 },
      schema: okSchema,
    });
    expect(data).toEqual({ ok: true });
    const [request] = emulator.requests;
    expect(request).toMatchObject({
      method: 'POST',
      rawPath: '/v1/customers/find',
      rawQuery: 'a=1',
      body: { limit: 5 },
    });
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('maps 401 to unauthorized, naming the variable and the trimmed provider message', async () => {
    answer = { status: 401, json: { error: { message: `bad key ${'x'.repeat(400)}\u0000` } } };
    const error = await failure(
      upstream().request({ method: 'GET', path: '/x', schema: okSchema }),
    );
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('EXAMPLE_API_KEY');
    expect(error.message).toContain('bad key');
    expect(error.message.length).toBeLessThan(320);
    expect(error.message).not.toContain('\u0000');
  });

  it('uses the caller’s not-found message on 404', async () => {
    answer = { status: 404, text: '404 page not found' };
    const error = await failure(
      upstream().request({
        method: 'GET',
        path: '/x',
        schema: okSchema,
        notFoundMessage: 'No such customer.',
      }),
    );
    expect(error).toMatchObject({ code: 'not_found', message: 'No such customer.' });
  });

  it('reports a body that is not JSON, or JSON of the wrong shape, without echoing it', async () => {
    answer = { status: 200, text: '<html>secret-ish page</html>' };
    const notJson = await withStderr(() =>
      failure(upstream().request({ method: 'GET', path: '/x', schema: okSchema })),
    );
    expect(notJson.value.code).toBe('upstream_invalid_response');
    expect(notJson.value.message).not.toContain('html');
    expect(notJson.stderr).toBe('billing-customers-mcp: Example GET /x: a body that is not JSON\n');
    answer = { status: 200, json: { ok: 'yes' } };
    const wrongShape = await withStderr(() =>
      failure(upstream().request({ method: 'GET', path: '/x', schema: okSchema })),
    );
    expect(wrongShape.value.code).toBe('upstream_invalid_response');
    expect(wrongShape.stderr).toBe(
      'billing-customers-mcp: Example GET /x: JSON of an unexpected shape (1 schema issues)\n',
    );
  });

  it('retries a 503 and succeeds on the next attempt', async () => {
    emulator.inject({ respond: { status: 503, text: 'busy' } });
    const data = await upstream({ maxRetries: 2 }).request({
      method: 'GET',
      path: '/x',
      schema: okSchema,
    });
    expect(data).toEqual({ ok: true });
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it('gives up after maxRetries with a retryable upstream_error', async () => {
    emulator.inject(
      ...Array.from({ length: 3 }, () => ({ respond: { status: 502, text: 'bad gateway' } })),
    );
    const error = await failure(
      upstream({ maxRetries: 2 }).request({ method: 'GET', path: '/x', schema: okSchema }),
    );
    expect(error).toMatchObject({
      code: 'upstream_error',
      details: { httpStatus: 502, retryable: true },
    });
    expect(emulator.requests).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    answer = { status: 400, json: { error: { message: 'Invalid query parameters' } } };
    const error = await failure(
      upstream({ maxRetries: 2 }).request({ method: 'GET', path: '/x', schema: okSchema }),
    );
    expect(error).toMatchObject({ code: 'upstream_error', details: { retryable: false } });
    expect(error.message).toContain('Invalid query parameters');
    expect(emulator.requests).toHaveLength(1);
  });

  it('fails fast with rate_limited when Retry-After is beyond the cap', async () => {
    emulator.inject({ respond: { status: 429, json: {}, headers: { 'retry-after': '3600' } } });
    const started = Date.now();
    const error = await failure(
      upstream({ maxRetries: 2 }).request({ method: 'GET', path: '/x', schema: okSchema }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({
      code: 'rate_limited',
      details: { retryAfterSeconds: 3600, retryable: true },
    });
  });

  it('times out when headers never arrive', async () => {
    emulator.inject({ hang: 'headers' });
    const error = await failure(
      upstream({ timeoutMs: 300 }).request({ method: 'GET', path: '/x', schema: okSchema }),
    );
    expect(error.code).toBe('timeout');
  });

  it('stops reading a body past the cap', async () => {
    emulator.inject({ hugeBodyBytes: 5 * 1024 * 1024 });
    const error = await failure(
      upstream({ maxBodyBytes: 64 * 1024 }).request({
        method: 'GET',
        path: '/x',
        schema: okSchema,
      }),
    );
    expect(error.code).toBe('upstream_invalid_response');
    expect(error.message).toContain('larger');
  });

  it('aborts the upstream request when the caller cancels', async () => {
    emulator.inject({ hang: 'headers' });
    const controller = new AbortController();
    const pending = upstream().request({
      method: 'GET',
      path: '/x',
      schema: okSchema,
      signal: controller.signal,
    });
    await expect.poll(() => emulator.requests.length).toBe(1);
    controller.abort();
    await failure(pending);
    await expect.poll(() => emulator.requests[0]?.closedEarly).toBe(true);
  });
});
