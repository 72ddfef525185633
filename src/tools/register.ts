/** Binds the tool table to each enabled provider: names, JSON Schemas and one call path per tool. */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { BillingProvider, CallContext } from '../providers/types.js';
import { CUSTOMER_TOOLS, READ_ONLY_API, type ToolDefinition } from './customer-tools.js';
import { errorResult, successResult } from './result.js';
import { validateArguments } from './validate.js';

export interface BoundTool {
  name: string;
  /** Built on first use: emitting six JSON Schemas is start-up time that `initialize` need not wait for. */
  definition: () => Tool;
  call: (args: unknown, context: CallContext) => Promise<CallToolResult>;
}

/** draft-7 and input/output views, as McpServer emits them, minus what only costs tokens. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io });
  return compact(rest) as Tool['inputSchema'];
}

/**
 * Lossless rewrites that only save tokens: drops `propertyNames: {type: string}` (always true in
 * JSON), empty `properties`/`additionalProperties` (the defaults), the ±2^53 bounds zod puts on
 * ints, and folds `anyOf: [X, {type: null}]` into X with `type: [X.type, 'null']`.
 */
function compact(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compact);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'propertyNames' && JSON.stringify(value) === '{"type":"string"}') continue;
    if ((key === 'properties' || key === 'additionalProperties') && JSON.stringify(value) === '{}')
      continue;
    if (
      (key === 'minimum' || key === 'maximum') &&
      Math.abs(value as number) === Number.MAX_SAFE_INTEGER
    )
      continue;
    out[key] = compact(value);
  }
  return foldNullable(out);
}

function foldNullable(node: Record<string, unknown>): Record<string, unknown> {
  const { anyOf, ...rest } = node;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return node;
  const [first, second] = anyOf as Record<string, unknown>[];
  if (JSON.stringify(second) !== '{"type":"null"}' || typeof first?.type !== 'string') return node;
  if (Object.keys(first).some((key) => key in rest || /Of$/.test(key))) return node;
  return { ...rest, ...first, type: [first.type, 'null'] };
}

function bindTool(tool: ToolDefinition, provider: BillingProvider): BoundTool {
  const name = `${provider.id}_${tool.operation}`;
  const inputSchema = tool.inputSchema(provider);
  let definition: Tool | undefined;
  return {
    name,
    definition: () => {
      definition ??= {
        name,
        title: tool.title(provider),
        description: tool.description(provider),
        inputSchema: jsonSchema(inputSchema, 'input'),
        outputSchema: jsonSchema(tool.outputSchema(provider), 'output'),
        annotations: { ...READ_ONLY_API },
      };
      return definition;
    },
    call: async (args, context) => {
      try {
        const valid = validateArguments(inputSchema, args, provider.id);
        return successResult(await tool.run(provider, valid as never, context), provider.id);
      } catch (error) {
        return errorResult(error, provider.id);
      }
    },
  };
}

/** Providers in the order given, each with its tools in table order (CONTRACT §3). */
export function bindProviderTools(providers: readonly BillingProvider[]): BoundTool[] {
  return providers.flatMap((provider) => CUSTOMER_TOOLS.map((tool) => bindTool(tool, provider)));
}
