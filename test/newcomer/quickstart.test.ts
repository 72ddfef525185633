/**
 * The README's first quick-start command, verbatim, in a clean copy of the repository (what a
 * clone holds: tracked and not-ignored files, no node_modules, no dist). The second command,
 * `npm ci && npm test`, is what CI itself runs (see readme.test.ts).
 *
 * A full `npm ci` and build take about a minute and load the machine while timing-sensitive tests
 * run, so this runs on request: BILLING_MCP_QUICKSTART=1 npx vitest run test/newcomer/quickstart.test.ts
 * (meant as its own CI step after the main suite).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runProcess } from '../helpers/run.js';

let clone = '';
afterAll(() => {
  if (clone) rmSync(clone, { recursive: true, force: true });
});

function copyCheckout(): void {
  clone = mkdtempSync(join(tmpdir(), 'billing-mcp-clone-'));
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
    .split('\0')
    // A file deleted but not yet staged is still listed: a clone would not have it either.
    .filter((file) => file !== '' && existsSync(join(ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    // A file deleted but not yet staged is still listed: a clone would not have it either.
    cpSync(join(ROOT, file), join(clone, file), {
      force: true,
      errorOnExist: false,
      dereference: false,
    });
  }
}

const requested = process.env.BILLING_MCP_QUICKSTART === '1';

describe('quick start, command 1', () => {
  it.runIf(requested)(
    '`npm ci && npm run demo` works in a clean copy and shows the session',
    async () => {
      copyCheckout();
      const result = await runProcess('sh', ['-c', 'npm ci && npm run demo'], {
        cwd: clone,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          // The same command; the npm cache just spares the network where it can.
          npm_config_prefer_offline: 'true',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
          npm_config_update_notifier: 'false',
        },
        timeoutMs: 240_000,
      });
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toContain('← 7 tools');
      expect(result.stdout).toContain('Done: every step answered as expected.');
    },
    300_000,
  );
});
