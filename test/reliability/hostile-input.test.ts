/**
 * Hostile input (CONTRACT §3, §5): any JSON value for any argument gives a valid result or a coded
 * `invalid_argument` (never a crash, never an upstream error our own encoding caused); values that
 * reach the provider travel as data on a documented route; oversized arguments cost nothing upstream.
 */
import type { CallToolResult, Client, Tool } from '@modelcontextprotocol/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { captureStderr, createCapture, secretForms } from '../helpers/capture.js';
import { connectClient, structured, testEra, testHttp, toolError } from '../helpers/mcp.js';
import {
  HOSTILE_STRINGS,
  onDocumentedRoute,
  PROVIDER_CASES,
  receivedValues,
} from '../helpers/reliability.js';

const OVER_HTTP = process.env.MCP_TEST_TRANSPORT === 'http';
/**
 * Property runs: the full count in `default`, a quarter in the transport and era repeats. What a
 * repeat can change is how the arguments travel (the JSON of the transport, the era's framing);
 * the validation and every provider path behind it were walked in full in `default`.
 */
const REPEAT = OVER_HTTP || testEra() !== 'legacy';
const runs = (full: number) => (REPEAT ? Math.ceil(full / 4) : full);

/** Codes that say something true about the input or the data; anything else here is our fault. */
const FINE = new Set(['invalid_argument', 'not_found']);

const capture = createCapture();
const keys: string[] = [];
let restoreStderr: () => void;
beforeAll(() => {
  restoreStderr = captureStderr(capture);
});
afterAll(() => {
  restoreStderr();
  expect(capture.leaks(secretForms(keys))).toEqual([]);
  // A crash inside a tool is answered as "Unexpected internal error" and logged as such.
  const crashes = capture.texts.filter((text) => text.includes('unexpected error'));
  expect(crashes.map((text) => text.slice(0, 200))).toEqual([]);
});

describe.each(PROVIDER_CASES)('$id: hostile input', { timeout: 30_000 }, (pc) => {
  let sandbox: ProviderEmulator;
  let client: Client;
  let tools: Tool[];

  beforeAll(async () => {
    sandbox = await pc.start();
    keys.push(sandbox.settings.apiKey);
    client = await connectClient([
      pc.create(sandbox.settings, testHttp({ timeoutMs: 3000, maxRetries: 0 })),
    ]);
    tools = (await client.listTools()).tools;
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  /**
   * Calls the tool and checks the outcome: a valid result, `not_found`, or `invalid_argument`
   * with no upstream request; every request sent was on a documented route. Returns the requests.
   */
  async function check(name: string, args: Record<string, unknown>) {
    const { emulator } = sandbox;
    const before = emulator.requests.length;
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    capture.add(result);
    const sent = emulator.requests.slice(before);
    const context = `${name} ${brief(args)}`;
    if (result.isError) {
      const error = toolError(result);
      expect(FINE.has(error.code), `${context} → ${error.code}: ${error.message}`).toBe(true);
      expect(error.provider).toBe(pc.id);
      if (error.code === 'invalid_argument') expect(sent, context).toEqual([]);
    } else {
      structured(result);
    }
    for (const request of sent) {
      expect(
        onDocumentedRoute(pc, request),
        `${context} → ${request.method} ${request.rawPath}`,
      ).toBe(true);
    }
    return { result, sent };
  }

  const inputKeys = (name: string): string[] =>
    Object.keys(tools.find((t) => t.name === name)?.inputSchema.properties ?? {});

  /** Any JSON value, the hostile strings, small numbers, and the enum words the schemas accept. */
  const anyValue = (name: string) => {
    const words = new Set<string>();
    JSON.stringify(tools.find((t) => t.name === name)?.inputSchema, (key, value) => {
      if (key === 'enum' && Array.isArray(value)) for (const word of value) words.add(String(word));
      return value;
    });
    return fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(...HOSTILE_STRINGS),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.integer({ min: -3, max: 120 }),
      fc.constantFrom(...words),
      fc.record({ field: fc.constantFrom(...words), direction: fc.constantFrom('asc', 'desc') }),
    );
  };

  const anyArguments = (name: string) =>
    fc
      .tuple(
        fc.record(Object.fromEntries(inputKeys(name).map((key) => [key, anyValue(name)])), {
          requiredKeys: [],
        }),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
        fc.boolean(),
      )
      .map(([known, extra, withExtra]) => (withExtra ? { ...extra, ...known } : known));

  it.each(['get_customer', 'list_customers'])(
    'property: any JSON value for any %s argument → a valid result or a coded error about the input',
    async (operation) => {
      const name = `${pc.id}_${operation}`;
      expect(inputKeys(name).length).toBeGreaterThan(0);
      await fc.assert(
        fc.asyncProperty(anyArguments(name), async (args) => {
          await check(name, args);
        }),
        { numRuns: runs(150) },
      );
    },
  );

  it('control characters at any depth of the arguments: invalid_argument naming the path, nothing sent', async () => {
    const nested: Record<string, [Record<string, unknown>, string][]> = {
      quentli: [
        [{ where: [{ field: 'name', op: 'contains', value: 'a\u0000b' }] }, 'where.0.value'],
        [{ where: [{ field: 'email', op: 'in', value: ['ok', 'x\ny'] }] }, 'where.0.value.1'],
      ],
      flexprice: [
        [{ filters: [{ field: 'name', operator: 'contains', value: 'a\nb' }] }, 'filters.0.value'],
        [
          { filters: [{ field: 'email', operator: 'in', value: ['a', 'b\u0007'] }] },
          'filters.0.value.1',
        ],
      ],
      maple: [
        [{ query: { org_name: 'Acme\u001b[31m' } }, 'query.org_name'],
        [{ query: { tags: ['vip', 'x\ty'] } }, 'query.tags.1'],
        [{ query: { metadata: ['plan:pro\r\n'] } }, 'query.metadata.0'],
      ],
    };
    for (const [args, path] of nested[pc.id] ?? []) {
      const { result, sent } = await check(`${pc.id}_list_customers`, args);
      const error = toolError(result);
      expect(error.code, path).toBe('invalid_argument');
      expect(error.message).toBe(`${path}: must not contain control characters.`);
      expect(sent).toEqual([]);
    }
  });

  it('ids with / .. ? # % & = [ ] quotes, unicode, control characters and 10,000 characters: rejected, or sent as one path segment and received equal', async () => {
    for (const key of ['id', 'external_id']) {
      for (const value of HOSTILE_STRINGS) {
        const { sent } = await check(`${pc.id}_get_customer`, { [key]: value });
        if (sent.length > 0) {
          const first = sent[0];
          expect(first && receivedValues(first), `${key} ${JSON.stringify(value)}`).toContain(
            value,
          );
        }
      }
    }
  });

  it('filter values with the same characters: rejected, or received equal to what was sent', async () => {
    const filters = ['email', 'external_id', 'name', 'search'].filter((key) =>
      inputKeys(`${pc.id}_list_customers`).includes(key),
    );
    expect(filters.length).toBe(4);
    for (const key of filters) {
      for (const value of HOSTILE_STRINGS) {
        const { sent } = await check(`${pc.id}_list_customers`, { [key]: value, take: 1 });
        for (const request of sent) {
          expect(receivedValues(request), `${key} ${JSON.stringify(value)}`).toContain(value);
        }
      }
    }
  });

  it('property: any well-formed or ill-formed string as id, external_id or filter value is rejected or received equal', async () => {
    const places: [string, string][] = [
      ['get_customer', 'id'],
      ['get_customer', 'external_id'],
      ['list_customers', 'name'],
      ['list_customers', 'search'],
      ['list_customers', 'external_id'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...places),
        fc.oneof(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
          fc.stringMatching(/^[./%?#&=[\]a-z]{1,8}$/),
        ),
        async ([operation, key], value) => {
          const { sent } = await check(`${pc.id}_${operation}`, { [key]: value });
          const first = sent[0];
          if (first)
            expect(receivedValues(first), `${key} ${JSON.stringify(value)}`).toContain(value);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it.each([
    ['a 100,000-item array', () => ({ where: Array.from({ length: 100_000 }, () => ({})) })],
    [
      'an object with 50,000 keys',
      () => ({
        order_by: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])),
      }),
    ],
    ['a 5 MB string', () => ({ name: 'n'.repeat(5 * 1024 * 1024) })],
    [
      'arrays nested 5,000 deep',
      () => ({ query: JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) as unknown }),
    ],
  ])('oversized arguments (%s) are rejected cheaply, before any request', async (what, make) => {
    const args = { take: 5, ...make() };
    const started = performance.now();
    if (OVER_HTTP && (what === 'a 5 MB string' || what === 'arrays nested 5,000 deep')) {
      // Over HTTP these never reach a tool: the body cap answers 413 to the 5 MB request, and
      // the SDK's HTTP client cannot even serialize 5,000 levels of nesting.
      const before = sandbox.emulator.requests.length;
      const call = client.callTool({ name: `${pc.id}_list_customers`, arguments: args });
      await expect(call).rejects.toThrow(
        what === 'a 5 MB string' ? /Request body larger than 1048576 bytes/ : /./,
      );
      expect(sandbox.emulator.requests.length).toBe(before);
      return;
    }
    const { result } = await check(`${pc.id}_list_customers`, args);
    const error = toolError(result);
    expect(error.code).toBe('invalid_argument');
    expect(error.message.length).toBeLessThan(1000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

/** The arguments for a failure message: short, and safe on input too deep to stringify. */
function brief(args: unknown): string {
  try {
    return JSON.stringify(args).slice(0, 300);
  } catch {
    return '(arguments too deep to print)';
  }
}
