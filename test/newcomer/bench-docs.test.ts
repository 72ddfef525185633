/**
 * docs/performance.md's bench commands name sections that exist: each `--only <name>` is a section
 * of bench/run.ts (read from its source, so nothing is built or run), and `--section` is only ever
 * `redaction`, the one section that runs without servers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('docs/performance.md bench commands', () => {
  it('name sections bench/run.ts has', () => {
    const sections = [...read('bench/run.ts').matchAll(/^\s+\['([a-z0-9-]+)', '/gm)].map(
      (m) => m[1],
    );
    expect(sections).toContain('versus-v1');
    const doc = read('docs/performance.md');
    const only = [...doc.matchAll(/--only ([a-z0-9-]+)/g)].map((m) => m[1]);
    expect(only.length).toBeGreaterThan(3);
    for (const name of only) expect(sections, `--only ${name}`).toContain(name);
    for (const [, name] of doc.matchAll(/--section ([a-z0-9-]+)/g)) expect(name).toBe('redaction');
  });
});
