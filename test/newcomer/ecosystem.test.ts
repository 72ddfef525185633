/**
 * The files that other tools read: package.json metadata, server.json for the MCP
 * Registry, the changelog. The registry's JSON Schema is not available offline (no npm package
 * ships it), so this checks what the 2025-12-11 schema requires and what the registry enforces
 * at publish time, plus agreement with package.json and the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/registry.js';
import { registryVariables } from '../helpers/published.js';
import { CONFIG_VARS } from '../helpers/readme.js';
import { ROOT } from '../helpers/run.js';

const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
const PACKAGE = read('package.json');
const SERVER = read('server.json');
const MANIFEST = read('manifest.json');
const REPO = PACKAGE.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const SECRETS = PROVIDERS.map((p) => p.secretEnv);

interface EnvInput {
  name: string;
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  default?: string;
  format?: string;
}

describe('package.json', () => {
  it('has repository, homepage, bugs, keywords with "mcp", and an mcpName under the repository owner', () => {
    expect(REPO).toMatch(/^https:\/\/github\.com\/[\w.-]+\/billing-customers-mcp$/);
    expect(PACKAGE.homepage).toBe(`${REPO}#readme`);
    expect(PACKAGE.bugs.url).toBe(`${REPO}/issues`);
    expect(PACKAGE.keywords).toContain('mcp');
    const owner = new URL(REPO).pathname.split('/')[1];
    expect(PACKAGE.mcpName).toBe(`io.github.${owner}/${PACKAGE.name}`);
  });

  it('installs no runtime packages: the libraries the bundle holds are build-time only', () => {
    expect(PACKAGE.dependencies ?? {}).toEqual({});
    for (const name of [
      '@modelcontextprotocol/server',
      '@modelcontextprotocol/client',
      'zod',
      'undici',
      'qs',
    ])
      expect(PACKAGE.devDependencies, name).toHaveProperty(name);
  });
});

describe('server.json (MCP Registry)', () => {
  it('follows the 2025-12-11 schema: required fields, name pattern, description length, exact versions', () => {
    expect(SERVER.$schema).toBe(
      'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
    );
    expect(SERVER.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    expect(SERVER.name).toBe(PACKAGE.mcpName);
    expect(SERVER.description.length).toBeGreaterThan(0);
    expect(SERVER.description.length).toBeLessThanOrEqual(100);
    expect(SERVER.version).toBe(PACKAGE.version);
    expect(SERVER.repository).toEqual({ url: REPO, source: 'github' });
  });

  it('describes the npm package, stdio, with every variable and the keys marked secret', () => {
    expect(SERVER.packages).toHaveLength(1);
    const [npm] = SERVER.packages;
    expect(npm).toMatchObject({
      registryType: 'npm',
      registryBaseUrl: 'https://registry.npmjs.org',
      identifier: PACKAGE.name,
      version: PACKAGE.version,
      transport: { type: 'stdio' },
    });
    const env = npm.environmentVariables as EnvInput[];
    expect(env.map((v) => v.name)).toEqual(CONFIG_VARS);
    for (const input of env) {
      expect(input.isSecret === true, input.name).toBe(SECRETS.includes(input.name));
      expect(input.description, input.name).toBeTruthy();
      // Every provider is optional on its own; the server needs at least one (or the sandbox).
      expect(input.isRequired, input.name).toBe(false);
    }
    // Each provider's variables exactly as its descriptor publishes them.
    for (const entry of PROVIDERS) {
      const declared = registryVariables(entry);
      const names = declared.map((v) => v.name);
      expect(
        env.filter((v) => names.includes(v.name)),
        entry.id,
      ).toEqual(declared);
    }
  });

  it('describes the remote transport: streamable-http at /mcp, every URL variable defined, the token secret', () => {
    expect(SERVER.remotes).toHaveLength(1);
    const [remote] = SERVER.remotes;
    expect(remote.type).toBe('streamable-http');
    expect(remote.url).toMatch(/^https:\/\/.+\/mcp$/);
    const used = [...remote.url.matchAll(/\{(\w+)\}/g)].map((m: string[]) => m[1]);
    expect(Object.keys(remote.variables ?? {}).sort()).toEqual(used.sort());
    const auth = remote.headers.find((h: EnvInput) => h.name === 'Authorization');
    expect(auth?.isSecret).toBe(true);
  });
});

describe('versions and links agree', () => {
  it('has one version in package.json, manifest.json, server.json and the top CHANGELOG entry', () => {
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const first = /^## \[(\d+\.\d+\.\d+)\]/m.exec(changelog)?.[1];
    expect(first).toBe(PACKAGE.version);
    expect(changelog).toMatch(/^## \[0\.1\.0\]/m);
    expect(MANIFEST.version).toBe(PACKAGE.version);
    expect(SERVER.packages[0].version).toBe(PACKAGE.version);
  });
});
