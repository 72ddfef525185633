/**
 * Header credentials (CONTRACT §6): two tenants, each with its own emulators and dataset,
 * calling one instance concurrently and interleaved. Neither sees the other's data, cursors,
 * cached positions, errors or keys — in results or in the server's logs.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlexpriceEmulator } from '../../src/sandbox/flexprice/emulator.js';
import { startMapleEmulator } from '../../src/sandbox/maple/emulator.js';
import { startQuentliEmulator } from '../../src/sandbox/quentli/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { HEADER_BOUNDS } from '../../src/transport/http/tenants.js';
import { createCapture, secretForms } from '../helpers/capture.js';
import {
  connectHttpClient,
  type HttpBin,
  postMcp,
  postWithRawHeaders,
  spawnHttpBin,
} from '../helpers/http.js';
import { structured, toolError } from '../helpers/mcp.js';
import { PROVIDER_CASES, sentCredential } from '../helpers/reliability.js';

const KEYS = {
  quentliA: 'sk_tenantA_quentli_9d2f51c0a7',
  mapleA: 'maple_tenantA_tok_Q7mR2xV9kL',
  flexpriceB: 'sk_tenantB_flexprice_41be77',
  mapleB: 'maple_tenantB_tok_Z3nP8wC1dF',
};
const COMPANY = { A: 'cmp_TenantAcompany0000000001', B: 'cmp_TenantBcompany0000000002' };

let emulators: ProviderEmulator[];
let maple: { A: ProviderEmulator; B: ProviderEmulator };
let bin: HttpBin;
let tenantA: Client;
let tenantB: Client;
const outputs = { A: createCapture(), B: createCapture() };

const origin = (e: ProviderEmulator) => new URL(e.settings.baseUrl).origin;

beforeAll(async () => {
  const quentliA = await startQuentliEmulator({ seed: 11 });
  quentliA.tokens.set(KEYS.quentliA, [...quentliA.tokens.values()][0] as string);
  const mapleA = await startMapleEmulator({
    apiKey: KEYS.mapleA,
    companyId: COMPANY.A,
    count: 60,
    seed: 1,
  });
  const flexpriceB = await startFlexpriceEmulator({ apiKey: KEYS.flexpriceB, seed: 2 });
  const mapleB = await startMapleEmulator({
    apiKey: KEYS.mapleB,
    companyId: COMPANY.B,
    count: 45,
    seed: 2,
  });
  emulators = [quentliA, mapleA, flexpriceB, mapleB];
  maple = { A: mapleA, B: mapleB };
  bin = await spawnHttpBin([], {
    BILLING_MCP_HTTP_CREDENTIALS: 'headers',
    BILLING_MCP_HTTP_ALLOWED_BASE_URLS: emulators.map(origin).join(','),
  });
  tenantA = await connectHttpClient(bin.url, {
    'X-Quentli-Api-Key': KEYS.quentliA,
    'X-Quentli-Base-Url': origin(quentliA),
    'X-Maple-Api-Key': KEYS.mapleA,
    'X-Maple-Company-Id': COMPANY.A,
    'X-Maple-Base-Url': origin(mapleA),
  });
  tenantB = await connectHttpClient(bin.url, {
    'X-Flexprice-Api-Key': KEYS.flexpriceB,
    'X-Flexprice-Base-Url': origin(flexpriceB),
    'X-Maple-Api-Key': KEYS.mapleB,
    'X-Maple-Company-Id': COMPANY.B,
    'X-Maple-Base-Url': origin(mapleB),
  });
});
afterAll(async () => {
  await tenantA.close();
  await tenantB.close();
  expect(await bin.stop()).toBe(0);
  // No key of either tenant in the other's output, nor any key in the server's stderr.
  expect(outputs.A.leaks([KEYS.flexpriceB, KEYS.mapleB, COMPANY.B])).toEqual([]);
  expect(outputs.B.leaks([KEYS.quentliA, KEYS.mapleA, COMPANY.A])).toEqual([]);
  // Nor its own key, in any form: header keys are redacted like env keys.
  expect(outputs.A.leaks(secretForms([KEYS.quentliA, KEYS.mapleA]))).toEqual([]);
  expect(outputs.B.leaks(secretForms([KEYS.flexpriceB, KEYS.mapleB]))).toEqual([]);
  const stderr = createCapture();
  stderr.add(bin.stderr());
  expect(stderr.leaks(secretForms(Object.values(KEYS)))).toEqual([]);
  await Promise.all(emulators.map((e) => e.close()));
});

async function call(tenant: 'A' | 'B', name: string, args: Record<string, unknown>) {
  const result = await (tenant === 'A' ? tenantA : tenantB).callTool({ name, arguments: args });
  outputs[tenant].add(result);
  return result;
}

type Page = {
  items: { id: string }[];
  next_cursor: string | null;
  next_skip: number | null;
  total: number | null;
};

/** Every row of a tenant's Maple list, by cursor or by next_skip. */
async function* pages(tenant: 'A' | 'B', by: 'cursor' | 'skip') {
  let args: Record<string, unknown> = { take: 10 };
  for (;;) {
    const page = structured<Page>(await call(tenant, 'maple_list_customers', args));
    yield page;
    if (page.next_skip === null) return;
    args =
      by === 'cursor' ? { take: 10, cursor: page.next_cursor } : { take: 10, skip: page.next_skip };
  }
}

async function walk(tenant: 'A' | 'B', by: 'cursor' | 'skip'): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages(tenant, by)) {
    ids.push(...page.items.map((item) => item.id));
    // Let the other tenant's request run between two of ours.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return ids;
}

describe('two tenants with header credentials on one instance', () => {
  it('lists to each tenant exactly the tools of the providers whose credentials it sent', async () => {
    const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);
    expect(await names(tenantA)).toEqual([
      'quentli_get_customer',
      'quentli_list_customers',
      'maple_get_customer',
      'maple_list_customers',
      'find_customers',
    ]);
    expect(await names(tenantB)).toEqual([
      'flexprice_get_customer',
      'flexprice_list_customers',
      'maple_get_customer',
      'maple_list_customers',
      'find_customers',
    ]);
    const none = await connectHttpClient(bin.url);
    expect(await names(none)).toEqual([]);
    await none.close();
    // A tool of a provider whose key B did not send: coded unauthorized naming the header.
    expect(toolError(await call('B', 'quentli_list_customers', {}))).toEqual({
      code: 'unauthorized',
      message:
        'This request sent no Quentli credentials, so the quentli tools are off. Send X-Quentli-Api-Key with each request to this server.',
      provider: 'quentli',
      retryable: false,
    });
    // A name that is no tool at all is still the client's mistake: a JSON-RPC error.
    await expect(
      tenantB.callTool({ name: 'quentli_delete_customer', arguments: {} }),
    ).rejects.toThrow(/Unknown tool quentli_delete_customer/);
  });

  it('a request with no key headers is told which headers to send: in the instructions, and by each tool it calls', async () => {
    const none = await connectHttpClient(bin.url);
    try {
      const text = none.getInstructions() ?? '';
      expect(text).not.toMatch(/Tools: *\./);
      expect(text).toContain(
        "This request sent no billing-system credentials, so there are no tools yet. This server takes each provider's credentials from request headers: send X-Quentli-Api-Key (Quentli); X-Flexprice-Api-Key (Flexprice); X-Maple-Api-Key and X-Maple-Company-Id (Maple Billing) to use a billing system.",
      );
      const refused = async (name: string) =>
        toolError(await none.callTool({ name, arguments: { id: 'cus_1' } }));
      expect(await refused('quentli_get_customer')).toMatchObject({
        code: 'unauthorized',
        provider: 'quentli',
        message: expect.stringContaining('Send X-Quentli-Api-Key with each request'),
      });
      expect((await refused('flexprice_list_customers')).message).toContain('X-Flexprice-Api-Key');
      expect((await refused('maple_get_customer')).message).toContain(
        'Send X-Maple-Api-Key and X-Maple-Company-Id',
      );
      expect(await refused('find_customers')).toMatchObject({
        code: 'unauthorized',
        message:
          'find_customers needs credentials for at least 2 billing systems; this request sent none. Send X-Quentli-Api-Key (Quentli); X-Flexprice-Api-Key (Flexprice); X-Maple-Api-Key and X-Maple-Company-Id (Maple Billing).',
      });
    } finally {
      await none.close();
    }
    // A tenant with some providers is told about the others only.
    expect(tenantA.getInstructions()).toContain(
      'send X-Flexprice-Api-Key (Flexprice) to use the others.',
    );
    expect(tenantA.getInstructions()).toMatch(/Tools: quentli_get_customer/);
  });

  it("find_customers asks only the tenant's own providers", async () => {
    type Found = { results: { provider: string; items: { id: string }[] }[] };
    const [a, b] = await Promise.all([
      call('A', 'find_customers', { search: 'a', take: 2 }),
      call('B', 'find_customers', { search: 'a', take: 2 }),
    ]);
    expect(structured<Found>(a).results.map((r) => r.provider)).toEqual(['quentli', 'maple']);
    expect(structured<Found>(b).results.map((r) => r.provider)).toEqual(['flexprice', 'maple']);
    const mapleIds = (found: unknown) =>
      structured<Found>(found)
        .results.find((r) => r.provider === 'maple')
        ?.items.map((i) => i.id) ?? [];
    expect(mapleIds(a).filter((id) => mapleIds(b).includes(id))).toEqual([]);
  });

  it('interleaved Maple paging (by cursor and by next_skip, concurrently): each tenant gets its own list, complete and once', async () => {
    const [aCursor, bCursor, aSkip, bSkip] = await Promise.all([
      walk('A', 'cursor'),
      walk('B', 'cursor'),
      walk('A', 'skip'),
      walk('B', 'skip'),
    ]);
    expect(aCursor).toHaveLength(60);
    expect(bCursor).toHaveLength(45);
    expect(new Set(aCursor).size).toBe(60);
    expect(aSkip).toEqual(aCursor);
    expect(bSkip).toEqual(bCursor);
    expect(aCursor.filter((id) => bCursor.includes(id))).toEqual([]);
  });

  it("a tenant's cursor is refused for the other tenant, revealing nothing, before any upstream request", async () => {
    const first = structured<Page>(
      await call('A', 'maple_list_customers', { take: 10, status: 'active' }),
    );
    maple.B.emulator.clearLog();
    const refused = toolError(
      await call('B', 'maple_list_customers', { cursor: first.next_cursor }),
    );
    expect(refused.code).toBe('invalid_argument');
    // The same words as for a string that was never a cursor: nothing about A or A's query.
    const garbage = toolError(await call('B', 'maple_list_customers', { cursor: 'garbage' }));
    expect(refused.message).toBe(garbage.message);
    expect(refused.message).not.toMatch(/active|cmp_|tenant/i);
    expect(maple.B.emulator.requests).toHaveLength(0);
    // A's own cursor, alone, still continues A's query.
    const next = structured<Page>(
      await call('A', 'maple_list_customers', { cursor: first.next_cursor }),
    );
    expect(next.items.some((item) => first.items.some((row) => row.id === item.id))).toBe(false);
  });

  it("errors stay with their tenant: B's upstream failure reaches B only, and names neither tenant's key", async () => {
    maple.B.emulator.inject({
      respond: { status: 401, json: { error: { message: 'bad token' } } },
    });
    const [a, b] = await Promise.all([
      call('A', 'maple_list_customers', { take: 1 }),
      call('B', 'maple_list_customers', { take: 1 }),
    ]);
    expect(structured<Page>(a).items).toHaveLength(1);
    expect(toolError(b)).toMatchObject({ code: 'unauthorized', provider: 'maple' });
  });

  it("a tenant's key echoed by its provider or sent as a tool name comes back redacted", async () => {
    const maplePc = PROVIDER_CASES.find((pc) => pc.id === 'maple');
    maple.A.emulator.inject({
      rewrite: (_, request) => ({
        status: 401,
        json: maplePc?.echoBodies(sentCredential(request))[0],
      }),
    });
    const echoed = await call('A', 'maple_list_customers', { take: 1 });
    expect(toolError(echoed).code).toBe('unauthorized');
    // The tenant sent headers: the message names those, not the operator's env variables.
    expect(toolError(echoed).message).toMatch(/Check X-Maple-Api-Key and X-Maple-Company-Id\.$/);
    expect(JSON.stringify(echoed)).toContain('[redacted]');
    const named = await tenantA.callTool({ name: `lookup_${KEYS.quentliA}`, arguments: {} }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    outputs.A.add(named);
    expect(named).toContain('Unknown tool lookup_[redacted]');
  });

  it('refuses incomplete credentials and base URLs outside the allow-list, before any upstream request', async () => {
    const before = emulators.reduce((n, e) => n + e.emulator.requests.length, 0);
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const noCompany = await postMcp(bin.url, list, { 'x-maple-api-key': KEYS.mapleA });
    expect(noCompany.status).toBe(400);
    expect(((await noCompany.json()) as { error: { message: string } }).error.message).toBe(
      'x-maple-api-key needs x-maple-company-id beside it.',
    );
    const elsewhere = await postMcp(bin.url, list, {
      'x-quentli-api-key': KEYS.quentliA,
      'x-quentli-base-url': 'https://attacker.example',
    });
    expect(elsewhere.status).toBe(400);
    const text = await elsewhere.text();
    expect(text).toContain('x-quentli-base-url names an origin this server does not allow');
    expect(text).not.toContain(KEYS.quentliA);
    const twice = await postWithRawHeaders(bin.url, list, [
      ['x-quentli-api-key', KEYS.quentliA],
      ['x-quentli-api-key', 'sk_someone_else_0000'],
      ['x-quentli-base-url', origin(emulators[0] as ProviderEmulator)],
    ]);
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body).error.message).toBe('x-quentli-api-key was sent more than once.');
    expect(emulators.reduce((n, e) => n + e.emulator.requests.length, 0)).toBe(before);
  });
});

describe('credential headers: bounds and the access log', () => {
  const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

  it('refuses a key header outside 6-512 visible ASCII characters with 400 bad_credentials_header, naming the rule and not the value, before any upstream request', async () => {
    const before = emulators.reduce((n, e) => n + e.emulator.requests.length, 0);
    const flexprice = origin(emulators[2] as ProviderEmulator);
    for (const key of [
      '~!*'.repeat(700),
      'x'.repeat(513),
      'sk_tab\tinside_0042',
      'sk_\xe9uro_0042',
      'abc',
    ]) {
      const answer = await postWithRawHeaders(bin.url, list, [
        ['x-flexprice-api-key', key],
        ['x-flexprice-base-url', flexprice],
      ]);
      expect(answer.status, JSON.stringify(key.slice(0, 20))).toBe(400);
      const { message } = JSON.parse(answer.body).error as { message: string };
      expect(message).toBe(
        'x-flexprice-api-key must be 6 to 512 visible ASCII characters (no spaces, no control or non-ASCII characters).',
      );
    }
    const company = await postWithRawHeaders(bin.url, list, [
      ['x-maple-api-key', KEYS.mapleA],
      ['x-maple-company-id', `cmp_${'x'.repeat(200)}`],
    ]);
    expect(company.status).toBe(400);
    expect(JSON.parse(company.body).error.message).toMatch(/^x-maple-company-id must be 1 to 128/);
    const url = await postWithRawHeaders(bin.url, list, [
      ['x-flexprice-api-key', KEYS.flexpriceB],
      ['x-flexprice-base-url', `${flexprice}/${'a'.repeat(3000)}`],
    ]);
    expect(url.status).toBe(400);
    expect(emulators.reduce((n, e) => n + e.emulator.requests.length, 0)).toBe(before);
    // A 512-character key of punctuation is within bounds: served, and never echoed back.
    const longest = `sk_${'~!*'.repeat(168)}abc00`;
    expect(longest).toHaveLength(HEADER_BOUNDS.key.max);
    const echoed = await postMcp(
      bin.url,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: longest, arguments: {} } },
      { 'x-flexprice-api-key': longest, 'x-flexprice-base-url': flexprice },
    );
    const text = await echoed.text();
    expect(echoed.status).toBe(200);
    // The tool name is one token longer than 64 characters: dropped whole, not cut to a prefix.
    expect(text).toContain('Unknown tool …');
    expect(text).not.toContain('~!*~!*');
  });

  it("a tenant's key sent as a method, a tool name or an id is not in the access log (nor anywhere on stderr)", async () => {
    // Lower-case, so it has the shape of a real method or tool name the log would keep.
    const key = 'sk_tenantc_flexprice_5e8d1a9';
    const headers = {
      'x-flexprice-api-key': key,
      'x-flexprice-base-url': origin(emulators[2] as ProviderEmulator),
    };
    const bodies = [
      { jsonrpc: '2.0', id: 3, method: key },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: key, arguments: {} } },
      { jsonrpc: '2.0', id: key, method: 'tools/list' },
      [{ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: key, arguments: {} } }],
    ];
    const logBefore = bin.stderr().length;
    for (const body of bodies) {
      const answer = await postMcp(bin.url, body, headers);
      const text = await answer.text();
      expect(answer.status).toBe(200);
      // A response's id is the caller's own, echoed to it as sent (the answer is routed by it).
      const sentId = (body as { id?: unknown }).id;
      expect(text.replace(`"id":${JSON.stringify(sentId)}`, '')).not.toContain(key);
    }
    // Each access-log line is written when its response closes.
    await expect
      .poll(
        () =>
          bin
            .stderr()
            .slice(logBefore)
            .split('\n')
            .filter((l) => l.includes('"path":"/mcp"')).length,
      )
      .toBeGreaterThanOrEqual(bodies.length);
    const lines = bin.stderr().slice(logBefore);
    expect(lines).toContain('[redacted]');
    const seen = createCapture();
    seen.add(lines);
    expect(seen.leaks(secretForms([key]))).toEqual([]);
  });
});
