/** Shared set-up for the Maple tests: a real emulator, the real provider, a real MCP Client. */
import type { Client } from '@modelcontextprotocol/client';
import { createMapleProvider } from '../../src/providers/maple/client.js';
import type { BillingProvider } from '../../src/providers/types.js';
import { type MapleEmulator, startMapleEmulator } from '../../src/sandbox/maple/emulator.js';
import type { MapleRawCustomer } from '../../src/sandbox/maple/seed.js';
import type { ListCustomersOutput } from '../../src/tools/customer-tools.js';
import { connectClient, structured, testHttp } from '../helpers/mcp.js';

export interface MapleHarness {
  maple: MapleEmulator;
  provider: BillingProvider;
  client: Client;
  close(): Promise<void>;
}

export async function startHarness(
  overrides: { apiKey?: string; companyId?: string } = {},
): Promise<MapleHarness> {
  const maple = await startMapleEmulator();
  const { companyId = maple.companyId, ...rest } = overrides;
  const settings = { ...maple.settings, ...rest, extras: { companyId } };
  const provider = createMapleProvider(settings, testHttp());
  const client = await connectClient([provider]);
  return {
    maple,
    provider,
    client,
    close: async () => {
      await client.close();
      await maple.close();
    },
  };
}

export type ListResult = ListCustomersOutput;

export async function list(client: Client, args: Record<string, unknown>): Promise<ListResult> {
  return structured<ListResult>(
    await client.callTool({ name: 'maple_list_customers', arguments: args }),
  );
}

export function findRequests(maple: MapleEmulator) {
  return maple.emulator.requests.filter((r) => r.rawPath.endsWith('/customers/find'));
}

type Field = 'created_at' | 'updated_at';

/**
 * The test oracle, written independently of the emulator: the rows an offset API would return
 * for this predicate and order (sort field, then id, both in the same direction).
 */
export function groundTruth(
  rows: MapleRawCustomer[],
  keep: (row: MapleRawCustomer) => boolean = () => true,
  field: Field = 'created_at',
  direction: 'asc' | 'desc' = 'desc',
): MapleRawCustomer[] {
  const sign = direction === 'asc' ? 1 : -1;
  return rows.filter(keep).sort((a, b) => {
    const byTime = Date.parse(a[field]) - Date.parse(b[field]);
    if (byTime !== 0) return sign * byTime;
    return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

export const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id);
