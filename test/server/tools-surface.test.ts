import type { Client, Tool } from '@modelcontextprotocol/client';
import { encode } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerSchema, listedCustomerSchema } from '../../src/customer.js';
import { PROVIDER_IDS } from '../../src/providers/registry.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { connectClient, structured } from '../helpers/mcp.js';
import { sandboxProviders } from '../helpers/sandbox.js';
import { lintSchema } from '../helpers/schema-lint.js';

let sandbox: Sandbox;
let client: Client;
let tools: Tool[];

beforeAll(async () => {
  const setup = await sandboxProviders();
  sandbox = setup.sandbox;
  client = await connectClient(setup.providers);
  tools = (await client.listTools()).tools;
});
afterAll(async () => {
  await client.close();
  await sandbox.close();
});

/** Every property at any depth, with its path, for "every input has a description". */
function properties(schema: unknown, path = ''): { path: string; node: Record<string, unknown> }[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const found: { path: string; node: Record<string, unknown> }[] = [];
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) {
    found.push(
      { path: `${path}${name}`, node: child as Record<string, unknown> },
      ...properties(child, `${path}${name}.`),
    );
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf'] as const) {
    const value = node[key];
    for (const child of Array.isArray(value) ? value : value ? [value] : [])
      found.push(...properties(child, path));
  }
  return found;
}

describe('tools/list', () => {
  it('registers get then list per provider, providers in contract order, then find_customers', () => {
    expect(tools.map((t) => t.name)).toEqual([
      'quentli_get_customer',
      'quentli_list_customers',
      'flexprice_get_customer',
      'flexprice_list_customers',
      'maple_get_customer',
      'maple_list_customers',
      'find_customers',
    ]);
  });

  it('gives every tool a safe name, a title, a description that starts with what it returns, and all four annotations', () => {
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[a-z0-9_]{1,64}$/);
      expect(tool.title).toBeTruthy();
      expect(tool.description).toMatch(/^Returns /);
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      });
      expect(tool.outputSchema).toBeDefined();
    }
  });

  it('describes every input property and emits no $ref', () => {
    for (const tool of tools) {
      expect(JSON.stringify(tool.inputSchema)).not.toContain('$ref');
      for (const { path, node } of properties(tool.inputSchema)) {
        expect(node.description, `${tool.name} ${path}`).toBeTruthy();
      }
    }
  });

  it('stays within the token budget (≤ 4,500 tokens o200k for all seven tools)', async () => {
    expect(tools).toHaveLength(7);
    const tokens = encode(JSON.stringify({ tools })).length;
    expect(tokens).toBeLessThanOrEqual(4500);
  });

  it('emits portable schemas: the Inspector --strict rules find nothing (no type arrays, no bare {}, no boolean or remote schemas)', () => {
    const findings = tools.flatMap((tool) => [
      ...lintSchema(tool.inputSchema, `${tool.name}.inputSchema`),
      ...lintSchema(tool.outputSchema, `${tool.name}.outputSchema`),
    ]);
    expect(findings).toEqual([]);
  });

  it('the lint rules catch what the Inspector flags (a type array, a bare {} value, a bare true)', () => {
    const bad = {
      type: 'object',
      properties: { a: { type: ['string', 'null'] }, b: { description: 'x' }, c: true },
      additionalProperties: false,
    };
    expect(lintSchema(bad, 's').map((f) => `${f.rule} ${f.path}`)).toEqual([
      'type-union s.properties.a',
      'untyped-schema s.properties.b',
      'boolean-schema s.properties.c',
    ]);
  });

  it('matches the snapshot', async () => {
    await expect(JSON.stringify({ tools }, null, 2)).toMatchFileSnapshot(
      '__snapshots__/tools-list.json',
    );
  });

  it('sends instructions that name the tools and say ids differ per provider', () => {
    const instructions = client.getInstructions() ?? '';
    for (const tool of tools) expect(instructions).toContain(tool.name);
    expect(instructions).toMatch(/ids/);
    expect(instructions).toMatch(/filter|email/);
  });
});

describe.each(PROVIDER_IDS)('%s tools', (provider) => {
  it('list returns normalized customers whose text is the JSON of structuredContent', async () => {
    const page = structured<{ provider: string; items: unknown[]; returned: number }>(
      await client.callTool({ name: `${provider}_list_customers`, arguments: { take: 5 } }),
    );
    expect(page.returned).toBe(5);
    // Inside a page the customers omit provider: the page names it once (CONTRACT §4).
    expect(page).toMatchObject({ provider });
    for (const item of page.items) listedCustomerSchema.strict().parse(item);
  });

  it('get by the id a list returned gives the same customer', async () => {
    const page = structured<{ items: { id: string }[] }>(
      await client.callTool({ name: `${provider}_list_customers`, arguments: { take: 1 } }),
    );
    const id = page.items[0]?.id as string;
    const got = structured<{ customer: { id: string; details?: unknown } }>(
      await client.callTool({
        name: `${provider}_get_customer`,
        arguments: { id, detail: 'full' },
      }),
    );
    expect(got.customer.id).toBe(id);
    expect(customerSchema.strict().parse(got.customer)).toMatchObject({ provider });
    expect(got.customer.details).toBeTypeOf('object');
  });
});
