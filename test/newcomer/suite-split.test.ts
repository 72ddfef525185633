/**
 * docs/development.md's account of how the suite is split is the vitest configuration as it is:
 * the projects its table names, and the commands it shows for running one of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';
import { codeBlocks, shellCommands, words } from '../helpers/readme.js';
import { ROOT } from '../helpers/run.js';

/** Each project's name and the files it includes, from vitest.config.ts. */
function projects(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const project of config.test?.projects ?? []) {
    if (typeof project !== 'object' || !('test' in project)) continue;
    const { name, include } = project.test ?? {};
    if (typeof name === 'string') found.set(name, [...(include ?? [])]);
  }
  return found;
}

function suiteSection(): string {
  const text = readFileSync(join(ROOT, 'docs', 'development.md'), 'utf8');
  const start = text.indexOf('\n## The suite\n');
  expect(start, 'a "## The suite" section').toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

describe('npm test and its repeats', () => {
  const scripts: Record<string, string> = JSON.parse(
    readFileSync(join(ROOT, 'package.json'), 'utf8'),
  ).scripts;

  it('npm test runs the default project, test:repeats every other one, and CI runs both', () => {
    expect(scripts.test).toBe('vitest run --project default');
    expect(scripts['test:repeats']).toBe("vitest run --project '!default'");
    expect(scripts['test:all']).toBe('vitest run');
    for (const name of ['pretest', 'pretest:repeats', 'pretest:all'])
      expect(scripts[name], name).toBe('npm run build');
    // default holds every test file: the repeats add runs, never a test of their own.
    expect(projects().get('default')).toEqual(['test/**/*.test.ts']);
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^step "suite on Node [^"]*" npm test -- /m);
    expect(ci).toMatch(/^\s*npm run test:repeats -- /m);
  });
});

describe('docs/development.md on how the suite is split', () => {
  it('its table names every vitest project, and only those', () => {
    const named = [...suiteSection().matchAll(/^\| `([\w-]+)` +\|/gm)].map((m) => m[1]);
    expect(named.sort()).toEqual([...projects().keys()].sort());
  });

  it('the commands it shows name projects that exist and files they include', () => {
    const [block = ''] = codeBlocks(suiteSection(), 'sh');
    const commands = shellCommands(block);
    expect(commands.length).toBeGreaterThanOrEqual(2);
    const all = projects();
    for (const command of commands) {
      const argv = words(command);
      expect(argv.slice(0, 3), command).toEqual(['npx', 'vitest', 'run']);
      const chosen = argv.flatMap((word, i) => (argv[i - 1] === '--project' ? [word] : []));
      for (const name of chosen) expect(all.has(name), `${command}: ${name}`).toBe(true);
      for (const path of argv.filter((word) => word.startsWith('test/'))) {
        expect(existsSync(join(ROOT, path)), `${command}: ${path}`).toBe(true);
        for (const name of chosen) {
          const include = all.get(name) ?? [];
          const covered = include.some((glob) => glob === path || glob === 'test/**/*.test.ts');
          expect(covered, `${command}: ${path} is not in ${name}`).toBe(true);
        }
      }
    }
  });
});
