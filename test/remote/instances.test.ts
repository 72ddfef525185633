/**
 * Scale-out: two instances of the bin on two ports, one client alternating between
 * them as a load balancer would. Nothing an instance keeps between requests is needed: a Maple
 * next_cursor from one continues on the other at one upstream request per page.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { connectHttpClient, type HttpBin, postMcp, spawnHttpBin } from '../helpers/http.js';
import { structured, toolError } from '../helpers/mcp.js';
import { sandboxEnv } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let bins: HttpBin[];
let clients: Client[];

beforeAll(async () => {
  sandbox = await startSandbox();
  const env = sandboxEnv(sandbox.emulators);
  bins = await Promise.all([spawnHttpBin([], env), spawnHttpBin([], env)]);
  clients = await Promise.all(bins.map((bin) => connectHttpClient(bin.url)));
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  expect(await Promise.all(bins.map((bin) => bin.stop()))).toEqual([0, 0]);
  await sandbox.close();
});

/** The client of the n-th request: A, B, A, B… */
const via = (n: number) => clients[n % 2] as Client;

describe('two instances, a client alternating between them', () => {
  it('pages Maple by next_cursor across instances at one upstream request per page, each customer once', async () => {
    const { emulator } = sandbox.emulators.maple;
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let n = 0; n < 6; n++) {
      const before = emulator.requests.length;
      const page = structured<{
        items: { id: string }[];
        next_cursor: string | null;
        skip: number;
      }>(
        await via(n).callTool({
          name: 'maple_list_customers',
          arguments: cursor ? { take: 25, cursor } : { take: 25 },
        }),
      );
      expect(emulator.requests.length - before, `page ${n}`).toBe(1);
      expect(page.skip).toBe(n * 25);
      for (const item of page.items) seen.add(item.id);
      expect(page.next_cursor).not.toBeNull();
      cursor = page.next_cursor as string;
    }
    expect(seen.size).toBe(150);
  });

  it('answers the same on both instances: results, not_found, invalid_argument and a cursor for another query', async () => {
    const [a, b] = clients as [Client, Client];
    const args = { name: 'quentli_list_customers', arguments: { take: 3 } };
    expect(structured(await a.callTool(args))).toEqual(structured(await b.callTool(args)));
    for (const call of [
      { name: 'flexprice_get_customer', arguments: { id: 'cust_nobody' } },
      { name: 'maple_get_customer', arguments: { id: 'x', external_id: 'y' } },
      { name: 'quentli_list_customers', arguments: { take: 500 } },
    ]) {
      expect(toolError(await a.callTool(call)), call.name).toEqual(
        toolError(await b.callTool(call)),
      );
    }
    const first = structured<{ next_cursor: string }>(
      await a.callTool({ name: 'maple_list_customers', arguments: { take: 2 } }),
    );
    const misused = toolError(
      await b.callTool({
        name: 'maple_list_customers',
        arguments: { take: 2, name: 'x', cursor: first.next_cursor },
      }),
    );
    expect(misused.code).toBe('invalid_argument');
  });

  it("find_customers answers the same on both instances; a section's next_cursor continues on the other at one upstream request", async () => {
    const [a, b] = clients as [Client, Client];
    const find = { name: 'find_customers', arguments: { search: 'a', take: 3 } };
    type Found = {
      results: { provider: string; items: { id: string }[]; next_cursor: string | null }[];
    };
    const onA = structured<Found>(await a.callTool(find));
    expect(structured<Found>(await b.callTool(find))).toEqual(onA);
    expect(onA.results.map((r) => r.provider)).toEqual(['quentli', 'flexprice', 'maple']);
    const maple = onA.results.find((r) => r.provider === 'maple');
    expect(maple?.next_cursor).toBeTruthy();
    const { emulator } = sandbox.emulators.maple;
    const before = emulator.requests.length;
    const next = structured<{ items: { id: string }[]; skip: number }>(
      await b.callTool({
        name: 'maple_list_customers',
        arguments: { search: 'a', take: 3, cursor: maple?.next_cursor },
      }),
    );
    expect(emulator.requests.length - before).toBe(1);
    expect(next.skip).toBe(3);
    expect(next.items.filter((item) => maple?.items.some((seen) => seen.id === item.id))).toEqual(
      [],
    );
  });

  it('redacts the environment keys from what it sends, as over stdio', async () => {
    const key = sandbox.settings.flexprice.apiKey;
    const named = await via(0)
      .callTool({ name: `lookup_${key}`, arguments: {} })
      .then(
        () => 'answered',
        (error: Error) => error.message,
      );
    expect(named).toContain('Unknown tool lookup_[redacted]');
    const result = await via(1).callTool({
      name: 'flexprice_list_customers',
      arguments: { take: key },
    });
    expect(JSON.stringify(result)).toContain('[redacted]');
    expect(JSON.stringify(result)).not.toContain(key);
  });

  it('cancellation: the instance serving the call aborts its upstream request; a cancel that reaches the other instance is accepted and the call completes', async () => {
    const { emulator } = sandbox.emulators.flexprice;
    emulator.inject({ hang: 'headers' });
    const controller = new AbortController();
    const before = emulator.requests.length;
    const pending = via(0).callTool(
      { name: 'flexprice_list_customers', arguments: { take: 2 } },
      {
        signal: controller.signal,
      },
    );
    await vi.waitFor(() => expect(emulator.requests.length).toBe(before + 1));
    controller.abort('changed my mind');
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(emulator.requests[before]?.closedEarly).toBe(true));

    // A cancel routed to the other instance cannot reach the call: it runs to its end.
    emulator.latencyMs = 400;
    try {
      const call = postMcp((bins[0] as HttpBin).url, {
        jsonrpc: '2.0',
        id: 99,
        method: 'tools/call',
        params: { name: 'flexprice_list_customers', arguments: { take: 2 } },
      });
      await vi.waitFor(() => expect(emulator.requests.length).toBe(before + 2));
      const cancel = await postMcp((bins[1] as HttpBin).url, {
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: 99 },
      });
      expect(cancel.status).toBe(202);
      expect((await call).status).toBe(200);
    } finally {
      emulator.latencyMs = 0;
    }
  });
});
