import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../src/providers/registry.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const files = sourceFiles(SRC).map((path) => ({
  path: relative(SRC, path),
  imports: [...readFileSync(path, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] as string),
}));

describe('import boundaries', () => {
  it('keeps each provider folder free of tools, server and other providers', () => {
    for (const file of files.filter((f) => /^providers\/[a-z]+\//.test(f.path))) {
      const own = file.path.split('/')[1] as string;
      for (const spec of file.imports) {
        expect(spec, file.path).not.toMatch(/tools\/|server\.js|@modelcontextprotocol/);
        for (const other of PROVIDER_IDS.filter((id) => id !== own))
          expect(spec, file.path).not.toContain(`/${other}/`);
      }
    }
  });

  it('lets tools see providers only through the interface', () => {
    for (const file of files.filter((f) => f.path.startsWith('tools/'))) {
      for (const spec of file.imports) {
        for (const id of PROVIDER_IDS) expect(spec, file.path).not.toContain(`providers/${id}/`);
      }
    }
  });

  it('confines the MCP SDK to the server, the bin and the tools layer', () => {
    const allowed = /^(server\.ts|index\.ts|tools\/|transport\/)/;
    for (const file of files.filter((f) => !allowed.test(f.path))) {
      expect(
        file.imports.filter((s) => s.startsWith('@modelcontextprotocol')),
        file.path,
      ).toEqual([]);
    }
  });

  it('writes nothing to stdout from src/ but --help/--version, doctor and the stdio transport', () => {
    for (const file of files) {
      const text = readFileSync(join(SRC, file.path), 'utf8');
      expect(text, file.path).not.toMatch(/console\.(log|info|debug)\(/);
      if (!['index.ts', 'doctor.ts', 'transport/stdio.ts'].includes(file.path))
        expect(text, file.path).not.toContain('process.stdout');
    }
  });
});

/** The files every provider folder has, each with one role (docs/adding-a-provider.md). */
const PROVIDER_FILES = [
  'index.ts', // the descriptor: defineProvider({...}), the registry's entry
  'client.ts', // create<Provider>Provider: the BillingProvider over one Upstream
  'wire.ts', // what the API sends: response schemas and the error-body reader
  'normalize.ts', // a raw row → the normalized Customer
  'filters.ts', // the list filters' zod schema and their translation to the API
  'assumptions.ts', // the documented facts and limits the client relies on
];

describe('provider folders', () => {
  it('exist for exactly the registered providers, each with the same files and roles', () => {
    const folders = readdirSync(join(SRC, 'providers'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.sort()).toEqual([...PROVIDER_IDS].sort());
    for (const id of PROVIDER_IDS) {
      const own = readdirSync(join(SRC, 'providers', id));
      expect(own, id).toEqual(expect.arrayContaining(PROVIDER_FILES));
      const index = readFileSync(join(SRC, 'providers', id, 'index.ts'), 'utf8');
      expect(index, id).toContain('defineProvider({');
      expect(readdirSync(join(SRC, 'sandbox', id)), id).toContain('emulator.ts');
    }
  });

  it('keeps provider names out of shared code: nothing outside a provider folder branches on one', () => {
    const shared = files.filter((f) => !/^(providers|sandbox)\/[a-z]+\//.test(f.path));
    for (const file of shared) {
      const text = readFileSync(join(SRC, file.path), 'utf8');
      for (const id of PROVIDER_IDS)
        expect(text, file.path).not.toMatch(new RegExp(`[=!]==? '${id}'|'${id}' [=!]==?`));
    }
  });
});
