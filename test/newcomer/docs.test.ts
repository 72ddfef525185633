/**
 * docs/ as a maintainer follows it: the layout in development.md is the tree as it is,
 * every source path the docs name exists, and what design.md says about the emitted JSON Schemas
 * is what tools/list sends.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/registry.js';
import { connectClient, testHttp } from '../helpers/mcp.js';
import { codeBlocks } from '../helpers/readme.js';
import { ROOT } from '../helpers/run.js';

const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');
const DOCS = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));

function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  expect(start, `section "## ${title}"`).toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

describe('docs/development.md layout', () => {
  const layout = section(doc('development.md'), 'Layout');
  const [block = ''] = codeBlocks(layout, '');
  const named = block
    .split('\n')
    .map((line) => line.split(/\s+/)[0] as string)
    .filter(Boolean);

  it('names only paths that exist', () => {
    expect(named.length).toBeGreaterThan(10);
    for (const path of named) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });

  it('names every file and folder at the top of src/, and describes every test folder', () => {
    for (const entry of readdirSync(join(ROOT, 'src'), { withFileTypes: true })) {
      const path = `src/${entry.name}${entry.isDirectory() ? '/' : ''}`;
      expect(named, path).toContain(path);
    }
    for (const entry of readdirSync(join(ROOT, 'test'), { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'helpers')
        expect(layout, `test/${entry.name}`).toContain(`\`${entry.name}\``);
    }
  });
});

describe('docs/*.md', () => {
  it('every src/, test/, scripts/ or bench/ path they name exists (generated results aside)', () => {
    let checked = 0;
    for (const name of DOCS) {
      for (const [, path] of doc(name).matchAll(/`((?:src|test|scripts|bench)\/[\w./<>*-]+)`/g)) {
        if ((path as string).startsWith('bench/results/')) continue; // written by npm run bench
        const paths = (path as string).includes('<provider>')
          ? PROVIDERS.map((p) => (path as string).replace('<provider>', p.id))
          : [path as string];
        for (const each of paths)
          expect(existsSync(join(ROOT, each)), `${name}: ${each}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('docs/design.md on JSON Schemas', () => {
  const design = doc('design.md');

  it('says what tools/list sends: nullable as anyOf with {type: "null"}, no type arrays, no ±2^53 bounds, no propertyNames', async () => {
    expect(design).toContain('`compact()` in `src/tools/register.ts`');
    expect(readFileSync(join(ROOT, 'src/tools/register.ts'), 'utf8')).toContain(
      'function compact(',
    );
    expect(design).toContain(
      'Nullable values are `anyOf: [{type: X}, {type: "null"}]`, never a `type`',
    );
    expect(design).not.toMatch(/folded into `type: \[X, "null"\]`/);

    const settings = {
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: 'unused',
      extras: { companyId: 'cmp_unused' },
    };
    const client = await connectClient(
      PROVIDERS.map((entry) => entry.create(settings, testHttp())),
    );
    try {
      const { tools } = await client.listTools();
      let nullable = 0;
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) {
          for (const child of node) walk(child);
          return;
        }
        if (node === null || typeof node !== 'object') return;
        const schema = node as Record<string, unknown>;
        expect(Array.isArray(schema.type), JSON.stringify(schema)).toBe(false);
        expect(schema).not.toHaveProperty('propertyNames');
        for (const bound of ['minimum', 'maximum'])
          expect(Math.abs(Number(schema[bound] ?? 0))).not.toBe(Number.MAX_SAFE_INTEGER);
        if (Array.isArray(schema.anyOf) && schema.anyOf.some((b) => b?.type === 'null')) nullable++;
        for (const child of Object.values(schema)) walk(child);
      };
      for (const tool of tools) walk([tool.inputSchema, tool.outputSchema]);
      expect(nullable).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});
