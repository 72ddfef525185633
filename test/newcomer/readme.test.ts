/**
 * Drift guards: what the README and manifest.json promise must match what the code registers,
 * and every snippet a newcomer copies must be one that works today.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../src/config.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import { connectClient, testHttp } from '../helpers/mcp.js';
import { manifestEntries } from '../helpers/published.js';
import {
  CONFIG_VARS,
  codeBlocks,
  KEY_VARS,
  parseClaudeMcpAdd,
  README,
  section,
  shellCommands,
  UNIX_PATH,
  WINDOWS_PATH,
  words,
} from '../helpers/readme.js';
import { ROOT } from '../helpers/run.js';

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));

/** Every tool, as a client sees it with all providers configured (no request leaves the process). */
async function registeredTools() {
  const settings = {
    baseUrl: 'http://127.0.0.1:9/v1',
    apiKey: 'unused',
    extras: { companyId: 'cmp_unused' },
  };
  const client = await connectClient(PROVIDERS.map((entry) => entry.create(settings, testHttp())));
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

function sectionOf(title: string): string {
  const text = section(title);
  expect(text, `README section "## ${title}"`).not.toBeNull();
  return text as string;
}

interface ServerEntry {
  url?: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const servers = codeBlocks(README, 'json')
  .map((block) => JSON.parse(block))
  .flatMap((doc) => Object.values<ServerEntry>(doc.mcpServers ?? doc.servers ?? {}));

describe('README', () => {
  it('has a row in the Tools table for every registered tool, in registration order', async () => {
    const names = (await registeredTools()).map((t) => t.name);
    const rows = [...sectionOf('Tools').matchAll(/^\| `([a-z0-9_]+)` *\|/gm)].map((m) => m[1]);
    expect(rows).toEqual(names);
  });

  it('has a row in the Configuration table for every variable, with its default', () => {
    const rows = new Map(
      [...sectionOf('Configuration').matchAll(/^\| `([A-Z_]+)` *\|(.*)$/gm)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    expect([...rows.keys()]).toEqual(CONFIG_VARS);
    for (const entry of PROVIDERS)
      expect(rows.get(entry.baseUrlEnv)).toContain(entry.defaultOrigin);
  });

  it('has a quick start of exactly two commands, with scripts that exist and match CI', () => {
    const commands = codeBlocks(sectionOf('Quick start'), 'sh').map((block) => block.trim());
    expect(commands).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
    expect(PACKAGE.scripts.demo).toMatch(/npm run build && node scripts\/demo\.mjs/);
    // The second command is what CI itself runs after its own `npm ci`.
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/\bnpm test\b/m);
  });

  it('names only npm scripts that exist', () => {
    const named = new Set([...README.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] as string));
    expect(named.size).toBeGreaterThan(0);
    for (const script of named) expect(PACKAGE.scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it('states the Node versions engines allows; the tarball install runs npm ci first and names no version', () => {
    const min = /^>=(\d+\.\d+\.\d+)$/.exec(PACKAGE.engines.node)?.[1] as string;
    expect(min, PACKAGE.engines.node).toBeDefined();
    expect(sectionOf('Quick start')).toMatch(new RegExp(`Node 22 or 24 \\(or ${min}`));
    expect(MANIFEST.compatibility.runtimes.node).toBe(PACKAGE.engines.node);
    const install = sectionOf('Install');
    const tarball = install.slice(install.indexOf('**From a packed tarball**'));
    // `npm pack` runs the build (prepack), which a fresh clone can only do after `npm ci`.
    expect(shellCommands(codeBlocks(tarball, 'sh')[0] ?? '')).toEqual([
      'npm ci',
      'tarball="$(npm pack --silent)" && npm install -g "./$tarball"',
      'billing-customers-mcp --version',
    ]);
    expect(PACKAGE.scripts.prepack).toMatch(/npm run build/);
    // A version in a command goes stale with the next release.
    expect(install).not.toMatch(/\.tgz|\d+\.\d+\.\d+/);
  });

  it('shows the command line --help shows, --host and --port included', () => {
    const synopsis = /^Usage: (.*)$/m.exec(USAGE)?.[1] as string;
    expect(synopsis).toContain('--host');
    expect(README.replace(/\n/g, ' ')).toContain(`Command line: \`${synopsis}\``);
  });

  it('every claude mcp add has --scope user, and it checks with claude mcp list (claude mcp get prints the keys)', () => {
    const adds = [...README.replace(/\\\n\s*/g, '').matchAll(/claude mcp add [^\n`]*/g)].map(
      (m) => m[0],
    );
    expect(adds.length).toBeGreaterThanOrEqual(3);
    for (const add of adds) expect(words(add), add).toEqual(expect.arrayContaining(['--scope']));
    for (const add of adds) expect(add, add).toMatch(/--scope user /);
    expect(README).toContain('Check it with `claude mcp list`');
    for (const mention of README.matchAll(/.{0,12}`claude mcp get/g))
      expect(mention[0]).toMatch(/not `claude mcp get/);
  });

  it('parses as JSON in every json block; each config starts an install path that works today, keys in env only, all three providers', () => {
    // Remote servers (a `url`, "Run it as a service") carry no keys: test/remote/deploy.test.ts.
    const local = servers.filter((server) => server.url === undefined);
    expect(local.length).toBeGreaterThanOrEqual(3);
    const paths = new Set<string>();
    for (const server of local) {
      expect(server.command).toBe('node');
      const [path, ...rest] = server.args;
      paths.add(path as string);
      expect(path).toBe(UNIX_PATH);
      if (rest.length > 0) {
        // The keyless variant: sandbox only, no env to fill in.
        expect(rest).toEqual(['--demo']);
        expect(server.env).toBeUndefined();
      } else {
        expect(Object.keys(server.env ?? {}).sort()).toEqual([...KEY_VARS].sort());
      }
    }
    expect([...paths]).toEqual([UNIX_PATH]);
    // The Windows variant: the same config with a Windows path, given as its `args` line.
    const windows = /`("args": \[[^`]*\])`/.exec(README.replace(/\n/g, ' '))?.[1];
    expect(JSON.parse(`{${windows}}`)).toEqual({ args: [WINDOWS_PATH] });
    // In shell lines a key is a leading env assignment or a `claude mcp add -e NAME=…`, never a flag.
    expect(README).not.toMatch(/--[a-z-]*(key|token)\b/i);
  });

  it('never tells anyone to npx the unpublished package name, except to warn against it', () => {
    expect(README).not.toMatch(
      /npx\s+(-y\s+)?billing-customers-mcp/.source.replace('(-y\\s+)?', '-y\\s+'),
    );
    const mentions = README.split('\n').filter((line) => /npx\s+billing-customers-mcp/.test(line));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatch(
      /^> \*\*Not on npm yet\.\*\* Do not run `npx billing-customers-mcp`/,
    );
    expect(README).not.toMatch(/"npx"/);
  });

  it('gives a Claude Code command with the name before the options, as Claude Code parses it', () => {
    const [command] = codeBlocks(sectionOf('Use it in your assistant'), 'sh').flatMap(
      shellCommands,
    );
    const parsed = parseClaudeMcpAdd(words(command as string).slice(3));
    expect(words(command as string).slice(0, 3)).toEqual(['claude', 'mcp', 'add']);
    expect(parsed.name).toBe('billing-customers');
    expect(parsed.options).toEqual(['--scope', 'user']);
    expect(Object.keys(parsed.env).sort()).toEqual([...KEY_VARS].sort());
    expect(parsed.command).toEqual(['node', UNIX_PATH]);
    // The rule that broke the old order: the variadic -e swallows a name placed after it.
    expect(() =>
      parseClaudeMcpAdd(['--scope', 'user', '-e', 'A=1', 'billing-customers', '--', 'node']),
    ).toThrow(/Invalid environment variable format: billing-customers/);
  });

  it('is a front door: short, no overlong line, maintainer material in docs/', () => {
    const lines = README.split('\n');
    // ~250 for the front door, plus the self-contained "Run it as a service" (remote mode).
    expect(lines.length).toBeLessThanOrEqual(270);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(120);
    for (const title of ['Design decisions', 'Development', 'Performance'])
      expect(README).not.toContain(`\n## ${title}\n`);
    expect(README).not.toMatch(/plan mode/i);
  });

  it('links only files that exist and are in the package, and anchors that exist', () => {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, npm_config_update_notifier: 'false' },
      }),
    )[0].files.map((f: { path: string }) => f.path);
    const targets = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    const local = targets.filter((t) => !/^https?:/.test(t));
    expect(local.length).toBeGreaterThan(3);
    const headings = [...README.matchAll(/^#+ (.+)$/gm)].map((m) =>
      (m[1] as string)
        .toLowerCase()
        .replace(/[^\w\s-]/g, '')
        .replace(/\s/g, '-'),
    );
    for (const target of local) {
      if (target.startsWith('#')) {
        expect(headings, target).toContain(target.slice(1));
        continue;
      }
      expect(existsSync(join(ROOT, target)), target).toBe(true);
      expect(packed, `${target} is linked but not packed`).toContain(target);
    }
  });
});

describe('manifest.json (MCPB)', () => {
  it('lists the registered tools and the package version', async () => {
    const names = (await registeredTools()).map((t) => t.name);
    expect(MANIFEST.tools.map((t: { name: string }) => t.name)).toEqual(names);
    expect(MANIFEST.version).toBe(PACKAGE.version);
    expect(MANIFEST.server.entry_point).toBe(PACKAGE.bin['billing-customers-mcp']);
  });

  it('maps each setting to its variable, keys as sensitive, every setting with a default', () => {
    const env = MANIFEST.server.mcp_config.env as Record<string, string>;
    const settingFor: Record<string, string> = { BILLING_MCP_DEMO: 'sandbox' };
    expect(Object.keys(env).sort()).toEqual(
      CONFIG_VARS.filter((v) => !v.startsWith('BILLING_') || v in settingFor).sort(),
    );
    for (const [name, value] of Object.entries(env)) {
      const key = /^\$\{user_config\.([a-z_]+)\}$/.exec(value)?.[1] as string;
      expect(key, name).toBe(settingFor[name] ?? name.toLowerCase());
      const setting = MANIFEST.user_config[key];
      expect(setting.sensitive === true, name).toBe(PROVIDERS.some((p) => p.secretEnv === name));
      // Without a default an empty optional setting reaches the server as the literal `${…}`.
      expect(setting.default, name).toBeDefined();
    }
    // The bundle can start with every key empty: the Sandbox checkbox, off by default.
    expect(MANIFEST.user_config.sandbox).toMatchObject({ type: 'boolean', default: false });
    expect(MANIFEST.server.mcp_config.args.join(' ')).not.toMatch(/KEY|user_config/);
  });

  it("holds each provider's settings and tools exactly as its descriptor publishes them", () => {
    const pick = (from: Record<string, unknown>, keys: string[]) =>
      Object.fromEntries(keys.map((key) => [key, from[key]]));
    for (const entry of PROVIDERS) {
      const { env, userConfig, tools } = manifestEntries(entry);
      expect(pick(MANIFEST.server.mcp_config.env, Object.keys(env)), entry.id).toEqual(env);
      expect(pick(MANIFEST.user_config, Object.keys(userConfig)), entry.id).toEqual(userConfig);
      const listed = MANIFEST.tools.filter((t: { name: string }) =>
        t.name.startsWith(`${entry.id}_`),
      );
      expect(listed, entry.id).toEqual(tools);
    }
  });

  it('has an icon (a PNG in the repository), repository, documentation and support links', () => {
    const icon = readFileSync(join(ROOT, MANIFEST.icon));
    expect(icon.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    const repo = PACKAGE.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(MANIFEST.repository.url.replace(/\.git$/, '')).toBe(repo);
    expect(MANIFEST.documentation).toBe(PACKAGE.homepage);
    expect(MANIFEST.support).toBe(PACKAGE.bugs.url);
  });
});
