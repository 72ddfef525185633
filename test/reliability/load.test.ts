/**
 * Load (docs/reliability.md): 500 concurrent tool calls over one stdio connection to the built
 * bin, mixed providers, 20 ms emulator latency. Every answer must be the right one for its call,
 * connections to each emulator stay few (keep-alive reuse), and memory stays bounded.
 */
import { EventEmitter } from 'node:events';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../src/providers/types.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { createCapture, secretForms } from '../helpers/capture.js';
import { structured } from '../helpers/mcp.js';
import { peakRssMb, spawnClient } from '../helpers/process.js';
import { expectHealthy, PROVIDER_CASES } from '../helpers/reliability.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const CALLS = 500;
/** BILLING_MCP_MAX_CONNECTIONS: the bin's pool and request gate, per origin (default 64). */
const MAX_CONNECTIONS = 5;

interface Page {
  provider: string;
  items: { id: string; provider: string }[];
  returned: number;
}

const started = {} as Record<ProviderId, ProviderEmulator>;
beforeAll(async () => {
  for (const pc of PROVIDER_CASES) started[pc.id] = await pc.start();
});
afterAll(async () => {
  for (const sandbox of Object.values(started)) await sandbox.close();
});

/*
 * All calls at once queue that many writes on the child's stdin, and the SDK's stdio client waits
 * for 'drain' once per pending write: expected here, so the listener limit is raised for this file
 * and the run must leave no process warning (it printed a MaxListenersExceededWarning).
 */
const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
const defaultMaxListeners = EventEmitter.defaultMaxListeners;
beforeAll(() => {
  EventEmitter.defaultMaxListeners = CALLS * 2;
  process.on('warning', onWarning);
});
afterAll(() => {
  EventEmitter.defaultMaxListeners = defaultMaxListeners;
  process.off('warning', onWarning);
  expect(warnings).toEqual([]);
});

describe('load over one stdio connection', () => {
  it(`${CALLS} concurrent calls, mixed providers, 20 ms latency: all answered correctly, few connections, bounded memory`, {
    timeout: 30_000,
  }, async () => {
    const capture = createCapture();
    const server = await spawnClient(
      {
        ...sandboxEnv(started),
        BILLING_MCP_TIMEOUT_MS: '10000',
        BILLING_MCP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      },
      capture,
    );
    try {
      // Ground truth for every call: the first 60 rows of each provider, in its default order.
      const ids = {} as Record<ProviderId, string[]>;
      for (const pc of PROVIDER_CASES) {
        const page = structured<Page>(
          await server.client.callTool({
            name: `${pc.id}_list_customers`,
            arguments: { take: 60 },
          }),
        );
        ids[pc.id] = page.items.map((item) => item.id);
        expect(ids[pc.id]).toHaveLength(60);
      }
      const connectionsBefore = Object.fromEntries(
        PROVIDER_CASES.map((pc) => [pc.id, started[pc.id].emulator.connections]),
      );
      for (const sandbox of Object.values(started)) sandbox.emulator.latencyMs = 20;

      const calls = Array.from({ length: CALLS }, (_, i) => {
        const pc = PROVIDER_CASES[i % PROVIDER_CASES.length] as (typeof PROVIDER_CASES)[number];
        const known = ids[pc.id];
        if (i % 5 === 0) {
          const skip = i % 50;
          return {
            name: `${pc.id}_list_customers`,
            args: { skip, take: 3 },
            check: (result: CallToolResult) => {
              const page = structured<Page>(result);
              expect(page.provider).toBe(pc.id);
              expect(page.items.map((item) => item.id)).toEqual(known.slice(skip, skip + 3));
            },
          };
        }
        const id = known[i % known.length] as string;
        return {
          name: `${pc.id}_get_customer`,
          args: { id },
          check: (result: CallToolResult) => {
            const { customer } = structured<{ customer: { id: string; provider: string } }>(result);
            expect(customer).toMatchObject({ id, provider: pc.id });
          },
        };
      });
      const results = await Promise.all(
        calls.map((c) => server.client.callTool({ name: c.name, arguments: c.args })),
      );
      results.forEach((result, i) => {
        capture.add(result);
        calls[i]?.check(result as CallToolResult);
      });

      for (const pc of PROVIDER_CASES) {
        const opened = started[pc.id].emulator.connections - (connectionsBefore[pc.id] ?? 0);
        expect(opened, `${pc.id} connections`).toBeLessThanOrEqual(MAX_CONNECTIONS);
        started[pc.id].emulator.latencyMs = 0;
        await expectHealthy(server.client, pc.id);
      }
      expect(server.errors.map(String)).toEqual([]);
      const peak = peakRssMb(server.pid);
      if (peak !== null) expect(peak).toBeLessThan(300);
      expect(
        capture.leaks(secretForms(PROVIDER_CASES.map((pc) => started[pc.id].settings.apiKey))),
      ).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
