/** Drift guards: what the README and manifest.json promise must match what the code registers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/registry.js';
import { connectClient, testHttp } from '../helpers/mcp.js';
import { ROOT } from '../helpers/run.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));

/** Every tool, as a client sees it with all providers configured (no request leaves the process). */
async function registeredTools() {
  const settings = { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'unused', companyId: 'cmp_unused' };
  const client = await connectClient(PROVIDERS.map((entry) => entry.create(settings, testHttp())));
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start, `README section "## ${title}"`).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

function codeBlocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1] as string,
  );
}

const CONFIG_VARS = [
  ...PROVIDERS.flatMap((p) => [...p.requiredEnv, p.baseUrlEnv]),
  'BILLING_MCP_TIMEOUT_MS',
  'BILLING_MCP_MAX_RETRIES',
];

describe('README', () => {
  it('has a row in the Tools table for every registered tool, in registration order', async () => {
    const names = (await registeredTools()).map((t) => t.name);
    const rows = [...section('Tools').matchAll(/^\| `([a-z0-9_]+)` *\|/gm)].map((m) => m[1]);
    expect(rows).toEqual(names);
  });

  it('has a row in the Configuration table for every variable, with its default', () => {
    const rows = new Map(
      [...section('Configuration').matchAll(/^\| `([A-Z_]+)` *\|(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect([...rows.keys()]).toEqual(CONFIG_VARS);
    for (const entry of PROVIDERS)
      expect(rows.get(entry.baseUrlEnv)).toContain(entry.defaultOrigin);
  });

  it('has a quick start of exactly two commands, with scripts that exist and match CI', () => {
    const commands = codeBlocks(section('Quick start'), 'sh').map((block) => block.trim());
    expect(commands).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
    expect(PACKAGE.scripts.demo).toMatch(/npm run build && node scripts\/demo\.mjs/);
    // The second command is what CI runs after its own `npm ci`.
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test\b/m);
  });

  it('names only npm scripts that exist (bench comes with the benchmark)', () => {
    const named = new Set([...README.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] as string));
    named.delete('bench');
    for (const script of named) expect(PACKAGE.scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it('shows client configs that pass keys in env only, never in args', () => {
    const servers = codeBlocks(README, 'json')
      .map((block) => JSON.parse(block))
      .flatMap((doc) =>
        Object.values<Record<string, unknown>>(doc.mcpServers ?? doc.servers ?? {}),
      );
    expect(servers.length).toBeGreaterThanOrEqual(5);
    // Remote servers (a `url`, "Run it as a service") carry no keys: test/remote/deploy.test.ts.
    for (const server of servers.filter((s) => s.url === undefined)) {
      const line = [server.command, ...(server.args as string[])].join(' ');
      expect(line).toMatch(/^(cmd \/c )?npx -y billing-customers-mcp( --demo)?$/);
      for (const name of Object.keys((server.env as object) ?? {})) {
        expect([...CONFIG_VARS, 'APPDATA']).toContain(name);
      }
    }
    // In shell lines a key is a leading env assignment or a `claude mcp add -e NAME=…`, never a flag.
    const shellLines = codeBlocks(README, 'sh').flatMap((block) => block.split('\n'));
    for (const line of shellLines.filter((l) => /_API_KEY=/.test(l))) {
      expect(line).toMatch(/^\s*(-e [A-Z_]+=\S+\s*)+\\?$|^([A-Z_]+=\S+ )+npx /);
    }
    expect(README).not.toMatch(/--[a-z-]*(key|token)\b/i);
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
    expect(Object.keys(env).sort()).toEqual(
      CONFIG_VARS.filter((v) => !v.startsWith('BILLING_')).sort(),
    );
    for (const [name, value] of Object.entries(env)) {
      const key = /^\$\{user_config\.([a-z_]+)\}$/.exec(value)?.[1] as string;
      expect(key, name).toBe(name.toLowerCase());
      const setting = MANIFEST.user_config[key];
      expect(setting.sensitive === true, name).toBe(PROVIDERS.some((p) => p.secretEnv === name));
      // Without a default an empty optional setting reaches the server as the literal `${…}`.
      expect(typeof setting.default, name).toBe('string');
    }
    expect(MANIFEST.server.mcp_config.args.join(' ')).not.toMatch(/KEY|user_config/);
  });
});
