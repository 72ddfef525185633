/**
 * A 429 under a burst is honoured once per origin: when the provider rate
 * limits the calls in flight, the calls still waiting for a slot share that wait instead of each
 * being sent into the same 429. Measured on the emulator's own request log.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuentliEmulator } from '../../src/sandbox/quentli/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { connectClient, structured, testHttp } from '../helpers/mcp.js';
import { PROVIDER_CASES } from '../helpers/reliability.js';

const quentli = PROVIDER_CASES.find((pc) => pc.id === 'quentli');
if (!quentli) throw new Error('no quentli case');

const LIMIT = 4;
const CALLS = 40;
const RETRY_AFTER_S = 1;

let sandbox: ProviderEmulator;
let client: Client;
beforeAll(async () => {
  sandbox = await startQuentliEmulator();
  const http = testHttp({ maxRetries: 2, maxConnections: LIMIT, timeoutMs: 10_000 });
  client = await connectClient([quentli.create(sandbox.settings, http)]);
});
afterAll(async () => {
  await client.close();
  await sandbox.close();
});

describe('429 under a burst', () => {
  it(`${CALLS} calls, ${LIMIT} slots, the first wave rate limited: nobody is sent until Retry-After has passed, then all succeed`, async () => {
    const page = structured<{ items: { id: string }[] }>(
      await client.callTool({ name: 'quentli_list_customers', arguments: { take: CALLS } }),
    );
    sandbox.emulator.clearLog();
    sandbox.emulator.latencyMs = 30; // the first wave is in flight together
    const limited = {
      respond: {
        status: 429,
        headers: { 'retry-after': String(RETRY_AFTER_S) },
        json: { error: { message: 'Too many requests' } },
      },
    };
    sandbox.emulator.inject(...Array.from({ length: LIMIT }, () => limited));
    const results = await Promise.all(
      page.items.map((item) =>
        client.callTool({ name: 'quentli_get_customer', arguments: { id: item.id } }),
      ),
    );
    sandbox.emulator.latencyMs = 0;
    for (const result of results) structured(result);
    const log = sandbox.emulator.requests;
    const answered429 = log.filter((r) => r.status === 429);
    expect(answered429).toHaveLength(LIMIT);
    const limitedAt = Math.min(...answered429.map((r) => r.doneAt ?? Number.POSITIVE_INFINITY));
    // Without the shared wait the other 36 calls went out at once, each on its own.
    const duringTheWait = log.filter(
      (r) => r.at > limitedAt && r.at < limitedAt + RETRY_AFTER_S * 1000 - 50,
    );
    expect(duringTheWait).toEqual([]);
    expect(log).toHaveLength(CALLS + LIMIT);
  });
});
