import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../src/providers/registry.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { expectEra, newClient, structured, testEra, toolError } from '../helpers/mcp.js';
import { runProcess } from '../helpers/run.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const BIN = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
/** No inherited keys: each test says exactly which providers are configured. */
const BASE_ENV = { PATH: process.env.PATH ?? '', BILLING_MCP_TIMEOUT_MS: '5000' };

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

function quentliEnv(): Record<string, string> {
  const { QUENTLI_API_KEY, QUENTLI_BASE_URL } = sandboxEnv(sandbox.emulators);
  return { ...BASE_ENV, QUENTLI_API_KEY, QUENTLI_BASE_URL } as Record<string, string>;
}

/** A real client connected to the bin over stdio. */
async function connectBin(env: Record<string, string>): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    env,
    stderr: 'pipe',
  });
  const client = newClient('stdio-test');
  await client.connect(transport);
  expectEra(client, testEra());
  return client;
}

/**
 * Runs the bin with the given stdin lines; stdin closes once stdout answers every id in
 * `answered` (at once when none). Resolves with everything it wrote once it exits.
 */
function run(
  env: Record<string, string>,
  args: string[],
  stdinLines: string[] = [],
  answered: readonly number[] = [],
) {
  return runProcess(process.execPath, [BIN, ...args], {
    env,
    stdinLines,
    closeStdinWhen: ({ stdout }) => {
      const ids = new Set(answeredIds(stdout));
      return answered.every((id) => ids.has(id));
    },
  });
}

/** The ids of the complete JSON-RPC lines written so far. */
function answeredIds(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .slice(0, -1)
    .map((line) => {
      try {
        return (JSON.parse(line) as { id?: unknown }).id;
      } catch {
        return undefined; // not JSON-RPC: the test's own checks say so
      }
    });
}

describe('the built bin over stdio', () => {
  it('serves exactly the two Quentli tools to a real client when only Quentli is configured', async () => {
    const client = await connectBin(quentliEnv());
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['quentli_get_customer', 'quentli_list_customers']);
      const page = structured<{ items: { id: string; provider: string }[]; has_more: boolean }>(
        await client.callTool({ name: 'quentli_list_customers', arguments: { take: 3 } }),
      );
      expect(page.items).toHaveLength(3);
      expect(page.has_more).toBe(true);
      const first = page.items[0] as { id: string };
      const got = structured<{ customer: { id: string } }>(
        await client.callTool({ name: 'quentli_get_customer', arguments: { id: first.id } }),
      );
      expect(got.customer.id).toBe(first.id);
      const missing = toolError(
        await client.callTool({ name: 'quentli_get_customer', arguments: { id: 'cus_nobody' } }),
      );
      expect(missing.code).toBe('not_found');
    } finally {
      await client.close();
    }
  });

  it('serves seven tools with all three providers configured', async () => {
    const client = await connectBin({ ...BASE_ENV, ...sandboxEnv(sandbox.emulators) });
    try {
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(PROVIDER_IDS.length * 2 + 1);
      for (const provider of PROVIDER_IDS) {
        const page = structured<{ returned: number }>(
          await client.callTool({ name: `${provider}_list_customers`, arguments: { take: 2 } }),
        );
        expect(page.returned).toBe(2);
      }
    } finally {
      await client.close();
    }
  });

  it('writes only JSON-RPC to stdout, names the providers on stderr, and exits 0 when stdin closes', async () => {
    const messages = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'raw', version: '0' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'quentli_list_customers', arguments: { take: 2 } },
      },
      {
        jsonrpc: '2.0',
        id: 4,
        method: 'tools/call',
        params: { name: 'quentli_list_customers', arguments: { take: 0 } },
      },
      {
        jsonrpc: '2.0',
        id: 5,
        method: 'tools/call',
        params: { name: 'quentli_get_customer', arguments: { id: 'nope' } },
      },
    ].map((m) => JSON.stringify(m));
    const result = await run(quentliEnv(), [], messages, [1, 2, 3, 4, 5]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    const ids = lines.map((line) => JSON.parse(line).id);
    expect(ids).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
    expect(result.stderr).toContain('serving quentli');
    // The same start-up line reaches the client as an MCP log message (clients may hide stderr).
    const logged = lines
      .map((line) => JSON.parse(line))
      .filter((m) => m.method === 'notifications/message');
    expect(logged[0]?.params).toMatchObject({
      level: 'info',
      data: expect.stringContaining('serving quentli'),
    });
    expect(result.stderr).not.toContain(quentliEnv().QUENTLI_API_KEY);
  });

  // The v1 client wrote "MCP error -32602: " before the message; the v2 client's ProtocolError
  // carries the server's message as sent. Either way no prefix may come twice.
  it('answers an unknown tool with an InvalidParams error whose message is exactly ours (no MCP prefix inside it)', async () => {
    const client = await connectBin(quentliEnv());
    try {
      const error = await client.callTool({ name: 'quentli_delete_customer' }).then(
        () => undefined,
        (e: unknown) => e as { code: number; message: string },
      );
      expect(error?.code).toBe(-32602);
      expect(error?.message).toBe(
        'Unknown tool quentli_delete_customer. Tools: quentli_get_customer, quentli_list_customers',
      );
    } finally {
      await client.close();
    }
  });

  it('exits non-zero listing the variables when no provider is configured', async () => {
    const result = await run(BASE_ENV, []);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/QUENTLI_API_KEY[\s\S]*FLEXPRICE_API_KEY[\s\S]*MAPLE_API_KEY/);
  });

  it('prints usage for --help, the version for --version, and fails on unknown flags', async () => {
    expect((await run(BASE_ENV, ['--help'])).stdout).toContain('Usage: billing-customers-mcp');
    expect((await run(BASE_ENV, ['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const bad = await run(BASE_ENV, ['--api-key', 'sk_x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Usage:');
    expect(bad.stderr).not.toContain('sk_x');
  });

  it('answers --bogus with one line: the problem and the usage, and no suggestion that fails', async () => {
    const bad = await run(BASE_ENV, ['--bogus']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      "billing-customers-mcp: Unknown option '--bogus'. Usage: billing-customers-mcp [--demo] [--http [--host H] [--port N]] [doctor]; see --help.\n",
    );
  });
});
