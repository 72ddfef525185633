/** Shared wiring for the Quentli tests: the real emulator, the real provider, a real MCP Client. */
import type { Client } from '@modelcontextprotocol/client';
import { createQuentliProvider } from '../../src/providers/quentli/client.js';
import type { BillingProvider } from '../../src/providers/types.js';
import { type QuentliEmulator, startQuentliEmulator } from '../../src/sandbox/quentli/emulator.js';
import type { ListCustomersOutput } from '../../src/tools/customer-tools.js';
import { connectClient, structured, testHttp, toolError } from '../helpers/mcp.js';

export interface QuentliRig {
  fake: QuentliEmulator;
  provider: BillingProvider;
  client: Client;
  /** Calls a tool; returns its structured result (throws on an error result). */
  call<T = Record<string, unknown>>(
    tool: 'get' | 'list',
    args: Record<string, unknown>,
  ): Promise<T>;
  /** Calls a tool expecting a coded error. */
  fail(tool: 'get' | 'list', args: Record<string, unknown>): Promise<ReturnType<typeof toolError>>;
  close(): Promise<void>;
}

export type ListPage<T = Record<string, unknown>> = Omit<ListCustomersOutput, 'items'> & {
  items: T[];
};

const toolName = (tool: 'get' | 'list') =>
  tool === 'get' ? 'quentli_get_customer' : 'quentli_list_customers';

export async function startRig(apiKey?: string): Promise<QuentliRig> {
  const fake = await startQuentliEmulator();
  const settings = { ...fake.settings, ...(apiKey ? { apiKey } : {}) };
  const provider = createQuentliProvider(settings, testHttp()) as unknown as BillingProvider;
  const client = await connectClient([provider]);
  return {
    fake,
    provider,
    client,
    call: async (tool, args) =>
      structured(await client.callTool({ name: toolName(tool), arguments: args })),
    fail: async (tool, args) =>
      toolError(await client.callTool({ name: toolName(tool), arguments: args })),
    close: async () => {
      await client.close();
      await fake.close();
    },
  };
}

/** The query string of the last request the emulator received. */
export function lastQuery(fake: QuentliEmulator): string {
  const last = fake.emulator.requests.at(-1);
  if (!last) throw new Error('no request reached the emulator');
  return last.rawQuery;
}
