/**
 * CONTRACT §5 through the built bin: a provider that echoes the key, a caller that
 * sends it, a key pasted into the wrong variable or with a character a header cannot carry. The
 * secret scan covers everything captured: tool results, JSON-RPC errors, stderr, doctor output.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../src/providers/types.js';
import type { Fault } from '../../src/sandbox/emulator.js';
import type { ProviderEmulator } from '../../src/sandbox/types.js';
import { createCapture, secretForms } from '../helpers/capture.js';
import { toolError } from '../helpers/mcp.js';
import { spawnClient } from '../helpers/process.js';
import {
  ECHO_STATUSES,
  ECHOES,
  expectHealthy,
  PROVIDER_CASES,
  sentCredential,
} from '../helpers/reliability.js';
import { BASE_ENV, runBin } from '../helpers/run.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const started = {} as Record<ProviderId, ProviderEmulator>;
const capture = createCapture();
const keys = () => Object.values(started).map((s) => s.settings.apiKey);

beforeAll(async () => {
  for (const pc of PROVIDER_CASES) started[pc.id] = await pc.start();
});
afterAll(async () => {
  for (const sandbox of Object.values(started)) await sandbox.close();
  // The scan over everything this file captured, for every form of every key.
  expect(capture.texts.length).toBeGreaterThan(0);
  expect(capture.leaks(secretForms(keys()))).toEqual([]);
});

const env = () => ({ ...BASE_ENV, ...sandboxEnv(started), BILLING_MCP_MAX_RETRIES: '0' });

describe('keys echoed back reach no output of the built bin (item 1)', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof spawnClient>>;
  beforeAll(async () => {
    server = await spawnClient(env(), capture);
  });
  afterAll(() => server.close());

  it.each(PROVIDER_CASES)(
    '$id echoing the key (every status, field and form): tool results carry no form of it',
    async (pc) => {
      const { emulator } = started[pc.id];
      for (const status of ECHO_STATUSES) {
        for (const [index] of pc.echoBodies('').entries()) {
          for (const { name, echo } of ECHOES) {
            const fault: Fault = {
              rewrite: (_, request) => ({
                status,
                json: pc.echoBodies(echo(sentCredential(request)))[index],
              }),
            };
            emulator.inject(fault);
            const args = status === 404 ? { id: 'cus_echo' } : { take: 2 };
            const tool = `${pc.id}_${status === 404 ? 'get_customer' : 'list_customers'}`;
            const result = (await server.client.callTool({ name: tool, arguments: args })) as
              | CallToolResult
              | undefined;
            emulator.clearFaults();
            capture.add(result);
            expect(toolError(result).http_status, `${status} ${name}`).toBe(status);
            const seen = createCapture();
            seen.add(result);
            expect(seen.leaks(secretForms(keys())), `${status} ${name}`).toEqual([]);
          }
        }
      }
      await expectHealthy(server.client, pc.id);
    },
  );

  it('a key sent as a tool name or an argument: the JSON-RPC error and the result hide it', async () => {
    const key = started.flexprice.settings.apiKey;
    const rejected = await server.client.callTool({ name: `lookup_${key}`, arguments: {} }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    capture.add(rejected);
    expect(rejected).toContain('[redacted]');
    const result = await server.client.callTool({
      name: 'flexprice_list_customers',
      arguments: { take: key },
    });
    capture.add(result);
    expect(toolError(result).code).toBe('invalid_argument');
    expect(JSON.stringify(result)).toContain('[redacted]');
    const seen = createCapture();
    seen.add(rejected);
    seen.add(result);
    expect(seen.leaks(secretForms(keys()))).toEqual([]);
  });
});

describe('doctor and start-up errors print no key (items 1 and 8)', { timeout: 60_000 }, () => {
  it('doctor against providers that echo the key in their 401: no form of it in its output', async () => {
    for (const pc of PROVIDER_CASES) {
      started[pc.id].emulator.inject(
        ...ECHOES.map(
          ({ echo }): Fault => ({
            rewrite: (_, request) => ({
              status: 401,
              json: pc.echoBodies(echo(sentCredential(request)))[0],
            }),
          }),
        ),
      );
    }
    // One doctor per form, side by side: each takes one 401 per provider (not retried), which
    // form it gets does not matter, as every output is scanned for every form.
    const outputs: string[] = [];
    const results = await Promise.all(ECHOES.map(() => runBin(['doctor'], env())));
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('FAILED unauthorized');
      outputs.push(result.stdout, result.stderr);
    }
    for (const pc of PROVIDER_CASES) started[pc.id].emulator.clearFaults();
    for (const output of outputs) capture.add(output);
    expect(outputs.join('\n')).toContain('[redacted]');
    const seen = createCapture();
    for (const output of outputs) seen.add(output);
    expect(seen.leaks(secretForms(keys()))).toEqual([]);
  });

  it('a key pasted into BILLING_MCP_TIMEOUT_MS: the config error names the variable, not the key', async () => {
    const key = started.quentli.settings.apiKey;
    const both = await runBin([], { ...env(), BILLING_MCP_TIMEOUT_MS: key });
    // Only there (so not known as a key): still not quoted back.
    const alone = await runBin([], { ...BASE_ENV, BILLING_MCP_TIMEOUT_MS: ` ${key}` });
    for (const result of [both, alone]) {
      capture.add(result.stdout);
      capture.add(result.stderr);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('BILLING_MCP_TIMEOUT_MS must be a whole number');
      expect(result.stderr.toLowerCase()).not.toContain(key.slice(0, 10).toLowerCase());
    }
    // A typo still gets quoted back, which is what helps the user fix it.
    const typo = await runBin([], { ...env(), BILLING_MCP_TIMEOUT_MS: '15s' });
    expect(typo.stderr).toContain('(got "15s")');
  });

  it.each([
    ['typographic quotes', (key: string) => `“${key}”`],
    ['a line break inside', (key: string) => `${key.slice(0, 8)}\n${key.slice(8)}`],
    ['a control character', (key: string) => `${key}\u0007`],
    ['a zero-width space', (key: string) => `${key}\u200b`],
  ])(
    'a key with %s: serve and doctor stop with a config error naming the variable, never the key',
    async (_, damage) => {
      const key = started.flexprice.settings.apiKey;
      const bad = { ...env(), FLEXPRICE_API_KEY: damage(key) };
      for (const args of [[], ['doctor']]) {
        const result = await runBin(args, bad);
        capture.add(result.stdout);
        capture.add(result.stderr);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('FLEXPRICE_API_KEY contains a character an HTTP header');
        expect(result.stderr + result.stdout).not.toContain('FLEXPRICE_BASE_URL');
        expect((result.stderr + result.stdout).toLowerCase()).not.toContain(
          key.slice(0, 10).toLowerCase(),
        );
      }
    },
  );
});
