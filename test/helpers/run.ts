/** Runs a real process to the end and keeps what it wrote: tests that drive commands, not modules. */
import { spawn } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
export const DEMO = fileURLToPath(new URL('../../scripts/demo.mjs', import.meta.url));

/** No inherited keys: each test states exactly what the process sees. */
export const BASE_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  BILLING_MCP_TIMEOUT_MS: '5000',
};

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProcess(
  command: string,
  args: readonly string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    timeoutMs?: number;
    /** Lines written to stdin (default: none). */
    stdinLines?: readonly string[];
    /**
     * stdin closes once this holds for what the process has written so far (checked on each
     * chunk): a condition to wait for, never a guess at how long it takes. Default: at once.
     */
    closeStdinWhen?: (written: { stdout: string; stderr: string }) => boolean;
  } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? BASE_ENV,
      cwd: options.cwd ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    for (const line of options.stdinLines ?? []) child.stdin.write(`${line}\n`);
    let stdout = '';
    let stderr = '';
    const closeWhen = options.closeStdinWhen;
    const maybeClose = () => {
      if (!child.stdin.writableEnded && closeWhen?.({ stdout, stderr })) child.stdin.end();
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      maybeClose();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      maybeClose();
    });
    if (closeWhen) maybeClose();
    else child.stdin.end();
    // A hung child must fail the test with what it printed, not leave vitest waiting.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The bin itself, as an assistant would start it. */
export function runBin(args: readonly string[], env: Record<string, string>): Promise<Finished> {
  return runProcess(process.execPath, [BIN, ...args], { env });
}

/**
 * The environment for npm and the tools it installs, as a user's shell has it: HOME (npm's
 * cache, which also spares the network) and PATH with `bins` and then this test's Node first, so
 * `node` and every `#!/usr/bin/env node` run on the Node under test.
 */
export function npmEnv(
  extra: Record<string, string> = {},
  bins: readonly string[] = [],
): Record<string, string> {
  return {
    PATH: [...bins, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    HOME: process.env.HOME ?? '',
    // A machine whose TLS goes through a local CA: npm and Node must trust it as the shell does.
    ...Object.fromEntries(
      ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'].flatMap((name) =>
        process.env[name] ? [[name, process.env[name] as string]] : [],
      ),
    ),
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}
