/**
 * CONTRACT §7: `npm pack` gives a tarball holding only what runs, and the bin installed from it
 * serves `--demo` to a real client (the demo session, run against the installed copy).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type Finished, runProcess } from '../helpers/run.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** npm needs HOME (its cache) and PATH; prefer the cache so the install stays fast. */
const NPM_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'billing-mcp-pack-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function ok(result: Finished): Finished {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

describe('the packed tarball', () => {
  it('holds only the built code, and its installed bin serves --demo to a real client', async () => {
    const packed = ok(
      await runProcess(NPM, ['pack', '--json', '--pack-destination', dir], { env: NPM_ENV }),
    );
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const paths = info?.files.map((f) => f.path) ?? [];
    expect(paths).toContain('dist/index.js');
    // The bundle's lazily loaded chunks: the sandbox (--demo) and doctor.
    expect(paths.some((p) => /^dist\/sandbox-[\w-]+\.js$/.test(p))).toBe(true);
    for (const path of paths)
      expect(path).toMatch(/^(dist\/.+\.js|package\.json|README\.md|LICENSE)$/);

    const app = join(dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), '{"private":true}\n');
    const tarball = join(dir, info?.filename as string);
    ok(
      await runProcess(NPM, ['install', '--no-package-lock', tarball], {
        env: NPM_ENV,
        cwd: app,
        timeoutMs: 120_000,
      }),
    );

    const bin = join(app, 'node_modules', '.bin', 'billing-customers-mcp');
    const demo = ok(await runProcess(process.execPath, [DEMO, bin], { env: NPM_ENV }));
    expect(demo.stdout).toContain('← 7 tools');
    expect(demo.stdout).toContain('Done: every step answered as expected.');
  }, 180_000);
});
