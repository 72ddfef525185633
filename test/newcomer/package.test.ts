/**
 * The packed tarball (CONTRACT §7): only what runs, installed with `npm install -g`
 * into a temporary prefix as a user would, with no runtime packages (dist/ is one bundle), and
 * `billing-customers-mcp` on PATH serving `--demo` to a real SDK client.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type Finished, npmEnv, ROOT, runProcess } from '../helpers/run.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PACKAGE = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));

let dir: string;
let prefix: string;
let env: Record<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'billing-mcp-pack-'));
  prefix = join(dir, 'prefix');
  const bin = process.platform === 'win32' ? prefix : join(prefix, 'bin');
  env = npmEnv({ npm_config_prefix: prefix }, [bin]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function ok(result: Finished): Finished {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** Bytes and files under a folder. */
function footprint(path: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { bytes, files };
}

describe('the packed tarball', () => {
  it('holds only what runs and what the README links; installed with npm install -g it has no node_modules, and its bin serves --demo to a real client', async () => {
    // dist/ is fresh (pretest built it); --ignore-scripts keeps prepack from rebuilding it
    // under the other test files that are running it.
    const packed = ok(
      await runProcess(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
        env,
      }),
    );
    const [info] = JSON.parse(packed.stdout) as {
      filename: string;
      size: number;
      files: { path: string }[];
    }[];
    const paths = info?.files.map((f) => f.path) ?? [];
    expect(paths).toContain('dist/index.js');
    // The bundle's lazily loaded chunks: the sandbox (--demo) and doctor.
    expect(paths.some((p) => /^dist\/sandbox-[\w-]+\.js$/.test(p))).toBe(true);
    for (const path of paths) {
      expect(path).toMatch(
        /^(dist\/[\w-]+\.js|docs\/(providers\/)?[\w-]+\.md|package\.json|README\.md|LICENSE|CHANGELOG\.md|server\.json)$/,
      );
    }

    const tarball = join(dir, info?.filename as string);
    const installed = ok(
      await runProcess(NPM, ['install', '-g', tarball], { env, timeoutMs: 120_000 }),
    );
    expect(installed.stdout).toMatch(/added 1 package\b/);
    const root = ok(await runProcess(NPM, ['root', '-g'], { env })).stdout.trim();
    const home = join(root, PACKAGE.name);
    expect(existsSync(join(home, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(home, 'node_modules'))).toBe(false);
    const size = footprint(home);
    console.info(
      `package: ${info?.size} bytes packed; installed: ${size.bytes} bytes in ${size.files} files`,
    );

    const version = ok(await runProcess('billing-customers-mcp', ['--version'], { env }));
    expect(version.stdout).toBe(`${PACKAGE.version}\n`);
    // The demo session (a real SDK client over stdio) against the command found on PATH.
    const demo = ok(await runProcess(process.execPath, [DEMO, 'billing-customers-mcp'], { env }));
    expect(demo.stdout).toContain('← 7 tools');
    expect(demo.stdout).toContain('Done: every step answered as expected.');
  }, 180_000);
});
