/**
 * The built bin in remote mode (CONTRACT §6): start-up refusals, the start-up line, stdin ignored,
 * graceful SIGTERM with calls in flight. Real processes, real HTTP on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { connectHttpClient, postMcp, rpcBody, spawnHttpBin } from '../helpers/http.js';
import { structured } from '../helpers/mcp.js';
import { closedPort } from '../helpers/reliability.js';
import { BASE_ENV, runBin } from '../helpers/run.js';
import { sandboxEnv } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const TOKEN = 'tok_0123456789abcdef0123456789abcdef';

describe('start-up refusals (exit 1, a message that says what to set)', () => {
  it.each([
    [
      'a non-loopback host without access control',
      ['--http', '--host', '0.0.0.0'],
      {},
      /Refusing to serve billing data on 0\.0\.0\.0 without access control\. Set BILLING_MCP_HTTP_TOKEN/,
    ],
    [
      'a port out of range',
      ['--http', '--port', '70000'],
      {},
      /BILLING_MCP_HTTP_PORT must be a whole number from 0 to 65535 \(got "70000"\)/,
    ],
    [
      'a port that is not a number',
      ['--http'],
      { BILLING_MCP_HTTP_PORT: 'http' },
      /BILLING_MCP_HTTP_PORT must be a whole number/,
    ],
    [
      'a token too short to be secret',
      ['--http'],
      { BILLING_MCP_HTTP_TOKEN: 'secret' },
      /at least 16 visible ASCII characters/,
    ],
    [
      'an issuer that is not a URL',
      ['--http'],
      {
        BILLING_MCP_OAUTH_ISSUER: 'auth.example.com',
        BILLING_MCP_OAUTH_AUDIENCE: 'https://mcp.example.com/mcp',
      },
      /BILLING_MCP_OAUTH_ISSUER is not a valid URL/,
    ],
    [
      'an issuer over plain http off the loopback',
      ['--http'],
      {
        BILLING_MCP_OAUTH_ISSUER: 'http://auth.example.com',
        BILLING_MCP_OAUTH_AUDIENCE: 'https://mcp.example.com/mcp',
      },
      /BILLING_MCP_OAUTH_ISSUER must be an https URL/,
    ],
    ['--port without --http', ['--port', '3000'], {}, /--host and --port only apply with --http/],
    [
      'header credentials beside env keys',
      ['--http'],
      { BILLING_MCP_HTTP_CREDENTIALS: 'headers' },
      /BILLING_MCP_HTTP_CREDENTIALS=headers takes provider keys from each request: unset QUENTLI_API_KEY/,
    ],
  ])('%s', async (_, args, env, message) => {
    const quentli = {
      QUENTLI_API_KEY: sandbox.settings.quentli.apiKey,
      QUENTLI_BASE_URL: sandbox.settings.quentli.baseUrl,
    };
    const { code, stderr, stdout } = await runBin(args, { ...BASE_ENV, ...quentli, ...env });
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
    expect(stderr).not.toContain(quentli.QUENTLI_API_KEY);
  });

  it('an issuer whose metadata cannot be fetched', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}`;
    const { code, stderr } = await runBin(['--http', '--demo'], {
      ...BASE_ENV,
      BILLING_MCP_OAUTH_ISSUER: issuer,
      BILLING_MCP_OAUTH_AUDIENCE: 'https://mcp.example.com/mcp',
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `BILLING_MCP_OAUTH_ISSUER: no authorization server metadata for ${issuer}`,
    );
  });

  it('a port another instance holds: names the address and --port / BILLING_MCP_HTTP_PORT', async () => {
    const first = await spawnHttpBin(['--demo'], {});
    try {
      const port = new URL(first.url).port;
      const expected = new RegExp(
        `^billing-customers-mcp: Cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use \\(another billing-customers-mcp --http\\?\\)\\. Stop that process, or choose another port with --port or BILLING_MCP_HTTP_PORT \\(0 takes any free port\\)\\.$`,
        'm',
      );
      for (const [args, env] of [
        [['--http', '--demo', '--port', port], {}],
        [['--http', '--demo'], { BILLING_MCP_HTTP_PORT: port }],
      ] as const) {
        const { code, stderr, stdout } = await runBin(args, { ...BASE_ENV, ...env });
        expect(code).toBe(1);
        expect(stderr).toMatch(expected);
        expect(stderr).not.toMatch(/EADDRINUSE|fatal|at .*\.js:\d+/);
        expect(stdout).toBe('');
      }
      // The first instance is untouched.
      expect((await fetch(first.url.replace('/mcp', '/healthz'))).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  it('--help documents remote mode and its variables', async () => {
    const { code, stdout } = await runBin(['--help'], BASE_ENV);
    expect(code).toBe(0);
    for (const text of [
      '--http',
      'BILLING_MCP_HTTP_HOST',
      'BILLING_MCP_HTTP_PORT',
      'BILLING_MCP_HTTP_TOKEN',
      'BILLING_MCP_OAUTH_ISSUER',
      'BILLING_MCP_HTTP_CREDENTIALS=headers',
      'BILLING_MCP_HTTP_MAX_IN_FLIGHT',
    ]) {
      expect(stdout).toContain(text);
    }
  });
});

describe('serving', () => {
  // Two bins started one after the other: more than the default 5 s on a loaded machine.
  it('--demo --http: names the URL it took, serves with stdin closed, and 0.0.0.0 with a token requires the token', {
    timeout: 20_000,
  }, async () => {
    const demo = await spawnHttpBin(['--demo'], {});
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connectHttpClient(demo.url);
    expect((await client.listTools()).tools).toHaveLength(7);
    await client.close();
    expect(await demo.stop()).toBe(0);

    const open = await spawnHttpBin(['--host', '0.0.0.0'], {
      ...sandboxEnv(sandbox.emulators),
      BILLING_MCP_HTTP_TOKEN: TOKEN,
    });
    const url = open.url.replace('0.0.0.0', '127.0.0.1');
    expect((await postMcp(url, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(401);
    const authed = await connectHttpClient(url, { authorization: `Bearer ${TOKEN}` });
    expect((await authed.listTools()).tools).toHaveLength(7);
    await authed.close();
    expect(await open.stop()).toBe(0);
    expect(open.stderr()).not.toContain(TOKEN);
  });

  it('SIGTERM with calls in flight: they complete, new connections are refused, exit 0', async () => {
    const { emulator } = sandbox.emulators.maple;
    const bin = await spawnHttpBin([], sandboxEnv(sandbox.emulators));
    emulator.latencyMs = 1500;
    try {
      const before = emulator.requests.length;
      const call = (id: number) =>
        postMcp(bin.url, {
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: { name: 'maple_list_customers', arguments: { take: 2 } },
        });
      const inFlight = [call(1), call(2), call(3)];
      await vi.waitFor(() => expect(emulator.requests.length - before).toBe(3), { timeout: 5000 });
      bin.child.kill('SIGTERM');
      await vi.waitFor(() => expect(bin.stderr()).toContain('SIGTERM: no new connections'), {
        timeout: 5000,
      });
      await expect(fetch(bin.url.replace(/\/mcp$/, '/healthz'))).rejects.toThrow();
      for (const response of await Promise.all(inFlight)) {
        expect(response.status).toBe(200);
        const body = await rpcBody<{ result: { structuredContent: unknown } }>(response);
        expect(structured(body.result)).toMatchObject({ returned: 2 });
      }
      expect(await bin.exited).toBe(0);
      const log = bin
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      expect(log.map((line) => JSON.parse(line).status)).toEqual([200, 200, 200]);
    } finally {
      emulator.latencyMs = 0;
    }
  });
});
