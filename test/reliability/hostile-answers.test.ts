/**
 * Hostile upstream data (CONTRACT §4, §5), through the real HTTP layer and a real MCP
 * Client: rows with wrong-typed fields, metadata nested 10,000 levels, `__proto__` keys, a
 * lookup answered with another customer, and Flexprice totals that are not counts.
 */
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../src/providers/types.js';
import { jsonText, nestedJson, objectJson } from '../../src/sandbox/hostile.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { connectClient, structured, testHttp, toolError } from '../helpers/mcp.js';
import { expectHealthy, PROVIDER_CASES } from '../helpers/reliability.js';

/** Where each provider keeps the fields the hostile row attacks, and how a page is wrapped. */
const SHAPES: Record<
  ProviderId,
  { externalId: string; phone: string; page: (rows: string[]) => string }
> = {
  quentli: { externalId: 'username', phone: 'phoneNumber', page: (rows) => `[${rows.join(',')}]` },
  flexprice: {
    externalId: 'external_id',
    phone: 'contact',
    page: (rows) =>
      `{"items":[${rows.join(',')}],"pagination":{"total":${rows.length},"limit":3,"offset":0}}`,
  },
  maple: {
    externalId: 'identifier',
    phone: 'phone',
    page: (rows) => `{"results":[${rows.join(',')}],"pagination":{"from_key":null}}`,
  },
};

const DEEP = nestedJson(10_000);

function hostileRow(id: ProviderId, customerId: string): string {
  const shape = SHAPES[id];
  return objectJson([
    ['id', JSON.stringify(customerId)],
    ['name', '{"toString":1}'],
    ['email', '["a@example.com"]'],
    [shape.phone, '5551234'],
    [shape.externalId, '{"valueOf":2}'],
    ['__proto__', '{"polluted":"top"}'],
    ['notes', DEEP],
    [
      id === 'quentli' ? 'meta' : 'metadata',
      objectJson([
        ['__proto__', '"kept"'],
        ['deep', DEEP],
        ['plain', '"value"'],
      ]),
    ],
  ]);
}

const plainRow = (customerId: string) =>
  objectJson([
    ['id', JSON.stringify(customerId)],
    ['name', '"Plain Person"'],
  ]);

type Row = Record<string, unknown> & {
  metadata: Record<string, string>;
  details?: Record<string, unknown>;
};

function text(result: unknown): string {
  return ((result as CallToolResult).content[0] as { text: string }).text;
}

describe.each(PROVIDER_CASES)('$id: hostile answers', { timeout: 30_000 }, (pc) => {
  let sandbox: ProviderEmulator;
  let client: Client;
  const call = (tool: string, args: Record<string, unknown>) =>
    client.callTool({ name: `${pc.id}_${tool}`, arguments: args });

  beforeAll(async () => {
    sandbox = await pc.start();
    client = await connectClient([pc.create(sandbox.settings, testHttp())]);
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    // No object's prototype was changed by any `__proto__` key on the way.
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('a row with wrong-typed fields and metadata nested 10,000 levels: the page is served, the fields are null, full details keep the raw values', async () => {
    const page = SHAPES[pc.id].page([hostileRow(pc.id, 'cus_hostile1'), plainRow('cus_plain1')]);
    sandbox.emulator.inject({ respond: jsonText(page) });
    const result = await call('list_customers', { take: 2, detail: 'full' });
    const body = structured<{ items: Row[] }>(result);
    expect(body.items.map((row) => row.id)).toEqual(['cus_hostile1', 'cus_plain1']);
    const [hostile, plain] = body.items as [Row, Row];
    expect(plain.name).toBe('Plain Person');
    expect(hostile).toMatchObject({ name: null, email: null, phone: null, external_id: null });
    expect(text(result)).not.toContain('[object Object]');
    // Raw values of the wrong type stay in full details; depth is cut with a marker.
    expect(hostile.details).toMatchObject({
      name: { toString: 1 },
      email: ['a@example.com'],
    });
    expect(Object.values(hostile.details ?? {})).toContain(5551234);
    expect(JSON.stringify(hostile.details?.notes)).toContain('[too deep]');
    expect(hostile.metadata.plain).toBe('value');
    expect(hostile.metadata.deep).toContain('[too deep]');
    await expectHealthy(client, pc.id);
  });

  it('__proto__ keys in metadata and details are kept as plain data, never as prototypes', async () => {
    sandbox.emulator.inject({ respond: jsonText(hostileRow(pc.id, 'cus_proto1')) });
    const result = await call('get_customer', { id: 'cus_proto1', detail: 'full' });
    const { customer } = structured<{ customer: Row }>(result);
    // As JSON (what a stdio client reads) both keys are there, as data.
    const parsed = JSON.parse(text(result)).customer;
    expect(Object.hasOwn(parsed.metadata, '__proto__')).toBe(true);
    const own = (object: object) => Object.getOwnPropertyDescriptor(object, '__proto__')?.value;
    expect(own(parsed.metadata)).toBe('kept');
    expect(Object.hasOwn(parsed.details, '__proto__')).toBe(true);
    expect(own(parsed.details)).toEqual({ polluted: 'top' });
    // In memory too: own properties, ordinary prototypes.
    for (const object of [customer.metadata, customer.details as object]) {
      expect(Object.hasOwn(object, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
      expect((object as { polluted?: unknown }).polluted).toBeUndefined();
    }
  });

  it('integers beyond 2^53 keep every digit in full details, as strings', async () => {
    const row = objectJson([
      ['id', '"cus_bigint1"'],
      ['name', '"Big Number"'],
      ['ledger_id', '12345678901234567891'],
      ['balance_minor', '-98765432109876543210'],
      ['safe_count', '9007199254740991'],
    ]);
    sandbox.emulator.inject({ respond: jsonText(row) });
    const result = await call('get_customer', { id: 'cus_bigint1', detail: 'full' });
    const { customer } = structured<{ customer: Row }>(result);
    expect(customer.details).toMatchObject({
      ledger_id: '12345678901234567891',
      balance_minor: '-98765432109876543210',
      safe_count: 9007199254740991,
    });
  });

  it('get by id answered with another customer: never returned', async () => {
    sandbox.emulator.inject({ respond: jsonText(plainRow('cus_someone_else')) });
    const error = toolError(await call('get_customer', { id: 'cus_asked_for' }));
    // Maple's GET also resolves identifiers, so a different id there means "no such id".
    expect(error.code).toBe(pc.id === 'maple' ? 'not_found' : 'upstream_invalid_response');
    expect(error.provider).toBe(pc.id);
    expect(error.message).toContain('cus_asked_for');
    expect(error.message).not.toContain('cus_someone_else');
  });

  it('get by external_id answered with another customer: never returned', async () => {
    const other = objectJson([
      ['id', '"cus_other"'],
      [SHAPES[pc.id].externalId, '"someone-else"'],
    ]);
    const page = pc.id === 'quentli' ? SHAPES.quentli.page([other]) : other;
    // Maple falls back to find by identifier: that answer names someone else too.
    sandbox.emulator.inject(
      { respond: jsonText(page) },
      { respond: jsonText(SHAPES.maple.page([other])) },
    );
    const error = toolError(await call('get_customer', { external_id: 'asked-for' }));
    sandbox.emulator.clearFaults();
    expect(error.code).toBe(pc.id === 'flexprice' ? 'upstream_invalid_response' : 'not_found');
    expect(error.message).toContain('asked-for');
    expect(error.message).not.toContain('someone-else');
  });
});

describe('flexprice: lookups routed through search check the row', () => {
  const flexprice = PROVIDER_CASES.find((pc) => pc.id === 'flexprice');
  let sandbox: ProviderEmulator;
  let client: Client;
  beforeAll(async () => {
    if (!flexprice) throw new Error('no flexprice case');
    sandbox = await flexprice.start();
    client = await connectClient([flexprice.create(sandbox.settings, testHttp())]);
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it.each([
    ['id', 'cust/with/slashes', 'id'],
    ['external_id', 'ext/with/slashes', 'external_id'],
  ])('%s that needs search, answered with a non-matching row: not_found', async (arg, value) => {
    const other = objectJson([
      ['id', '"cust_other"'],
      ['external_id', '"ext_other"'],
    ]);
    sandbox.emulator.inject({ respond: jsonText(SHAPES.flexprice.page([other])) });
    const error = toolError(
      await client.callTool({ name: 'flexprice_get_customer', arguments: { [arg]: value } }),
    );
    expect(sandbox.emulator.requests.at(-1)?.rawPath).toBe('/v1/customers/search');
    expect(error.code).toBe('not_found');
    expect(error.message).not.toContain('_other');
  });

  it.each([
    ['null', 'null'],
    ['a string', '"230"'],
    ['negative', '-1'],
    ['a fraction', '1.5'],
    ['huge', '1e300'],
  ])('pagination.total %s: total null, the page is still served', async (_, total) => {
    const page = `{"items":[${plainRow('cust_1')}],"pagination":{"total":${total},"limit":3,"offset":0}}`;
    sandbox.emulator.inject({ respond: jsonText(page) });
    const body = structured<{ total: unknown; items: { id: string }[] }>(
      await client.callTool({ name: 'flexprice_list_customers', arguments: { take: 2 } }),
    );
    expect(body.total).toBeNull();
    expect(body.items.map((item) => item.id)).toEqual(['cust_1']);
  });
});
