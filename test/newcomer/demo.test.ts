/** The quick start's first command and the `--demo` sandbox it shows, through the built bin. */

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { structured } from '../helpers/mcp.js';
import { BASE_ENV, BIN, DEMO, runProcess } from '../helpers/run.js';

const TOOLS = [
  ...['quentli', 'flexprice', 'maple'].flatMap((p) => [`${p}_get_customer`, `${p}_list_customers`]),
  'find_customers',
];

async function withDemoServer<T>(
  env: Record<string, string>,
  use: (client: Client, stderr: () => string) => Promise<T>,
) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, '--demo'],
    env,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const client = new Client({ name: 'newcomer-test', version: '0.0.0' });
  await client.connect(transport);
  try {
    return await use(client, () => stderr);
  } finally {
    await client.close();
  }
}

describe('npm run demo (scripts/demo.mjs)', () => {
  it('prints a real client session: tools, a search by email, the same email everywhere, two pages by cursor, a not_found', async () => {
    const result = await runProcess(process.execPath, [DEMO], { env: BASE_ENV });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toContain('← 7 tools');
    for (const name of TOOLS) expect(out).toContain(name);
    expect(out).toContain('from the built-in sandbox (--demo)');
    expect(out).toMatch(/→ quentli_list_customers \{"email":"[^"@]+@[^"]+"\}\n← 1 match/);
    expect(out).toMatch(
      /→ find_customers \{"email":"[^"@]+@[^"]+"\}\n← quentli: 1 match\n.+\n← flexprice: \d+ match(es)?\n(.+\n)*← maple: \d+ match/,
    );
    expect(out).toMatch(
      /→ maple_list_customers \{"take":5\}\n← skip 0, returned 5, has_more true, next_skip 5/,
    );
    expect(out).toMatch(
      /→ maple_list_customers \{"take":5,"cursor":"[\w-]+"\}\n← skip 5, returned 5/,
    );
    expect(out).toMatch(
      /← isError: \{"error":\{"code":"not_found","message":".+?","provider":"flexprice"/,
    );
    expect(out).toContain('Done: every step answered as expected.');
  });
});

describe('--demo', () => {
  it('serves all seven tools from the sandbox, ignoring configured keys, and says so without printing them', async () => {
    const key = 'sk_live_must_not_be_used_123456';
    const env = { ...BASE_ENV, QUENTLI_API_KEY: key, QUENTLI_BASE_URL: 'http://127.0.0.1:1' };
    await withDemoServer(env, async (client, stderr) => {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(TOOLS);
      // Answered although the configured base URL is closed: the sandbox serves Quentli.
      const page = structured<{ returned: number }>(
        await client.callTool({ name: 'quentli_list_customers', arguments: { take: 3 } }),
      );
      expect(page.returned).toBe(3);
      expect(stderr()).toMatch(/--demo: ignoring the configured API keys/);
      expect(stderr()).not.toContain(key);
    });
  });

  it('is deterministic: two sandboxes answer the same pages with the same customers', async () => {
    const firstPages = async () =>
      withDemoServer(BASE_ENV, async (client) => {
        const pages = [];
        for (const name of [
          'quentli_list_customers',
          'flexprice_list_customers',
          'maple_list_customers',
        ]) {
          pages.push(
            structured(await client.callTool({ name, arguments: { take: 10, detail: 'full' } })),
          );
        }
        return pages;
      });
    const [one, two] = await Promise.all([firstPages(), firstPages()]);
    expect(two).toEqual(one);
  });
});
