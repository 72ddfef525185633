/**
 * The README's first quick-start command and its two install paths (from a clone, from a packed
 * tarball installed globally), verbatim, in a clean copy of the repository (what a clone holds:
 * tracked and not-ignored files, no node_modules, no dist). The second quick-start command,
 * `npm ci && npm test`, is what CI itself runs (see readme.test.ts).
 *
 * A full `npm ci` and build take about a minute and load the machine while timing-sensitive tests
 * run, so this runs on request: BILLING_MCP_QUICKSTART=1 npx vitest run test/newcomer/quickstart.test.ts
 * (meant as its own CI step after the main suite).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks, section, shellCommands } from '../helpers/readme.js';
import { npmEnv, ROOT, runProcess } from '../helpers/run.js';

let clone = '';
afterAll(() => {
  if (clone) rmSync(clone, { recursive: true, force: true });
});

function copyCheckout(): void {
  clone = mkdtempSync(join(tmpdir(), 'billing-mcp-clone-'));
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
    .split('\0')
    // A file deleted but not yet staged is still listed: a clone would not have it either.
    .filter((file) => file !== '' && existsSync(join(ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    // A file deleted but not yet staged is still listed: a clone would not have it either.
    cpSync(join(ROOT, file), join(clone, file), {
      force: true,
      errorOnExist: false,
      dereference: false,
    });
  }
}

const requested = process.env.BILLING_MCP_QUICKSTART === '1';

/** The commands of the README's Install block introduced by `marker`, minus clone and cd. */
function installCommands(marker: string): string[] {
  const install = section('Install') ?? '';
  const from = install.indexOf(marker);
  expect(from, marker).toBeGreaterThan(-1);
  const [block] = codeBlocks(install.slice(from), 'sh');
  return shellCommands(block ?? '').filter((c) => !/^(git clone|cd) /.test(c));
}

async function runAll(commands: string[], env: Record<string, string>) {
  const outputs: string[] = [];
  for (const command of commands) {
    const result = await runProcess('sh', ['-c', command], { cwd: clone, env, timeoutMs: 240_000 });
    expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
    outputs.push(result.stdout);
  }
  return outputs;
}

describe.runIf(requested).sequential('quick start and install paths, in a clean copy', () => {
  it('quick start: `npm ci && npm run demo` works and shows the session', async () => {
    copyCheckout();
    const result = await runProcess('sh', ['-c', 'npm ci && npm run demo'], {
      cwd: clone,
      env: npmEnv(),
      timeoutMs: 240_000,
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('← 7 tools');
    expect(result.stdout).toContain('Done: every step answered as expected.');
  }, 300_000);

  it('install from a clone: the README commands, then a real client starts node <absolute path>/dist/index.js', async () => {
    const commands = installCommands('**From a clone**');
    expect(commands).toEqual(['npm ci && npm run build']);
    await runAll(commands, npmEnv());
    // From elsewhere, by absolute path, as an assistant starts it: the bundle needs nothing else.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(clone, 'dist', 'index.js'), '--demo'],
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'install-from-clone', version: '0.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('quentli_list_customers');
      const page = await client.callTool({ name: 'maple_list_customers', arguments: { take: 2 } });
      expect(page.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  }, 300_000);

  it('install from a packed tarball, in a fresh clone: npm ci, npm pack, npm install -g, billing-customers-mcp on PATH', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const commands = installCommands('**From a packed tarball**');
    expect(commands).toEqual([
      'npm ci',
      'tarball="$(npm pack --silent)" && npm install -g "./$tarball"',
      'billing-customers-mcp --version',
    ]);
    // As a fresh clone has it: no node_modules, no dist (npm pack alone failed: rolldown: not found).
    for (const dir of ['node_modules', 'dist'])
      rmSync(join(clone, dir), { recursive: true, force: true });
    const prefix = join(clone, '.global');
    const bin = process.platform === 'win32' ? prefix : join(prefix, 'bin');
    const env = npmEnv({ npm_config_prefix: prefix }, [bin]);
    const outputs = await runAll(commands, env);
    expect(outputs.at(-1)).toBe(`${version}\n`);
    expect(
      existsSync(join(prefix, 'lib', 'node_modules', 'billing-customers-mcp', 'node_modules')),
    ).toBe(false);
  }, 300_000);
});
