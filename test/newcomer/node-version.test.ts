/**
 * The Node version check (CONTRACT §1): on a Node older than engines.node the bin stops at once with
 * one line naming the version it needs and the one it found, before loading anything that could
 * fail there (undici 7 on Node 18 started, then failed every call with "File is not defined").
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_NODE, nodeVersionProblem } from '../../src/node-version.js';
import { BASE_ENV, BIN, ROOT, runProcess } from '../helpers/run.js';

let dir: string;
/** A preload that makes the process report another Node version, as Node 18 would. */
let preload: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'billing-mcp-node-'));
  preload = join(dir, 'old-node.mjs');
  await writeFile(
    preload,
    "Object.defineProperty(process.versions, 'node', { value: process.env.FAKE_NODE });\n",
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function runOn(version: string, args: string[]) {
  return runProcess(process.execPath, ['--import', preload, BIN, ...args], {
    env: { ...BASE_ENV, FAKE_NODE: version },
  });
}

describe('Node version check', () => {
  it('is the engines.node minimum of package.json', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe(`>=${MIN_NODE}`);
  });

  it('refuses versions below the minimum, accepts it and every later one', () => {
    for (const old of ['18.20.4', '20.18.0', '20.9.0', '19.99.99', 'v16.0.0'])
      expect(nodeVersionProblem(old), old).toMatch(/^needs Node ≥ 20\.18\.1, found v/);
    expect(nodeVersionProblem('18.20.4')).toContain('found v18.20.4');
    for (const ok of ['20.18.1', '20.20.2', '21.0.0', '22.12.0', '24.1.0', '25.0.0-nightly'])
      expect(nodeVersionProblem(ok), ok).toBeUndefined();
  });

  it('the bin on Node 18 prints one line naming both versions and exits 1, with nothing on stdout', async () => {
    for (const args of [['--demo'], ['--version'], ['--http', '--demo']]) {
      const result = await runOn('18.20.4', args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `billing-customers-mcp: needs Node ≥ ${MIN_NODE}, found v18.20.4. Install Node 22 or 24 (or ${MIN_NODE} or newer) and start it again.\n`,
      );
    }
  });

  it('the bin on the minimum version itself starts as usual', async () => {
    const result = await runOn(MIN_NODE, ['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('the entry imports nothing statically: the rest of the bin loads only after the check', async () => {
    const entry = await readFile(BIN, 'utf8');
    const statics = entry.replace(/\bimport\(/g, '').match(/\bimport\b/g) ?? [];
    expect(statics).toEqual([]);
    expect(entry).toMatch(/await import\(/);
  });
});
