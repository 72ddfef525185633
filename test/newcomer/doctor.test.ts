/** `billing-customers-mcp doctor` as a user runs it: the built bin against real emulators. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { BASE_ENV, BIN, runBin } from '../helpers/run.js';
import { sandboxEnv } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let env: Record<string, string>;
beforeAll(async () => {
  sandbox = await startSandbox();
  env = { ...BASE_ENV, ...sandboxEnv(sandbox.emulators) };
});
afterAll(() => sandbox.close());

const KEY_VARS = ['QUENTLI_API_KEY', 'FLEXPRICE_API_KEY', 'MAPLE_API_KEY'];

interface DesktopConfig {
  mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }>;
}

/** The JSON documents doctor prints, each from a line that is exactly `{` to one that is `}`. */
function configs(stdout: string): DesktopConfig[] {
  return [...stdout.matchAll(/^\{\n[\s\S]*?\n\}$/gm)].map((m) => JSON.parse(m[0]) as DesktopConfig);
}

function desktopServer(stdout: string, index = 0) {
  const server = configs(stdout)[index]?.mcpServers['billing-customers'];
  if (!server) throw new Error(`no config #${index} in:\n${stdout}`);
  return server;
}

function expectNoKey(output: string, keys: readonly string[]): void {
  for (const key of keys) expect(output).not.toContain(key);
}

describe('doctor', () => {
  it('checks every provider, exits 0 and prints env-only configs with placeholders for keys', async () => {
    const result = await runBin(['doctor'], env);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const id of ['quentli', 'flexprice', 'maple']) {
      expect(result.stdout).toMatch(
        new RegExp(`^${id} +http://127\\.0\\.0\\.1:\\d+/\\S+ +ok$`, 'm'),
      );
    }
    const server = desktopServer(result.stdout);
    const pasted = server.env ?? {};
    // This Node and this copy of the bin, by absolute path: never `npx` of an unpublished name.
    expect(server.command).toBe(process.execPath);
    expect(server.args).toEqual([BIN]);
    for (const name of KEY_VARS) expect(pasted[name]).toBe(`<your ${name}>`);
    // Not secrets: the company id and the non-default (emulator) origins are carried over.
    expect(pasted.MAPLE_COMPANY_ID).toBe(sandbox.settings.maple.extras?.companyId);
    expect(pasted.QUENTLI_BASE_URL).toBe(new URL(sandbox.settings.quentli.baseUrl).origin);
    // Absolute paths need no Windows variant (no `cmd /c`): one config.
    expect(configs(result.stdout)).toHaveLength(1);
    expectNoKey(
      result.stdout + result.stderr,
      KEY_VARS.map((name) => env[name] as string),
    );
  });

  it('reports a wrong key as unauthorized with the variable to fix, exits 1 and prints no key', async () => {
    const wrong = 'sk_wrong_key_0123456789abcdef';
    const result = await runBin(['doctor'], { ...env, QUENTLI_API_KEY: wrong });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^quentli +\S+ +FAILED unauthorized$/m);
    expect(result.stdout).toMatch(/^quentli: unauthorized: .+\n {2}fix: .*QUENTLI_API_KEY/m);
    expect(result.stdout).toMatch(/^flexprice +\S+ +ok$/m);
    // The config covers only what works.
    const server = desktopServer(result.stdout);
    expect(Object.keys(server.env ?? {})).not.toContain('QUENTLI_API_KEY');
    expect(server.env).toHaveProperty('FLEXPRICE_API_KEY');
    expectNoKey(result.stdout + result.stderr, [
      wrong,
      env.FLEXPRICE_API_KEY as string,
      env.MAPLE_API_KEY as string,
    ]);
  });

  it('reports an unreachable base URL with the variable to fix, and no config when nothing works', async () => {
    const result = await runBin(['doctor'], {
      ...BASE_ENV,
      BILLING_MCP_MAX_RETRIES: '0',
      FLEXPRICE_API_KEY: env.FLEXPRICE_API_KEY as string,
      FLEXPRICE_BASE_URL: 'http://127.0.0.1:1',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^flexprice +http:\/\/127\.0\.0\.1:1\/v1 +FAILED upstream_error$/m,
    );
    expect(result.stdout).toMatch(/fix: .*FLEXPRICE_BASE_URL/);
    expect(result.stdout).not.toContain('mcpServers');
  });

  it('with --demo checks the sandbox, ignores keys and prints a --demo config without env', async () => {
    const result = await runBin(['--demo', 'doctor'], {
      ...BASE_ENV,
      QUENTLI_API_KEY: 'sk_ignored_in_demo_1234',
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.match(/ ok$/gm)).toHaveLength(3);
    expect(desktopServer(result.stdout)).toEqual({
      command: process.execPath,
      args: [BIN, '--demo'],
    });
    expectNoKey(result.stdout + result.stderr, ['sk_ignored_in_demo_1234']);
  });

  it('exits 1 and names the variables when no provider is configured', async () => {
    const result = await runBin(['doctor'], BASE_ENV);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /QUENTLI_API_KEY.*FLEXPRICE_API_KEY.*MAPLE_API_KEY \+ MAPLE_COMPANY_ID/,
    );
  });
});
