/** Shared wiring for the Flexprice tests: a real emulator, the real provider, a real MCP client. */
import type { Client } from '@modelcontextprotocol/client';
import { createFlexpriceProvider } from '../../src/providers/flexprice/client.js';
import {
  type FlexpriceEmulator,
  startFlexpriceEmulator,
} from '../../src/sandbox/flexprice/emulator.js';
import { type StoredCustomer, toMicros } from '../../src/sandbox/flexprice/records.js';
import { connectClient, testHttp } from '../helpers/mcp.js';

export interface Harness {
  fp: FlexpriceEmulator;
  client: Client;
  call(name: 'get' | 'list', args: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

export async function startHarness(apiKey?: string): Promise<Harness> {
  const fp = await startFlexpriceEmulator();
  const settings = { ...fp.settings, ...(apiKey ? { apiKey } : {}) };
  const client = await connectClient([createFlexpriceProvider(settings, testHttp())]);
  return {
    fp,
    client,
    call: (name, args) =>
      client.callTool({
        name: `flexprice_${name}_customer${name === 'list' ? 's' : ''}`,
        arguments: args,
      }),
    close: async () => {
      await client.close();
      await fp.close();
    },
  };
}

/** The API's default order: created_at desc, then (emulator tie-break) id desc. */
export function newestFirst(a: StoredCustomer, b: StoredCustomer): number {
  const diff = (toMicros(b.created_at) ?? 0) - (toMicros(a.created_at) ?? 0);
  if (diff !== 0) return diff;
  return a.id < b.id ? 1 : -1;
}

export const published = (fp: FlexpriceEmulator) =>
  fp.customers.filter((c) => c.status === 'published');

export const ids = (items: { id: string }[]) => items.map((c) => c.id);
