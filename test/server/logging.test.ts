/**
 * MCP logging: the server declares `logging` and tells the client, as
 * `notifications/message`, its start-up line (info) and each retry, rate-limit wait and timeout
 * of a tool call (warning), honouring `logging/setLevel` (2025-11-25) or the request's own
 * `logLevel` (2026-07-28); never a key or customer data. A real Client against real emulators
 * with injected faults.
 */
import type { LoggingMessageNotification } from '@modelcontextprotocol/client';
import { Client, InMemoryTransport, LOG_LEVEL_META_KEY } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROVIDER_IDS } from '../../src/providers/registry.js';
import type { BillingProvider } from '../../src/providers/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { createServer } from '../../src/server.js';
import { connectHttpClient, startHttpServer } from '../helpers/http.js';
import { structured, testHttp, toolError } from '../helpers/mcp.js';
import { sandboxProviders } from '../helpers/sandbox.js';

/** Waits are generous: shared, noisy machines (vi.waitFor's own default is 1 s). */
const POLL = { timeout: 5000 };

type Logged = LoggingMessageNotification['params'];
const STARTUP = `v0.0.0-test serving ${PROVIDER_IDS.join(', ')} over stdio`;

let sandbox: Sandbox;
let providers: BillingProvider[];
let client: Client;
const logged: Logged[] = [];
let startup: Logged[] = [];
const warnings = () => logged.filter((m) => m.level === 'warning').map((m) => String(m.data));

beforeAll(async () => {
  const started = await sandboxProviders(testHttp({ maxRetries: 2, timeoutMs: 400 }));
  sandbox = started.sandbox;
  providers = started.providers;
  const server = createServer({
    providers: started.providers,
    version: '0.0.0-test',
    startupMessage: STARTUP,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'logging-test', version: '0.0.0' });
  // Before connecting: the start-up line comes right after initialization.
  client.setNotificationHandler('notifications/message', (n) => {
    logged.push(n.params);
  });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  await vi.waitFor(() => expect(logged.length).toBeGreaterThan(0), POLL);
  startup = [...logged];
});
afterEach(async () => {
  for (const e of Object.values(sandbox.emulators)) e.emulator.clearFaults();
  await client.setLoggingLevel('debug');
  logged.length = 0;
});
afterAll(async () => {
  await client.close();
  await sandbox.close();
});

describe('MCP logging', () => {
  it('declares the logging capability and sends the start-up line at info', async () => {
    expect(client.getServerCapabilities()?.logging).toEqual({});
    expect(startup).toEqual([{ level: 'info', logger: 'billing-customers-mcp', data: STARTUP }]);
  });

  it('sends a warning for each retry and rate-limit wait, naming neither key, filter nor customer', async () => {
    const { emulator, settings } = sandbox.emulators.quentli;
    emulator.inject(
      { respond: { status: 503, json: { message: 'down' } } },
      { respond: { status: 429, json: { message: 'slow down' }, headers: { 'retry-after': '0' } } },
    );
    const email = 'logging.probe@example.com';
    const page = structured<{ items: unknown[] }>(
      await client.callTool({ name: 'quentli_list_customers', arguments: { email } }),
    );
    expect(page.items).toEqual([]);
    await vi.waitFor(() => expect(warnings()).toHaveLength(2), POLL);
    expect(warnings()[0]).toMatch(/^Quentli: HTTP 503; retry 1 of 2 in \d+ ms$/);
    expect(warnings()[1]).toMatch(/^Quentli: rate limited \(HTTP 429\); retry 2 of 2 in \d+ ms$/);
    const all = JSON.stringify(logged);
    for (const secret of [settings.apiKey, email, 'down', 'slow down'])
      expect(all).not.toContain(secret);
  });

  it('sends a warning for a timeout, and for a connection failure that is retried', async () => {
    const { emulator } = sandbox.emulators.flexprice;
    emulator.inject({ hang: 'headers' });
    const timedOut = toolError(
      await client.callTool({ name: 'flexprice_get_customer', arguments: { id: 'cust_x' } }),
    );
    expect(timedOut.code).toBe('timeout');
    await vi.waitFor(
      () => expect(warnings()).toEqual(['Flexprice: no answer within 400 ms (timeout)']),
      POLL,
    );

    logged.length = 0;
    sandbox.emulators.maple.emulator.inject({ reset: true });
    structured(await client.callTool({ name: 'maple_list_customers', arguments: { take: 1 } }));
    await vi.waitFor(() => expect(warnings()).toHaveLength(1), POLL);
    expect(warnings()[0]).toMatch(
      /^Maple Billing: (ECONNRESET|UND_ERR_SOCKET); retry 1 of 2 in \d+ ms$/,
    );
  });

  it('honours logging/setLevel: at "error" no warning is sent, back at "warning" it is', async () => {
    const { emulator } = sandbox.emulators.quentli;
    await client.setLoggingLevel('error');
    emulator.inject({ respond: { status: 503, json: {} } });
    structured(await client.callTool({ name: 'quentli_list_customers', arguments: { take: 1 } }));

    await client.setLoggingLevel('warning');
    emulator.inject({ respond: { status: 502, json: {} } });
    structured(await client.callTool({ name: 'quentli_list_customers', arguments: { take: 1 } }));
    // Notifications arrive in order: once the second call's warning is here, the first one's
    // would have been too.
    await vi.waitFor(() => expect(warnings().length).toBeGreaterThan(0), POLL);
    expect(warnings()).toEqual([expect.stringMatching(/^Quentli: HTTP 502; /)]);
  });
});

describe('MCP logging over HTTP, both eras (the messages stream on the call’s own response)', () => {
  it.each(['legacy', 'modern'] as const)(
    '%s: a retried call’s warning arrives before its result',
    async (era) => {
      const http = await startHttpServer(providers);
      const remote = await connectHttpClient(http.url, {}, era);
      const order: string[] = [];
      remote.setNotificationHandler('notifications/message', (n) => {
        order.push(`log:${String(n.params.data)}`);
      });
      try {
        sandbox.emulators.quentli.emulator.inject({ respond: { status: 503, json: {} } });
        // 2026-07-28 sends log messages only for a request that names a level.
        const _meta = era === 'modern' ? { [LOG_LEVEL_META_KEY]: 'info' } : undefined;
        const result = await remote.callTool({
          name: 'quentli_list_customers',
          arguments: { take: 1 },
          ...(_meta && { _meta }),
        });
        order.push('result');
        structured(result);
        expect(order).toEqual([
          expect.stringMatching(/^log:Quentli: HTTP 503; retry 1 of 2/),
          'result',
        ]);
      } finally {
        await remote.close();
        await http.close();
      }
    },
  );
});
