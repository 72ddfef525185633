/**
 * The "v1 build": the last commit before the move to SDK v2 and the hardening work, built in a
 * folder of its own under the OS temp directory and kept there by commit, so a rerun costs nothing.
 * Its files come from `git archive` (no worktree is registered in this repository), its
 * dependencies from its own lock file (`npm ci --prefer-offline`: they differ from ours), and
 * nothing of it is ever committed here.
 */
import { type ExecFileSyncOptions, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export const V1_COMMIT = '4ff50c6';

export interface Build {
  commit: string;
  dir: string;
  /** Its bin, dist/index.js. */
  entry: string;
}

/** Builds `commit` of `repo` once (a few tens of seconds), then returns the cached folder. */
export function v1Build(repo: string, commit = V1_COMMIT): Build {
  const full = execFileSync('git', ['rev-parse', commit], { cwd: repo, encoding: 'utf8' }).trim();
  const dir = join(os.tmpdir(), `billing-customers-mcp-build-${full.slice(0, 12)}`);
  const done = join(dir, '.bench-built');
  const build = { commit: full.slice(0, 7), dir, entry: join(dir, 'dist', 'index.js') };
  if (existsSync(done)) return build;
  process.stderr.write(`\nbench: building ${build.commit} in ${dir} (once)…\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', full], {
    cwd: repo,
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const quiet: ExecFileSyncOptions = { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] };
  execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], quiet);
  execFileSync('npm', ['run', 'build'], quiet);
  writeFileSync(done, `${full}\n`);
  return build;
}
