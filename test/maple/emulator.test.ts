/** The fake server itself, over plain HTTP: auth, routes, validation bodies, paging, idempotency. */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MapleEmulator, startMapleEmulator } from '../../src/sandbox/maple/emulator.js';
import { MAPLE_COMPANY_ID } from '../../src/sandbox/maple/seed.js';

let maple: MapleEmulator;
beforeAll(async () => {
  maple = await startMapleEmulator();
});
afterAll(async () => {
  await maple.close();
});

async function send(path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await request(`${maple.settings.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${maple.settings.apiKey}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    // biome-ignore lint/suspicious/noExplicitAny: test bodies are probed field by field
    json: (await response.body.json()) as any,
  };
}

const customers = `/companies/${MAPLE_COMPANY_ID}/customers`;
const findBody = (pagination: unknown, extra: Record<string, unknown> = {}) => ({
  pagination,
  ...extra,
});

describe('auth and routes', () => {
  it('401 auth_error for a missing or wrong token', async () => {
    for (const authorization of ['', 'Bearer nope', `Token ${maple.settings.apiKey}`]) {
      const r = await send(`${customers}/x`, undefined, { authorization });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({
        error_message: 'Invalid or missing API token',
        error_type: 'auth_error',
        error_code: 'invalid_token',
        error_status: 401,
      });
    }
  });

  it('403 auth_error for another company; 404 request_error for unknown routes and customers', async () => {
    expect((await send('/companies/cmp_other/customers/x')).json).toMatchObject({
      error_type: 'auth_error',
      error_status: 403,
    });
    expect((await send(`/companies/${MAPLE_COMPANY_ID}/invoices`)).json).toMatchObject({
      error_type: 'request_error',
      error_status: 404,
    });
    expect((await send(`${customers}/cus_nope`)).json).toEqual({
      error_message: 'Customer not found',
      error_type: 'request_error',
      error_code: 'not_found',
      error_status: 404,
    });
  });

  it('GET accepts the id or the identifier', async () => {
    const raw = maple.customers[9];
    expect((await send(`${customers}/${raw?.id}`)).json.id).toBe(raw?.id);
    expect(
      (await send(`${customers}/${encodeURIComponent(raw?.identifier as string)}`)).json.id,
    ).toBe(raw?.id);
  });
});

describe('find validation (400 validation_error with validation_errors)', () => {
  it.each([
    [{}, 'pagination'],
    [findBody({ limit: 0 }), 'pagination.limit'],
    [findBody({ limit: 101 }), 'pagination.limit'],
    [findBody({ limit: 2.5 }), 'pagination.limit'],
    [findBody({ limit: 5 }, { sort_key: 'nameAsc' }), 'sort_key'],
    [findBody({ limit: 5, from_key: 'not base64 !' }), 'pagination.from_key'],
    [
      findBody({ limit: 5, from_key: Buffer.from('garbage').toString('base64url') }),
      'pagination.from_key',
    ],
    [findBody({ limit: 5 }, { query: { mrr: { lt: 5 } } }), 'query.mrr'],
  ])('%j → field %s', async (body, field) => {
    const r = await send(`${customers}/find`, body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error_type: 'validation_error', error_status: 400 });
    expect(r.json.validation_errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('find paging', () => {
  it('limit defaults to 20, from_key is null on the last page, total with include_meta', async () => {
    const first = await send(`${customers}/find`, findBody({}, { include_meta: true }));
    expect(first.json.results).toHaveLength(20);
    expect(first.json.pagination).toMatchObject({ limit: 20, total: maple.customers.length });
    expect(typeof first.json.pagination.from_key).toBe('string');
    const last = await send(
      `${customers}/find`,
      findBody(
        { limit: 100, from_key: first.json.pagination.from_key },
        { query: { status: 'ARCHIVED' } },
      ),
    );
    expect(last.json.pagination.from_key).toBeNull();
    expect(last.json.pagination).not.toHaveProperty('total');
  });

  it('an Idempotency-Key replays the first answer (why the client never sends one on find)', async () => {
    const headers = { 'idempotency-key': 'k-1' };
    const first = await send(`${customers}/find`, findBody({ limit: 2 }), headers);
    const replay = await send(`${customers}/find`, findBody({ limit: 2 }), headers);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers['idempotency-used']).toBe('true');
    const conflict = await send(`${customers}/find`, findBody({ limit: 3 }), headers);
    expect(conflict.json).toMatchObject({ error_type: 'idempotency_error', error_status: 409 });
  });

  it('the seed is deterministic', async () => {
    const again = await startMapleEmulator();
    expect(again.customers).toEqual(maple.customers.slice(0, again.customers.length));
    await again.close();
  });
});
