/** Binds the tool table to each enabled provider: names, JSON Schemas and one call path per tool. */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { BillingProvider, CallContext } from '../providers/types.js';
import { CUSTOMER_TOOLS, READ_ONLY_API, type ToolDefinition } from './customer-tools.js';
import { errorResult, successResult } from './result.js';
import { validateArguments } from './validate.js';

export interface BoundTool {
  definition: Tool;
  call: (args: unknown, context: CallContext) => Promise<CallToolResult>;
}

/** draft-7 and input/output views, as McpServer emits them, minus what only costs tokens. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io });
  return compact(rest) as Tool['inputSchema'];
}

/** Drops `propertyNames: {type: string}` (always true in JSON) and the ±2^53 bounds zod adds to ints. */
function compact(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compact);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'propertyNames' && JSON.stringify(value) === '{"type":"string"}') continue;
    if (
      (key === 'minimum' || key === 'maximum') &&
      Math.abs(value as number) === Number.MAX_SAFE_INTEGER
    )
      continue;
    out[key] = compact(value);
  }
  return out;
}

function bindTool(tool: ToolDefinition, provider: BillingProvider): BoundTool {
  const inputSchema = tool.inputSchema(provider);
  return {
    definition: {
      name: `${provider.id}_${tool.operation}`,
      title: tool.title(provider),
      description: tool.description(provider),
      inputSchema: jsonSchema(inputSchema, 'input'),
      outputSchema: jsonSchema(tool.outputSchema, 'output'),
      annotations: { title: tool.title(provider), ...READ_ONLY_API },
    },
    call: async (args, context) => {
      try {
        const valid = validateArguments(inputSchema, args, provider.id);
        return successResult(await tool.run(provider, valid as never, context));
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
