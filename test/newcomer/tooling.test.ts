/**
 * The third-party tools the README sends people to, installed from npm and run for real
 * (CONTRACT §7): Claude Code's `claude mcp add` (the README's command, into a temporary HOME), the
 * MCP Inspector CLI (the README's command), and `@anthropic-ai/mcpb` (validate, pack, and the
 * packed bundle started as Claude Desktop would, with nothing but its Sandbox setting on).
 *
 * They download packages (Claude Code alone is ~100 MB) and the bundle step rebuilds dist/, so
 * they run on request, as their own CI step:
 *   BILLING_MCP_TOOLING=1 npx vitest run test/newcomer/tooling.test.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, section, shellCommands, UNIX_PATH } from '../helpers/readme.js';
import { BIN, type Finished, npmEnv, ROOT, runProcess } from '../helpers/run.js';

const requested = process.env.BILLING_MCP_TOOLING === '1';
const MCPB = '@anthropic-ai/mcpb@2';
/** Pinned: the version this test was written against (Claude Code 2.1, as in the issue). */
const CLAUDE_CODE = '@anthropic-ai/claude-code@2.1.332';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'billing-mcp-tooling-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function ok(result: Finished, what: string): Finished {
  expect(result.code, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

const sh = (command: string, options: { env: Record<string, string>; cwd?: string }) =>
  runProcess('sh', ['-c', command], { ...options, timeoutMs: 240_000 });

describe.runIf(requested).sequential('tools from npm, run for real', () => {
  it('Claude Code: the README command adds the server to a fresh user config, claude mcp list shows it connected without printing a key', async () => {
    const prefix = join(dir, 'claude');
    ok(
      await runProcess('npm', ['install', '-g', CLAUDE_CODE], {
        env: npmEnv({ npm_config_prefix: prefix }),
        timeoutMs: 300_000,
      }),
      'installing Claude Code',
    );
    const home = join(dir, 'home');
    const claudeEnv = npmEnv(
      {
        HOME: home,
        QUENTLI_API_KEY: 'sk_test_readme_quentli',
        FLEXPRICE_API_KEY: 'test_readme_flexprice',
        MAPLE_API_KEY: 'test_readme_maple',
        MAPLE_COMPANY_ID: 'cmp_readme',
      },
      [join(prefix, 'bin')],
    );
    const [add] = codeBlocks(section('Use it in your assistant') ?? '', 'sh').flatMap(
      shellCommands,
    );
    expect(add).toMatch(/^claude mcp add billing-customers /);
    ok(await sh((add as string).replace(UNIX_PATH, BIN), { env: claudeEnv }), add as string);

    const config = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8'));
    expect(config.mcpServers['billing-customers']).toEqual({
      type: 'stdio',
      command: 'node',
      args: [BIN],
      env: {
        QUENTLI_API_KEY: 'sk_test_readme_quentli',
        FLEXPRICE_API_KEY: 'test_readme_flexprice',
        MAPLE_API_KEY: 'test_readme_maple',
        MAPLE_COMPANY_ID: 'cmp_readme',
      },
    });
    // The README's check: `claude mcp list` shows the server connected and prints no key.
    const list = ok(await sh('claude mcp list', { env: claudeEnv }), 'claude mcp list');
    expect(list.stdout).toMatch(/billing-customers: node \S+dist\/index\.js.*Connected/);
    expect(list.stdout + list.stderr).not.toContain('test_readme_');
    const get = ok(await sh('claude mcp get billing-customers', { env: claudeEnv }), 'mcp get');
    expect(get.stdout).toMatch(/Scope: User config/);
    expect(get.stdout).toMatch(/Status: \S+ Connected/);
    // Why the README does not recommend `claude mcp get`: it prints every key in clear.
    expect(get.stdout).toContain('sk_test_readme_quentli');

    // The old README order: the variadic -e takes the name as a value, and the command fails.
    const old = await sh(
      `claude mcp add --transport stdio --scope user -e QUENTLI_API_KEY=x billing-customers-old -- node ${BIN}`,
      { env: claudeEnv },
    );
    expect(old.code).not.toBe(0);
    expect(old.stdout + old.stderr).toMatch(/Invalid environment variable format/);
  }, 400_000);

  it('MCP Inspector: the README command calls a tool on the sandbox', async () => {
    const [command] = codeBlocks(section('Poke at it with the MCP Inspector') ?? '', 'sh').flatMap(
      shellCommands,
    );
    expect(command).toMatch(/^npx -y -p node@22 -p @modelcontextprotocol\/inspector@2 -- /);
    const result = ok(await sh(command as string, { env: npmEnv(), cwd: ROOT }), command as string);
    const answer = JSON.parse(result.stdout) as { content: { text: string }[] };
    const page = JSON.parse(answer.content[0]?.text ?? '{}');
    expect(page).toMatchObject({ provider: 'quentli', returned: 2, take: 2 });
  }, 300_000);

  it('MCPB: the manifest validates; the bundle holds only dist, manifest, icon, license and package.json, and starts with only Sandbox on', async () => {
    ok(
      await runProcess('npx', ['-y', MCPB, 'validate', 'manifest.json'], { env: npmEnv() }),
      'mcpb validate',
    );
    const bundled = ok(
      await runProcess('npm', ['run', 'bundle'], { env: npmEnv(), timeoutMs: 240_000 }),
      'npm run bundle',
    );
    const size = /billing-customers-mcp\.mcpb: (\d+) bytes/.exec(bundled.stdout)?.[1];
    expect(Number(size)).toBeGreaterThan(0);
    console.info(`MCPB bundle: ${size} bytes`);
    const unpacked = join(dir, 'bundle');
    ok(
      await runProcess(
        'npx',
        ['-y', MCPB, 'unpack', join(ROOT, 'billing-customers-mcp.mcpb'), unpacked],
        { env: npmEnv() },
      ),
      'mcpb unpack',
    );
    const files = readdirSync(unpacked, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(unpacked, join(e.parentPath, e.name)).split('\\').join('/'))
      .sort();
    expect(files.filter((f) => !/^dist\/[\w-]+\.js$/.test(f))).toEqual([
      'LICENSE',
      'icon.png',
      'manifest.json',
      'package.json',
    ]);
    expect(files).toContain('dist/index.js');
    expect(statSync(join(ROOT, 'billing-customers-mcp.mcpb')).size).toBeLessThan(1024 * 1024);

    // Start it as Claude Desktop does: mcp_config with ${__dirname} and every setting at its
    // default, except Sandbox on. No key at all.
    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8'));
    const settings: Record<string, unknown> = Object.fromEntries(
      Object.entries<{ default: unknown }>(manifest.user_config).map(([k, v]) => [k, v.default]),
    );
    const expand = (value: string, chosen: Record<string, unknown>) =>
      value
        .replace(/\$\{__dirname\}/g, unpacked)
        .replace(/\$\{user_config\.(\w+)\}/g, (_, key: string) => String(chosen[key]));
    const start = (chosen: Record<string, unknown>) => {
      const { command, args, env: bundleEnv } = manifest.server.mcp_config;
      return {
        command: command === 'node' ? process.execPath : command,
        args: args.map((a: string) => expand(a, chosen)),
        env: Object.fromEntries(
          Object.entries<string>(bundleEnv).map(([k, v]) => [k, expand(v, chosen)]),
        ),
      };
    };

    const untouched = start(settings);
    const refused = await runProcess(untouched.command, untouched.args, {
      env: untouched.env,
      cwd: tmpdir(),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Sandbox setting/);

    const sandbox = start({ ...settings, sandbox: true });
    const transport = new StdioClientTransport({ ...sandbox, cwd: tmpdir(), stderr: 'pipe' });
    const client = new Client({ name: 'mcpb-bundle', version: '0.0.0' });
    await client.connect(transport);
    try {
      const page = await client.callTool({ name: 'flexprice_list_customers', arguments: {} });
      expect(page.isError).toBeFalsy();
      expect(client.getServerVersion()?.version).toBe(manifest.version);
    } finally {
      await client.close();
    }
  }, 400_000);
});
