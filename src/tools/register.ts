/** Binds the tool table to each enabled provider: names, JSON Schemas and one call path per tool. */
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { type MaskSpec, maskResult } from '../mask.js';
import type { BillingProvider, CallContext } from '../providers/types.js';
import {
  type CrossProviderToolDefinition,
  CUSTOMER_TOOLS,
  READ_ONLY_API,
  type ToolDefinition,
} from './customer-tools.js';
import { findCustomers } from './find-customers.js';
import { errorResult, successResult } from './result.js';
import { validateArguments } from './validate.js';

export const CROSS_PROVIDER_TOOLS: readonly CrossProviderToolDefinition[] = [findCustomers];

/** The names of one provider's tools (`<provider>_<operation>`), in table order. */
export function providerToolNames(provider: Pick<BillingProvider, 'id'>): string[] {
  return CUSTOMER_TOOLS.map((tool) => `${provider.id}_${tool.operation}`);
}

export interface BoundTool {
  name: string;
  /** Built on first use: emitting the JSON Schemas is start-up time that `initialize` need not wait for. */
  definition: () => Tool;
  call: (args: unknown, context: CallContext) => Promise<CallToolResult>;
}

/** draft-7 and input/output views, as McpServer emits them, minus what only costs tokens. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io });
  return compact(rest, io) as Tool['inputSchema'];
}

/**
 * Lossless rewrites that only save tokens: drops `propertyNames: {type: string}` (always true in
 * JSON), empty `properties`/`additionalProperties` (the defaults), the ±2^53 bounds zod puts on
 * ints. Nullable values stay `anyOf: [X, {type: null}]`: a `type` array is legal JSON Schema but
 * not portable (Gemini's single-type dialect, the MCP Inspector's --strict check).
 * In output schemas `additionalProperties: false` goes too: it describes what this server sends,
 * which never has extra keys (the tests hold every result to the strict zod schema), and a client
 * validating a result loses nothing; in input schemas it stays, since it tells the model the list
 * of arguments is closed.
 */
function compact(node: unknown, io: 'input' | 'output'): unknown {
  if (Array.isArray(node)) return node.map((child) => compact(child, io));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'propertyNames' && JSON.stringify(value) === '{"type":"string"}') continue;
    if ((key === 'properties' || key === 'additionalProperties') && JSON.stringify(value) === '{}')
      continue;
    if (io === 'output' && key === 'additionalProperties' && value === false) continue;
    // `const`/`enum` of strings already pins the type; inputs keep `type` for single-type dialects.
    if (
      io === 'output' &&
      key === 'type' &&
      value === 'string' &&
      ('const' in node || 'enum' in node)
    )
      continue;
    if (
      (key === 'minimum' || key === 'maximum') &&
      Math.abs(value as number) === Number.MAX_SAFE_INTEGER
    )
      continue;
    out[key] = compact(value, io);
  }
  return splitTypeArray(out);
}

/** Keywords that describe a schema rather than constrain it: they stay outside the anyOf. */
const ANNOTATIONS = new Set(['description', 'default', 'title', 'examples']);

/**
 * zod emits a nullable primitive as `type: [X, "null"]`; portable clients want one `type` per
 * schema, so it becomes `anyOf: [{type: X, ...constraints}, {type: "null"}]` (same meaning).
 */
function splitTypeArray(node: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(node.type)) return node;
  const outside: Record<string, unknown> = {};
  const inside: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'type') (ANNOTATIONS.has(key) ? outside : inside)[key] = value;
  }
  const branches = (node.type as string[]).map((type) =>
    type === 'null' ? { type } : { type, ...inside },
  );
  return { ...outside, anyOf: branches };
}

/** Name, lazily built definition and one validated call path: the same for every kind of tool. */
function bound(
  name: string,
  parts: { title: string; description: string; input: z.ZodType; output: () => z.ZodType },
  run: (args: never, context: CallContext) => Promise<Record<string, unknown>>,
  options: BindOptions,
  provider?: string,
): BoundTool {
  let definition: Tool | undefined;
  return {
    name,
    definition: () => {
      definition ??= {
        name,
        title: parts.title,
        description: parts.description,
        inputSchema: jsonSchema(parts.input, 'input'),
        outputSchema: jsonSchema(parts.output(), 'output'),
        annotations: { ...READ_ONLY_API },
      };
      return definition;
    },
    call: async (args, context) => {
      try {
        const valid = validateArguments(parts.input, args, provider);
        const value = await run(valid as never, context);
        // Masking before the result is built: its text, the redaction and every transport see
        // only the masked values (src/mask.ts).
        return successResult(options.mask ? maskResult(value, options.mask) : value, provider);
      } catch (error) {
        return errorResult(error, provider);
      }
    },
  };
}

/** What the operator set for every tool: masking of personal fields (BILLING_MCP_MASK). */
export interface BindOptions {
  mask?: MaskSpec;
}

function bindTool(
  tool: ToolDefinition,
  provider: BillingProvider,
  options: BindOptions,
): BoundTool {
  return bound(
    `${provider.id}_${tool.operation}`, // as providerToolNames() names it
    {
      title: tool.title(provider),
      description: tool.description(provider),
      input: tool.inputSchema(provider),
      output: () => tool.outputSchema(provider),
    },
    (args, context) => tool.run(provider, args, context),
    options,
    provider.id,
  );
}

function bindCrossProviderTool(
  tool: CrossProviderToolDefinition,
  providers: readonly BillingProvider[],
  options: BindOptions,
): BoundTool {
  const { run } = tool.prepare(providers);
  return bound(
    tool.name,
    {
      title: tool.title,
      description: tool.description(providers),
      input: tool.inputSchema(providers),
      output: () => tool.outputSchema(providers),
    },
    run,
    options,
  );
}

/**
 * Providers in the order given, each with its tools in table order, then the cross-provider
 * tools that have enough providers (CONTRACT §3).
 */
export function bindProviderTools(
  providers: readonly BillingProvider[],
  options: BindOptions = {},
): BoundTool[] {
  return [
    ...providers.flatMap((provider) =>
      CUSTOMER_TOOLS.map((tool) => bindTool(tool, provider, options)),
    ),
    ...CROSS_PROVIDER_TOOLS.filter((tool) => providers.length >= tool.minProviders).map((tool) =>
      bindCrossProviderTool(tool, providers, options),
    ),
  ];
}
